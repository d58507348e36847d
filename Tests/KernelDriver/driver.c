// kernel-driver: runs every kernel of CKernels on fixed pseudo-random
// inputs, and a short training of a small network built from them, and
// prints one line per case: its name and the FNV-1a hash of its output
// bytes. script/check-kernels runs it under every variant this machine has
// (and, built for arm64, under qemu-aarch64) and compares the lines.
//
//   kernel-driver VARIANT      (portable, avx2, avx512 or neon)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labrun_kernels.h"

static uint64_t state;
static uint64_t next(void) {  // SplitMix64
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/// A float in [-scale, scale), or exactly zero with probability `zeros`.
static float value(double zeros, float scale) {
  double u = (double)(next() >> 11) * 0x1p-53;
  if (u < zeros) return 0;
  return (float)(((double)(next() >> 11) * 0x1p-53 * 2 - 1) * scale);
}
static float *floats(long count, double zeros, float scale) {
  float *x = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64 + 64);
  for (long i = 0; i < count; i++) x[i] = value(zeros, scale);
  return x;
}

static void report(const char *name, const void *bytes, size_t count) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < count; i++)
    hash = (hash ^ ((const uint8_t *)bytes)[i]) * 0x100000001B3ull;
  printf("%-40s %016llx\n", name, (unsigned long long)hash);
}

/// NaN's sign and payload are the CPU's choice (x86 makes −NaN where arm64
/// makes +NaN): every NaN is written as one pattern before hashing.
static void canonical_nans(float *x, long count) {
  for (long i = 0; i < count; i++)
    if (x[i] != x[i]) x[i] = __builtin_nanf("");
}

static int pad16(int n) { return (n + 15) / 16 * 16; }

// MARK: - Products

static int failures = 0;

/// C = A·B through lr_block_times in blocks of `block` rows.
static void times(int variant, int block, int rows, int k, int n,
                  const float *a, const float *b, float alpha, float *c,
                  int32_t *list, float *at) {
  for (int r = 0; r < rows; r += block) {
    int count = rows - r < block ? rows - r : block;
    int listed = lr_block_rows(a + (long)r * k, k, count, k, list, at);
    lr_block_times(variant, count, list, listed, at, b, n, n, alpha,
                   c + (long)r * n, n);
  }
}

/// G += Aᵀ·D through lr_block_gradient in blocks of `block` rows.
static void gradient(int variant, int block, int rows, int k, int n,
                     const float *a, const float *d, float *g,
                     uint8_t *touched, int32_t *list, float *at) {
  for (int r = 0; r < rows; r += block) {
    int count = rows - r < block ? rows - r : block;
    int listed = lr_block_rows(a + (long)r * k, k, count, k, list, at);
    lr_block_gradient(variant, count, list, listed, at, d + (long)r * n, n, n,
                      g, n, touched, 0, 0, NULL, 0);
  }
}

static void same(const char *what, const float *x, const float *y, long n) {
  if (memcmp(x, y, sizeof(float) * n) != 0) {
    printf("DIFFERENT: %s\n", what);
    failures++;
  }
}

