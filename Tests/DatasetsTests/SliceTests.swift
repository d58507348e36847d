import Testing

@testable import Datasets

/// `Dataset.slice`, which the runner uses to cut MNIST into its splits.
@Suite struct SliceTests {
  /// Five 2×2 images: image i holds the pixels 10i ..< 10i + 4.
  static let data = Dataset(
    rows: 2, columns: 2,
    pixels: (0..<5).flatMap { i in (0..<4).map { UInt8(10 * i + $0) } },
    labels: [4, 3, 2, 1, 0])

  @Test func aRangeKeepsItsImagesAndLabels() {
    let part = Self.data.slice(1..<3)
    #expect(part.count == 2)
    #expect(part.rows == 2 && part.columns == 2)
    #expect(part.pixels == [10, 11, 12, 13, 20, 21, 22, 23])
    #expect(part.labels == [3, 2])
    #expect(Self.data.slice(2..<2).count == 0)
  }

  @Test func theWholeRangeSharesTheBytes() {
    let whole = Self.data.slice(0..<5)
    #expect(whole == Self.data)
    // No copy: a whole test split costs no extra memory.
    let same = whole.pixels.withUnsafeBufferPointer { a in
      Self.data.pixels.withUnsafeBufferPointer { b in
        a.baseAddress == b.baseAddress
      }
    }
    #expect(same)
  }
}
