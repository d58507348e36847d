import Foundation
import Testing

@testable import Datasets

@Suite("Real data")
struct RealDataTests {
  @Test("the committed MNIST loads from the repository copy, checksums kept")
  func committedMNIST() throws {
    let directory = try DataLocator.locate(
      .mnist, explicit: nil, environment: [:])
    #expect(directory == repositoryMNIST())
    let data = try DataLoader.load(.mnist, from: directory)
    #expect(data.training.count == 60_000)
    #expect(data.test.count == 10_000)
    #expect(data.training.rows == 28 && data.training.columns == 28)
    #expect(data.training.pixels.count == 60_000 * 784)
    #expect(data.training.labels.first == 5)
    #expect(data.test.labels.first == 7)
    // The oracle for the sums: the SHA256SUMS file committed beside them.
    let sums = try String(
      contentsOfFile: directory + "/SHA256SUMS", encoding: .utf8)
    for file in data.files {
      #expect(sums.contains("\(file.sha256)  \(file.name)"))
    }
  }

  @Test(
    "Debian's Fashion-MNIST loads and matches the built-in sums",
    .enabled(if: FileManager.default.fileExists(
      atPath: "/usr/share/datasets/fashion-mnist")))
  func fashionMNIST() throws {
    let data = try DataLoader.locateAndLoad(
      .fashionMNIST, explicit: nil, environment: [:])
    #expect(data.directory == "/usr/share/datasets/fashion-mnist")
    #expect(data.training.count == 60_000)
    #expect(data.test.count == 10_000)
    #expect(data.training.labels.first == 9)  // an ankle boot
    #expect(data.test.labels.first == 9)
  }
}