static void products(int variant) {
  static const int shapes[][3] = {
      {10, 784, 30}, {1, 784, 30}, {37, 100, 100}, {3, 30, 10},
      {10, 10, 30},  {5, 1, 1},    {64, 257, 48},  {2, 784, 1000}};
  for (unsigned s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    int rows = shapes[s][0], k = shapes[s][1], n = pad16(shapes[s][2]);
    state = 1000 + s;
    float *a = floats((long)rows * k, 0.5, 1);
    float *b = floats((long)k * n, 0.1, 2);
    float *c = floats((long)rows * n, 0, 1);
    float *other = malloc(sizeof(float) * rows * n);
    int32_t *list = malloc(sizeof(int32_t) * k);
    float *at = malloc(sizeof(float) * k * LR_BLOCK_ROWS);
    char name[64];
    times(variant, LR_BLOCK_ROWS, rows, k, n, a, b, 1, c, list, at);
    snprintf(name, sizeof name, "times %dx%dx%d", rows, k, n);
    report(name, c, sizeof(float) * rows * n);
    // Blocked otherwise (one row at a time: only its own columns), the
    // same bits: a zero factor's term changes nothing.
    times(variant, 1, rows, k, n, a, b, 1, other, list, at);
    same(name, c, other, (long)rows * n);
    // B given by the rows of its transpose (lr_block_times_bt): the same
    // bits as lr_block_times on B.
    {
      float *bt = malloc(sizeof(float) * (size_t)n * k);
      float *slack = malloc(sizeof(float) * ((size_t)k * LR_BLOCK_ROWS + 16));
      lr_transpose(k, n, b, n, bt, k);
      for (int r = 0; r < rows; r += LR_BLOCK_ROWS) {
        int count = rows - r < LR_BLOCK_ROWS ? rows - r : LR_BLOCK_ROWS;
        int listed = lr_block_rows(a + (long)r * k, k, count, k, list, slack);
        lr_block_times_bt(variant, count, list, listed, slack, bt, k, n, 1,
                          other + (long)r * n, n);
      }
      snprintf(name, sizeof name, "times by rows of Bt %dx%dx%d", rows, k, n);
      same(name, c, other, (long)rows * n);
      free(bt);
      free(slack);
    }
    // The terms in four stretches, one of them empty, taken in order
    // (lr_block_times_stretch, as threads relay a chain): the same bits.
    for (int r = 0; r < rows; r += LR_BLOCK_ROWS) {
      int count = rows - r < LR_BLOCK_ROWS ? rows - r : LR_BLOCK_ROWS;
      int listed = lr_block_rows(a + (long)r * k, k, count, k, list, at);
      int ends[] = {0, listed / 3, listed / 3, 2 * listed / 3, listed};
      for (int t = 0; t < 4; t++)
        lr_block_times_stretch(
            variant, count, list + ends[t], ends[t + 1] - ends[t],
            at + (long)ends[t] * LR_BLOCK_ROWS, b, n, n, 1, t == 0, t == 3,
            other + (long)r * n, n);
    }
    snprintf(name, sizeof name, "times in stretches %dx%dx%d", rows, k, n);
    same(name, c, other, (long)rows * n);
    times(variant, LR_BLOCK_ROWS, rows, k, n, a, b, -0.3f, c, list, at);
    snprintf(name, sizeof name, "times scaled %dx%dx%d", rows, k, n);
    report(name, c, sizeof(float) * rows * n);

    float *g = calloc((size_t)k * n, sizeof(float));
    float *g1 = calloc((size_t)k * n, sizeof(float));
    uint8_t *touched = calloc(k, 1), *touched1 = calloc(k, 1);
    // Twice into G (the second continues each chain), then the step.
    for (int pass = 0; pass < 2; pass++) {
      gradient(variant, LR_BLOCK_ROWS, rows, k, n, a, c, g, touched, list, at);
      gradient(variant, 3, rows, k, n, a, c, g1, touched1, list, at);
    }
    snprintf(name, sizeof name, "gradient %dx%dx%d", rows, k, n);
    report(name, g, sizeof(float) * k * n);
    report("  touched", touched, k);
    same(name, g, g1, (long)k * n);
    float *fused = malloc(sizeof(float) * k * n);
    memcpy(fused, b, sizeof(float) * k * n);
    lr_step(variant, k, n, -0.3f, 1, b, n, g, n, touched);
    snprintf(name, sizeof name, "step %dx%d", k, n);
    report(name, b, sizeof(float) * k * n);
    if (rows <= LR_BLOCK_ROWS) {
      // The fused step: one block's gradient straight into W, the same
      // bits as its gradient followed by the step.
      float *plain = malloc(sizeof(float) * k * n);
      memcpy(plain, fused, sizeof(float) * k * n);
      memset(g1, 0, sizeof(float) * k * n);
      memset(touched1, 0, k);
      gradient(variant, LR_BLOCK_ROWS, rows, k, n, a, c, g1, touched1, list, at);
      lr_step(variant, k, n, -0.3f, 1, plain, n, g1, n, touched1);
      int listed = lr_block_rows(a, k, rows, k, list, at);
      lr_block_gradient(variant, rows, list, listed, at, c, n, n, NULL, 0,
                        NULL, -0.3f, 1, fused, n);
      snprintf(name, sizeof name, "fused step %dx%d", k, n);
      report(name, fused, sizeof(float) * k * n);
      same(name, fused, plain, (long)k * n);
      // With weight decay (beta ≠ 1) the fused step steps the listed rows
      // only: each the bits of its gradient followed by the step.
      memcpy(plain, fused, sizeof(float) * k * n);
      memset(g1, 0, sizeof(float) * k * n);
      gradient(variant, LR_BLOCK_ROWS, rows, k, n, a, c, g1, touched1, list, at);
      listed = lr_block_rows(a, k, rows, k, list, at);
      for (int t = 0; t < listed; t++)
        lr_step(variant, 1, n, -0.3f, 0.999f, plain + (long)list[t] * n, n,
                g1 + (long)list[t] * n, n, NULL);
      lr_block_gradient(variant, rows, list, listed, at, c, n, n, NULL, 0,
                        NULL, -0.3f, 0.999f, fused, n);
      snprintf(name, sizeof name, "fused step with decay %dx%d", k, n);
      report(name, fused, sizeof(float) * k * n);
      same(name, fused, plain, (long)k * n);
      free(plain);
    }
    float *velocity = floats((long)k * n, 0.2, 0.1f);
    gradient(variant, LR_BLOCK_ROWS, rows, k, n, a, c, g, touched, list, at);
    lr_step_momentum(variant, k, n, -0.3f, 0.9f, -1e-4f, b, n, velocity, n, g,
                     n, touched);
    snprintf(name, sizeof name, "momentum %dx%d", k, n);
    report(name, b, sizeof(float) * k * n);
    report("  velocity", velocity, sizeof(float) * k * n);
    gradient(variant, LR_BLOCK_ROWS, rows, k, n, a, c, g, touched, list, at);
    lr_step(variant, k, n, -0.3f, 0.999f, b, n, g, n, touched);
    snprintf(name, sizeof name, "step decayed %dx%d", k, n);
    report(name, b, sizeof(float) * k * n);
    free(a), free(b), free(c), free(other), free(list), free(at), free(g);
    free(g1);
    free(touched), free(touched1), free(fused), free(velocity);
  }
}

