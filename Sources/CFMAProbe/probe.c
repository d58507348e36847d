// Each chain is acc = acc · m + c with m < 1: it settles near c / (1 − m)
// and never overflows or goes subnormal, so every FMA runs at full speed.
#include "fma_probe.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

static const float multiplier = 0.999f, addend = 0.001f;

static float scalar_run(long rounds) {
  float acc[FMA_PROBE_CHAINS];
  for (int i = 0; i < FMA_PROBE_CHAINS; i++) acc[i] = (float)i;
  for (long r = 0; r < rounds; r++)
    for (int i = 0; i < FMA_PROBE_CHAINS; i++)
      acc[i] = fmaf(acc[i], multiplier, addend);
  float sum = 0;
  for (int i = 0; i < FMA_PROBE_CHAINS; i++) sum += acc[i];
  return sum;
}

#if defined(__x86_64__)
#define VECTOR_RUN(NAME, TARGET, V, SET1, FMA, STORE, LANES)                 \
  __attribute__((target(TARGET))) static float NAME(long rounds) {           \
    V acc[FMA_PROBE_CHAINS];                                                 \
    V m = SET1(multiplier), c = SET1(addend);                                \
    for (int i = 0; i < FMA_PROBE_CHAINS; i++) acc[i] = SET1((float)i);      \
    for (long r = 0; r < rounds; r++)                                        \
      for (int i = 0; i < FMA_PROBE_CHAINS; i++) acc[i] = FMA(acc[i], m, c); \
    float lanes[LANES], sum = 0;                                             \
    for (int i = 0; i < FMA_PROBE_CHAINS; i++) {                             \
      STORE(lanes, acc[i]);                                                  \
      for (int k = 0; k < LANES; k++) sum += lanes[k];                       \
    }                                                                        \
    return sum;                                                              \
  }
VECTOR_RUN(avx2_run, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps,
           _mm256_storeu_ps, 8)
VECTOR_RUN(avx512_run, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps,
           _mm512_storeu_ps, 16)
#undef VECTOR_RUN
#endif

#if defined(__aarch64__)
static float neon_run(long rounds) {
  float32x4_t acc[FMA_PROBE_CHAINS];
  float32x4_t m = vdupq_n_f32(multiplier), c = vdupq_n_f32(addend);
  for (int i = 0; i < FMA_PROBE_CHAINS; i++) acc[i] = vdupq_n_f32((float)i);
  for (long r = 0; r < rounds; r++)
    for (int i = 0; i < FMA_PROBE_CHAINS; i++)
      acc[i] = vfmaq_f32(c, acc[i], m);
  float sum = 0;
  for (int i = 0; i < FMA_PROBE_CHAINS; i++) sum += vaddvq_f32(acc[i]);
  return sum;
}
#endif

float fma_probe_run(int lanes, long rounds) {
  switch (lanes) {
#if defined(__x86_64__)
  case 8: return avx2_run(rounds);
  case 16: return avx512_run(rounds);
#elif defined(__aarch64__)
  case 4: return neon_run(rounds);
#endif
  default: return scalar_run(rounds);
  }
}
