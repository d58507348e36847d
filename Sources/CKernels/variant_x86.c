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
#define PAIR_TILES LR_PAIRS(1) LR_PAIRS(2) LR_PAIRS(3) LR_PAIRS(4)
#define GCOLS 2
#define GRADIENT_TILES LR_COLS_2(1) LR_COLS_2(2) LR_COLS_2(3) LR_COLS_2(4)
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
#undef GCOLS
#undef PAIR_TILES
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

// MARK: - Inked pixels, listed without branches

#include <pthread.h>
#include <string.h>

/// For each 8-bit mask, the positions of its set bits, ascending, in the
/// low bytes (the rest 0x80, which a byte shuffle reads as zero).
static uint64_t inkedPositions[256];
static pthread_once_t inkedPositionsOnce = PTHREAD_ONCE_INIT;

static void fillInkedPositions(void) {
  for (int mask = 0; mask < 256; mask++) {
    uint64_t positions = 0x8080808080808080ull;
    int found = 0;
    for (int k = 0; k < 8; k++)
      if (mask >> k & 1) {
        positions &= ~(0xFFull << (8 * found));
        positions |= (uint64_t)k << (8 * found);
        found++;
      }
    inkedPositions[mask] = positions;
  }
}

/// lr_pixel_terms, eight pixels at a time: the inked ones moved to the
/// front by a byte shuffle, then all eight columns and values stored and
/// the count advanced by the inked ones (so `list` and `values` need room
/// for width + 8 entries). The same values as the scalar listing:
/// (float)pixel · (1/255), one rounding.
__attribute__((target("avx2"))) int lr_avx2_pixel_terms(
    const uint8_t *image, int width, int32_t *list, float *values) {
  pthread_once(&inkedPositionsOnce, fillInkedPositions);
  const float scale = 1.0f / 255.0f;
  const __m256 scale8 = _mm256_set1_ps(scale);
  const __m128i zero = _mm_setzero_si128();
  int count = 0, j0 = 0;
  for (; j0 + 8 <= width; j0 += 8) {
    uint64_t word;
    memcpy(&word, image + j0, 8);
    __m128i bytes = _mm_cvtsi64_si128((long long)word);
    unsigned mask =
        ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)) & 0xFFu;
    __m128i positions = _mm_cvtsi64_si128((long long)inkedPositions[mask]);
    __m128i inked = _mm_shuffle_epi8(bytes, positions);
    __m256i columns = _mm256_add_epi32(_mm256_cvtepu8_epi32(positions),
                                       _mm256_set1_epi32(j0));
    __m256 scaled =
        _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(inked)), scale8);
    _mm256_storeu_si256((__m256i *)(list + count), columns);
    _mm256_storeu_ps(values + count, scaled);
    count += __builtin_popcount(mask);
  }
  for (int j = j0; j < width; j++) {
    list[count] = j;
    values[count] = (float)image[j] * scale;
    count += image[j] != 0;
  }
  return count;
}

// MARK: - AVX-512F

#define V __m512
#define LANES 16
#define ROWS 6
#define BLOCK 2
#define GBLOCK 2
#define TILES LR_ROWS_6(1) LR_ROWS_6(2)
#define PAIR_TILES LR_PAIRS(1) LR_PAIRS(2)
#define GCOLS 4  // four rows of W at once: two took 1.17x the time
#define GRADIENT_TILES LR_COLS_4(1) LR_COLS_4(2)
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
