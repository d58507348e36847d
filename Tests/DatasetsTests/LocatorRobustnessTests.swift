import Foundation
import Testing

@testable import Datasets

@Suite("Robustness: a folder where a data file belongs")
struct LocatorRobustnessTests {
  @Test("the message names the folder as a folder, not as a missing file")
  func folderInsteadOfFile() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    func locate() -> DataError? {
      dataError { () throws(DataError) in
        try DataLocator.locate(
          .mnist, explicit: folder.file("data"), environment: [:])
      }
    }
    let root = writeTinyDataset(in: folder, subfolder: "data/mnist")
    let labels = root + "/" + FileKind.trainingLabels.gzipName
    try FileManager.default.removeItem(atPath: labels)
    try FileManager.default.createDirectory(
      atPath: labels, withIntermediateDirectories: false)
    let error = try #require(locate())
    #expect(
      error.message.contains(
        "missing train-labels-idx1-ubyte.gz (a folder, not a file)"),
      "\(error.message)")
    // Truly missing files are still called missing.
    try FileManager.default.removeItem(atPath: labels)
    let missing = try #require(locate())
    #expect(missing.message.contains("missing train-labels-idx1-ubyte.gz"))
    #expect(!missing.message.contains("a folder, not a file"))
  }
}