// MARK: - Dense products and the convolution

/// C = A·B (or C += A·B) as the header defines it, one scalar fmaf chain
/// per element: what lr_times must give bit for bit.
static void chains(int rows, int k, const float *a, long lda, const float *b,
                   long ldb, int n, int accumulate, float *c, long ldc) {
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < n; j++) {
      float acc = accumulate ? c[r * ldc + j] : 0.0f;
      for (int p = 0; p < k; p++) acc = fmaf(a[r * lda + p], b[p * ldb + j], acc);
      c[r * ldc + j] = acc + 0.0f;
    }
}

static void dense_products(int variant) {
  static const int shapes[][3] = {
      {20, 25, 576}, {25, 576, 32}, {576, 20, 32}, {7, 3, 16}, {13, 500, 64}};
  for (unsigned s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    int rows = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
    state = 2000 + s;
    float *a = floats((long)rows * k, 0.3, 1), *b = floats((long)k * n, 0.1, 2);
    float *c = floats((long)rows * n, 0, 1);
    float *expected = malloc(sizeof(float) * rows * n);
    memcpy(expected, c, sizeof(float) * rows * n);
    char name[64];
    for (int accumulate = 0; accumulate < 2; accumulate++) {
      lr_times(variant, rows, k, a, k, b, n, n, accumulate, c, n);
      chains(rows, k, a, k, b, n, n, accumulate, expected, n);
      snprintf(name, sizeof name, "dense times %dx%dx%d%s", rows, k, n,
               accumulate ? " accumulated" : "");
      report(name, c, sizeof(float) * rows * n);
      same(name, c, expected, (long)rows * n);
    }
    free(a), free(b), free(c), free(expected);
  }
}

