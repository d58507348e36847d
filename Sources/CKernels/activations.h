// The activations' element-wise loops and the float exponential they are
// built from (internal to CKernels), inlined into each variant's kernels
// so that a compiler vectorises them at that variant's width. Every
// element is computed on its own from +, ×, division and bit operations,
// so its bits do not depend on the width; no loop here sums across
// elements except softmax's, which stays in order.
#ifndef LABRUN_ACTIVATIONS_H
#define LABRUN_ACTIVATIONS_H

#include <string.h>

#include "labrun_kernels.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

// Reinterpreting bits through a union: defined in C, and free once
// compiled.
typedef union { float f; uint32_t u; } float_word;
static inline uint32_t float_bits(float x) { return (float_word){.f = x}.u; }
static inline float bits_float(uint32_t u) { return (float_word){.u = u}.f; }
#define LR_INLINE static inline __attribute__((always_inline))

LR_INLINE float lr_expf_inline(float x) {
  float v = x;
  v = v < -87.3f ? -87.3f : v;  // e^-87.3 is just above the smallest normal
  v = v > 88.3f ? 88.3f : v;    // keeps n ≤ 127, so 2ⁿ stays finite
  // n = round(v / ln 2): adding 1.5·2²³ rounds to an integer, which then
  // sits in the low bits of the mantissa.
  const float magic = 12582912.0f;
  float shifted = v * 1.442695041f + magic;
  float n = shifted - magic;
  // r = v − n ln 2 (ln 2 split in two for precision), |r| ≤ ln 2 / 2.
  float r = (v - n * 0.693145752f) - n * 1.42860677e-6f;
  // e^r by its Taylor polynomial to degree 6 (error below 2⁻²³ here).
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2ⁿ from its exponent bits, without a float→int conversion.
  float twoToN =
      bits_float((float_bits(shifted) - float_bits(magic) + 127u) << 23);
  return p * twoToN;
}

LR_INLINE float lr_sigmoidf_inline(float x) {
  return 1.0f / (1.0f + lr_expf_inline(-x));
}

// The bodies of lr_bias_activate, lr_map_bias_activate and
// lr_activation_derivative (labrun_kernels.h describes them).

// a = f(z) for n values of a hidden activation; softmax's values pass
// unchanged (its rows are lr_bias_activate_rows's).
LR_INLINE void lr_activate(lr_activation activation, const float *z, float *a,
                           int n) {
  switch (activation) {
  case LR_SIGMOID:
    for (int j = 0; j < n; j++) a[j] = lr_sigmoidf_inline(z[j]);
    break;
  case LR_RELU:
    for (int j = 0; j < n; j++) a[j] = z[j] > 0 ? z[j] : 0.0f;
    break;
  case LR_TANH:
    for (int j = 0; j < n; j++) a[j] = lr_tanhf(z[j]);
    break;
  case LR_SOFTMAX:
    memcpy(a, z, sizeof(float) * n);
    break;
  }
}

LR_INLINE void lr_bias_activate_rows(lr_activation activation, float *z,
                                     float *a, long ld, const float *bias,
                                     int rows, int n) {
  for (int r = 0; r < rows; r++) {
    float *zr = z + r * ld, *ar = a + r * ld;
    for (int j = 0; j < n; j++) zr[j] = zr[j] + bias[j];
    if (activation != LR_SOFTMAX) {
      lr_activate(activation, zr, ar, n);
      continue;
    }
    float largest = -1.0f / 0.0f;
    for (int j = 0; j < n; j++) largest = zr[j] > largest ? zr[j] : largest;
    float sum = 0;
    for (int j = 0; j < n; j++) {
      ar[j] = lr_expf_inline(zr[j] - largest);
      sum = sum + ar[j];
    }
    float scale = 1.0f / sum;
    for (int j = 0; j < n; j++) ar[j] = ar[j] * scale;
  }
}

LR_INLINE void lr_map_bias_activate_maps(lr_activation activation,
                                         const float *s, long lds, float *z,
                                         float *a, const float *bias, int maps,
                                         int positions) {
  for (int f = 0; f < maps; f++) {
    const float *sf = s + f * lds;
    float *zf = z + (long)f * positions, *af = a + (long)f * positions;
    float b = bias[f];
    for (int p = 0; p < positions; p++) zf[p] = sf[p] + b;
    lr_activate(activation, zf, af, positions);
  }
}

LR_INLINE void lr_activation_derivative_rows(lr_activation activation,
                                             float *delta, const float *z,
                                             const float *a, long ld, int rows,
                                             int n) {
  for (int r = 0; r < rows; r++) {
    float *d = delta + r * ld;
    const float *zr = z + r * ld, *ar = a + r * ld;
    switch (activation) {
    case LR_SIGMOID:  // σ′ = σ(1 − σ)
      for (int j = 0; j < n; j++) d[j] = d[j] * (ar[j] * (1.0f - ar[j]));
      break;
    case LR_RELU:  // 1 where z > 0
      for (int j = 0; j < n; j++) d[j] = zr[j] > 0 ? d[j] : 0.0f;
      break;
    case LR_TANH:  // 1 − tanh²
      for (int j = 0; j < n; j++) d[j] = d[j] * (1.0f - ar[j] * ar[j]);
      break;
    case LR_SOFTMAX:  // an output activation only: the output delta has it
      break;
    }
  }
}

#endif
