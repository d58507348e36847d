import CKernels

/// A batch's input taken in blocks of `LR_BLOCK_ROWS` rows, each as its
/// column block: the columns that are non-zero in any of its rows, and
/// their values transposed and packed. What a layer's products run over.
///
/// A term whose input is zero adds nothing, so a block of ten digits —
/// whose pixels are half zero even together — costs half the work; and
/// the packed values sit side by side in the order the kernels read them.
/// The blocks are made once per batch part and serve the layer's forward
/// product and its weight gradient.
final class BlockColumns {
  /// Rows per block: the kernels' register tiles take this many at most.
  static let blockRows = Int(LR_BLOCK_ROWS)

  /// Columns of the matrix listed.
  let width: Int
  private(set) var capacity = 0  // blocks
  private var counts: [Int32] = []  // (capacity)
  private var lists = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity, width)
  private var values = FloatBuffer(count: 0)  // (capacity, width, blockRows)
  /// Rows of the last load.
  private(set) var rows = 0
  /// The dense matrix of the last load (rows `sourceStride` floats apart),
  /// when it was loaded from one: what a layer that reads whole rows
  /// (a convolution, a pool) takes instead of the blocks.
  private(set) var source: UnsafePointer<Float>?
  private(set) var sourceStride = 0

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
    // 16 floats of slack: lr_block_times_bt reads a term's rows a whole
    // vector at a time.
    values = FloatBuffer(count: blocks * width * Self.blockRows + 16)
  }

  /// The blocks of the first `rows` rows of `matrix` (rows `stride` floats
  /// apart).
  func load(_ matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    self.rows = rows
    source = matrix
    sourceStride = stride
    for block in 0..<blockCount {
      let first = block * Self.blockRows
      counts[block] = lr_block_rows(
        matrix + first * stride, stride, blockRows(block), Int32(width),
        lists + block * width, values.base + block * width * Self.blockRows)
    }
  }

  /// The blocks of the images `images` of `pixels`, scaled to [0, 1]
  /// (with `kernels`' instructions; the same values with any).
  func load(
    pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int,
    kernels: KernelVariant
  ) {
    self.rows = rows
    source = nil
    for block in 0..<blockCount {
      counts[block] = lr_block_pixels(
        kernels.index, pixels, images + block * Self.blockRows, blockRows(block),
        Int32(width), lists + block * width,
        values.base + block * width * Self.blockRows)
    }
  }

  /// Refers to the first `rows` rows of `matrix` (rows `stride` floats
  /// apart) without listing them: for a layer that reads ``source``.
  func refer(to matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    self.rows = rows
    source = matrix
    sourceStride = stride
  }

  /// The loaded rows as a dense matrix and its row stride: where they were
  /// loaded from, or unpacked into `scratch` (grown to `capacity` rows or
  /// more as needed, ``width`` floats a row).
  func denseRows(scratch: inout FloatBuffer, capacity: Int)
    -> (UnsafePointer<Float>, Int)
  {
    if let source { return (source, sourceStride) }
    if scratch.count < rows * width {
      scratch = FloatBuffer(count: max(rows, capacity) * width)
    }
    unpack(into: scratch.base, stride: width)
    return (UnsafePointer(scratch.base), width)
  }

  /// Writes the loaded rows as a dense matrix into `matrix` (row r at
  /// matrix + r·stride, ``width`` floats each; the unlisted ones zero).
  func unpack(into matrix: UnsafeMutablePointer<Float>, stride: Int) {
    for row in 0..<rows {
      (matrix + row * stride).update(repeating: 0, count: width)
    }
    forEachBlock { first, rows, list, values, count in
      for t in 0..<Int(count) {
        let column = Int(list[t])
        for r in 0..<Int(rows) {
          matrix[(first + r) * stride + column] = values[t * Self.blockRows + r]
        }
      }
    }
  }

  /// Calls `body` for each block: its first row, its row count, its column
  /// list and packed values, and the number of columns.
  func forEachBlock(
    _ body: (
      _ first: Int, _ rows: Int32, _ list: UnsafePointer<Int32>,
      _ values: UnsafePointer<Float>, _ count: Int32
    ) -> Void
  ) {
    for block in 0..<blockCount {
      body(
        block * Self.blockRows, blockRows(block), lists + block * width,
        values.base + block * width * Self.blockRows, counts[block])
    }
  }

  private var blockCount: Int { (rows + Self.blockRows - 1) / Self.blockRows }

  private func blockRows(_ block: Int) -> Int32 {
    Int32(min(Self.blockRows, rows - block * Self.blockRows))
  }
}