/// A convolution layer's forward and backward passes on 2 channels of
/// 12×12, 5 filters of 3×3, then a 2×2 max-pool, as ConvolutionLayer and
/// MaxPoolLayer run them.
static void convolution(int variant) {
  enum { C = 2, H = 12, W = 12, K = 3, F = 5, OH = H - K + 1, OW = W - K + 1 };
  enum { P = OH * OW, T = C * K * K, PS = 112, TS = 32, FS = 16 };
  state = 3000;
  float *x = floats(C * H * W, 0.4, 1);
  float *wt = floats(T * FS, 0, 0.5);  // (taps, maps) padded
  for (int t = 0; t < T; t++)
    for (int f = F; f < FS; f++) wt[t * FS + f] = 0;
  float *bias = floats(FS, 0, 0.5);
  float *unfolded = calloc(T * PS, sizeof(float));
  float *filters = calloc(F * TS, sizeof(float));
  float *product = calloc(F * PS, sizeof(float));
  float *z = calloc(F * P, sizeof(float)), *a = calloc(F * P, sizeof(float));
  lr_conv_unfold(x, C, H, W, K, unfolded, PS);
  report("conv unfold", unfolded, sizeof(float) * T * PS);
  lr_transpose(T, F, wt, FS, filters, TS);
  lr_times(variant, F, T, filters, TS, unfolded, PS, PS, 0, product, PS);
  lr_map_bias_activate(variant, LR_SIGMOID, product, PS, z, a, bias, F, P);
  report("conv forward", a, sizeof(float) * F * P);
  float pooled[F * (OH / 2) * (OW / 2)];
  int32_t where[F * (OH / 2) * (OW / 2)];
  lr_max_pool(a, F, OH, OW, 2, pooled, where);
  report("max pool", pooled, sizeof pooled);
  report("  chosen", where, sizeof where);
  {
    // Ties, a NaN first in a window and a NaN later in one: the 2 × 2
    // path against the rule written out (row-major, strictly larger wins).
    enum { MH = 6, MW = 8 };
    uint64_t saved = state;  // the cases after this one draw as before
    float m[2 * MH * MW], got[2 * (MH / 2) * (MW / 2)];
    int32_t chosen[2 * (MH / 2) * (MW / 2)];
    for (int i = 0; i < 2 * MH * MW; i++) m[i] = (float)(next() % 3);
    m[0] = __builtin_nanf("");
    m[3] = __builtin_nanf("");
    lr_max_pool(m, 2, MH, MW, 2, got, chosen);
    for (int f = 0, o = 0; f < 2; f++)
      for (int i = 0; i < MH / 2; i++)
        for (int j = 0; j < MW / 2; j++, o++) {
          int first = (f * MH + 2 * i) * MW + 2 * j, best = first;
          for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
              if (m[first + dy * MW + dx] > m[best]) best = first + dy * MW + dx;
          if (chosen[o] != best ||
              memcmp(&got[o], &m[best], sizeof(float)) != 0) {
            printf("DIFFERENT: max pool 2x2 window %d\n", o);
            failures++;
          }
        }
    state = saved;
  }
  float *dpool = floats(F * (OH / 2) * (OW / 2), 0, 1);
  float *delta = calloc(F * P, sizeof(float));
  lr_max_pool_backward(dpool, where, F * (OH / 2) * (OW / 2), delta, F * P);
  lr_activation_derivative(variant, LR_SIGMOID, delta, z, a, F * P, 1, F * P);
  report("max pool backward", delta, sizeof(float) * F * P);
  float *byPosition = calloc(P * FS, sizeof(float));
  lr_transpose(F, P, delta, P, byPosition, FS);
  float *g = calloc(T * FS, sizeof(float)), *gb = calloc(FS, sizeof(float));
  for (int pass = 0; pass < 2; pass++)  // the second continues the chains
    lr_times(variant, T, P, unfolded, PS, byPosition, FS, FS, 1, g, FS);
  lr_column_sums(P, byPosition, FS, F, gb);
  report("conv weight gradient", g, sizeof(float) * T * FS);
  report("  bias gradient", gb, sizeof(float) * FS);
  {
    // ConvolutionLayer's own path: Gᵀ (maps, taps + 1) += δ · Uᵀ, the input
    // unfolded by position with a ones column for the bias, in two column
    // chunks (the second cuts a filter row), two passes: the chains of g
    // and of gb summed twice, bit for bit.
    enum { GS = 32 };
    float *u = calloc(P * GS, sizeof(float)), *gt = calloc(F * GS, sizeof(float));
    float *gb2 = calloc(FS, sizeof(float));
    for (int pass = 0; pass < 2; pass++) {
      lr_column_sums(P, byPosition, FS, F, gb2);
      for (int first = 0; first < GS; first += 16) {
        lr_conv_unfold_positions(variant, x, C, H, W, K, first, 16, u + first,
                                 GS);
        lr_times(variant, F, P, delta, P, u + first, GS, 16, 1, gt + first, GS);
      }
    }
    report("conv unfold by position", u, sizeof(float) * P * GS);
    report("conv gradient by map", gt, sizeof(float) * F * GS);
    for (int f = 0; f < F; f++)
      for (int t = 0; t <= T; t++) {
        float expected = t < T ? g[t * FS + f] : gb2[f];
        if (memcmp(&gt[f * GS + t], &expected, sizeof(float)) != 0) {
          printf("DIFFERENT: conv gradient by map [%d][%d]\n", f, t);
          failures++;
        }
      }
    free(u), free(gt), free(gb2);
  }
  // ∂C/∂taps as ConvolutionLayer forms it, (taps, positions) = W · δ with
  // δ's maps padded to PS columns, then folded back onto the input.
  float *padded = calloc(F * PS, sizeof(float));
  for (int f = 0; f < F; f++) memcpy(padded + f * PS, delta + f * P, sizeof(float) * P);
  float *taps = calloc(T * PS, sizeof(float)), *dx = floats(C * H * W, 0, 1);
  lr_times(variant, T, F, wt, FS, padded, PS, PS, 0, taps, PS);
  lr_conv_fold(taps, PS, C, H, W, K, dx);
  report("conv input gradient", dx, sizeof(float) * C * H * W);
  {
    // The same sums in the order the header states, one input at a time:
    // each position's term (the chain over the maps, from +0) in position
    // order.
    for (int c = 0; c < C; c++)
      for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++) {
          float sum = 0;
          for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
              int ky = i - y, kx = j - x;
              if (ky < 0 || ky >= K || kx < 0 || kx >= K) continue;
              int t = (c * K + ky) * K + kx;
              float term = 0;
              for (int f = 0; f < F; f++)
                term = fmaf(wt[t * FS + f], delta[f * P + y * OW + x], term);
              sum = sum + (term + 0.0f);
            }
          float *got = &dx[(c * H + i) * W + j];
          if (memcmp(got, &sum, sizeof sum) != 0) {
            printf("DIFFERENT: conv input gradient [%d][%d][%d]\n", c, i, j);
            failures++;
          }
        }
  }
  free(padded);
  free(x), free(wt), free(bias), free(unfolded), free(filters), free(product);
  free(z), free(a), free(dpool), free(delta), free(byPosition), free(g);
  free(gb), free(taps), free(dx);
}

/// lr_conv_unfold_positions under the variant against the portable code,
/// byte for byte, on whole rows (the columns outside first ..< first +
/// count must keep the bytes they had): shapes whose filter rows fall
/// across vector groups in every way, columns that start past 0 or past
/// the taps, a count no multiple of a vector and one wider than a plan.
static void unfold_positions(int variant) {
  static const struct { int channels, height, width, size; } shapes[] = {
      {1, 28, 28, 5}, {20, 12, 12, 5}, {3, 9, 7, 3}};
  static const struct { int first, count; } columns[] = {
      {0, 16}, {16, 16}, {0, 32}, {48, 32}, {8, 24}, {32, 16}, {0, 512}};
  for (int s = 0; s < 3; s++) {
    int C = shapes[s].channels, H = shapes[s].height, W = shapes[s].width;
    int K = shapes[s].size, P = (H - K + 1) * (W - K + 1), LD = 528;
    state = 7000 + s;
    float *x = floats(C * H * W, 0.4, 1);
    x[1] = -0.0f;  // copied as its bits, not as a value
    float *mine = malloc(sizeof(float) * P * LD);
    float *portable = malloc(sizeof(float) * P * LD);
    for (int k = 0; k < 7; k++) {
      int first = columns[k].first, count = columns[k].count;
      memset(mine, 0xA5, sizeof(float) * P * LD);
      memset(portable, 0xA5, sizeof(float) * P * LD);
      lr_conv_unfold_positions(variant, x, C, H, W, K, first, count,
                               mine + first, LD);
      lr_conv_unfold_positions(LR_VARIANT_PORTABLE, x, C, H, W, K, first,
                               count, portable + first, LD);
      char name[64];
      snprintf(name, sizeof name, "unfold %dx%dx%d size %d, %d+%d", C, H, W,
               K, first, count);
      report(name, mine, sizeof(float) * P * LD);
      if (memcmp(mine, portable, sizeof(float) * P * LD) != 0) {
        printf("DIFFERENT: %s against portable\n", name);
        failures++;
      }
    }
    free(x), free(mine), free(portable);
  }
}

