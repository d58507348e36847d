import Datasets
import Foundation
import Notebook
@testable import Report
import Testing

@testable import LabrunCore

/// `load … expand=shifts`: the book's expanded training set, each training
/// image followed by its four one-pixel shifts; validation and test as
/// the files hold them.
@Suite("load expand=shifts")
struct ExpandedDataTests {
  /// Six 3×3 training images, image k holding 10k+1 … 10k+9 row by row
  /// with label k, and two test images.
  static let data: LoadedData = {
    func images(_ count: Int) -> [UInt8] {
      (0..<count).flatMap { k in (1...9).map { UInt8(10 * k + $0) } }
    }
    return LoadedData(
      name: .mnist, directory: "generated",
      training: Dataset(
        rows: 3, columns: 3, pixels: images(6), labels: [0, 1, 2, 3, 4, 5]),
      test: Dataset(rows: 3, columns: 3, pixels: images(2), labels: [7, 8]),
      files: [DataFile(path: "generated", name: "generated", sha256: "00")])
  }()

  @Test("the training images gain their four shifts; validation and test do not")
  func splitsExpandOnlyTraining() {
    let splits = Splits(
      Self.data, training: 2, validation: 3, test: 2, expansion: .shifts)
    #expect(splits.training.count == 10)
    #expect(splits.trainingFromFile == 2)
    #expect((0..<10).map(splits.training.label) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    // Image 1 (11 … 19) and, by hand, its moves up, down, left, right.
    #expect(Array(splits.training.image(5)) == [11, 12, 13, 14, 15, 16, 17, 18, 19])
    #expect(Array(splits.training.image(6)) == [14, 15, 16, 17, 18, 19, 0, 0, 0])
    #expect(Array(splits.training.image(7)) == [0, 0, 0, 11, 12, 13, 14, 15, 16])
    #expect(Array(splits.training.image(8)) == [12, 13, 0, 15, 16, 0, 18, 19, 0])
    #expect(Array(splits.training.image(9)) == [0, 11, 12, 0, 14, 15, 0, 17, 18])
    // Validation: file images 2, 3, 4, unshifted; test: the test file's.
    #expect(splits.validation.count == 3)
    #expect((0..<3).map(splits.validation.label) == [2, 3, 4])
    #expect(Array(splits.validation.image(0)) == Array(Self.data.training.image(2)))
    #expect(splits.test.count == 2)
    #expect(Array(splits.test.image(1)) == Array(Self.data.test.image(1)))
  }

  @Test("the cache keys the expansion and rebuilds the expanded splits")
  func cacheKeysExpansion() throws {
    let plain = Splits(Self.data, training: 2, validation: 3, test: 2)
    let expanded = Splits(
      Self.data, training: 2, validation: 3, test: 2, expansion: .shifts)
    #expect(DataSelection(plain).key != DataSelection(expanded).key)
    #expect(DataSelection(expanded).key.contains("expand=shifts"))
    let rebuilt = try #require(DataSelection(expanded).splits(from: Self.data))
    #expect(rebuilt.training.count == 10)
    #expect(rebuilt.training.data.pixels == expanded.training.data.pixels)
    #expect(rebuilt.validation.images == expanded.validation.images)
    let plainAgain = try #require(DataSelection(plain).splits(from: Self.data))
    #expect(plainAgain.training.count == 2)
  }

  @Test("the load cell counts the expanded images and says where they came from")
  func loadCellShowsCounts() throws {
    let source = """
      ```lab
      load mnist train=20 validation=10 test=10 expand=shifts
      ```
      """
    let cell = try #require(RunnerTests().cells(source).first)
    guard let dataset = cell.results.first?.as(DatasetResult.self) else {
      Issue.record("no data set: \(cell.diagnostics)")
      return
    }
    #expect(dataset.training == 100)
    #expect(dataset.expandedFrom == 20)
    #expect(dataset.validation == 10)
    #expect(dataset.test == 10)
    guard case .object(let json) = dataset.json else {
      throw CancellationError()
    }
    #expect(json["training"] == .int(100))
    #expect(json["expandedFrom"] == .int(20))
  }

  @Test("an unknown expansion is located at its value with a suggestion")
  func wrongValueIsLocated() throws {
    let d = try RunnerTests().failure(
      """
      ```lab
      load mnist train=20 expand=shift
      ```
      """)
    #expect(d.location?.line == 2)
    #expect(d.location?.column == 28)
    #expect(d.message.contains("shift"))
    #expect(d.suggestion?.contains("shifts") == true)
  }

  @Test("'labrun directives' shows the words expand= takes")
  func synopsisNamesTheChoices() {
    #expect(Load.spec.synopsis.hasSuffix("[test=10000] [expand=none|shifts]"))
  }
}
