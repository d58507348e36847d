// The kernels every variant shares: listing non-zero entries, sums,
// activations, costs and the element-wise maths they are built from.
//
// Nothing here reorders a sum: a loop that a compiler vectorises computes
// each element on its own, so its bits do not depend on the vector width.
#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "activations.h"
#include "table.h"


// MARK: - Blocks of rows and the columns they use

/// Pixels j0 ..< j0 + size (size ≤ 8) of the images `images[0..<rows]`
/// (each `width` bytes of `pixels`) as one word each:
/// byte k of words[r] is pixel j0 + k of image r (x86-64 and arm64 are both
/// little-endian); words past `rows` are zero. Returns the words' union.
static inline uint64_t pixel_words(const uint8_t *pixels,
                                   const int32_t *images, int width,
                                   int rows, int j0, int size,
                                   uint64_t *words) {
  uint64_t any = 0;
  for (int r = 0; r < 16; r++) words[r] = 0;
  for (int r = 0; r < rows; r++) {
    const uint8_t *at = pixels + (long)images[r] * width + j0;
    uint64_t word = 0;
    if (size == 8)
      memcpy(&word, at, 8);  // one load
    else
      memcpy(&word, at, (size_t)size);
    words[r] = word;
    any |= word;
  }
  return any;
}

/// The columns j0 ..< j0 + size of a block from its words, one value at a
/// time; returns the new count.
static inline int pixel_columns(const uint64_t *words, uint64_t any,
                                int rows, int j0, int size, int count,
                                int32_t *list, float *at) {
  for (int k = 0; k < size; k++) {
    float *column = at + (long)count * LR_BLOCK_ROWS;
    for (int r = 0; r < rows; r++)
      column[r] = (float)((words[r] >> (8 * k)) & 0xFF) * (1.0f / 255.0f);
    list[count] = j0 + k;
    count += ((any >> (8 * k)) & 0xFF) != 0;
  }
  return count;
}

#if !defined(__x86_64__)
/// lr_block_pixels in plain C (x86-64 has sse2_block_pixels below).
static int block_pixels(const uint8_t *pixels, const int32_t *images,
                        int rows, int width, int32_t *list, float *at) {
  int count = 0;
  for (int j0 = 0; j0 < width; j0 += 8) {
    int size = width - j0 < 8 ? width - j0 : 8;
    // Eight pixels of every image at once, kept in registers.
    uint64_t words[16];
    uint64_t any = pixel_words(pixels, images, width, rows, j0, size, words);
    // Every column is written; only those some image inks are kept.
    if (any) count = pixel_columns(words, any, rows, j0, size, count, list, at);
  }
  return count;
}
#endif

/// The inked pixels of one image: their columns into list, ascending, and
/// their values (float)pixel · (1/255) into values[t · stride]; returns
/// how many. list and values need room for `width` entries.
static int inked_pixels(const uint8_t *image, int width, int32_t *list,
                        float *values, long stride) {
  const float scale = 1.0f / 255.0f;  // as lr_block_pixels scales
  int count = 0, j0 = 0;
#if defined(__x86_64__)
  // Sixteen pixels compared with zero at once; only the inked ones listed.
  const __m128i zero = _mm_setzero_si128();
  for (; j0 + 16 <= width; j0 += 16) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)(image + j0));
    unsigned inked =
        ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)) & 0xFFFFu;
    while (inked) {
      int k = __builtin_ctz(inked);
      inked &= inked - 1;
      list[count] = j0 + k;
      values[count * stride] = (float)image[j0 + k] * scale;
      count++;
    }
  }
#endif
  for (int j = j0; j < width; j++) {
    list[count] = j;
    values[count * stride] = (float)image[j] * scale;
    count += image[j] != 0;
  }
  return count;
}