// MARK: - Loading pixels

static void pixels(int variant) {
  enum { images = 300, width = 784 };
  state = 5;
  uint8_t *image = malloc(images * width);
  for (int i = 0; i < images * width; i++)
    image[i] = next() % 5 == 0 ? (uint8_t)(next() % 256) : 0;
  int32_t order[images], list[width], again[width];
  for (int i = 0; i < images; i++) order[i] = (int32_t)(next() % images);
  float *at = malloc(sizeof(float) * width * LR_BLOCK_ROWS);
  float *again_at = malloc(sizeof(float) * width * LR_BLOCK_ROWS);
  float x[LR_BLOCK_ROWS * width];
  for (int first = 0; first + LR_BLOCK_ROWS <= images; first += 37) {
    int listed = lr_block_pixels(variant, image, order + first,
                                 LR_BLOCK_ROWS, width, list, at);
    report("pixels: columns", list, sizeof(int32_t) * listed);
    report("  values", at, sizeof(float) * listed * LR_BLOCK_ROWS);
    // The same block from the scaled pixels as floats.
    for (int r = 0; r < LR_BLOCK_ROWS; r++)
      for (int j = 0; j < width; j++)
        x[r * width + j] =
            (float)image[order[first + r] * width + j] * (1.0f / 255.0f);
    // The same rows as lr_pixel_rows scales them (the conv's input).
    float dense[LR_BLOCK_ROWS * width];
    lr_pixel_rows(image, order + first, LR_BLOCK_ROWS, width, dense, width);
    if (memcmp(dense, x, sizeof dense) != 0) {
      printf("DIFFERENT: pixel rows against pixel · (1/255)\n");
      failures++;
    }
    if (lr_block_rows(x, width, LR_BLOCK_ROWS, width, again, again_at) !=
            listed ||
        memcmp(again, list, sizeof(int32_t) * listed) != 0 ||
        memcmp(again_at, at, sizeof(float) * listed * LR_BLOCK_ROWS) != 0) {
      printf("DIFFERENT: the column block from pixels and from floats\n");
      failures++;
    }
  }
  // Every block height (a batch of 1 has a path of its own) and a width
  // that is no multiple of eight: the columns and their first `rows`
  // values as lr_block_rows lists the same pixels scaled to floats.
  for (int rows = 1; rows <= LR_BLOCK_ROWS; rows++)
    for (int w = 784; w >= 781; w -= 3) {
      int got = lr_block_pixels(variant, image, order + rows, rows, w, list, at);
      for (int r = 0; r < rows; r++)
        for (int j = 0; j < w; j++)
          x[r * w + j] =
              (float)image[order[rows + r] * w + j] * (1.0f / 255.0f);
      int want = lr_block_rows(x, w, rows, w, again, again_at);
      int same_values =
          got == want && memcmp(list, again, sizeof(int32_t) * got) == 0;
      for (int t = 0; same_values && t < got; t++)
        same_values = memcmp(at + t * LR_BLOCK_ROWS,
                             again_at + t * LR_BLOCK_ROWS,
                             sizeof(float) * rows) == 0;
      if (!same_values) {
        printf("DIFFERENT: pixels of %d rows, width %d, against floats\n",
               rows, w);
        failures++;
      }
    }
  free(image), free(at), free(again_at);
}

/// lr_transpose against its rule written out, bit for bit (NaN payloads
/// and −0 moved as they are), on shapes with and without whole 4 × 4 and
/// 16 × 16 blocks and with padded strides.
static void transpose_rule(void) {
  static const int shapes[][2] = {{37, 23}, {4, 4}, {16, 17}, {5, 3},
                                  {64, 1},  {1, 9}, {40, 500}};
  for (unsigned s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    int rows = shapes[s][0], columns = shapes[s][1];
    long lds = columns + 3, ldd = rows + 5;
    state = 3000 + s;
    uint32_t *src = malloc(sizeof(uint32_t) * rows * lds);
    uint32_t *got = calloc((size_t)columns * ldd, sizeof(uint32_t));
    uint32_t *want = calloc((size_t)columns * ldd, sizeof(uint32_t));
    for (long i = 0; i < rows * lds; i++) src[i] = (uint32_t)next();
    src[0] = 0x7FA00001u;  // a signalling NaN with a payload
    src[rows * lds - 1] = 0x80000000u;  // −0
    for (int i = 0; i < rows; i++)
      for (int j = 0; j < columns; j++)
        want[j * ldd + i] = src[i * lds + j];
    lr_transpose(rows, columns, (const float *)src, lds, (float *)got, ldd);
    if (memcmp(got, want, sizeof(uint32_t) * columns * ldd) != 0) {
      printf("DIFFERENT: transpose %dx%d\n", rows, columns);
      failures++;
    }
    free(src);
    free(got);
    free(want);
  }
}

