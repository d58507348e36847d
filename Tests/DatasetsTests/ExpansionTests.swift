import Testing

@testable import Datasets

/// The training set expanded by one-pixel moves (Nielsen, chapter 3).
@Suite struct ExpansionTests {
  /// Two 3×4 images: the first holds 1 … 12 row by row, the second
  /// 101 … 112.
  static let data = Dataset(
    rows: 3, columns: 4,
    pixels: (1...12).map { UInt8($0) } + (101...112).map { UInt8($0) },
    labels: [7, 2])

  @Test func everyImageIsFollowedByItsFourMoves() {
    let expanded = Self.data.expandedByShifts()
    #expect(expanded.count == 10)
    #expect(expanded.rows == 3 && expanded.columns == 4)
    #expect(expanded.labels == [7, 7, 7, 7, 7, 2, 2, 2, 2, 2])
    // Built by hand: the picture moves, the vacated row or column is 0.
    let original: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    let up: [UInt8] = [5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]
    let down: [UInt8] = [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
    let left: [UInt8] = [2, 3, 4, 0, 6, 7, 8, 0, 10, 11, 12, 0]
    let right: [UInt8] = [0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11]
    #expect(Array(expanded.image(0)) == original)
    #expect(Array(expanded.image(1)) == up)
    #expect(Array(expanded.image(2)) == down)
    #expect(Array(expanded.image(3)) == left)
    #expect(Array(expanded.image(4)) == right)
    let second = Array(expanded.image(6))
    #expect(second == [105, 106, 107, 108, 109, 110, 111, 112, 0, 0, 0, 0])
  }

  @Test func aRangeExpandsOnlyItsImages() {
    let expanded = Self.data.expandedByShifts(images: 1..<2)
    #expect(expanded.count == 5)
    #expect(expanded.labels == [2, 2, 2, 2, 2])
    #expect(Array(expanded.image(0)) == Array(Self.data.image(1)))
    #expect(Self.data.expandedByShifts(images: 0..<0).count == 0)
  }

  @Test func inkIsKeptExceptAtTheEdge() {
    // A digit away from the border loses nothing: each move has the same
    // pixel sum as the original.
    var pixels = [UInt8](repeating: 0, count: 28 * 28)
    for row in 8..<20 { for column in 10..<16 { pixels[row * 28 + column] = 200 } }
    let digit = Dataset(rows: 28, columns: 28, pixels: pixels, labels: [3])
    let expanded = digit.expandedByShifts()
    let sums = (0..<5).map { expanded.image($0).reduce(0) { $0 + Int($1) } }
    #expect(Set(sums) == [12 * 6 * 200])
    #expect(Set((0..<5).map { Array(expanded.image($0)) }).count == 5)
  }
}
