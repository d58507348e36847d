import Datasets
import Foundation
import NeuralNet
import Notebook
import Report
import Testing

@testable import LabrunCore

/// `save FILE.lrnet` and `restore FILE.lrnet`: one notebook saves its
/// trained network, another starts from it and measures the same bits;
/// every mistake a located error; the cache knows when the file changed.
@Suite("save and restore")
struct NetworkFileDirectiveTests {
  static let data = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

  /// A fresh folder the notebooks "live" in (their files are relative to it).
  func folder() throws -> String {
    let path = NSTemporaryDirectory() + "labrun-netfile-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Runs `source` as the notebook `name` in `folder`, caching there
  /// unless `cache` is false.
  func cells(
    _ source: String, named name: String, in folder: String,
    cache: Bool = false
  ) -> [CellReport] {
    let runner = NotebookRunner(
      options: RunOptions(
        outputDirectory: folder + "/output", dataDirectory: Self.data,
        cache: CacheSettings(mode: cache ? .use : .off)),
      console: Console(style: .quiet, write: { _, _ in }))
    return runner.execute(
      Notebook.parse(source: source, path: folder + "/" + name)
    ).cells
  }

  func fileResults(_ cells: [CellReport]) -> [NetworkFileResult] {
    cells.flatMap(\.results).compactMap {
      if let file = $0.as(NetworkFileResult.self) { return file }
      return nil
    }
  }

  func accuracy(_ cells: [CellReport]) -> [Int] {
    cells.flatMap(\.results).compactMap {
      if let evaluation = $0.as(EvaluationResult.self) { return evaluation.correct }
      return nil
    }
  }

  static let saving = """
    ```lab
    load mnist train=300 validation=0 test=200
    net 28x28 conv5x5x4 pool2 20 10 hidden=relu output=softmax cost=cross-entropy init=scaled
    sgd lr=0.1 batch=10 epochs=2
    evaluate
    save trained/lecture21.lrnet
    ```
    """

  static let restoring = """
    ```lab
    load mnist train=300 validation=0 test=200
    restore ../trained/lecture21.lrnet
    evaluate
    ```
    """

  @Test("a network saved by one notebook evaluates to the same bits in another")
  func roundTrip() throws {
    let folder = try folder()
    try FileManager.default.createDirectory(
      atPath: folder + "/trained", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      atPath: folder + "/lecture22", withIntermediateDirectories: true)
    let first = cells(Self.saving, named: "lecture21.md", in: folder)
    #expect(first.map(\.status) == [.ok])
    // Relative to the notebook's folder, not the working directory.
    let path = folder + "/trained/lecture21.lrnet"
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let saved = try #require(fileResults(first).first)
    #expect(saved.action == .saved && saved.file == "trained/lecture21.lrnet")
    #expect(saved.architecture == "28x28 conv5x5x4 pool2 20 10")
    #expect(saved.parameters == 104 + 11_540 + 210)
    #expect(saved.bytes == bytes.count)
    #expect(saved.sha256 == SHA256Digest.hex(of: bytes))

    let second = cells(Self.restoring, named: "lecture22/start.md", in: folder)
    #expect(second.map(\.status) == [.ok])
    let restored = try #require(fileResults(second).first)
    #expect(restored.action == .restored)
    #expect(restored.sha256 == saved.sha256)
    #expect(restored.parametersSHA256 == saved.parametersSHA256)
    #expect(restored.epochsTrained == saved.epochsTrained)
    #expect(restored.architecture == saved.architecture)
    let before = accuracy(first)
    #expect(before.count == 1 && before.first! > 20)
    #expect(accuracy(second) == before)
    // The whole evaluation, confusion matrix included, is the same.
    let evaluations = [first, second].map {
      $0.flatMap(\.results).filter {
        if $0.content is EvaluationResult { return true }
        return false
      }
    }
    #expect(evaluations[0] == evaluations[1])
  }

  @Test("a restored network saved again gives the same file, epochs trained included")
  func restoreThenSave() throws {
    let folder = try folder()
    let network = Network(
      try NetworkArchitecture.parse("28x28 conv3x3x2 pool2 10 dropout0.5 10"),
      seed: 4)
    network.epochsTrained = 7
    try network.save(to: folder + "/seven.lrnet")
    let cells = cells(
      """
      ```lab
      load mnist train=100 validation=0 test=10
      restore seven.lrnet
      save copy.lrnet
      ```
      """, named: "c.md", in: folder)
    #expect(cells.map(\.status) == [.ok])
    let results = fileResults(cells)
    #expect(results.map(\.action) == [.restored, .saved])
    #expect(results.map(\.epochsTrained) == [7, 7])
    #expect(results.map(\.architecture) == Array(repeating: "28x28 conv3x3x2 pool2 10 dropout0.5 10", count: 2))
    #expect(results[0].sha256 == results[1].sha256)
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: folder + "/copy.lrnet"))
        == Data(contentsOf: URL(fileURLWithPath: folder + "/seven.lrnet")))
  }

  /// The cell's first error as (line, column, message, suggestion).
  func error(_ cells: [CellReport]) -> (Int, Int, String, String)? {
    for cell in cells {
      if let error = cell.diagnostics.first(where: { $0.severity == .error }) {
        return (
          error.location?.line ?? 0, error.location?.column ?? 0, error.message,
          error.suggestion ?? "")
      }
    }
    return nil
  }

  @Test("a missing file, a damaged file, a network for other images: located errors")
  func errors() throws {
    let folder = try folder()
    // Missing.
    let missing = try #require(
      error(
        cells(
          "```lab\nload mnist train=100 validation=0 test=10\nrestore gone.lrnet\n```",
          named: "m.md", in: folder)))
    #expect(missing.0 == 3 && missing.1 == 9)
    #expect(missing.2.hasPrefix("there is no network file 'gone.lrnet' (looked for \(folder)/gone.lrnet)"))
    #expect(missing.3.contains("'save gone.lrnet'"))
    // Damaged: one bit changed after it was written.
    let network = Network(try NetworkArchitecture.parse("784-5-10"), seed: 1)
    var bytes = network.file.encoded()
    bytes[40] ^= 4
    try Data(bytes).write(to: URL(fileURLWithPath: folder + "/bad.lrnet"))
    let damaged = try #require(
      error(cells("```lab\nrestore bad.lrnet\n```", named: "d.md", in: folder)))
    #expect(damaged.0 == 2 && damaged.1 == 9)
    #expect(
      damaged.2
        == "bad.lrnet: the network file is damaged: its contents do not match their SHA-256")
    #expect(damaged.3.hasPrefix("save the network again"))
    // Not a network file at all.
    try Data("# notes\n".utf8).write(
      to: URL(fileURLWithPath: folder + "/notes.lrnet"))
    let notes = try #require(
      error(cells("```lab\nrestore notes.lrnet\n```", named: "n.md", in: folder)))
    #expect(notes.2.hasPrefix("notes.lrnet: not a labrun network file"))
    // A network for 6×6 images after MNIST's 28×28.
    try Network(try NetworkArchitecture.parse("6x6 conv3x3x2 10"), seed: 1)
      .save(to: folder + "/small.lrnet")
    let small = try #require(
      error(
        cells(
          "```lab\nload mnist train=100 validation=0 test=10\nrestore small.lrnet\n```",
          named: "s.md", in: folder)))
    #expect(small.0 == 3 && small.1 == 9)
    #expect(
      small.2
        == "the network in 'small.lrnet' (6x6 conv3x3x2 10) takes inputs of 6×6 but MNIST images are 28×28")
    #expect(small.3.contains("load the data set it was trained on"))
    // Restored before the data was loaded: the evaluation says so, no
    // crash.
    let late = try #require(
      error(
        cells(
          "```lab\nrestore small.lrnet\nload mnist train=100 validation=0 test=10\nevaluate\n```",
          named: "l.md", in: folder)))
    #expect(late.0 == 4 && late.1 == 1)
    #expect(
      late.2
        == "'evaluate' cannot use this network on MNIST: the network takes 36 inputs but the images have 28×28 = 784 pixels")
    #expect(late.3.contains("load the data set before 'net' or 'restore'"))
    // Saving with no network.
    let nothing = try #require(
      error(cells("```lab\nsave x.lrnet\n```", named: "x.md", in: folder)))
    #expect(nothing.2 == "'save' needs a network, but none exists yet")
    #expect(!FileManager.default.fileExists(atPath: folder + "/x.lrnet"))
    // A name that is not a network file's: refused before anything runs,
    // so a slip never overwrites the notebook.
    let notebook = try #require(
      error(
        cells(
          "```lab\nnet 784-10-10\nsave x.md\n```", named: "x.md", in: folder)))
    #expect(notebook.0 == 3 && notebook.1 == 6)
    #expect(notebook.2.contains("a network file's name ends in .lrnet"))
    #expect(notebook.3.contains("'save x.lrnet'"))
    // A folder that does not exist.
    let unwritable = try #require(
      error(
        cells(
          "```lab\nnet 784-10-10\nsave nowhere/x.lrnet\n```", named: "u.md",
          in: folder)))
    #expect(unwritable.2.hasPrefix("nowhere/x.lrnet: cannot write the network file"))
  }

  @Test("the cache replays restore until the file changes, and a cached save rewrites a deleted file")
  func cache() throws {
    let folder = try folder()
    func saver(epochs: Int) -> String {
      """
      ```lab
      load mnist train=200 validation=0 test=100
      net 784-10-10
      sgd lr=3 epochs=\(epochs)
      save n.lrnet
      ```
      """
    }
    let user = """
      ```lab
      load mnist train=200 validation=0 test=100
      restore n.lrnet
      ```

      ```lab
      evaluate
      ```
      """
    _ = cells(saver(epochs: 1), named: "a.md", in: folder, cache: true)
    let first = cells(user, named: "b.md", in: folder, cache: true)
    let again = cells(user, named: "b.md", in: folder, cache: true)
    #expect(first.map(\.cached) == [false, false])
    #expect(again.map(\.cached) == [true, true])
    #expect(accuracy(again) == accuracy(first))
    // A network trained longer, saved to the same name: read anew.
    let resaved = cells(saver(epochs: 3), named: "a.md", in: folder, cache: true)
    #expect(resaved.map(\.cached) == [false])
    let changed = cells(user, named: "b.md", in: folder, cache: true)
    #expect(changed.map(\.cached) == [false, false])
    #expect(fileResults(changed).first?.sha256 == fileResults(resaved).first?.sha256)
    #expect(fileResults(changed).first?.sha256 != fileResults(first).first?.sha256)
    #expect(accuracy(changed) != accuracy(first))
    // The saving notebook unchanged: replayed, file in place.
    #expect(cells(saver(epochs: 3), named: "a.md", in: folder, cache: true)
      .map(\.cached) == [true])
    // Its file deleted: the cell runs again and writes it, the same bytes.
    let path = folder + "/n.lrnet"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try FileManager.default.removeItem(atPath: path)
    let rewritten = cells(saver(epochs: 3), named: "a.md", in: folder, cache: true)
    #expect(rewritten.map(\.cached) == [false])
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
  }
}