/// lr_block_rows against its rule written out, for every block height and
/// widths with and without a partial group of four: a column is listed
/// when some row's value is not zero (NaN is not; −0 is), and its rows'
/// values are copied bit for bit.
static void block_rows_rule(void) {
  enum { width = 23 };
  float x[LR_BLOCK_ROWS * width];
  int32_t list[width];
  float at[width * LR_BLOCK_ROWS];
  state = 41;
  for (int i = 0; i < LR_BLOCK_ROWS * width; i++) {
    unsigned pick = next() % 8;
    x[i] = pick < 5 ? 0.0f : pick == 5 ? -0.0f : value(0, 1);
  }
  x[3 * width + 7] = __builtin_nanf("");  // column 7's only non-zero value
  for (int rows = 1; rows <= LR_BLOCK_ROWS; rows++)
    for (int w = width; w >= width - 3; w -= 3) {
      int count = lr_block_rows(x, width, rows, w, list, at), want = 0;
      int same_block = 1;
      for (int j = 0; j < w; j++) {
        int used = 0;
        for (int r = 0; r < rows; r++) used |= x[r * width + j] != 0;
        if (!used) continue;
        same_block &= want < count && list[want] == j;
        for (int r = 0; same_block && r < rows; r++)
          same_block = memcmp(&at[want * LR_BLOCK_ROWS + r], &x[r * width + j],
                              sizeof(float)) == 0;
        want++;
      }
      if (!same_block || count != want) {
        printf("DIFFERENT: lr_block_rows, %d rows of width %d\n", rows, w);
        failures++;
      }
    }
}

/// Each image over its own inked pixels (lr_pixel_rows_times) against the
/// same images in column blocks (lr_block_times): one bit pattern.
static void pixel_rows(int variant) {
  enum { images = 61, width = 784, n = 48 };
  state = 17;
  uint8_t *image = malloc(images * width);
  for (int i = 0; i < images * width; i++)
    image[i] = next() % 5 == 0 ? (uint8_t)(next() % 256) : 0;
  memset(image + 7 * width, 0, width);  // an image with no ink at all
  int32_t order[images], list[width], terms[2 * width];
  for (int i = 0; i < images; i++) order[i] = (int32_t)(next() % images);
  order[3] = 7;
  float *b = floats((long)width * n, 0.1, 0.5f);
  float *at = malloc(sizeof(float) * width * LR_BLOCK_ROWS);
  float *values = malloc(sizeof(float) * 2 * width);
  float *rows = malloc(sizeof(float) * images * n);
  float *blocks = malloc(sizeof(float) * images * n);
  lr_pixel_rows_times(variant, images, image, order, width, terms, values, b,
                      n, n, rows, n);
  for (int first = 0; first < images; first += LR_BLOCK_ROWS) {
    int count = images - first < LR_BLOCK_ROWS ? images - first : LR_BLOCK_ROWS;
    int listed = lr_block_pixels(variant, image, order + first, count,
                                 width, list, at);
    lr_block_times(variant, count, list, listed, at, b, n, n, 1.0f,
                   blocks + (long)first * n, n);
  }
  report("pixel rows", rows, sizeof(float) * images * n);
  if (memcmp(rows, blocks, sizeof(float) * images * n) != 0) {
    printf("DIFFERENT: pixel rows and column blocks\n");
    failures++;
  }
  free(image), free(b), free(at), free(values), free(rows), free(blocks);
}

// MARK: - Element-wise maths, activations, costs

