import Datasets

/// The three parts of a data set that a notebook trains and measures on.
///
/// As in Nielsen's book, validation images come from the training file,
/// after the training images; test images come from the test file.
struct Splits: Sendable {
  var name: DatasetName
  var training: Dataset
  var validation: Dataset
  var test: Dataset
  var files: [DataFile]

  func dataset(_ split: String) -> Dataset {
    split == "validation" ? validation : test
  }
}
