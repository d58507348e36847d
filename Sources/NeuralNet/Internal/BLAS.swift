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

  /// Σ x_i², accumulated in double precision.
  @inline(__always)
  static func sumOfSquares(count: Int, x: UnsafePointer<Float>) -> Double {
    cblas_dsdot(blasint(count), x, 1, x, 1)
  }

  /// Makes every later BLAS call run on the calling thread only.
  ///
  /// Training runs one network per core; a second BLAS thread adds nothing
  /// on the network's small shapes and would fight the other training.
  static func useOneThread() {
    openblas_set_num_threads(1)
  }
}
