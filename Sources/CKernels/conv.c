// The convolution's and max-pooling's data movement: unfolding an input
// into the rows of its filters' taps, folding the taps' gradient back, and
// pooling (the per-map bias and activation sit in shared.c, beside the
// element-wise maths they inline). The products themselves run in
// the variants' lr_times; nothing here reorders a sum.
#include <string.h>

#include "table.h"

void lr_conv_unfold(const float *x, int channels, int height, int width,
                    int size, float *u, long ldu) {
  int oh = height - size + 1, ow = width - size + 1;
  for (int t = 0; t < channels * size * size; t++) {
    int c = t / (size * size), ky = t / size % size, kx = t % size;
    float *row = u + (long)t * ldu;
    const float *map = x + (long)c * height * width + ky * width + kx;
    for (int y = 0; y < oh; y++)
      memcpy(row + y * ow, map + y * width, sizeof(float) * ow);
  }
}

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

void lr_conv_unfold_positions(const float *x, int channels, int height,
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

void lr_conv_fold(const float *g, long ldg, int channels, int height,
                  int width, int size, float *dx) {
  int oh = height - size + 1, ow = width - size + 1;
  memset(dx, 0, sizeof(float) * channels * height * width);
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++) {
      const float *taps = g + (long)(y * ow + x) * ldg;
      int t = 0;
      for (int c = 0; c < channels; c++)
        for (int ky = 0; ky < size; ky++) {
          float *row = dx + ((long)c * height + y + ky) * width + x;
          for (int kx = 0; kx < size; kx++, t++)
            row[kx] = row[kx] + taps[t];
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
      for (int j = 0; j < ow; j++) {
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
