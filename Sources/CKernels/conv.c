// The convolution's and max-pooling's data movement: unfolding an input
// into the rows of its filters' taps, folding the taps' gradient back, and
// pooling (the per-map bias and activation sit in shared.c, beside the
// element-wise maths they inline). The products themselves run in
// the variants' lr_times; nothing here reorders a sum.
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "table.h"

// Copies n floats; the short runs of a filter row as fixed-size moves.
static inline void copy_run(float *to, const float *from, int n) {
  switch (n) {
#define RUN(N)                                                             \
  case N:                                                                  \
    memcpy(to, from, sizeof(float) * N);                                   \
    break;
    RUN(1) RUN(2) RUN(3) RUN(4) RUN(5) RUN(6) RUN(7) RUN(8)
#undef RUN
  default:
    memcpy(to, from, sizeof(float) * n);
  }
}

void lr_conv_unfold(const float *x, int channels, int height, int width,
                    int size, float *u, long ldu) {
  int oh = height - size + 1, ow = width - size + 1;
  for (int t = 0; t < channels * size * size; t++) {
    int c = t / (size * size), ky = t / size % size, kx = t % size;
    float *row = u + (long)t * ldu;
    const float *map = x + (long)c * height * width + ky * width + kx;
    // Each output row's run in moves of eight floats and one short move:
    // a call to memcpy per run cost more than the copy (runs of 8 and 24
    // floats in the book's networks).
    for (int y = 0; y < oh; y++) {
      float *to = row + y * ow;
      const float *from = map + y * width;
      int i = 0;
      for (; i + 8 <= ow; i += 8) memcpy(to + i, from + i, sizeof(float) * 8);
      if (i < ow) copy_run(to + i, from + i, ow - i);
    }
  }
}

/// lr_conv_unfold_positions one short run at a time (any columns).
static void unfold_positions(const float *x, int channels, int height,
                             int width, int size, int first, int count,
                             float *u, long ldu) {
  int oh = height - size + 1, ow = width - size + 1;
  int taps = channels * size * size, last = first + count;
  // The filter rows (c, ky) whose taps t0 ..< t0 + size meet the columns.
  int end = last < taps ? last : taps;
  int firstRow = first / size, lastRow = (end + size - 1) / size;
  for (int y = 0; y < oh; y++)
    for (int px = 0; px < ow; px++) {
      // Column t of this position at row[t].
      float *row = u + (long)(y * ow + px) * ldu - first;
      int c = firstRow / size, ky = firstRow % size;
      const float *in =
          firstRow < lastRow ? x + ((long)c * height + y + ky) * width + px
                             : x;
      for (int r = firstRow; r < lastRow; r++) {
        int t0 = r * size;
        int from = first > t0 ? first - t0 : 0;
        int to = last - t0 < size ? last - t0 : size;
        copy_run(row + t0 + from, in + from, to - from);
        // The next filter row: one input row down, or the next channel.
        in += width;
        if (++ky == size) {
          ky = 0;
          in += (long)(height - size) * width;
        }
      }
      // The bias's column of ones, and +0 beyond.
      for (int t = taps > first ? taps : first; t < last; t++)
        row[t] = t == taps ? 1.0f : 0.0f;
    }
}

#if defined(__x86_64__)
// The vectorised unfold: each group of LANES columns of a position's row is
// the same few filter rows' runs at fixed offsets from the position's
// top-left input, so the runs are planned once per call; then, group by
// group, each position's group is a masked load per run (masked-out lanes
// neither fault nor read) merged into the group's constant (the bias's 1
// and the +0 beyond), and one store.

/// One filter row's run inside a group: lanes `mask` of the group take
/// x[position's top-left + offset + lane], the offset being that of the
/// run's first tap moved back by the run's first lane.
typedef struct {
  long offset;
  unsigned mask;
} unfold_run;

// A plan covers at most UNFOLD_COLUMNS columns; wider calls take several.
// Every run has a lane of its own, so a plan has at most as many runs as
// columns.
enum { UNFOLD_COLUMNS = 256 };

typedef struct {
  int groups;
  int ends[UNFOLD_COLUMNS];          // group g's runs: ends[g−1] ..< ends[g]
  unfold_run runs[UNFOLD_COLUMNS];
  float constant[UNFOLD_COLUMNS];    // group g's at constant[g · lanes]
} unfold_plan;

