import Foundation
import Notebook
import Report
import Testing

@testable import LabrunCore

/// The cache as a notebook author meets it: what a second run replays,
/// what an edit recomputes, and that replayed values equal computed ones.
/// Small subsets of the repository's MNIST keep each run short.
@Suite("Cache in runs", .serialized)
struct CacheRunTests {
  static let repositoryData = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

  /// One run's cell reports and what the cache did.
  struct Run {
    var cells: [CellReport]
    var statistics: CellCache.Statistics?

    var cached: [Bool] { cells.map(\.cached) }
    var statuses: [CellReport.Status] { cells.map(\.status) }
    /// Every cell's results, with the epochs' wall-clock times (which no
    /// two computations share) set to zero.
    var results: [[CellResult]] {
      cells.map { $0.results.map(Self.timeless) }
    }

    static func timeless(_ result: CellResult) -> CellResult {
      func strip(_ run: TrainingResult) -> TrainingResult {
        var run = run
        run.history = run.history.map { var e = $0; e.seconds = 0; return e }
        return run
      }
      if let run = result.as(TrainingResult.self) {
        return CellResult(strip(run))
      }
      if var comparison = result.as(ComparisonResult.self) {
        comparison.runs = comparison.runs.map(strip)
        return CellResult(comparison)
      }
      return result
    }
  }

  /// Runs `source` the way `NotebookRunner.execute` does, with the cache
  /// in `folder`.
  func run(
    _ source: String, in folder: String, mode: CacheSettings.Mode = .use,
    overrides: [String] = [], data: String = repositoryData,
    sizeLimit: Int = CacheSettings.defaultSizeLimit
  ) -> Run {
    let parsed = overrides.compactMap { try? Override.parse($0).get() }
    let notebook = Notebook.parse(
      source: source, path: "cached.md", overrides: parsed)
    let options = RunOptions(
      outputDirectory: folder, dataDirectory: data, overrides: parsed,
      cache: CacheSettings(mode: mode, sizeLimit: sizeLimit))
    let console = Console(style: .quiet, write: { _, _ in })
    let session = LabSession(
      seed: notebook.frontMatter.seed ?? NotebookRunner.defaultSeed,
      options: options, console: console, notebookPath: notebook.path)
    let cache = CellCache(options: options, console: console, session: session)
    let cells = notebook.cells.map { cache?.run($0, in: session) ?? session.run($0) }
    cache?.finish()
    return Run(cells: cells, statistics: cache?.statistics)
  }

