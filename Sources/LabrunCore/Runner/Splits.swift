import Datasets

/// The three parts of a data set that a notebook trains and measures on.
///
/// As in Nielsen's book, validation images come from the training file,
/// after the training images; test images come from the test file. Each
/// part is a range of the loaded file's images, not a copy of them: the
/// lecture's 50,000 training and 10,000 validation images would otherwise
/// hold 47 MB a second time.
struct Splits: Sendable {
  var name: DatasetName
  var training: Split
  var validation: Split
  var test: Split
  var files: [DataFile]
  /// How the training images were expanded.
  var expansion: Expansion
  /// The training images taken from the file, before any expansion.
  var trainingFromFile: Int

  /// The first `training` images of `data`'s training file (with their
  /// one-pixel shifts after each when `expansion` is `.shifts`), the
  /// `validation` images after them in the file, and the first `test` of
  /// its test file. Validation and test images are never expanded.
  ///
  /// - Precondition: the counts are not negative and the files hold them.
  init(
    _ data: LoadedData, training: Int, validation: Int, test: Int,
    expansion: Expansion = .none
  ) {
    name = data.name
    self.expansion = expansion
    trainingFromFile = training
    switch expansion {
    case .none:
      self.training = Split(data.training, images: 0..<training)
    case .shifts:
      self.training = Split(data.training.expandedByShifts(images: 0..<training))
    }
    self.validation = Split(
      data.training, images: training..<training + validation)
    self.test = Split(data.test, images: 0..<test)
    files = data.files
  }

  /// The split of that name.
  subscript(name: Split.Name) -> Split {
    switch name {
    case .validation: validation
    case .test: test
    }
  }
}

/// `load … expand=`: what the training images become before training.
enum Expansion: String, Sendable, CaseIterable, Codable {
  /// The training images as the file holds them.
  case none
  /// Each training image followed by its four one-pixel shifts (up, down,
  /// left, right), as chapter 3 of Nielsen's book expands MNIST's 50,000
  /// images to 250,000 (``Dataset/expandedByShifts(images:)``).
  case shifts
}

/// A split is Datasets' ``DataSplit``, the type the engine trains and
/// measures on: one concept, one type (the runner's name for it is only
/// another spelling).
typealias Split = DataSplit

extension DataSplit {
  /// The splits a notebook may name (`evaluate on=validation`).
  enum Name: String, Sendable, CaseIterable {
    case test, validation
  }
}
