// labrun's numerical kernels: deterministic float32 products, parameter
// steps and element-wise maths for the neural-network engine.
//
// The contract every function keeps: the same inputs give the same bits on
// every CPU, variant and thread count. Each element of a product is one
// chain of fused multiply-adds over the inner index in ascending order;
// vector units compute many chains side by side (across columns), never
// split one chain, so the vector width cannot change a bit. Terms whose
// left factor is zero are left out of a chain (that is part of the
// definition, in every variant). Element-wise maths uses only +, -, *, /,
// sqrt, fma and bit operations, never the C library's exp or log.
//
// Matrices are row-major. A "padded" width is a multiple of 16 floats: the
// products compute whole padded rows, so buffers are allocated that wide.

#ifndef LABRUN_KERNELS_H
#define LABRUN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Variants

/// The implementations of the vectorised kernels. All give the same bits.
typedef enum {
  LR_VARIANT_PORTABLE = 0,  ///< scalar fmaf: any CPU
  LR_VARIANT_AVX2 = 1,      ///< x86-64 with AVX2 and FMA
  LR_VARIANT_AVX512 = 2,    ///< x86-64 with AVX-512F
  LR_VARIANT_NEON = 3,      ///< arm64 Advanced SIMD
} lr_variant;

enum { LR_VARIANT_COUNT = 4 };

/// Whether this build and this CPU can run `variant`.
int lr_variant_available(lr_variant variant);
/// The fastest variant this CPU runs.
lr_variant lr_best_variant(void);
/// The variant's name as `LABRUN_KERNELS` spells it ("avx2").
const char *lr_variant_name(lr_variant variant);
/// The variant new networks use: the one set last, else the one the
/// environment variable LABRUN_KERNELS names if this CPU runs it, else the
/// best.
lr_variant lr_default_variant(void);
/// Sets the default variant (any thread; affects networks created later).
void lr_set_default_variant(lr_variant variant);

/// Starts fetching `bytes` bytes at `address` into the second-level cache
/// without waiting. (Into the first level, a batch's images — 130 lines
/// for ten digits — evicted the products' working set and queued behind
/// its few miss buffers: in a C harness on a Zen 4, gathering a batch's
/// pixels took 0.0094 s per epoch that way and 0.0080 s this way.)
static inline void lr_prefetch(const void *address, long bytes) {
  for (long offset = 0; offset < bytes; offset += 64)
    __builtin_prefetch((const char *)address + offset, 0, 2);
}

// MARK: - Blocks of rows and the columns they use

/// Most rows one product call takes: a mini-batch goes through the
/// products in blocks of this many rows. A block is given by the columns
/// that are non-zero in any of its rows, ascending, in `list[0..<count]`,
/// and those columns' values, transposed and packed: the "column block"
/// at[t · LR_BLOCK_ROWS + r] = A[r][list[t]] for r < rows.
enum { LR_BLOCK_ROWS = 12 };

/// The column block of the images `images[0..<rows]` (rows ≤
/// LR_BLOCK_ROWS; each image `width` bytes of `pixels`), with values
/// pixel · (1/255); returns the number of columns. `variant` picks the
/// instructions (AVX2 where the variant has them); the result is the same.
int lr_block_pixels(int variant, const uint8_t *pixels, const int32_t *images,
                    int rows, int width, int32_t *list, float *at);

/// The column block of `rows` ≤ LR_BLOCK_ROWS rows of x (row r at
/// x + r·ldx, `width` columns; NaN counts as non-zero); returns the number
/// of columns.
int lr_block_rows(const float *x, long ldx, int rows, int width,
                  int32_t *list, float *at);

/// The terms of one image's row: its non-zero pixels' columns, ascending,
/// into list and their values pixel · (1/255) (as lr_block_pixels) into
/// values; returns their number. Both hold `width` entries.
int lr_pixel_terms(const uint8_t *image, int width, int32_t *list,
                   float *values);

/// The images `images[0..<rows]` (each `width` bytes of `pixels`) as dense
/// rows of floats: row r at x + r·ldx, pixel · (1/255) (as
/// lr_block_pixels scales), every column written.
void lr_pixel_rows(const uint8_t *pixels, const int32_t *images, int rows,
                   int width, float *x, long ldx);

// MARK: - Vectorised kernels (one implementation per variant)

