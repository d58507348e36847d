// Which variants this build and CPU have, and the entry points that send
// each call to the variant its caller chose.
#include <stdlib.h>
#include <string.h>

#include "table.h"

#if defined(__x86_64__)
// The CPU check needs the OS to save the wide registers, which
// __builtin_cpu_supports takes into account (it reads XCR0 through cpuid).
static int has_avx2(void) {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
// The AVX-512 variant lists pixels with AVX2 (every such CPU has it).
static int has_avx512(void) {
  return __builtin_cpu_supports("avx512f") && has_avx2();
}
#endif

int lr_variant_available(lr_variant variant) {
  switch (variant) {
  case LR_VARIANT_PORTABLE:
    return 1;
#if defined(__x86_64__)
  case LR_VARIANT_AVX2:
    return has_avx2();
  case LR_VARIANT_AVX512:
    return has_avx512();
#endif
#if defined(__aarch64__)
  case LR_VARIANT_NEON:
    return 1;  // Advanced SIMD is part of every arm64 CPU
#endif
  default:
    return 0;
  }
}

lr_variant lr_best_variant(void) {
  static const lr_variant fastestFirst[] = {
      LR_VARIANT_AVX512, LR_VARIANT_AVX2, LR_VARIANT_NEON};
  for (unsigned i = 0; i < sizeof fastestFirst / sizeof *fastestFirst; i++)
    if (lr_variant_available(fastestFirst[i])) return fastestFirst[i];
  return LR_VARIANT_PORTABLE;
}

const char *lr_variant_name(lr_variant variant) {
  switch (variant) {
  case LR_VARIANT_PORTABLE: return "portable";
  case LR_VARIANT_AVX2: return "avx2";
  case LR_VARIANT_AVX512: return "avx512";
  case LR_VARIANT_NEON: return "neon";
  }
  return "unknown";
}

static _Atomic int defaultVariant = -1;  // -1: not chosen yet

lr_variant lr_default_variant(void) {
  int variant = defaultVariant;
  if (variant >= 0) return (lr_variant)variant;
  // LABRUN_KERNELS, when it names a variant this CPU runs (labrun itself
  // refuses any other value with an error before it gets here).
  const char *name = getenv("LABRUN_KERNELS");
  variant = lr_best_variant();
  for (int v = 0; name && v < LR_VARIANT_COUNT; v++)
    if (strcmp(name, lr_variant_name((lr_variant)v)) == 0 &&
        lr_variant_available((lr_variant)v))
      variant = v;
  defaultVariant = variant;
  return (lr_variant)variant;
}

void lr_set_default_variant(lr_variant variant) {
  defaultVariant = (int)variant;
}

/// The table of `variant`, or the portable one if this CPU lacks it (the
/// callers check availability first; this keeps a wrong value harmless).
static const lr_kernel_table *table(int variant) {
  if (!lr_variant_available((lr_variant)variant)) return &lr_portable_kernels;
  switch (variant) {
#if defined(__x86_64__)
  case LR_VARIANT_AVX2: return &lr_avx2_kernels;
  case LR_VARIANT_AVX512: return &lr_avx512_kernels;
#endif
#if defined(__aarch64__)
  case LR_VARIANT_NEON: return &lr_neon_kernels;
#endif
  default: return &lr_portable_kernels;
  }
}

void lr_block_times(int variant, int rows, const int32_t *list, int count,
                    const float *at, const float *b, long ldb, int n,
                    float alpha, float *c, long ldc) {
  table(variant)->block_times(rows, list, count, at, b, ldb, n, alpha, 1, 1,
                              c, ldc);
}

void lr_block_times_stretch(int variant, int rows, const int32_t *list,
                            int count, const float *at, const float *b,
                            long ldb, int n, float alpha, int begins,
                            int ends, float *c, long ldc) {
  table(variant)->block_times(rows, list, count, at, b, ldb, n, alpha,
                              begins != 0, ends != 0, c, ldc);
}

void lr_block_times_bt(int variant, int rows, const int32_t *list,
                       int count, const float *at, const float *b, long ldb,
                       int n, float alpha, float *c, long ldc) {
  table(variant)->block_times_bt(rows, list, count, at, b, ldb, n, alpha, c,
                                 ldc);
}

void lr_block_gradient(int variant, int rows, const int32_t *list, int count,
                       const float *at, const float *d, long ldd, int n,
                       float *g, long ldg, uint8_t *flags, float alpha,
                       float beta, float *w, long ldw) {
  table(variant)->block_gradient(rows, list, count, at, d, ldd, n, g, ldg,
                                 flags, alpha, beta, w, ldw);
}

void lr_step(int variant, int rows, int n, float alpha, float beta, float *w,
             long ldw, float *g, long ldg, uint8_t *touched) {
  table(variant)->step(rows, n, alpha, beta, w, ldw, g, ldg, touched);
}

void lr_step_momentum(int variant, int rows, int n, float alpha, float mu,
                      float decay, float *w, long ldw, float *v, long ldv,
                      float *g, long ldg, uint8_t *touched) {
  table(variant)->step_momentum(rows, n, alpha, mu, decay, w, ldw, v, ldv, g,
                                ldg, touched);
}

void lr_times(int variant, int rows, int k, const float *a, long lda,
              const float *b, long ldb, int n, int accumulate, float *c,
              long ldc) {
  table(variant)->times(rows, k, a, lda, b, ldb, n, accumulate, c, ldc);
}

void lr_rows_times(int variant, int rows, const int32_t *counts,
                   const int32_t *lists, const float *values, long ldl,
                   const float *b, long ldb, int n, float alpha, float *c,
                   long ldc) {
  table(variant)->rows_times(rows, counts, lists, values, ldl, b, ldb, n,
                             alpha, c, ldc);
}

void lr_bias_activate(int variant, lr_activation activation, float *z,
                      float *a, long ld, const float *bias, int rows, int n) {
  table(variant)->bias_activate(activation, z, a, ld, bias, rows, n);
}

void lr_map_bias_activate(int variant, lr_activation activation,
                          const float *s, long lds, float *z, float *a,
                          const float *bias, int maps, int positions) {
  table(variant)->map_bias_activate(activation, s, lds, z, a, bias, maps,
                                    positions);
}

void lr_activation_derivative(int variant, lr_activation activation,
                              float *delta, const float *z, const float *a,
                              long ld, int rows, int n) {
  table(variant)->activation_derivative(activation, delta, z, a, ld, rows, n);
}

void lr_pixel_rows_times(int variant, int rows, const uint8_t *pixels,
                         const int32_t *images, int width, int32_t *list,
                         float *values, const float *b, long ldb, int n,
                         float *c, long ldc) {
  const lr_kernel_table *kernels = table(variant);
  int (*terms)(const uint8_t *, int, int32_t *, float *) = lr_pixel_terms;
#if defined(__x86_64__)
  if ((variant == LR_VARIANT_AVX2 || variant == LR_VARIANT_AVX512) &&
      lr_variant_available((lr_variant)variant))
    terms = lr_avx2_pixel_terms;
#endif
  long ldl = (long)width + 8;
  for (int r = 0; r < rows; r += 2) {
    int two = r + 1 < rows ? 2 : 1;
    int32_t counts[2];
    for (int i = 0; i < two; i++)
      counts[i] = terms(pixels + (long)images[r + i] * width, width,
                        list + i * ldl, values + i * ldl);
    kernels->rows_times(two, counts, list, values, ldl, b, ldb, n, 1.0f,
                        c + r * ldc, ldc);
  }
}