  func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "labrun-cache-run-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)
    return path
  }

  func entryFiles(in folder: String) throws -> [String] {
    let cells = folder + "/" + CacheSettings.folderName + "/cells"
    return try FileManager.default.contentsOfDirectory(atPath: cells)
      .filter { $0.hasSuffix(".cell") }.sorted().map { cells + "/" + $0 }
  }

  static let threeCells = """
    ---
    seed: 5
    ---
    # Three cells

    ```lab
    load mnist train=2000 validation=500 test=500
    net 784-30-10
    ```

    Train.

    ```lab
    sgd lr=3 batch=10 epochs=2
    ```

    ```lab
    evaluate on=test
    ```
    """

  // MARK: - Replaying

  @Test("a second run trains nothing and replays every value exactly")
  func secondRunReplays() throws {
    let folder = try temporaryFolder()
    let first = run(Self.threeCells, in: folder)
    #expect(first.cached == [false, false, false])
    #expect(first.statuses == [.ok, .ok, .ok])
    let second = run(Self.threeCells, in: folder)
    #expect(second.cached == [true, true, true])
    // Exactly the same values, times of the epochs included.
    #expect(second.cells.map(\.results) == first.cells.map(\.results))
    #expect(second.statistics?.hits == 3)
    // Nothing was restored: no data loaded, no network rebuilt.
    #expect(second.statistics?.dataRestores == 0)
    #expect(second.statistics?.networkRestores == 0)
    // The report says how long the cells originally took.
    for (replayed, original) in zip(second.cells, first.cells) {
      let seconds = try #require(replayed.originalSeconds)
      #expect(seconds > 0 && seconds <= original.seconds)
    }
  }

  @Test("editing prose, spacing and comments replays every cell")
  func proseEdits() throws {
    let folder = try temporaryFolder()
    let first = run(Self.threeCells, in: folder)
    let edited = Self.threeCells
      .replacingOccurrences(of: "Train.", with: "Now we train.\n\nReally.")
      .replacingOccurrences(
        of: "sgd lr=3 batch=10 epochs=2",
        with: "# the training\nsgd   epochs=2 lr=3.0   batch=10  # fast")
    let second = run(edited, in: folder)
    #expect(second.cached == [true, true, true])
    #expect(second.results == first.results)
  }

  @Test("editing sgd recomputes it and what reads its network, nothing else")
  func editingTraining() throws {
    let folder = try temporaryFolder()
    let notebook = """
      ```lab
      load mnist train=2000 validation=500 test=500
      ```

      ```lab
      net 784-30-10
      ```

      ```lab
      sgd lr=3 batch=10 epochs=1
      ```

      ```lab
      evaluate on=test
      ```

      A fresh network does not read the trained one:

      ```lab
      net 784-30-10
      sgd lr=3 batch=10 epochs=1
      ```

      ```lab
      evaluate on=validation
      ```
      """
    _ = run(notebook, in: folder)
    let edited = notebook.replacingOccurrences(
      of: "sgd lr=3 batch=10 epochs=1\n```\n\n```lab\nevaluate on=test",
      with: "sgd lr=3 batch=10 epochs=2\n```\n\n```lab\nevaluate on=test")
    #expect(edited != notebook)
    let second = run(edited, in: folder)
    #expect(second.cached == [true, true, false, false, true, true])
    // Replayed and recomputed cells together equal a run without cache.
    let uncached = run(edited, in: try temporaryFolder(), mode: .off)
    #expect(uncached.statistics == nil)
    #expect(second.results == uncached.results)
    #expect(second.statuses == uncached.statuses)
  }

  @Test("a new cell after cached ones starts from their restored state")
  func restoresState() throws {
    let folder = try temporaryFolder()
    _ = run(Self.threeCells, in: folder)
    let extended = Self.threeCells + "\n\n```lab\nevaluate on=validation\n```\n"
    let second = run(extended, in: folder)
    #expect(second.cached == [true, true, true, false])
    #expect(second.statistics?.dataRestores == 1)
    #expect(second.statistics?.networkRestores == 1)
    let uncached = run(extended, in: try temporaryFolder(), mode: .off)
    #expect(second.results == uncached.results)
  }

  // MARK: - Invalidation

  @Test("a new seed recomputes what draws random numbers, not the load")
  func seedChange() throws {
    let folder = try temporaryFolder()
    let notebook = """
      ---
      seed: 5
      ---
      ```lab
      load mnist train=2000 validation=500 test=500
      ```

      ```lab
      net 784-30-10
      sgd epochs=1
      ```
      """
    _ = run(notebook, in: folder)
    let reseeded = run(
      notebook.replacingOccurrences(of: "seed: 5", with: "seed: 6"),
      in: folder)
    #expect(reseeded.cached == [true, false])
    // A `seed` directive is state like any other.
    let directive = notebook.replacingOccurrences(
      of: "net 784-30-10", with: "seed 99\nnet 784-30-10")
    #expect(run(directive, in: folder).cached == [true, false])
    #expect(run(directive, in: folder).cached == [true, true])
  }

  @Test("--set overrides recompute the directives they change")
  func overrides() throws {
    let folder = try temporaryFolder()
    _ = run(Self.threeCells, in: folder)
    let overridden = run(
      Self.threeCells, in: folder, overrides: ["sgd.epochs=1"])
    #expect(overridden.cached == [true, false, false])
    guard let training = overridden.results[1].first?.as(TrainingResult.self) else {
      Issue.record("no training")
      return
    }
    #expect(training.history.count == 1)
  }

  @Test("changed data files are noticed, and the original ones hit again")
  func dataChange() throws {
    let folder = try temporaryFolder()
    let data = folder + "/data/mnist"
    try FileManager.default.createDirectory(
      atPath: data, withIntermediateDirectories: true)
    let names = try FileManager.default.contentsOfDirectory(
      atPath: Self.repositoryData + "/mnist")
    for name in names where name.hasSuffix(".gz") {
      try FileManager.default.copyItem(
        atPath: Self.repositoryData + "/mnist/" + name,
        toPath: data + "/" + name)
    }
    let notebook = "```lab\nload mnist train=1000 validation=100 test=100\n```\n"
    #expect(run(notebook, in: folder, data: data).statuses == [.ok])
    #expect(run(notebook, in: folder, data: data).cached == [true])

    // Other labels in place of MNIST's: a stale cache would replay the
    // old, good result; the loader must see the file instead.
    let labels = data + "/train-labels-idx1-ubyte.gz"
    let original = try Data(contentsOf: URL(fileURLWithPath: labels))
    let other = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"
    let replacement =
      FileManager.default.fileExists(atPath: other)
      ? try Data(contentsOf: URL(fileURLWithPath: other))
      : original.dropLast(10) + Data(repeating: 0, count: 10)
    try replacement.write(to: URL(fileURLWithPath: labels))
    let changed = run(notebook, in: folder, data: data)
    #expect(changed.cached == [false])
    #expect(changed.statuses == [.error])

    try original.write(to: URL(fileURLWithPath: labels))
    #expect(run(notebook, in: folder, data: data).cached == [true])
  }

  // MARK: - Damage

  @Test("a bit-flipped entry is recomputed, never replayed")
  func bitFlip() throws {
    let folder = try temporaryFolder()
    let first = run(Self.threeCells, in: folder)
    for path in try entryFiles(in: folder) {
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      bytes[bytes.count / 2] ^= 0x10
      try bytes.write(to: URL(fileURLWithPath: path))
    }
    let second = run(Self.threeCells, in: folder)
    #expect(second.cached == [false, false, false])
    #expect(second.statistics?.damaged == 3)
    #expect(second.results == first.results)
    // The recomputed entries are good again.
    #expect(run(Self.threeCells, in: folder).cached == [true, true, true])
  }

  @Test("a truncated entry is recomputed, and only that one")
  func truncated() throws {
    let folder = try temporaryFolder()
    let first = run(Self.threeCells, in: folder)
    // The evaluation's entry: the one the last cell wrote.
    let files = try entryFiles(in: folder)
    let newest = try #require(
      files.max {
        let a = try? FileManager.default.attributesOfItem(atPath: $0)
        let b = try? FileManager.default.attributesOfItem(atPath: $1)
        return (a?[.modificationDate] as? Date ?? .distantPast)
          < (b?[.modificationDate] as? Date ?? .distantPast)
      })
    let bytes = try Data(contentsOf: URL(fileURLWithPath: newest))
    try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: newest))
    let second = run(Self.threeCells, in: folder)
    #expect(second.statistics?.damaged == 1)
    #expect(second.cached.filter { !$0 }.count == 1)
    #expect(second.results == first.results)
  }

  // MARK: - Modes

  @Test("--rerun recomputes every cell and refreshes the entries")
  func refresh() throws {
    let folder = try temporaryFolder()
    let first = run(Self.threeCells, in: folder)
    for path in try entryFiles(in: folder) {
      try Data("stale".utf8).write(to: URL(fileURLWithPath: path))
    }
    let rerun = run(Self.threeCells, in: folder, mode: .refresh)
    #expect(rerun.cached == [false, false, false])
    #expect(rerun.statistics?.damaged == 0)
    #expect(rerun.results == first.results)
    let after = run(Self.threeCells, in: folder)
    #expect(after.cached == [true, true, true])
    #expect(after.statistics?.damaged == 0)
  }

  @Test("--no-cache neither reads nor writes the cache")
  func off() throws {
    let folder = try temporaryFolder()
    _ = run(Self.threeCells, in: folder, mode: .off)
    #expect(
      !FileManager.default.fileExists(
        atPath: folder + "/" + CacheSettings.folderName))
    _ = run(Self.threeCells, in: folder)
    let bypassed = run(Self.threeCells, in: folder, mode: .off)
    #expect(bypassed.cached == [false, false, false])
  }

  @Test("the folder stays within its size limit, oldest entries first")
  func sizeLimit() throws {
    let folder = try temporaryFolder()
    _ = run(Self.threeCells, in: folder)
    let oneRun = try entryFiles(in: folder).reduce(0) {
      $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size])
        as? Int ?? 0)
    }
    let other = Self.threeCells.replacingOccurrences(of: "seed: 5", with: "seed: 8")
    _ = run(other, in: folder, sizeLimit: oneRun + 1000)
    let total = try entryFiles(in: folder).reduce(0) {
      $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size])
        as? Int ?? 0)
    }
    #expect(total <= oneRun + 1000)
    // The newer notebook kept its entries.
    #expect(run(other, in: folder).cached == [true, true, true])
  }

  // MARK: - Failures and warnings

  @Test("failed and skipped cells are never cached, and stay as they were")
  func failures() throws {
    let folder = try temporaryFolder()
    let notebook = """
      ```lab
      load mnist train=1000 validation=100 test=100
      ```

      ```lab
      evaluate on=test
      ```

      ```lab
      net 784-30-10
      sgd epochs=1
      ```

      ```lab
      net 784-30-99
      ```

      ```lab
      evaluate on=validation
      ```
      """
    let first = run(notebook, in: folder)
    #expect(first.statuses == [.ok, .error, .ok, .error, .skipped])
    let second = run(notebook, in: folder)
    #expect(second.statuses == first.statuses)
    #expect(second.cached == [true, false, true, false, false])
    #expect(
      second.cells.map(\.diagnostics.count)
        == first.cells.map(\.diagnostics.count))
  }

  @Test("a replayed warning points at its directive after lines move")
  func warningsMove() throws {
    let folder = try temporaryFolder()
    let notebook = """
      ```lab
      load mnist train=500 validation=100 test=100
      net 784-30-10 hidden=relu output=softmax cost=cross-entropy
      sgd lr=1e10 epochs=2
      ```
      """
    let first = run(notebook, in: folder)
    #expect(first.cells[0].diagnostics.map(\.severity) == [.warning])
    let moved = "# Diverging\n\nSome prose.\n\n"
      + notebook.replacingOccurrences(of: "sgd lr", with: "sgd  epochs=2 lr")
        .replacingOccurrences(of: "lr=1e10 epochs=2", with: "lr=1e10")
    let second = run(moved, in: folder)
    #expect(second.cached == [true])
    let uncached = run(moved, in: try temporaryFolder(), mode: .off)
    #expect(second.cells[0].diagnostics == uncached.cells[0].diagnostics)
    #expect(second.cells[0].diagnostics.first?.location?.line == 8)
  }
}
