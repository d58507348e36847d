// The table of one variant's vectorised kernels (internal to CKernels).
#ifndef LABRUN_KERNEL_TABLE_H
#define LABRUN_KERNEL_TABLE_H

#include "labrun_kernels.h"

#pragma STDC FP_CONTRACT OFF

typedef struct {
  void (*rows_times)(int rows, const int32_t *counts, const int32_t *columns,
                     const float *values, long stride, const float *b,
                     long ldb, int n, float alpha, float beta, float *c,
                     long ldc);
  void (*rows_scatter)(int rows, const int32_t *counts,
                       const int32_t *columns, const float *values,
                       long stride, const float *d, long ldd, int n, float *g,
                       long ldg, uint8_t *touched);
  void (*step)(int rows, int n, float alpha, float beta, float *w, long ldw,
               float *g, long ldg, uint8_t *touched);
  void (*step_momentum)(int rows, int n, float alpha, float mu, float decay,
                        float *w, long ldw, float *v, long ldv, float *g,
                        long ldg, uint8_t *touched);
} lr_kernel_table;

extern const lr_kernel_table lr_portable_kernels;
#if defined(__x86_64__)
extern const lr_kernel_table lr_avx2_kernels;
extern const lr_kernel_table lr_avx512_kernels;
#endif
#if defined(__aarch64__)
extern const lr_kernel_table lr_neon_kernels;
#endif

#endif
