// The x86-64 variants: AVX2 with FMA (8 lanes) and AVX-512F (16 lanes),
// each compiled for its instructions alone and chosen at run time.
#if defined(__x86_64__)
#include <immintrin.h>

#include "table.h"
#include "tiles.h"

// MARK: - AVX2 + FMA

#define V __m256
#define LANES 8
#define ROWS 5  // 5 × 2 tiles: a batch of 10 in two, measured faster than 6
#define BLOCK 2
#define GBLOCK 4
#define TILES LR_ROWS_5(1) LR_ROWS_5(2)
#define GRADIENT_TILES LR_PAIRS(1) LR_PAIRS(2) LR_PAIRS(3) LR_PAIRS(4)
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm256_mul_ps((a), (b))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define FN(name) avx2_##name
#define TARGET __attribute__((target("avx2,fma")))
#define TABLE lr_avx2_kernels

#include "products.inc"

#undef V
#undef LANES
#undef ROWS
#undef BLOCK
#undef GBLOCK
#undef TILES
#undef GRADIENT_TILES
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA
#undef VMUL
#undef VADD
#undef FN
#undef TARGET
#undef TABLE

// MARK: - AVX-512F

#define V __m512
#define LANES 16
#define ROWS 6
#define BLOCK 2
#define GBLOCK 2
#define TILES LR_ROWS_6(1) LR_ROWS_6(2)
#define GRADIENT_TILES LR_PAIRS(1) LR_PAIRS(2)
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm512_mul_ps((a), (b))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define FN(name) avx512_##name
#define TARGET __attribute__((target("avx512f")))
#define TABLE lr_avx512_kernels

#include "products.inc"

#endif
