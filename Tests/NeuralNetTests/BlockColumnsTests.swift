import Testing

@testable import NeuralNet

/// A batch's column blocks listed in parts, each by the thread that takes
/// those columns (a split dense layer's input), against the same blocks
/// listed whole and cut at the parts' columns; and images scaled into
/// dense rows against their pixels.
@Suite struct BlockColumnsTests {
  /// `rows` rows of `width` values, most of them zero, some −0 and NaN.
  static func matrix(rows: Int, width: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0..<rows * width).map { _ in
      switch generator.next() % 10 {
      case 0: Float(generator.next() % 1000) / 100 - 5
      case 1: -0.0
      case 2 where generator.next() % 50 == 0: .nan
      default: 0
      }
    }
  }

  /// Every block of part `part`: its first row, rows and column count,
  /// then each column and its rows' values as bits (so that NaN and −0
  /// compare as themselves).
  static func blocks(_ columns: BlockColumns, part: Int, of parts: Int)
    -> [[UInt32]]
  {
    var blocks: [[UInt32]] = []
    columns.forEachBlock(part: part, of: parts) {
      first, rows, list, values, count in
      var block = [UInt32(first), UInt32(rows), UInt32(count)]
      for t in 0..<Int(count) {
        block.append(UInt32(list[t]))
        for r in 0..<Int(rows) {
          block.append(values[t * BlockColumns.blockRows + r].bitPattern)
        }
      }
      blocks.append(block)
    }
    return blocks
  }

  @Test(arguments: [1, 5, 12, 25], [1, 2, 3, 7])
  func partsListTheColumnsTheWholeListHas(rows: Int, parts: Int) {
    let width = 61
    let x = Self.matrix(rows: rows, width: width, seed: UInt64(rows * 10 + parts))
    let whole = BlockColumns(width: width)
    let inParts = BlockColumns(width: width)
    whole.reserve(rows: rows)
    inParts.reserve(rows: rows)
    x.withUnsafeBufferPointer { x in
      whole.load(x.baseAddress!, stride: width, rows: rows)
      inParts.refer(to: x.baseAddress!, stride: width, rows: rows)
      #expect(inParts.listedParts == 0)
      inParts.beginListing(parts: parts)
      // In reverse, as threads may finish: no part writes another's slots.
      for part in (0..<parts).reversed() { inParts.list(part: part) }
    }
    var listed = 0
    for part in 0..<parts {
      let mine = Self.blocks(inParts, part: part, of: parts)
      let cut = Self.blocks(whole, part: part, of: parts)
      #expect(mine == cut, "part \(part) of \(parts), \(rows) rows")
      listed += mine.reduce(0) { $0 + Int($1[2]) }
    }
    // The parts together list every column some row uses, and no other.
    var used = 0
    for block in stride(from: 0, to: rows, by: BlockColumns.blockRows) {
      let blockRows = block..<min(block + BlockColumns.blockRows, rows)
      used += (0..<width).filter { j in
        blockRows.contains { x[$0 * width + j] != 0 }
      }.count
    }
    #expect(listed == used)
  }

  @Test func imagesAreScaledWhereTheyAreRead() {
    let width = 20
    let pixels: [UInt8] = (0..<5 * width).map { UInt8(($0 * 37) % 256) }
    let images: [Int32] = [3, 0, 4]
    let scale: Float = 1 / 255  // pixel · (1/255), as the blocks list them
    let columns = BlockColumns(width: width)
    columns.reserve(rows: images.count)
    var scratch = FloatBuffer(count: 0)
    pixels.withUnsafeBufferPointer { pixels in
      columns.refer(
        pixels: pixels.baseAddress!, images: images, rows: images.count)
      let x = columns.denseRows(scratch: &scratch, capacity: images.count)
      x.fill(1..<3)
      x.fill(0..<1)
      for (row, image) in images.enumerated() {
        for j in 0..<width {
          let pixel = pixels[Int(image) * width + j]
          #expect(x.base[row * x.stride + j] == Float(pixel) * scale)
        }
      }
    }
  }
}