/// The plan for columns first ..< first + count (count a multiple of
/// lanes, at most UNFOLD_COLUMNS).
static void unfold_plan_columns(unfold_plan *plan, int channels, int height,
                                int width, int size, int first, int count,
                                int lanes) {
  int taps = channels * size * size, n = 0;
  plan->groups = count / lanes;
  for (int g = 0; g < plan->groups; g++) {
    int g0 = first + g * lanes;
    for (int l = 0; l < lanes; l++)
      plan->constant[g * lanes + l] = g0 + l == taps ? 1.0f : 0.0f;
    for (int l = 0; l < lanes && g0 + l < taps;) {
      int t = g0 + l, r = t / size, kx = t % size;
      int c = r / size, ky = r % size;
      // The run ends with its filter row (taps is a whole number of rows)
      // or with the group.
      int length = size - kx < lanes - l ? size - kx : lanes - l;
      // Never before x: a run past lane 0 starts its row (l = r · size −
      // g0), and row r's offset is at least r · width ≥ r · size.
      plan->runs[n].offset = ((long)c * height + ky) * width + kx - l;
      plan->runs[n].mask = ((1u << length) - 1) << l;
      n++;
      l += length;
    }
    plan->ends[g] = n;
  }
}

/// One planned group of 8 columns of every position with AVX2: a run's
/// lanes as a vector mask; the runs' lanes and the constant's are
/// disjoint, so OR merges them.
__attribute__((target("avx2"), always_inline)) static inline void
avx2_unfold_group(const float *x, int height, int width, int size,
                  const unfold_run *runs, const __m256i *masks, int n,
                  const float *constant, float *u, long ldu) {
  __m256 c = _mm256_loadu_ps(constant);
  int oh = height - size + 1, ow = width - size + 1;
  for (int y = 0; y < oh; y++)
    for (int px = 0; px < ow; px++) {
      const float *at = x + (long)y * width + px;
      __m256 v = c;
      for (int r = 0; r < n; r++)
        v = _mm256_or_ps(v, _mm256_maskload_ps(at + runs[r].offset, masks[r]));
      _mm256_storeu_ps(u + (long)(y * ow + px) * ldu, v);
    }
}

/// The planned groups of every position with AVX2, group by group (a
/// group's runs then stay in registers through all positions), with n a
/// constant for up to five runs, so that the runs' loop unrolls.
__attribute__((target("avx2"))) static void avx2_unfold(
    const float *x, int height, int width, int size, const unfold_plan *plan,
    float *u, long ldu) {
  __m256i masks[UNFOLD_COLUMNS];
  const __m256i bits = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  for (int r = 0; r < plan->ends[plan->groups - 1]; r++) {
    __m256i mask = _mm256_set1_epi32((int)plan->runs[r].mask);
    masks[r] = _mm256_cmpeq_epi32(_mm256_and_si256(mask, bits), bits);
  }
  for (int g = 0; g < plan->groups; g++) {
    int begin = g ? plan->ends[g - 1] : 0, n = plan->ends[g] - begin;
#define GROUP(N)                                                            \
  avx2_unfold_group(x, height, width, size, plan->runs + begin,             \
                    masks + begin, (N), plan->constant + g * 8, u + g * 8,  \
                    ldu)
    switch (n) {
    case 0: GROUP(0); break;
    case 1: GROUP(1); break;
    case 2: GROUP(2); break;
    case 3: GROUP(3); break;
    case 4: GROUP(4); break;
    case 5: GROUP(5); break;
    default: GROUP(n);
    }
#undef GROUP
  }
}
#endif

void lr_conv_unfold_positions(int variant, const float *x, int channels,
                              int height, int width, int size, int first,
                              int count, float *u, long ldu) {
  int done = 0;
#if defined(__x86_64__)
  // Groups of 8 columns with AVX2 under both x86-64 variants: on a Zen 4,
  // groups of 16 with AVX-512 took 1.2-1.5× as long for chapter 6's first
  // layer (four 512-bit masked loads per position where two groups of 8
  // need three) and about as long for its second.
  int lanes = 0;
  if ((variant == LR_VARIANT_AVX512 || variant == LR_VARIANT_AVX2) &&
      lr_variant_available((lr_variant)variant))
    lanes = 8;
  // Whole groups through a plan; the columns after them, if any, below.
  while (lanes && count - done >= lanes) {
    int chunk = (count - done) / lanes * lanes;
    if (chunk > UNFOLD_COLUMNS) chunk = UNFOLD_COLUMNS;
    unfold_plan plan;
    unfold_plan_columns(&plan, channels, height, width, size, first + done,
                        chunk, lanes);
    avx2_unfold(x, height, width, size, &plan, u + done, ldu);
    done += chunk;
  }
#endif
  (void)variant;
  if (done < count)
    unfold_positions(x, channels, height, width, size, first + done,
                     count - done, u + done, ldu);
}

void lr_conv_fold(const float *restrict g, long ldg, int channels,
                  int height, int width, int size, float *restrict dx) {
  int oh = height - size + 1, ow = width - size + 1;
  memset(dx, 0, sizeof(float) * channels * height * width);
  // An input x[c][i][j] takes the term of position (i − ky, j − kx) for
  // each tap (ky, kx) that reaches it: taking the taps of a channel from
  // last to first gives it those terms with their positions ascending, the
  // order the header promises, and leaves each input row's run of `ow`
  // sums independent, lane by lane, for the vector unit.
  for (int c = 0; c < channels; c++)
    for (int ky = size - 1; ky >= 0; ky--)
      for (int kx = size - 1; kx >= 0; kx--) {
        const float *taps = g + (long)((c * size + ky) * size + kx) * ldg;
        for (int y = 0; y < oh; y++) {
          const float *from = taps + y * ow;
          float *to = dx + ((long)c * height + y + ky) * width + kx;
          for (int x = 0; x < ow; x++) to[x] = to[x] + from[x];
        }
      }
}

