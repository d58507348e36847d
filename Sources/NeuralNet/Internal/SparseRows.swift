import CKernels

/// A batch of rows kept as lists of their non-zero entries: what a layer
/// multiplies by its weights, forward and backward.
///
/// A product leaves out the terms whose left factor is zero (exact: such a
/// term adds zero), so a digit whose pixels are four-fifths zero costs a
/// fifth of the work. Row r's list is `counts[r]` (column, value) pairs at
/// `columns + r * width` and `values + r * width`, columns ascending.
final class SparseRows {
  /// Entries a row can hold: the full width of the matrix it lists.
  let width: Int
  private(set) var capacity = 0
  private(set) var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity)
  private(set) var columns = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity, width)
  private(set) var values = FloatBuffer(count: 0)  // (capacity, width)

  init(width: Int) { self.width = width }

  deinit {
    counts.deallocate()
    columns.deallocate()
  }

  /// Makes room for `rows` rows.
  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    counts.deallocate()
    columns.deallocate()
    counts = .allocate(capacity: rows)
    columns = .allocate(capacity: rows * width)
    values = FloatBuffer(count: rows * width)
  }

  /// Lists the pixels (scaled to [0, 1]) of the images `images` of
  /// `pixels`, `width` bytes each.
  func load(
    pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int
  ) {
    lr_compact_pixels(
      pixels, images, Int32(rows), Int32(width), counts, columns, values.base,
      width)
  }

  /// Lists the first `width` columns of `rows` rows of `matrix`.
  func load(_ matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    lr_compact_rows(
      matrix, stride, Int32(rows), Int32(width), counts, columns, values.base,
      width)
  }
}
