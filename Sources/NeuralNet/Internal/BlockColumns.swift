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
///
/// A layer that splits its inputs between threads lists each block in
/// parts instead (``beginListing(parts:)``, ``list(part:)``): every thread
/// lists the columns it takes, from the rows where they are, and no
/// thread reads a list another one wrote.
final class BlockColumns {
  /// Rows per block: the kernels' register tiles take this many at most.
  static let blockRows = Int(LR_BLOCK_ROWS)

  /// Columns of the matrix listed.
  let width: Int
  private(set) var capacity = 0  // blocks
  /// The number of columns listed: (capacity, listedParts).
  private var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  private var countCapacity = 1
  /// Each block's column list; part p's from its first column on.
  private var lists = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity, width)
  private var values = FloatBuffer(count: 0)  // (capacity, width, blockRows)
  /// Rows of the last load.
  private(set) var rows = 0
  /// The parts each block of the last load is listed in, each part the
  /// columns `Parts.range(part, of: listedParts, width)`: 1 for whole
  /// lists, 0 while the rows are only referred to (``refer(to:stride:rows:)``).
  private(set) var listedParts = 0
  /// The dense matrix of the last load (rows `sourceStride` floats apart),
  /// when it was loaded from one: what a layer that reads whole rows
  /// (a convolution, a pool) takes instead of the blocks.
  private(set) var source: UnsafePointer<Float>?
  private(set) var sourceStride = 0
  /// The images of the last load by reference (``refer(pixels:images:rows:)``),
  /// each row's index in ``images``.
  private var pixels: UnsafePointer<UInt8>?
  private var images = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity, blockRows)

  init(width: Int) { self.width = width }

  deinit {
    lists.deallocate()
    counts.deallocate()
    images.deallocate()
  }

  /// Makes room for `rows` rows.
  func reserve(rows: Int) {
    let blocks = (rows + Self.blockRows - 1) / Self.blockRows
    guard blocks > capacity else { return }
    capacity = blocks
    reserveCounts(blocks)
    lists.deallocate()
    lists = .allocate(capacity: blocks * width)
    images.deallocate()
    images = .allocate(capacity: blocks * Self.blockRows)
    // 16 floats of slack: lr_block_times_bt reads a term's rows a whole
    // vector at a time.
    values = FloatBuffer(count: blocks * width * Self.blockRows + 16)
  }

  private func reserveCounts(_ count: Int) {
    guard count > countCapacity else { return }
    counts.deallocate()
    counts = .allocate(capacity: count)
    countCapacity = count
  }

  /// The blocks of the first `rows` rows of `matrix` (rows `stride` floats
  /// apart).
  func load(_ matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    refer(to: matrix, stride: stride, rows: rows)
    beginListing(parts: 1)
    list(part: 0)
  }

  /// The blocks of the images `images` of `pixels`, scaled to [0, 1]
  /// (with `kernels`' instructions; the same values with any).
  func load(
    pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int,
    kernels: KernelVariant
  ) {
    self.rows = rows
    source = nil
    self.pixels = nil
    listedParts = 1
    for block in 0..<blockCount {
      counts[block] = lr_block_pixels(
        kernels.index, pixels, images + block * Self.blockRows, blockRows(block),
        Int32(width), lists + block * width,
        values.base + block * width * Self.blockRows)
    }
  }

  /// Refers to the first `rows` rows of `matrix` (rows `stride` floats
  /// apart) without listing them: for a layer that reads ``source``, or
  /// lists them itself in parts.
  func refer(to matrix: UnsafePointer<Float>, stride: Int, rows: Int) {
    self.rows = rows
    source = matrix
    sourceStride = stride
    pixels = nil
    listedParts = 0
  }

  /// Refers to the images `images[0..<rows]` of `pixels` without listing
  /// or scaling them: for a layer that reads dense rows
  /// (``denseRows(scratch:capacity:)``) and scales each where it reads it.
  func refer(
    pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int
  ) {
    precondition(rows <= capacity * Self.blockRows)
    self.rows = rows
    source = nil
    self.pixels = pixels
    self.images.update(from: images, count: rows)
    listedParts = 0
  }

  /// Readies the referred rows to be listed in `parts` parts, each by
  /// ``list(part:)``.
  func beginListing(parts: Int) {
    precondition(source != nil && parts >= 1 && parts <= width)
    reserveCounts(capacity * parts)
    listedParts = parts
  }

  /// Lists part `part`'s columns of every block from the referred rows.
  /// The parts of one listing may run at the same time: each writes its
  /// own columns' lists and values (a block's listing writes only within
  /// its columns' slots).
  func list(part: Int) {
    guard let source else { preconditionFailure("no rows to list") }
    let parts = listedParts
    let columns = Parts.range(part, of: parts, width)
    for block in 0..<blockCount {
      let first = block * Self.blockRows
      let list = lists + block * width + columns.lowerBound
      let count = lr_block_rows(
        source + first * sourceStride + columns.lowerBound, sourceStride,
        blockRows(block), Int32(columns.count), list,
        values.base + (block * width + columns.lowerBound) * Self.blockRows)
      // The kernels index the matrix's columns: from the part's to its own.
      if columns.lowerBound > 0 {
        let offset = Int32(columns.lowerBound)
        for t in 0..<Int(count) { list[t] += offset }
      }
      counts[block * parts + part] = count
    }
  }

  /// The loaded rows as a dense matrix: where they were loaded from, or
  /// `scratch` (grown to `capacity` rows or more as needed, ``width``
  /// floats a row) for images referred to, which each thread then fills
  /// with the rows it reads (``DenseRows/fill(_:)``).
  func denseRows(scratch: inout FloatBuffer, capacity: Int) -> DenseRows {
    if let source {
      return DenseRows(base: source, stride: sourceStride, images: nil)
    }
    guard let pixels else {
      preconditionFailure("rows listed from pixels have no dense matrix")
    }
    if scratch.count < rows * width {
      scratch = FloatBuffer(count: max(rows, capacity) * width)
    }
    return DenseRows(
      base: UnsafePointer(scratch.base), stride: width,
      images: (pixels, UnsafePointer(images), width, scratch.base))
  }

  /// Calls `body` for each block: its first row, its row count, its column
  /// list and packed values, and the number of columns.
  /// - Precondition: the blocks are listed whole.
  func forEachBlock(
    _ body: (
      _ first: Int, _ rows: Int32, _ list: UnsafePointer<Int32>,
      _ values: UnsafePointer<Float>, _ count: Int32
    ) -> Void
  ) {
    forEachBlock(part: 0, of: 1, body)
  }

  /// ``forEachBlock(_:)`` for the columns of part `part` of `parts`,
  /// `Parts.range(part, of: parts, width)`: the part's own lists where the
  /// blocks were listed in those parts, else the stretch of each whole
  /// list that falls in them (the same columns in the same order).
  func forEachBlock(
    part: Int, of parts: Int,
    _ body: (
      _ first: Int, _ rows: Int32, _ list: UnsafePointer<Int32>,
      _ values: UnsafePointer<Float>, _ count: Int32
    ) -> Void
  ) {
    let columns = Parts.range(part, of: parts, width)
    for block in 0..<blockCount {
      let list = lists + block * width
      let values = values.base + block * width * Self.blockRows
      let first = block * Self.blockRows
      if listedParts == parts {
        body(
          first, blockRows(block), list + columns.lowerBound,
          values + columns.lowerBound * Self.blockRows,
          counts[block * parts + part])
      } else {
        precondition(
          listedParts == 1,
          "blocks listed neither whole nor in \(parts) parts")
        let count = counts[block]
        let from = Self.firstListed(atLeast: columns.lowerBound, list, count)
        let to = Self.firstListed(atLeast: columns.upperBound, list, count)
        body(
          first, blockRows(block), list + from,
          values + from * Self.blockRows, Int32(to - from))
      }
    }
  }

  /// The first index of `list[0..<count]` (ascending) whose column is at
  /// least `column`, or `count`.
  private static func firstListed(
    atLeast column: Int, _ list: UnsafePointer<Int32>, _ count: Int32
  ) -> Int {
    var (low, high) = (0, Int(count))
    while low < high {
      let middle = (low + high) / 2
      if Int(list[middle]) < column { low = middle + 1 } else { high = middle }
    }
    return low
  }

  private var blockCount: Int { (rows + Self.blockRows - 1) / Self.blockRows }

  private func blockRows(_ block: Int) -> Int32 {
    Int32(min(Self.blockRows, rows - block * Self.blockRows))
  }
}

/// A batch's rows as a dense matrix, (rows, ``stride``), for a layer that
/// reads whole rows (a convolution, a pool).
///
/// Images referred to as pixels are scaled into the matrix by the thread
/// that reads them (``fill(_:)``), so that a row does not go from the core
/// that wrote it to another.
struct DenseRows {
  let base: UnsafePointer<Float>
  let stride: Int
  /// Where the rows come from when they are to be filled: the bytes, each
  /// row's image, the bytes per image, and the matrix to write.
  fileprivate let images: (
    pixels: UnsafePointer<UInt8>, indices: UnsafePointer<Int32>, width: Int,
    matrix: UnsafeMutablePointer<Float>
  )?

  /// Makes rows `rows` readable: scales their images' pixels into the
  /// matrix (`lr_pixel_rows`: the values lr_block_pixels lists).
  func fill(_ rows: Range<Int>) {
    guard let images, !rows.isEmpty else { return }
    lr_pixel_rows(
      images.pixels, images.indices + rows.lowerBound, Int32(rows.count),
      Int32(images.width), images.matrix + rows.lowerBound * stride, stride)
  }
}