// lr_max_pool for 2 × 2 windows (the book's pool2): the same comparisons
// in the same order, unrolled.
static void max_pool_2(const float *x, int maps, int height, int width,
                       float *y, int32_t *where) {
  int oh = height / 2, ow = width / 2;
  for (int f = 0; f < maps; f++)
    for (int i = 0; i < oh; i++) {
      int top = (f * height + 2 * i) * width;
      const float *r0 = x + top, *r1 = r0 + width;
      float *yr = y + ((long)f * oh + i) * ow;
      int32_t *wr = where + ((long)f * oh + i) * ow;
      int j = 0;
#if defined(__x86_64__)
      // Four windows at a time (SSE2): their even and odd columns split
      // out of each row, then the same comparisons, each window in its own
      // lane, and selects by mask (a comparison with NaN is false, as in C).
      for (; j + 4 <= ow; j += 4) {
        __m128 a0 = _mm_loadu_ps(r0 + 2 * j), b0 = _mm_loadu_ps(r0 + 2 * j + 4);
        __m128 a1 = _mm_loadu_ps(r1 + 2 * j), b1 = _mm_loadu_ps(r1 + 2 * j + 4);
        __m128 candidates[4] = {
            _mm_shuffle_ps(a0, b0, _MM_SHUFFLE(2, 0, 2, 0)),
            _mm_shuffle_ps(a0, b0, _MM_SHUFFLE(3, 1, 3, 1)),
            _mm_shuffle_ps(a1, b1, _MM_SHUFFLE(2, 0, 2, 0)),
            _mm_shuffle_ps(a1, b1, _MM_SHUFFLE(3, 1, 3, 1))};
        const int offsets[4] = {0, 1, width, width + 1};
        __m128i first = _mm_add_epi32(_mm_set1_epi32(top + 2 * j),
                                      _mm_setr_epi32(0, 2, 4, 6));
        __m128 largest = candidates[0];
        __m128i best = first;
        for (int k = 1; k < 4; k++) {
          __m128 wins = _mm_cmpgt_ps(candidates[k], largest);
          __m128i winsi = _mm_castps_si128(wins);
          __m128i at = _mm_add_epi32(first, _mm_set1_epi32(offsets[k]));
          best = _mm_or_si128(_mm_and_si128(winsi, at),
                              _mm_andnot_si128(winsi, best));
          largest = _mm_or_ps(_mm_and_ps(wins, candidates[k]),
                              _mm_andnot_ps(wins, largest));
        }
        _mm_storeu_ps(yr + j, largest);
        _mm_storeu_si128((__m128i *)(wr + j), best);
      }
#endif
      for (; j < ow; j++) {
        float largest = r0[2 * j];
        int best = top + 2 * j;
        float v = r0[2 * j + 1];
        int wins = v > largest;
        best = wins ? top + 2 * j + 1 : best;
        largest = wins ? v : largest;
        v = r1[2 * j];
        wins = v > largest;
        best = wins ? top + width + 2 * j : best;
        largest = wins ? v : largest;
        v = r1[2 * j + 1];
        wins = v > largest;
        best = wins ? top + width + 2 * j + 1 : best;
        largest = wins ? v : largest;
        yr[j] = largest;
        wr[j] = best;
      }
    }
}

void lr_max_pool(const float *x, int maps, int height, int width, int size,
                 float *y, int32_t *where) {
  if (size == 2) {
    max_pool_2(x, maps, height, width, y, where);
    return;
  }
  int oh = height / size, ow = width / size;
  for (int f = 0; f < maps; f++)
    for (int i = 0; i < oh; i++)
      for (int j = 0; j < ow; j++) {
        int first = (f * height + i * size) * width + j * size;
        int best = first;
        float largest = x[first];
        // Selects rather than branches: which value wins is data, and a
        // mispredicted branch per window costs more than the comparison.
        for (int dy = 0; dy < size; dy++)
          for (int dx = 0; dx < size; dx++) {
            int at = first + dy * width + dx;
            int wins = x[at] > largest;
            best = wins ? at : best;
            largest = wins ? x[at] : largest;
          }
        long out = ((long)f * oh + i) * ow + j;
        y[out] = largest;
        where[out] = best;
      }
}

void lr_max_pool_backward(const float *dy, const int32_t *where, int outputs,
                          float *dx, int inputs) {
  memset(dx, 0, sizeof(float) * inputs);
  for (int i = 0; i < outputs; i++) dx[where[i]] = dy[i];
}
