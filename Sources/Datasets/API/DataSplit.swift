/// Some consecutive images of a data set: what training and measuring take
/// (the training, validation or test part), without copying the images.
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
}
