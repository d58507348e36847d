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

  /// The first `training` images of `data`'s training file, the
  /// `validation` images after them, and the first `test` of its test file.
  ///
  /// - Precondition: the counts are not negative and the files hold them.
  init(_ data: LoadedData, training: Int, validation: Int, test: Int) {
    name = data.name
    self.training = Split(data.training, images: 0..<training)
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