#if defined(__x86_64__)
/// Column k of sixteen rows of eight bytes (r[i]'s low 8 bytes) in t[k]:
/// a 16×8 byte transpose in SSE2.
static inline __attribute__((always_inline)) void transpose16x8(
    const __m128i *r, __m128i *t) {
  __m128i a[8], b[8], c[8];
  for (int i = 0; i < 8; i++) a[i] = _mm_unpacklo_epi8(r[2 * i], r[2 * i + 1]);
  for (int i = 0; i < 4; i++) {
    b[2 * i] = _mm_unpacklo_epi16(a[2 * i], a[2 * i + 1]);
    b[2 * i + 1] = _mm_unpackhi_epi16(a[2 * i], a[2 * i + 1]);
  }
  // c[0..3]: columns (0, 1), (2, 3), (4, 5), (6, 7) of rows 0-7; c[4..7]
  // the same of rows 8-15.
  for (int h = 0; h < 2; h++) {
    __m128i *ch = c + 4 * h;
    const __m128i *bh = b + 4 * h;
    ch[0] = _mm_unpacklo_epi32(bh[0], bh[2]);
    ch[1] = _mm_unpackhi_epi32(bh[0], bh[2]);
    ch[2] = _mm_unpacklo_epi32(bh[1], bh[3]);
    ch[3] = _mm_unpackhi_epi32(bh[1], bh[3]);
  }
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm_unpacklo_epi64(c[i], c[4 + i]);
    t[2 * i + 1] = _mm_unpackhi_epi64(c[i], c[4 + i]);
  }
}

/// The body of lr_block_pixels on x86-64 (SSE2, AVX2 or AVX-512F): eight
/// pixels of each row loaded straight into a register (a round trip through memory
/// stalled on forwarding 8-byte stores to 16-byte loads), transposed into
/// columns of up to 16 rows, and each column stored by STORE_COLUMN(column,
/// bytes) as (float)pixel · (1/255), the same values as the plain loop.
#define LR_BLOCK_PIXELS_BODY(STORE_COLUMN)                                   \
  const uint8_t *image[16];                                                  \
  for (int r = 0; r < rows; r++) image[r] = pixels + (long)images[r] * width;\
  int count = 0, j0 = 0;                                                     \
  for (; j0 + 8 <= width; j0 += 8) {                                         \
    __m128i r[16], any = _mm_setzero_si128();                                \
    for (int i = 0; i < 16; i++) {                                           \
      r[i] = i < rows ? _mm_loadl_epi64((const __m128i *)(image[i] + j0))    \
                      : _mm_setzero_si128();                                 \
      any = _mm_or_si128(any, r[i]);                                         \
    }                                                                        \
    uint64_t inked = (uint64_t)_mm_cvtsi128_si64(any);                       \
    if (inked == 0) continue;                                                \
    __m128i t[8];                                                            \
    transpose16x8(r, t);                                                     \
    for (int k = 0; k < 8; k++) {                                            \
      STORE_COLUMN(at + (long)count * LR_BLOCK_ROWS, t[k]);                  \
      list[count] = j0 + k;                                                  \
      count += ((inked >> (8 * k)) & 0xFF) != 0;                             \
    }                                                                        \
  }                                                                          \
  if (j0 < width) {                                                          \
    uint64_t words[16];                                                      \
    uint64_t any =                                                           \
        pixel_words(pixels, images, width, rows, j0, width - j0, words);     \
    if (any)                                                                 \
      count = pixel_columns(words, any, rows, j0, width - j0, count, list,   \
                            at);                                             \
  }                                                                          \
  return count;

/// lr_block_pixels with SSE2, part of every x86-64 CPU: a column's rows
/// widened and converted four at a time.
static int sse2_block_pixels(const uint8_t *pixels, const int32_t *images,
                             int rows, int width, int32_t *list, float *at) {
  const __m128 scale4 = _mm_set1_ps(1.0f / 255.0f);
  const __m128i zero = _mm_setzero_si128();
#define FOUR(words16) _mm_mul_ps(_mm_cvtepi32_ps(words16), scale4)
#define STORE_COLUMN(column, bytes)                                          \
  {                                                                          \
    __m128i low = _mm_unpacklo_epi8((bytes), zero);                          \
    _mm_storeu_ps((column), FOUR(_mm_unpacklo_epi16(low, zero)));            \
    _mm_storeu_ps((column) + 4, FOUR(_mm_unpackhi_epi16(low, zero)));        \
    if (rows > 8)                                                            \
      _mm_storeu_ps((column) + 8, FOUR(_mm_unpacklo_epi16(                   \
                                      _mm_unpackhi_epi8((bytes), zero),      \
                                      zero)));                               \
  }
  LR_BLOCK_PIXELS_BODY(STORE_COLUMN)
#undef STORE_COLUMN
#undef FOUR
}

