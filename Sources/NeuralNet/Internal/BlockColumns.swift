import CKernels

/// Rows taken in blocks of `LR_BLOCK_ROWS`, each with the list of the
/// columns that are non-zero in any of its rows: what a product runs over.
///
/// A term whose input is zero adds nothing, so a block of ten digits —
/// whose pixels are half zero even together — costs half the work. The
/// list is made once per batch part and serves the layer's forward product
/// and its weight gradient.
final class BlockColumns {
  /// Rows per block: the kernels' register tiles take this many at most.
  static let blockRows = Int(LR_BLOCK_ROWS)

  /// Columns of the matrix listed.
  let width: Int
  private(set) var capacity = 0  // blocks
  private var counts: [Int32] = []  // (capacity)
  private var lists = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity, width)
  /// Rows of the last ``load``.
  private(set) var rows = 0

  init(width: Int) { self.width = width }

  deinit { lists.deallocate() }

  /// Makes room for `rows` rows.
  func reserve(rows: Int) {
    let blocks = (rows + Self.blockRows - 1) / Self.blockRows
    guard blocks > capacity else { return }
    capacity = blocks
    counts = [Int32](repeating: 0, count: blocks)
    lists.deallocate()
    lists = .allocate(capacity: blocks * width)
  }

  /// Lists the non-zero columns of each block of the first `rows` rows of
  /// `matrix` (rows `stride` floats apart).
  func load(_ matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    self.rows = rows
    for block in 0..<(rows + Self.blockRows - 1) / Self.blockRows {
      let first = block * Self.blockRows
      counts[block] = lr_nonzero_columns(
        matrix + first * stride, stride,
        Int32(min(Self.blockRows, rows - first)), Int32(width),
        lists + block * width)
    }
  }

  /// Writes the pixels of the images `images` (scaled to [0, 1]) into
  /// `matrix` (rows `stride` floats apart) and lists each block's non-zero
  /// columns, in one pass.
  func loadPixels(
    _ pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int,
    into matrix: UnsafeMutablePointer<Float>, stride: Int
  ) {
    self.rows = rows
    for block in 0..<(rows + Self.blockRows - 1) / Self.blockRows {
      let first = block * Self.blockRows
      counts[block] = lr_load_pixels(
        pixels, images + first, Int32(min(Self.blockRows, rows - first)),
        Int32(width), matrix + first * stride, stride, lists + block * width)
    }
  }

  /// Calls `body` for each block: its first row, its row count and its
  /// column list.
  func forEachBlock(
    _ body: (_ first: Int, _ rows: Int32, _ list: UnsafePointer<Int32>,
      _ count: Int32) -> Void
  ) {
    for block in 0..<(rows + Self.blockRows - 1) / Self.blockRows {
      let first = block * Self.blockRows
      body(
        first, Int32(min(Self.blockRows, rows - first)), lists + block * width,
        counts[block])
    }
  }
}
