// The table of one variant's vectorised kernels (internal to CKernels).
#ifndef LABRUN_KERNEL_TABLE_H
#define LABRUN_KERNEL_TABLE_H

#include "activations.h"
#include "labrun_kernels.h"

// No a·b + c may become one fused operation behind the code's back: only
// the explicit fmas fuse. (GCC ignores this pragma; builds with GCC pass
// -ffp-contract=off, as Package.swift does for clang too.)
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

typedef struct {
  void (*block_times)(int rows, const int32_t *list, int count,
                      const float *at, const float *b, long ldb, int n,
                      float alpha, int begins, int ends, float *c, long ldc);
  void (*block_times_bt)(int rows, const int32_t *list, int count,
                         const float *at, const float *b, long ldb, int n,
                         float alpha, float *c, long ldc);
  void (*block_gradient)(int rows, const int32_t *list, int count,
                         const float *at, const float *d, long ldd, int n,
                         float *g, long ldg, uint8_t *flags, float alpha,
                         float beta, float *w, long ldw);
  void (*step)(int rows, int n, float alpha, float beta, float *w, long ldw,
               float *g, long ldg, uint8_t *touched);
  void (*step_momentum)(int rows, int n, float alpha, float mu, float decay,
                        float *w, long ldw, float *v, long ldv, float *g,
                        long ldg, uint8_t *touched);
  void (*times)(int rows, int k, const float *a, long lda, const float *b,
                long ldb, int n, int accumulate, float *c, long ldc);
  void (*rows_times)(int rows, const int32_t *counts, const int32_t *lists,
                     const float *values, long ldl, const float *b, long ldb,
                     int n, float alpha, float *c, long ldc);
  void (*bias_activate)(lr_activation activation, float *z, float *a, long ld,
                        const float *bias, int rows, int n);
  void (*map_bias_activate)(lr_activation activation, const float *s,
                            long lds, float *z, float *a, const float *bias,
                            int maps, int positions);
  void (*activation_derivative)(lr_activation activation, float *delta,
                                const float *z, const float *a, long ld,
                                int rows, int n);
} lr_kernel_table;

extern const lr_kernel_table lr_portable_kernels;

#if defined(__x86_64__)
extern const lr_kernel_table lr_avx2_kernels;
extern const lr_kernel_table lr_avx512_kernels;
/// lr_pixel_terms with AVX2 (list and values need width + 8 entries).
int lr_avx2_pixel_terms(const uint8_t *image, int width, int32_t *list,
                        float *values);
#endif
#if defined(__aarch64__)
extern const lr_kernel_table lr_neon_kernels;
#endif

#endif