/// lr_block_pixels with AVX2: rows 0-7 of a column widened and converted
/// in one instruction each, rows 8-11 in a second.
__attribute__((target("avx2"))) static int avx2_block_pixels(
    const uint8_t *pixels, const int32_t *images, int rows, int width,
    int32_t *list, float *at) {
  const __m256 scale8 = _mm256_set1_ps(1.0f / 255.0f);
  const __m128 scale4 = _mm_set1_ps(1.0f / 255.0f);
#define STORE_COLUMN(column, bytes)                                          \
  _mm256_storeu_ps(                                                          \
      (column),                                                              \
      _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)), scale8)); \
  if (rows > 8)                                                              \
    _mm_storeu_ps((column) + 8,                                              \
                  _mm_mul_ps(_mm_cvtepi32_ps(_mm_cvtepu8_epi32(              \
                                 _mm_srli_si128((bytes), 8))),               \
                             scale4));
  LR_BLOCK_PIXELS_BODY(STORE_COLUMN)
#undef STORE_COLUMN
}

/// lr_block_pixels with AVX-512F: a column's rows converted at once and
/// stored under a mask of its `rows` values.
__attribute__((target("avx512f"))) static int avx512_block_pixels(
    const uint8_t *pixels, const int32_t *images, int rows, int width,
    int32_t *list, float *at) {
  const __m512 scale16 = _mm512_set1_ps(1.0f / 255.0f);
  const __mmask16 used = (__mmask16)((1u << rows) - 1);
#define STORE_COLUMN(column, bytes)                                          \
  _mm512_mask_storeu_ps(                                                     \
      (column), used,                                                        \
      _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes)), scale16));
  LR_BLOCK_PIXELS_BODY(STORE_COLUMN)
#undef STORE_COLUMN
}
#endif

int lr_block_pixels(int variant, const uint8_t *pixels, const int32_t *images,
                    int rows, int width, int32_t *list, float *at) {
  // A block of one image (a batch of 1): its inked pixels, with no
  // transpose of rows that are not there.
  if (rows == 1)
    return inked_pixels(pixels + (long)images[0] * width, width, list, at,
                        LR_BLOCK_ROWS);
#if defined(__x86_64__)
  if (variant == LR_VARIANT_AVX512 && lr_variant_available(LR_VARIANT_AVX512))
    return avx512_block_pixels(pixels, images, rows, width, list, at);
  if (variant == LR_VARIANT_AVX2 && lr_variant_available(LR_VARIANT_AVX2))
    return avx2_block_pixels(pixels, images, rows, width, list, at);
  return sse2_block_pixels(pixels, images, rows, width, list, at);
#else
  (void)variant;
  return block_pixels(pixels, images, rows, width, list, at);
#endif
}

int lr_pixel_terms(const uint8_t *image, int width, int32_t *list,
                   float *values) {
  return inked_pixels(image, width, list, values, 1);
}

void lr_pixel_rows(const uint8_t *pixels, const int32_t *images, int rows,
                   int width, float *restrict x, long ldx) {
  const float scale = 1.0f / 255.0f;  // as lr_block_pixels scales
  for (int r = 0; r < rows; r++) {
    const uint8_t *restrict image = pixels + (long)images[r] * width;
    float *restrict row = x + r * ldx;
    for (int j = 0; j < width; j++) row[j] = (float)image[j] * scale;
  }
}

