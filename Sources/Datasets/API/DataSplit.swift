/// Some consecutive images of a data set: what training and measuring take
/// (the training, validation or test part), without copying the images;
/// numbered from 0 within the split.
public struct DataSplit: Sendable, Equatable {
  /// The whole set's images (shared, as arrays are).
  public let data: Dataset
  /// Which of them belong to this split.
  public let images: Range<Int>

  /// The images `images` of `data` (all of them if nil).
  ///
  /// - Precondition: `images` lies within `0..<data.count`.
  public init(_ data: Dataset, images: Range<Int>? = nil) {
    let images = images ?? 0..<data.count
    precondition(
      images.lowerBound >= 0 && images.upperBound <= data.count,
      "images \(images) outside 0..<\(data.count)")
    self.data = data
    self.images = images
  }

  /// How many images the split holds.
  public var count: Int { images.count }
  /// Image height in pixels.
  public var rows: Int { data.rows }
  /// Image width in pixels.
  public var columns: Int { data.columns }
  /// Pixels of one image: `rows * columns`.
  public var pixelsPerImage: Int { data.pixelsPerImage }

  /// The pixels of this split's image `index` (from 0), row-major.
  public func image(_ index: Int) -> ArraySlice<UInt8> {
    data.image(images.lowerBound + index)
  }

  /// The label of this split's image `index` (from 0).
  public func label(_ index: Int) -> UInt8 {
    data.labels[images.lowerBound + index]
  }
}