// The chains. Every element of a product is the chain
//   acc = +0;  for each term p, ascending:  acc = fma(A[r][p], B[p][j], acc)
// over the terms p whose factor A[r][p] is not zero, and is stored with a
// zero result as +0. Because of that last rule, including a term whose
// factor is +0 changes no bit when the other factor is finite, so a kernel
// may run a block's rows over the union of their non-zero columns (and it
// does, identically in every variant). Only a non-finite weight (after
// training diverged) can tell the difference: the variants still agree,
// but such a network's outputs may depend on how rows were blocked.

/// C = A·B for a column block of A (`rows`, `list`, `count`, `at`), with
/// B (k, n) at `b` (row p at b + p·ldb), for j < n (a multiple of 16):
///   C[r][j] = alpha·acc.
void lr_block_times(int variant, int rows, const int32_t *list, int count,
                    const float *at, const float *b, long ldb, int n,
                    float alpha, float *c, long ldc);

/// lr_block_times over one stretch of its chains: `list` holds some of the
/// terms, the ones before them already in C. With `begins` the chains
/// start at +0 (else each continues from C[r][j], where the stretch before
/// left it); with `ends` C[r][j] = alpha·acc (a zero stored as +0), else C
/// keeps the raw chain for the stretch after. Stretches taken in term order
/// give the bits of one call over all their terms, whichever thread takes
/// each.
void lr_block_times_stretch(int variant, int rows, const int32_t *list,
                            int count, const float *at, const float *b,
                            long ldb, int n, float alpha, int begins,
                            int ends, float *c, long ldc);

/// C = A·Bᵀ for a column block of A (`rows`, `list`, `count`, `at`), with
/// B given by its rows: row i (n of them) at b + i·ldb, B[i][p] the factor
/// of term p. For i < n:
///   C[r][i] = alpha·acc, acc = +0; acc = fma(A[r][p], B[i][p], acc) for p
/// in list order (a zero stored as +0): the bits of lr_block_times with
/// the transpose of B as its right factor, without forming it. Reads
/// LR_BLOCK_ROWS rounded up to the vector width from each term's values
/// (the extra lanes are ignored), so `at` needs 16 floats of slack.
void lr_block_times_bt(int variant, int rows, const int32_t *list,
                       int count, const float *at, const float *b, long ldb,
                       int n, float alpha, float *c, long ldc);

/// The gradient of a product's right factor, for a column block of A
/// (`rows`, `list`, `count`, `at`): for B's rows p in `list` and j < n (a
/// multiple of 16), continuing each element's chain over the block's rows
/// r ascending:
///   acc = G[p][j] (or +0 when w is given);  acc = fma(A[r][p], D[r][j], acc)
/// then G[p][j] = acc and flags[p] = 1 (if flags), or — the fused step,
/// when w is given — W[p][j] = fma(alpha, acc, beta·W[p][j]), G untouched.
/// The fused step leaves W's unlisted rows as they are, which equals the
/// full step only when beta == 1 and alpha < 0 (the caller's check), for a
/// batch that is one block.
void lr_block_gradient(int variant, int rows, const int32_t *list, int count,
                       const float *at, const float *d, long ldd, int n,
                       float *g, long ldg, uint8_t *flags, float alpha,
                       float beta, float *w, long ldw);

/// The gradient step on `rows` rows of `n` floats (a multiple of 16):
/// w = fma(alpha, g, beta * w), then g = 0. Rows whose touched flag is 0
/// are skipped when that gives the same bits (beta == 1, alpha < 0 and g
/// all +0 there); touched may be NULL (every row is stepped). Clears the
/// flags it reads.
void lr_step(int variant, int rows, int n, float alpha, float beta,
             float *w, long ldw, float *g, long ldg, uint8_t *touched);

/// The momentum step: v = fma(alpha, g, fma(decay, w, mu * v)); w = w + v;
/// g = 0. Every row is stepped; touched flags (if any) are cleared.
void lr_step_momentum(int variant, int rows, int n, float alpha, float mu,
                      float decay, float *w, long ldw, float *v, long ldv,
                      float *g, long ldg, uint8_t *touched);