#if defined(__x86_64__)
// Four rows of four floats transposed in registers (SSE2, part of every
// x86-64 CPU): v[k] becomes column k.
static inline void transpose4(__m128 v[4]) {
  __m128 low01 = _mm_unpacklo_ps(v[0], v[1]),
         high01 = _mm_unpackhi_ps(v[0], v[1]),
         low23 = _mm_unpacklo_ps(v[2], v[3]),
         high23 = _mm_unpackhi_ps(v[2], v[3]);
  v[0] = _mm_movelh_ps(low01, low23);
  v[1] = _mm_movehl_ps(low23, low01);
  v[2] = _mm_movelh_ps(high01, high23);
  v[3] = _mm_movehl_ps(high23, high01);
}
#endif

int lr_block_rows(const float *restrict x, long ldx, int rows, int width,
                  int32_t *restrict list, float *restrict at) {
  int count = 0, j = 0;
#if defined(__x86_64__)
  // Four columns at a time (SSE2, part of every x86-64 CPU): each group of
  // four rows transposed in registers, and the columns some row uses
  // (NaN != 0 too) found by comparing every value with zero at once.
  const __m128 zero = _mm_setzero_ps();
  for (; j + 4 <= width; j += 4) {
    __m128 column[LR_BLOCK_ROWS / 4][4];
    __m128 used = zero;
    // All three groups, rows past `rows` as +0: fixed loops, unrolled
    // into registers (the slot of a column holds LR_BLOCK_ROWS floats).
    for (int g = 0; g < LR_BLOCK_ROWS / 4; g++) {
      __m128 v[4];
      for (int i = 0; i < 4; i++) {
        int r = 4 * g + i;
        v[i] = r < rows ? _mm_loadu_ps(x + r * ldx + j) : zero;
        used = _mm_or_ps(used, _mm_cmpneq_ps(v[i], zero));
      }
      transpose4(v);
      for (int k = 0; k < 4; k++) column[g][k] = v[k];
    }
    int mask = _mm_movemask_ps(used);
    for (int k = 0; k < 4; k++) {
      float *to = at + (long)count * LR_BLOCK_ROWS;
      for (int g = 0; g < LR_BLOCK_ROWS / 4; g++)
        _mm_storeu_ps(to + 4 * g, column[g][k]);
      list[count] = j + k;
      count += mask >> k & 1;
    }
  }
#endif
  for (; j < width; j++) {
    float *column = at + (long)count * LR_BLOCK_ROWS;
    int used = 0;
    for (int r = 0; r < rows; r++) {
      float value = x[r * ldx + j];
      column[r] = value;
      used |= value != 0;  // NaN != 0: kept
    }
    list[count] = j;
    count += used;
  }
  return count;
}

// MARK: - Sums and copies

void lr_column_sums(int rows, const float *d, long ldd, int n, float *gb) {
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < n; j++) gb[j] = gb[j] + d[r * ldd + j];
}

void lr_transpose(int rows, int columns, const float *src, long lds,
                  float *dst, long ldd) {
  // In 16 × 16 tiles: a tile's rows of the destination stay in the L1
  // cache while it is written (a whole column at a time strode through
  // every row of a large destination, one cache line per element).
  enum { TILE = 16 };
  for (int i0 = 0; i0 < rows; i0 += TILE) {
    int i1 = i0 + TILE < rows ? i0 + TILE : rows;
    for (int j0 = 0; j0 < columns; j0 += TILE) {
      int j1 = j0 + TILE < columns ? j0 + TILE : columns;
      int i = i0;
#if defined(__x86_64__)
      // Four rows at a time, in 4 × 4 blocks transposed in registers.
      for (; i + 4 <= i1; i += 4) {
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
          __m128 v[4];
          for (int k = 0; k < 4; k++) v[k] = _mm_loadu_ps(src + (i + k) * lds + j);
          transpose4(v);
          for (int k = 0; k < 4; k++) _mm_storeu_ps(dst + (j + k) * ldd + i, v[k]);
        }
        for (; j < j1; j++)
          for (int k = 0; k < 4; k++) dst[j * ldd + i + k] = src[(i + k) * lds + j];
      }
#endif
      for (; i < i1; i++)
        for (int j = j0; j < j1; j++) dst[j * ldd + i] = src[i * lds + j];
    }
  }
}

