import Foundation
import Testing

@testable import Datasets

/// Four places that each hold MNIST-shaped files: an explicit root, a
/// LABRUN_DATA root, a repository data root and a system root.
private struct Places {
  let folder = TemporaryFolder()
  var explicit: String { folder.file("explicit") }
  var environment: String { folder.file("environment") }
  var repository: String { folder.file("repository/data") }
  var system: String { folder.file("system") }

  init(holding roots: [String] = ["explicit", "environment",
    "repository/data", "system"])
  {
    for root in roots {
      writeTinyDataset(in: folder, subfolder: root + "/mnist")
    }
  }

  func locate(explicit: String? = nil, environment: [String: String] = [:])
    throws(DataError) -> String
  {
    try DataLocator.locate(
      .mnist, explicit: explicit, environment: environment,
      repositoryRoots: [repository], systemRoots: [system])
  }
}

@Suite("Data locator")
struct DataLocatorTests {
  @Test("explicit beats LABRUN_DATA, which beats the repository and system")
  func order() throws {
    let places = Places()
    defer { places.folder.remove() }
    let environment = [DataLocator.environmentVariable: places.environment]
    #expect(
      try places.locate(explicit: places.explicit, environment: environment)
        == places.explicit + "/mnist")
    #expect(
      try places.locate(environment: environment)
        == places.environment + "/mnist")
    #expect(try places.locate() == places.repository + "/mnist")
    try FileManager.default.removeItem(atPath: places.repository)
    #expect(try places.locate() == places.system + "/mnist")
  }

  @Test("an explicit folder may hold the four files directly")
  func explicitLeaf() throws {
    let places = Places(holding: ["explicit"])
    defer { places.folder.remove() }
    let leaf = places.explicit + "/mnist"
    #expect(try places.locate(explicit: leaf) == leaf)
    #expect(
      try places.locate(environment: ["LABRUN_DATA": "/nowhere:" + leaf])
        == leaf)
  }

  @Test("a wrong explicit folder is an error even when others hold data")
  func explicitIsStrict() throws {
    let places = Places()
    defer { places.folder.remove() }
    let typo = places.folder.file("explicitt")
    let error = try #require(
      dataError { () throws(DataError) in try places.locate(explicit: typo) })
    #expect(error.path == typo)
    #expect(
      error.problem
        == .notFound(
          dataset: "mnist",
          looked: [typo + " (--data): does not exist"]))
    #expect(error.hint.contains("--data"))
  }

  @Test("a LABRUN_DATA folder without the data falls through")
  func environmentFallsThrough() throws {
    let places = Places(holding: ["system"])
    defer { places.folder.remove() }
    let found = try places.locate(
      environment: ["LABRUN_DATA": places.environment])
    #expect(found == places.system + "/mnist")
  }

  @Test("nothing found lists every place and what to do")
  func nothingFound() throws {
    let places = Places(holding: [])
    defer { places.folder.remove() }
    // A half-copied folder is reported with the files it lacks.
    places.folder.write(
      labelFile([1]), to: "system/mnist/train-labels-idx1-ubyte")
    let error = try #require(
      dataError { () throws(DataError) in
        try places.locate(environment: ["LABRUN_DATA": places.environment])
      })
    guard case .notFound(let dataset, let looked) = error.problem else {
      Issue.record("expected .notFound, got \(error.problem)")
      return
    }
    #expect(dataset == "mnist")
    #expect(
      looked == [
        places.environment + " (LABRUN_DATA): does not exist",
        places.repository + " (repository copy): does not exist",
        places.system + "/mnist (system data sets): missing "
          + "train-images-idx3-ubyte.gz, t10k-images-idx3-ubyte.gz, "
          + "t10k-labels-idx1-ubyte.gz",
      ])
    #expect(error.description.contains("--data DIR"))
    #expect(error.description.contains("LABRUN_DATA"))
  }

  @Test("Fashion-MNIST not found suggests installing the Debian package")
  func fashionHint() throws {
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLocator.locate(
          .fashionMNIST, explicit: nil, environment: [:],
          repositoryRoots: [], systemRoots: ["/nonexistent-labrun"])
      })
    #expect(error.hint.contains("apt-get install dataset-fashion-mnist"))
    #expect(error.description.contains("LABRUN_DATA (not set)"))
  }

  @Test("the repository is found from the test binary and from #filePath")
  func repository() throws {
    let expected = try #require(repositoryMNIST())
    let roots = DataLocator.repositoryDataRoots()
    #expect(roots.first.map { $0 + "/mnist" } == expected)
    let fromBinary = DataLocator.repositoryDataRoots(
      sourceFile: "/nonexistent/file.swift")
    #expect(fromBinary.first.map { $0 + "/mnist" } == expected)
  }
}