/// C = A·B for a row-major A (`rows` rows of `k` terms, row r at a + r·lda)
/// and B (k, n) at `b`, for j < n (a multiple of 16): every element the
/// chain acc = +0 (or C[r][j] itself, with `accumulate`, to continue it);
/// acc = fma(A[r][p], B[p][j], acc) for p ascending; C[r][j] = acc, a zero
/// stored as +0. The convolution's forward product, weight gradient and
/// input gradient.
void lr_times(int variant, int rows, int k, const float *a, long lda,
              const float *b, long ldb, int n, int accumulate, float *c,
              long ldc);

/// C = A·B row by row, each row of A given by its own terms: row r's
/// `counts[r]` columns at lists + r·ldl (ascending, non-zero factors only)
/// and their values at values + r·ldl; for j < n (a multiple of 16):
///   C[r][j] = alpha·acc, the chain over row r's terms (a zero as +0).
/// The same bits as lr_block_times on any blocking of the rows when B is
/// finite (a block adds only +0 terms to a row's chain).
void lr_rows_times(int variant, int rows, const int32_t *counts,
                   const int32_t *lists, const float *values, long ldl,
                   const float *b, long ldb, int n, float alpha, float *c,
                   long ldc);

/// lr_rows_times for the images `images[0..<rows]` (each `width` bytes of
/// `pixels`, values pixel · (1/255)) with alpha 1: every row over its own
/// inked pixels. `list` and `values` are scratch of 2·(width + 8)
/// entries.
void lr_pixel_rows_times(int variant, int rows, const uint8_t *pixels,
                         const int32_t *images, int width, int32_t *list,
                         float *values, const float *b, long ldb, int n,
                         float *c, long ldc);

/// Whether all `count` floats are finite (no infinity, no NaN).
int lr_all_finite(const float *x, long count);

// MARK: - Shared kernels (one implementation, any variant)

/// gb[j] = gb[j] + D[r][j] for r ascending, j < n.
void lr_column_sums(int rows, const float *d, long ldd, int n, float *gb);

/// B (n_cols_of_A, ...) = Aᵀ: dst[j * ldd + i] = src[i * lds + j] for
/// i < rows, j < columns.
void lr_transpose(int rows, int columns, const float *src, long lds,
                  float *dst, long ldd);

/// Σ x², in double precision, in a fixed order (16 strided partial sums,
/// combined in order).
double lr_sum_squares(const float *x, long count);

// MARK: - Parts on threads

/// Calls body(context, part) for every part in 0..<parts at the same time
/// and returns when all have finished: the calling thread runs part 0,
/// helper threads of its own (kept for the thread's life, waiting between
/// calls) claim the others, and the caller runs those no helper has
/// claimed. Where a helper cannot start, the parts run one after the other
/// on the calling thread.
void lr_parts_run(int parts, void (*body)(void *context, int part),
                  void *context);

/// A relay between the parts of one lr_parts_run: part p takes a task's
/// steps in order and may take step s only once part p − 1 has passed it,
/// so a chain of sums can run through the parts in order (part 0 its first
/// terms, part 1 the next, ...) while each part keeps to its own memory.
/// A part waits by spinning, then by yielding the core, never asleep: the
/// part it waits for was claimed before it (parts are claimed in order) and
/// is running. At most LR_RELAY_PARTS parts.
enum { LR_RELAY_PARTS = 16 };
typedef struct lr_relay lr_relay;

/// A relay with no step passed (NULL when memory runs out).
lr_relay *lr_relay_create(void);
void lr_relay_destroy(lr_relay *relay);
/// Clears the steps passed, before the task's lr_parts_run.
void lr_relay_reset(lr_relay *relay);
/// Returns once part `part` − 1 has passed `steps` steps (at once for
/// part 0); what that part wrote before it passed them is then visible.
void lr_relay_wait(const lr_relay *relay, int part, int steps);
/// Part `part` has passed `steps` steps.
void lr_relay_pass(lr_relay *relay, int part, int steps);

// MARK: - Activations and costs

typedef enum {
  LR_SIGMOID = 0,
  LR_RELU = 1,
  LR_TANH = 2,
  LR_SOFTMAX = 3,
} lr_activation;

typedef enum {
  LR_QUADRATIC = 0,
  LR_CROSS_ENTROPY = 1,
} lr_cost;

/// z = z + b per row, then a = f(z), for j < n of each of `rows` rows.
/// Every variant gives the same bits (each element on its own); the
/// variant only sets how many are computed at once.
void lr_bias_activate(int variant, lr_activation activation, float *z,
                      float *a, long ld, const float *bias, int rows, int n);

