/// A one-pixel move of an image, as chapter 3 of Nielsen's book uses to
/// expand MNIST's training set.
public enum PixelShift: CaseIterable, Sendable {
  /// The picture moves one pixel up: the bottom row becomes empty.
  case up
  /// The picture moves one pixel down: the top row becomes empty.
  case down
  /// The picture moves one pixel left: the right column becomes empty.
  case left
  /// The picture moves one pixel right: the left column becomes empty.
  case right

  /// The source pixel of output pixel (row, column), or nil where the
  /// move leaves the output empty (0).
  func source(row: Int, column: Int, rows: Int, columns: Int) -> (Int, Int)? {
    let (r, c): (Int, Int) =
      switch self {
      case .up: (row + 1, column)
      case .down: (row - 1, column)
      case .left: (row, column + 1)
      case .right: (row, column - 1)
      }
    guard r >= 0 && r < rows && c >= 0 && c < columns else { return nil }
    return (r, c)
  }
}

extension Dataset {
  /// The images `images` (all if nil), each followed by its four one-pixel
  /// moves — up, down, left, right — with the same label: five images for
  /// each, so MNIST's 50,000 training images become the book's 250,000.
  ///
  /// Pixels moved in from outside the image are 0 (background). The
  /// result depends on nothing but the input, so it is the same everywhere.
  /// - Precondition: `images` lies within `0..<count`.
  public func expandedByShifts(images: Range<Int>? = nil) -> Dataset {
    let images = images ?? 0..<count
    precondition(images.lowerBound >= 0 && images.upperBound <= count)
    let size = pixelsPerImage
    let copies = 1 + PixelShift.allCases.count
    let total = images.count * copies
    let (rows, columns) = (self.rows, self.columns)
    let expanded = [UInt8](unsafeUninitializedCapacity: total * size) {
      buffer, initialized in
      buffer.initialize(repeating: 0)
      pixels.withUnsafeBufferPointer { source in
        for (n, image) in images.enumerated() {
          let from = source.baseAddress! + image * size
          var to = n * copies * size
          for i in 0..<size { buffer[to + i] = from[i] }
          for shift in PixelShift.allCases {
            to += size
            for row in 0..<rows {
              for column in 0..<columns {
                guard
                  let (r, c) = shift.source(
                    row: row, column: column, rows: rows, columns: columns)
                else { continue }
                buffer[to + row * columns + column] = from[r * columns + c]
              }
            }
          }
        }
      }
      initialized = total * size
    }
    var labels: [UInt8] = []
    labels.reserveCapacity(total)
    for image in images {
      labels += repeatElement(self.labels[image], count: copies)
    }
    return Dataset(rows: rows, columns: columns, pixels: expanded, labels: labels)
  }
}
