import COpenBLAS

// Thin, labelled wrappers over the few CBLAS routines the engine uses, so
// that call sites read as the maths they do. All matrices are row-major.

enum BLAS {
  /// C ← alpha · op(A) · op(B) + beta · C, with C (m, n) and K the inner size.
  @inline(__always)
  static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
      transposeB ? CblasTrans : CblasNoTrans,
      blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda),
      b, blasint(ldb), beta, c, blasint(ldc))
  }

  /// y ← alpha · op(A) · x + beta · y, with A (rows, columns).
  @inline(__always)
  static func gemv(
    transpose: Bool, rows: Int, columns: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
    beta: Float, y: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemv(
      CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
      blasint(rows), blasint(columns), alpha, a, blasint(lda), x, 1,
      beta, y, 1)
  }

  /// y ← alpha · x + y.
  @inline(__always)
  static func axpy(
    count: Int, alpha: Float, x: UnsafePointer<Float>,
    y: UnsafeMutablePointer<Float>
  ) {
    cblas_saxpy(blasint(count), alpha, x, 1, y, 1)
  }

  /// y ← alpha · x + beta · y.
  @inline(__always)
  static func axpby(
    count: Int, alpha: Float, x: UnsafePointer<Float>, beta: Float,
    y: UnsafeMutablePointer<Float>
  ) {
    cblas_saxpby(blasint(count), alpha, x, 1, beta, y, 1)
  }

  /// Σ x_i², accumulated in double precision.
  @inline(__always)
  static func sumOfSquares(count: Int, x: UnsafePointer<Float>) -> Double {
    cblas_dsdot(blasint(count), x, 1, x, 1)
  }

  /// Limits under which OpenBLAS 0.3.21 takes its small-matrix sgemm
  /// kernels on this CPU (measured; its packed path runs at half the speed
  /// on the network's shapes): M·N·K ≤ 100³ for every product, and for the
  /// forward product x · Wᵀ also rows · out ≤ 1200 (784→30 layer: 109
  /// GFLOP/s at 40 rows, 57 at 41). Bigger products go in row blocks.
  static let smallProduct = 100 * 100 * 100
  static let smallForwardOutput = 1200

  /// Below this many rows per block, splitting costs more in calls than the
  /// small kernels gain: big layers go to the packed path whole.
  static let smallestBlock = 8

  /// Calls `body(first, count)` for near-equal blocks of `rows` rows, each of
  /// at most `limit` rows (or once for all rows if `limit` is tiny).
  @inline(__always)
  static func forEachRowBlock(
    rows: Int, limit: Int, _ body: (_ first: Int, _ count: Int) -> Void
  ) {
    let blocks = (rows + limit - 1) / max(limit, 1)
    guard blocks > 1, limit >= smallestBlock else {
      body(0, rows)
      return
    }
    var first = 0
    for block in 0..<blocks {
      // Spread the remainder so no block is much smaller than the others.
      let count = rows / blocks + (block < rows % blocks ? 1 : 0)
      body(first, count)
      first += count
    }
  }

  /// Asks the CPU to start fetching `count` bytes from `address` into cache.
  @inline(__always)
  static func prefetch(_ address: UnsafeRawPointer, count: Int) {
    for offset in stride(from: 0, to: count, by: 64) {
      labrun_prefetch(address + offset)
    }
  }

  /// Makes every later BLAS call run on the calling thread only.
  ///
  /// Training runs one network per core; a second BLAS thread adds nothing
  /// on the network's small shapes and would fight the other training.
  static func useOneThread() {
    openblas_set_num_threads(1)
  }
}
