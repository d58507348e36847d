/// A labelled set of greyscale images, kept as the bytes the IDX file holds.
///
/// Pixels stay `UInt8` (0...255) so that the 70,000 MNIST images take 55 MB
/// rather than 220 MB as `Float`; the engine scales them to `[0, 1]` one
/// mini-batch at a time.
public struct Dataset: Sendable, Equatable {
  /// Image height in pixels (28 for MNIST).
  public let rows: Int
  /// Image width in pixels (28 for MNIST).
  public let columns: Int
  /// Image pixels, one image after another, row-major: (count, rows, columns).
  public let pixels: [UInt8]
  /// One class label per image: (count).
  public let labels: [UInt8]

  /// Creates a data set from whole images and their labels.
  ///
  /// - Precondition: `pixels.count == labels.count * rows * columns`.
  public init(rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
    precondition(rows > 0 && columns > 0, "images need a positive size")
    precondition(
      pixels.count == labels.count * rows * columns,
      "pixel count does not match labels × rows × columns")
    self.rows = rows
    self.columns = columns
    self.pixels = pixels
    self.labels = labels
  }

  /// How many images the set holds.
  public var count: Int { labels.count }

  /// Pixels of one image: `rows * columns` values.
  public var pixelsPerImage: Int { rows * columns }

  /// The pixels of image `index`, row-major.
  public func image(_ index: Int) -> ArraySlice<UInt8> {
    let start = index * pixelsPerImage
    return pixels[start..<start + pixelsPerImage]
  }

  /// The images `range`, as a new data set (copies the bytes, unless the
  /// range is the whole set: then the arrays are shared, as values are).
  public func slice(_ range: Range<Int>) -> Dataset {
    precondition(range.lowerBound >= 0 && range.upperBound <= count)
    // MNIST's test split is usually taken whole: 7.8 MB not copied.
    if range == 0..<count { return self }
    let p = pixelsPerImage
    return Dataset(
      rows: rows, columns: columns,
      pixels: Array(pixels[range.lowerBound * p..<range.upperBound * p]),
      labels: Array(labels[range]))
  }
}