static void elementwise(int variant) {
  enum { count = 200000 };
  float *x = malloc(sizeof(float) * count), *y = malloc(sizeof(float) * count);
  double *dx = malloc(sizeof(double) * count), *dy = malloc(sizeof(double) * count);
  for (int i = 0; i < count; i++) {
    // A sweep over [-100, 100] plus the awkward values.
    x[i] = -100.0f + 200.0f * (float)i / count;
    dx[i] = -750.0 + 1500.0 * i / count;
  }
  x[0] = __builtin_nanf(""), x[1] = 1.0f / 0.0f, x[2] = -1.0f / 0.0f, x[3] = -0.0f;
  x[4] = 1e-30f, x[5] = -1e-7f, x[6] = 88.5f, x[7] = -104.0f;
  float (*functions[])(float) = {lr_expf, lr_sigmoidf, lr_tanhf,
                                 lr_softplusf};
  const char *names[] = {"expf", "sigmoidf", "tanhf", "softplusf"};
  for (int f = 0; f < 4; f++) {
    for (int i = 0; i < count; i++) y[i] = functions[f](x[i]);
    canonical_nans(y, count);
    report(names[f], y, sizeof(float) * count);
  }
  {
    // The variant's activation loops (vectorised at its width) against
    // the scalar functions, element for element, over the same sweep.
    float *z = malloc(sizeof(float) * count), *a = malloc(sizeof(float) * count);
    float *zero = calloc(count, sizeof(float)), *scalar = malloc(sizeof(float) * count);
    lr_activation activations[] = {LR_SIGMOID, LR_TANH};
    float (*scalars[])(float) = {lr_sigmoidf, lr_tanhf};
    for (int f = 0; f < 2; f++) {
      memcpy(z, x, sizeof(float) * count);
      // count − 5: a last group shorter than any vector.
      lr_bias_activate(variant, activations[f], z, a, count, zero, 1,
                       count - 5);
      for (int i = 0; i < count; i++) scalar[i] = scalars[f](x[i] + 0.0f);
      canonical_nans(a, count - 5);
      canonical_nans(scalar, count);
      same(f == 0 ? "sigmoid rows against lr_sigmoidf"
                  : "tanh rows against lr_tanhf", a, scalar, count - 5);
      memcpy(z, x, sizeof(float) * count);
      lr_map_bias_activate(variant, activations[f], x, count, z, a, zero, 1,
                           count - 5);
      canonical_nans(a, count - 5);
      same(f == 0 ? "sigmoid maps against lr_sigmoidf"
                  : "tanh maps against lr_tanhf", a, scalar, count - 5);
    }
    free(z), free(a), free(zero), free(scalar);
  }
  for (int i = 0; i < count; i++) y[i] = lr_logf(x[i] < 0 ? -x[i] : x[i]);
  canonical_nans(y, count);
  report("logf", y, sizeof(float) * count);
  for (int i = 0; i < count; i++) dy[i] = lr_exp(dx[i]);
  report("exp", dy, sizeof(double) * count);
  for (int i = 0; i < count; i++) dy[i] = lr_log(dx[i] < 0 ? -dx[i] : dx[i]);
  report("log", dy, sizeof(double) * count);
  for (int i = 0; i < count; i++) dy[i] = lr_polar_factor((i + 0.5) / count);
  report("polar factor", dy, sizeof(double) * count);
  free(x), free(y), free(dx), free(dy);

  int rows = 23, n = 10, ld = 16;
  for (int act = 0; act < 4; act++)
    for (int cost = 0; cost < 2; cost++) {
      state = 50 + act * 2 + cost;
      float *z = floats(rows * ld, 0.05, 6), *a = floats(rows * ld, 0, 1);
      float *delta = floats(rows * ld, 0, 1), *bias = floats(ld, 0, 1);
      int32_t labels[23];
      for (int r = 0; r < rows; r++) labels[r] = (int32_t)(next() % 11);
      lr_bias_activate(variant, (lr_activation)act, z, a, ld, bias, rows, n);
      double total = lr_output_delta_cost((lr_cost)cost, (lr_activation)act,
                                          z, a, delta, ld, labels, rows, n);
      char name[64];
      snprintf(name, sizeof name, "activation %d cost %d", act, cost);
      report(name, a, sizeof(float) * rows * ld);
      report("  delta", delta, sizeof(float) * rows * ld);
      report("  cost", &total, sizeof total);
      if (act != LR_SOFTMAX) {
        lr_activation_derivative(variant, (lr_activation)act, delta, z, a, ld, rows, n);
        report("  derivative", delta, sizeof(float) * rows * ld);
      }
      uint8_t predictions[23];
      lr_argmax_rows(a, ld, rows, n, predictions);
      report("  argmax", predictions, sizeof predictions);
      free(z), free(a), free(delta), free(bias);
    }
  state = 7;
  float *w = floats(23 * 1000 + 5, 0.3, 3);
  double squares = lr_sum_squares(w, 23 * 1000 + 5);
  report("sum of squares", &squares, sizeof squares);
  free(w);
}

// MARK: - A small network trained for a few hundred steps

