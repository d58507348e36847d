// The arm64 variant: Advanced SIMD, 4 lanes, vfmaq_f32 (fused).
#if defined(__aarch64__)
#include <arm_neon.h>

#include "table.h"
#include "tiles.h"

#define V float32x4_t
#define LANES 4
#define ROWS 6
#define BLOCK 4
#define GBLOCK 4
#define TILES LR_ROWS_6(1) LR_ROWS_6(2) LR_ROWS_6(3) LR_ROWS_6(4)
#define PAIR_TILES LR_PAIRS(1) LR_PAIRS(2) LR_PAIRS(3) LR_PAIRS(4)
#define GCOLS 2
#define GRADIENT_TILES LR_COLS_2(1) LR_COLS_2(2) LR_COLS_2(3) LR_COLS_2(4)
#define VZERO() vdupq_n_f32(0.0f)
#define VLOAD(p) vld1q_f32(p)
#define VSTORE(p, v) vst1q_f32((p), (v))
#define VSET1(x) vdupq_n_f32(x)
#define VFMA(a, b, c) vfmaq_f32((c), (a), (b))
#define VMUL(a, b) vmulq_f32((a), (b))
#define VADD(a, b) vaddq_f32((a), (b))
#define FN(name) neon_##name
#define TARGET
#define TABLE lr_neon_kernels

#include "products.inc"

#endif