int lr_all_finite(const float *x, long count) {
  // Infinities and NaNs are the floats whose exponent bits are all ones.
  const uint32_t exponent = 0x7F800000u;
  uint32_t all = 0;
  for (long i = 0; i < count; i++) {
    uint32_t bits;
    memcpy(&bits, x + i, sizeof bits);
    all |= (bits & exponent) == exponent;
  }
  return all == 0;
}

double lr_sum_squares(const float *x, long count) {
  double partial[16] = {0};
  long i = 0;
  for (; i + 16 <= count; i += 16)
    for (int lane = 0; lane < 16; lane++) {
      double value = x[i + lane];
      partial[lane] = partial[lane] + value * value;  // exact square
    }
  for (; i < count; i++) {
    double value = x[i];
    partial[i % 16] = partial[i % 16] + value * value;
  }
  double sum = 0;
  for (int lane = 0; lane < 16; lane++) sum = sum + partial[lane];
  return sum;
}

// MARK: - Element-wise maths

typedef union { double d; uint64_t u; } double_word;
static inline uint64_t double_bits(double x) { return (double_word){.d = x}.u; }
static inline double bits_double(uint64_t u) { return (double_word){.u = u}.d; }

float lr_expf(float x) { return lr_expf_inline(x); }

float lr_sigmoidf(float x) { return lr_sigmoidf_inline(x); }

static const double ln2Hi = 6.93147180369123816490e-01;  // 32 bits: n·hi exact
static const double ln2Lo = 1.90821492927058770002e-10;

double lr_exp(double x) {
  if (x != x) return x;
  if (x > 709.78) return 1.0 / 0.0;
  if (x < -708.39) return 0.0;  // below the smallest normal double
  // n = round(x / ln 2) by the 1.5·2⁵² trick, then r = x − n ln 2.
  const double magic = 6755399441055744.0;
  double shifted = x * 1.4426950408889634 + magic;
  double n = shifted - magic;
  double r = (x - n * ln2Hi) - n * ln2Lo;  // |r| ≤ 0.347
  // e^r by Taylor to degree 13: the next term is below 2⁻⁵⁵ of the sum.
  static const double inverseFactorial[] = {
      1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0,
      1.0 / 3628800.0,    1.0 / 362880.0,    1.0 / 40320.0,
      1.0 / 5040.0,       1.0 / 720.0,       1.0 / 120.0,
      1.0 / 24.0,         1.0 / 6.0,         0.5,
      1.0,                1.0};
  double p = inverseFactorial[0];
  for (int i = 1; i < 14; i++) p = p * r + inverseFactorial[i];
  int64_t exponent = (int64_t)(double_bits(shifted) - double_bits(magic));
  // 2ⁿ for n in [-1022, 1023]; n = 1024 (x near 709.78) as 2¹⁰²³ · 2.
  if (exponent > 1023) return p * bits_double((uint64_t)(1023 + 1023) << 52) * 2.0;
  return p * bits_double((uint64_t)(exponent + 1023) << 52);
}