/// δ = δ ⊙ f′(z) for a hidden activation (not softmax).
void lr_activation_derivative(int variant, lr_activation activation,
                              float *delta, const float *z, const float *a,
                              long ld, int rows, int n);

/// Writes ∂C/∂z of the output layer into `delta` and returns the batch's
/// summed cost (each row's cost in float, summed in double in row order).
/// Labels outside 0..<n give an all-zero target.
double lr_output_delta_cost(lr_cost cost, lr_activation activation,
                            const float *z, const float *a, float *delta,
                            long ld, const int32_t *labels, int rows, int n);

/// The index of the largest of the n values of each row (the first, on
/// ties; NaN never wins) into predictions[r].
void lr_argmax_rows(const float *a, long ld, int rows, int n,
                    uint8_t *predictions);

// MARK: - Convolution and pooling (shared)

// A convolution's input is `channels` maps of height × width floats, map
// after map (row-major inside each); a filter is size × size. Its taps t =
// (c · size + ky) · size + kx, ascending, are the order of every chain.

/// The unfolded input: u[t][p] = x[c][y + ky][x + kx] for every tap t and
/// output position p = y · (width − size + 1) + x; row t at u + t·ldu.
/// Columns from the positions' count to ldu are left as they are.
void lr_conv_unfold(const float *x, int channels, int height, int width,
                    int size, float *u, long ldu);

/// The unfolded input by position, for the columns first ..< first + count
/// of u[p][t]: x[c][y + ky][x + kx] for a tap t < taps (= channels ·
/// size · size), 1 in column `taps` (the bias's, whose gradient is then
/// the chain of δ · 1 = δ), +0 beyond; position p's row at u + p·ldu
/// (column t at row + t − first). `variant` picks the instructions (masked
/// vector loads under avx2 and avx512); the result is the same.
void lr_conv_unfold_positions(int variant, const float *x, int channels,
                              int height, int width, int size, int first,
                              int count, float *u, long ldu);

/// The input gradient from the taps' gradient g (row t at g + t·ldg,
/// position p = y · (width − size + 1) + x in column p): dx = 0, then
/// dx[c][y + ky][x + kx] += g[t][p], each input's terms in the order of
/// their positions p, ascending (a fixed order of additions).
void lr_conv_fold(const float *g, long ldg, int channels, int height,
                  int width, int size, float *dx);

/// z[f][p] = s[f][p] + bias[f], a = f(z), for `maps` rows of `positions`
/// (s's row f at s + f·lds; z and a compact, map after map). A hidden
/// activation (not softmax).
void lr_map_bias_activate(int variant, lr_activation activation,
                          const float *s, long lds, float *z, float *a,
                          const float *bias, int maps, int positions);

/// Max-pooling of `maps` maps of height × width by size × size windows
/// (size divides both): y[f][i][j] is the largest of its window, the first
/// in row-major order on ties (a NaN wins only as the window's first
/// value); where[·] is the chosen input's index in x.
void lr_max_pool(const float *x, int maps, int height, int width, int size,
                 float *y, int32_t *where);

/// The pool's input gradient: dx = 0 (`inputs` floats), then
/// dx[where[i]] = dy[i] for i < outputs (windows do not overlap).
void lr_max_pool_backward(const float *dy, const int32_t *where, int outputs,
                          float *dx, int inputs);

// MARK: - Element-wise maths

/// eˣ in float, within 3 ulp; NaN stays NaN; clamped to normal floats.
float lr_expf(float x);
/// 1 / (1 + e⁻ˣ).
float lr_sigmoidf(float x);
/// tanh x, computed in double and rounded.
float lr_tanhf(float x);
/// ln x for x > 0, computed in double and rounded (−inf at 0, NaN below).
float lr_logf(float x);
/// ln(1 + eˣ) without overflow.
float lr_softplusf(float x);
/// eˣ in double (within 2 ulp for |x| < 708).
double lr_exp(double x);
/// ln x in double (within 2 ulp), for x > 0.
double lr_log(double x);
/// √(−2 ln s / s): the polar method's factor for 0 < s < 1.
double lr_polar_factor(double s);

#ifdef __cplusplus
}
#endif

#endif