/// 64-24-10, sigmoid, quadratic cost, batch 10, as the engine does it.
static void training(int variant) {
  enum { inputs = 64, hidden = 24, outputs = 10, batch = 10, images = 500 };
  const int hp = pad16(hidden), op = pad16(outputs);
  state = 99;
  uint8_t *pixels = malloc(images * inputs);
  int32_t labels[images];
  for (int i = 0; i < images; i++) {
    labels[i] = (int32_t)(next() % outputs);
    for (int p = 0; p < inputs; p++)
      pixels[i * inputs + p] =
          (next() % 3 == 0) ? (uint8_t)(next() % 256) : 0;
  }
  float *w1 = calloc(inputs * hp, sizeof(float)), *b1 = calloc(hp, 4);
  float *w2 = calloc(hidden * op, sizeof(float)), *b2 = calloc(op, 4);
  for (int p = 0; p < inputs; p++)
    for (int j = 0; j < hidden; j++) w1[p * hp + j] = value(0, 1);
  for (int p = 0; p < hidden; p++)
    for (int j = 0; j < outputs; j++) w2[p * op + j] = value(0, 1);
  for (int j = 0; j < hidden; j++) b1[j] = value(0, 1);
  for (int j = 0; j < outputs; j++) b2[j] = value(0, 1);
  float *g1 = calloc(inputs * hp, 4), *gb1 = calloc(hp, 4);
  float *g2 = calloc(hidden * op, 4), *gb2 = calloc(op, 4);
  float *w2t = calloc(outputs * hp, 4);
  uint8_t touched1[inputs] = {0};
  float z1[batch * 32], a1[batch * 32], d1[batch * 32];
  float z2[batch * 16], a2[batch * 16], d2[batch * 16];
  memset(z1, 0, sizeof z1), memset(a1, 0, sizeof a1), memset(d1, 0, sizeof d1);
  memset(z2, 0, sizeof z2), memset(a2, 0, sizeof a2), memset(d2, 0, sizeof d2);
  int32_t list[inputs], hiddenList[hidden], outputList[outputs];
  float at[inputs * LR_BLOCK_ROWS], hiddenAt[hidden * LR_BLOCK_ROWS];
  float outputAt[outputs * LR_BLOCK_ROWS];
  int32_t order[images];
  for (int i = 0; i < images; i++) order[i] = i;
  double costs = 0;
  for (int epoch = 0; epoch < 3; epoch++)
    for (int first = 0; first < images; first += batch) {
      int32_t *rowsOrder = order + first;
      int32_t batchLabels[batch];
      for (int r = 0; r < batch; r++) batchLabels[r] = labels[rowsOrder[r]];
      int listed =
          lr_block_pixels(variant, pixels, rowsOrder, batch, inputs, list, at);
      lr_block_times(variant, batch, list, listed, at, w1, hp, hp, 1, z1, hp);
      lr_bias_activate(variant, LR_SIGMOID, z1, a1, hp, b1, batch, hidden);
      int hiddenListed =
          lr_block_rows(a1, hp, batch, hidden, hiddenList, hiddenAt);
      lr_block_times(variant, batch, hiddenList, hiddenListed, hiddenAt, w2,
                     op, op, 1, z2, op);
      lr_bias_activate(variant, LR_SIGMOID, z2, a2, op, b2, batch, outputs);
      costs += lr_output_delta_cost(LR_QUADRATIC, LR_SIGMOID, z2, a2, d2, op,
                                    batchLabels, batch, outputs);
      // δ1 = (δ2 · W2ᵀ) ⊙ σ′, before W2 changes.
      lr_transpose(hidden, outputs, w2, op, w2t, hp);
      int outputListed =
          lr_block_rows(d2, op, batch, outputs, outputList, outputAt);
      lr_block_times(variant, batch, outputList, outputListed, outputAt, w2t,
                     hp, hp, 1, d1, hp);
      lr_activation_derivative(variant, LR_SIGMOID, d1, z1, a1, hp, batch, hidden);
      lr_block_gradient(variant, batch, hiddenList, hiddenListed, hiddenAt,
                        d2, op, op, g2, op, NULL, 0, 0, NULL, 0);
      lr_column_sums(batch, d2, op, op, gb2);
      float alpha = -3.0f / batch;
      // Layer 1: the fused step on odd epochs, gradient + step on even.
      if (epoch % 2) {
        lr_block_gradient(variant, batch, list, listed, at, d1, hp, hp, NULL,
                          0, NULL, alpha, 1, w1, hp);
      } else {
        lr_block_gradient(variant, batch, list, listed, at, d1, hp, hp, g1,
                          hp, touched1, 0, 0, NULL, 0);
        lr_step(variant, inputs, hp, alpha, 1, w1, hp, g1, hp, touched1);
      }
      lr_column_sums(batch, d1, hp, hp, gb1);
      lr_step(variant, 1, hp, alpha, 1, b1, hp, gb1, hp, NULL);
      lr_step(variant, hidden, op, alpha, 1, w2, op, g2, op, NULL);
      lr_step(variant, 1, op, alpha, 1, b2, op, gb2, op, NULL);
    }
  report("training: cost", &costs, sizeof costs);
  report("training: w1", w1, sizeof(float) * inputs * hp);
  report("training: b1", b1, sizeof(float) * hp);
  report("training: w2", w2, sizeof(float) * hidden * op);
  report("training: b2", b2, sizeof(float) * op);
  free(pixels), free(w1), free(b1), free(w2), free(b2);
  free(g1), free(gb1), free(g2), free(gb2), free(w2t);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: kernel-driver portable|avx2|avx512|neon\n");
    return 2;
  }
  int variant = -1;
  for (int v = 0; v < LR_VARIANT_COUNT; v++)
    if (strcmp(argv[1], lr_variant_name((lr_variant)v)) == 0) variant = v;
  if (variant < 0 || !lr_variant_available((lr_variant)variant)) {
    fprintf(stderr, "kernel-driver: variant '%s' is not available here\n",
            argv[1]);
    return 3;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);  // each line out before a crash
  products(variant);
  dense_products(variant);
  convolution(variant);
  unfold_positions(variant);
  pixels(variant);
  block_rows_rule();
  transpose_rule();
  pixel_rows(variant);
  elementwise(variant);
  training(variant);
  return failures ? 1 : 0;
}