double lr_log(double x) {
  if (x != x || x < 0) return 0.0 / 0.0;
  if (x == 0) return -1.0 / 0.0;
  if (x == 1.0 / 0.0) return x;
  uint64_t bits = double_bits(x);
  int exponent = (int)(bits >> 52) - 1023;
  if ((bits >> 52) == 0) {  // subnormal: scale into the normal range
    bits = double_bits(x * 18014398509481984.0);  // 2⁵⁴
    exponent = (int)(bits >> 52) - 1023 - 54;
  }
  // m in [1, 2), then in [√½, √2) so that f = m − 1 is small.
  double m = bits_double((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  if (m > 1.4142135623730951) {
    m = m * 0.5;
    exponent += 1;
  }
  double f = m - 1.0;  // exact (Sterbenz)
  // ln m = 2 atanh(s), s = f / (2 + f), |s| ≤ 0.172: the odd series.
  double s = f / (2.0 + f);
  double z = s * s;
  double series = 1.0 / 21.0;
  for (int k = 19; k >= 3; k -= 2) series = series * z + 1.0 / k;
  double logM = 2.0 * s + 2.0 * s * z * series;
  double e = exponent;
  return e * ln2Hi + (e * ln2Lo + logM);
}

float lr_logf(float x) { return (float)lr_log((double)x); }

float lr_tanhf(float x) {
  double t = x < 0 ? -(double)x : (double)x;
  double r;
  if (x != x) return x;
  if (t > 20) {
    r = 1;
  } else if (t < 1e-4) {
    r = t - t * t * t / 3.0;  // the next term, 2t⁵/15, is below 2⁻⁵³ t
  } else {
    double e = lr_exp(2 * t);
    r = (e - 1) / (e + 1);
  }
  return (float)(x < 0 ? -r : r);
}

float lr_softplusf(float x) {
  double value = x;
  double y = lr_exp(value < 0 ? value : -value);  // e^−|x| in (0, 1]
  double u = 1 + y;
  // log1p(y) from log(1 + y): the ratio y / (u − 1) corrects u's rounding.
  double log1p = u == 1 ? y : lr_log(u) * y / (u - 1);
  return (float)((value > 0 ? value : 0) + log1p);
}

double lr_polar_factor(double s) {
  return sqrt(-2.0 * lr_log(s) / s);
}

// MARK: - Output delta and cost

double lr_output_delta_cost(lr_cost cost, lr_activation activation,
                            const float *z, const float *a, float *delta,
                            long ld, const int32_t *labels, int rows, int n) {
  double total = 0;
  for (int r = 0; r < rows; r++) {
    const float *zr = z + r * ld, *ar = a + r * ld;
    float *d = delta + r * ld;
    int label = labels[r];
    float rowCost = 0;
    if (cost == LR_QUADRATIC && activation == LR_SOFTMAX) {
      // ∂C/∂z = Jᵀ(a − y), J_ij = a_i(δ_ij − a_j):
      // a_j [(a_j − y_j) − Σ_i (a_i − y_i) a_i].
      float weighted = 0;
      for (int j = 0; j < n; j++) {
        float error = ar[j] - (j == label ? 1.0f : 0.0f);
        rowCost = rowCost + error * error;
        weighted = weighted + error * ar[j];
      }
      for (int j = 0; j < n; j++) {
        float error = ar[j] - (j == label ? 1.0f : 0.0f);
        d[j] = ar[j] * (error - weighted);
      }
      rowCost = rowCost * 0.5f;
    } else if (cost == LR_QUADRATIC) {
      for (int j = 0; j < n; j++) {
        float error = ar[j] - (j == label ? 1.0f : 0.0f);
        rowCost = rowCost + error * error;
        d[j] = error;
      }
      rowCost = rowCost * 0.5f;
      lr_activation_derivative_rows(activation, d, zr, ar, ld, 1, n);
    } else if (activation == LR_SOFTMAX) {
      // −ln a_label = ln Σ exp(z) − z_label, from z so that a vanishing
      // a_label cannot give ln 0.
      float largest = -1.0f / 0.0f;
      for (int j = 0; j < n; j++) largest = zr[j] > largest ? zr[j] : largest;
      float sum = 0;
      for (int j = 0; j < n; j++) sum = sum + lr_expf(zr[j] - largest);
      float logSum = lr_logf(sum) + largest;
      rowCost = label >= 0 && label < n ? logSum - zr[label] : 0.0f;
      for (int j = 0; j < n; j++) d[j] = ar[j] - (j == label ? 1.0f : 0.0f);
    } else {
      // −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y z.
      for (int j = 0; j < n; j++) {
        float y = j == label ? 1.0f : 0.0f;
        rowCost = rowCost + (lr_softplusf(zr[j]) - y * zr[j]);
        d[j] = ar[j] - y;
      }
    }
    total = total + (double)rowCost;
  }
  return total;
}

void lr_argmax_rows(const float *a, long ld, int rows, int n,
                    uint8_t *predictions) {
  for (int r = 0; r < rows; r++) {
    const float *row = a + r * ld;
    int best = 0;
    for (int j = 1; j < n; j++)
      if (row[j] > row[best]) best = j;
    predictions[r] = (uint8_t)best;
  }
}
