import Foundation
import Testing

@testable import Datasets

@Suite("Data loader")
struct DataLoaderTests {
  @Test("a tiny data set loads, gzipped or plain", arguments: [true, false])
  func loads(gzipped: Bool) throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder, gzipped: gzipped)
    let data = try DataLoader.load(
      .mnist, from: directory, checksums: .recordOnly, useCache: false)
    #expect(data.directory == directory)
    #expect(data.training.count == 4)
    #expect(data.training.rows == 3 && data.training.columns == 2)
    #expect(data.training.labels == tinyTrainingLabels)
    #expect(data.training.pixels == imagePixels(count: 4, rows: 3, columns: 2))
    #expect(data.test.labels == tinyTestLabels)
    #expect(data.test.pixels == imagePixels(count: 2, rows: 3, columns: 2))
    let suffix = gzipped ? ".gz" : ""
    #expect(
      data.files.map(\.name) == [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
      ].map { $0 + suffix })
    for file in data.files {
      #expect(file.sha256 == (try SHA256Digest.hex(ofFile: file.path)))
    }
  }

  @Test("the right sums pass and a wrong one names the file and both sums")
  func checksums() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let labels = directory + "/train-labels-idx1-ubyte.gz"
    let actual = try SHA256Digest.hex(ofFile: labels)
    let good = try DataLoader.load(
      .mnist, from: directory,
      checksums: .custom(["train-labels-idx1-ubyte.gz": actual.uppercased()]),
      useCache: false)
    #expect(good.training.labels == tinyTrainingLabels)

    let wrong = String(repeating: "0", count: 64)
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(
          .mnist, from: directory,
          checksums: .custom(["train-labels-idx1-ubyte.gz": wrong]),
          useCache: false)
      })
    #expect(error.path == labels)
    #expect(
      error.problem
        == .checksumMismatch(expected: wrong, actual: actual, lookalike: nil))
    #expect(error.description.contains(labels))
    #expect(error.description.contains(wrong))
    #expect(error.description.contains(actual))
    #expect(error.hint.contains("git checkout -- data/mnist"))
  }

  @Test("generated files fail the published MNIST sums")
  func knownSums() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(.mnist, from: directory)
      })
    guard case .checksumMismatch(let expected, _, _) = error.problem else {
      Issue.record("expected .checksumMismatch, got \(error.problem)")
      return
    }
    #expect(error.path == directory + "/train-images-idx3-ubyte.gz")
    #expect(
      expected
        == "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971")
  }

  @Test("a file of another data set is recognised by its sum")
  func lookalike() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let realLabels = try #require(repositoryMNIST())
      + "/t10k-labels-idx1-ubyte.gz"
    let target = directory + "/t10k-labels-idx1-ubyte.gz"
    try FileManager.default.removeItem(atPath: target)
    try FileManager.default.copyItem(atPath: realLabels, toPath: target)
    let found = dataError { () throws(DataError) in
      try DataLoader.load(
        .fashionMNIST, from: directory,
        checksums: .custom([
          "t10k-labels-idx1-ubyte.gz":
            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"
        ]),
        useCache: false)
    }
    guard case .checksumMismatch(_, _, let lookalike) = found?.problem else {
      Issue.record("expected .checksumMismatch, got \(String(describing: found))")
      return
    }
    #expect(lookalike == "MNIST's t10k-labels-idx1-ubyte.gz")
    #expect(
      found?.hint
        == "This is MNIST's t10k-labels-idx1-ubyte.gz, not a Fashion-MNIST "
        + "file: point --data at Fashion-MNIST's files.")
  }

  @Test("image and label files that disagree on the count are refused")
  func countMismatch() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(
      in: folder, trainingLabels: [1, 2, 3])
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(
          .mnist, from: directory, checksums: .recordOnly, useCache: false)
      })
    #expect(
      error
        == DataError(
          path: directory + "/train-images-idx3-ubyte.gz",
          problem: .countMismatch(
            images: 4, labels: 3,
            labelsPath: directory + "/train-labels-idx1-ubyte.gz")))
    #expect(error.message.contains("4 images"))
    #expect(error.message.contains("3 labels"))
  }

  @Test("a label that is not a class index is refused")
  func labelOutOfRange() {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder, trainingLabels: [1, 2, 10, 3])
    #expect(
      problem { () throws(DataError) in
        try DataLoader.load(
          .mnist, from: directory, checksums: .recordOnly, useCache: false)
      } == .labelOutOfRange(index: 2, label: 10, classes: 10))
  }

  @Test("training and test images of different sizes are refused")
  func shapeMismatch() {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    folder.write(
      gzip(imageFile(count: 2, rows: 2, columns: 3)),
      to: "tiny/t10k-images-idx3-ubyte.gz")
    #expect(
      problem { () throws(DataError) in
        try DataLoader.load(
          .mnist, from: directory, checksums: .recordOnly, useCache: false)
      } == .shapeMismatch(training: [4, 3, 2], test: [2, 2, 3]))
  }

  @Test("a missing file names the .gz it expected")
  func missingFile() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let path = directory + "/t10k-images-idx3-ubyte.gz"
    try FileManager.default.removeItem(atPath: path)
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(.mnist, from: directory, checksums: .recordOnly)
      })
    #expect(error.path == path)
    #expect(error.problem == .missingFile)
    #expect(error.hint.contains("t10k-images-idx3-ubyte"))
  }

  @Test("a data folder that does not exist is named as such")
  func missingFolder() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(.mnist, from: folder.file("gone"))
      })
    #expect(error.path == folder.file("gone"))
    #expect(error.problem == .missingFile)
    #expect(error.hint.contains("does not exist"))
  }

  @Test("a folder in place of a file is reported as a folder")
  func folderInPlace() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let path = directory + "/train-labels-idx1-ubyte.gz"
    try FileManager.default.removeItem(atPath: path)
    folder.makeFolder("tiny/train-labels-idx1-ubyte.gz")
    #expect(
      dataError { () throws(DataError) in
        try DataLoader.load(.mnist, from: directory, checksums: .recordOnly)
      } == DataError(path: path, problem: .isDirectory))
  }

  @Test("a damaged file is reported before a checksum mismatch")
  func damageBeforeChecksum() {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let labels = labelFile(tinyTrainingLabels)
    folder.write(
      gzip(Array(labels.dropLast())), to: "tiny/train-labels-idx1-ubyte.gz")
    #expect(
      problem { () throws(DataError) in
        try DataLoader.load(.mnist, from: directory, checksums: .known)
      } == .truncated(expected: 12, actual: 11))
  }

  @Test("a bad gzip CRC is caught by the CRC or, when summed, the SHA-256")
  func damagedCRC() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let path = directory + "/train-labels-idx1-ubyte.gz"
    let good = try SHA256Digest.hex(ofFile: path)
    var bytes = gzip(labelFile(tinyTrainingLabels))
    bytes[bytes.count - 8] ^= 0x01  // the CRC-32 field of the trailer
    folder.write(bytes, to: "tiny/train-labels-idx1-ubyte.gz")
    let unsummed = problem { () throws(DataError) in
      try DataLoader.load(
        .mnist, from: directory, checksums: .recordOnly, useCache: false)
    }
    guard case .corruptGzip = unsummed else {
      Issue.record("expected .corruptGzip, got \(String(describing: unsummed))")
      return
    }
    let summed = problem { () throws(DataError) in
      try DataLoader.load(
        .mnist, from: directory,
        checksums: .custom(["train-labels-idx1-ubyte.gz": good]),
        useCache: false)
    }
    guard case .checksumMismatch(let expected, _, _) = summed else {
      Issue.record("expected .checksumMismatch, got \(String(describing: summed))")
      return
    }
    #expect(expected == good)
  }

  @Test("the memo serves unchanged files and notices changed ones")
  func memo() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let first = try DataLoader.load(
      .mnist, from: directory, checksums: .recordOnly)
    let again = try DataLoader.load(
      .mnist, from: directory, checksums: .recordOnly)
    #expect(again.training == first.training)
    // Replace a file (new inode, size and time): the memo must not serve
    // the old labels.
    let path = directory + "/train-labels-idx1-ubyte.gz"
    try FileManager.default.removeItem(atPath: path)
    folder.write(gzip(labelFile([9, 8, 7, 6])), to: "tiny/" + fileName(path))
    let changed = try DataLoader.load(
      .mnist, from: directory, checksums: .recordOnly)
    #expect(changed.training.labels == [9, 8, 7, 6])
  }
}

/// The repository's `data/mnist`, found from this test file's path.
func repositoryMNIST() -> String? {
  DataLocator.repositoryRoot(above: #filePath).map { $0 + "/data/mnist" }
}
