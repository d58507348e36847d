import Foundation
import Testing

/// The built `labrun` run twice, with `--no-cache`, `--rerun`, and two at
/// once on one cache.
@Suite("labrun's cache", .serialized)
struct CacheEndToEndTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  static let notebook = """
    ---
    seed: 3
    ---
    # Cached

    ```lab
    load mnist train=3000 validation=500 test=1000
    net 784-30-10
    ```

    ```lab
    sgd lr=3 batch=10 epochs=2
    ```

    ```lab
    evaluate on=test
    ```
    """

  func accuracies(_ json: [String: Any]) -> [Double] {
    cells(json).flatMap { results($0, kind: "training") }.flatMap {
      ($0["history"] as? [[String: Any]] ?? []).compactMap {
        $0["validationAccuracy"] as? Double
      }
    } + cells(json).flatMap { results($0, kind: "evaluation") }.compactMap {
      $0["accuracy"] as? Double
    }
  }

  func cachedFlags(_ json: [String: Any]) -> [Bool] {
    cells(json).map { $0["cached"] as? Bool ?? false }
  }

  @Test("a second run trains nothing: every cell says cached, same numbers")
  func secondRun() throws {
    let folder = try temporaryFolder()
    try write(Self.notebook, as: "c.md", in: folder)
    let first = try labrun(["c.md", "--data", dataFolder], in: folder)
    #expect(first.status == 0, "stderr: \(first.stderr)")
    #expect(first.stdout.contains("epoch 2/2"))
    let firstJSON = try reportJSON("c", in: folder)
    #expect(cachedFlags(firstJSON) == [false, false, false])

    let second = try labrun(["c.md", "--data", dataFolder], in: folder)
    #expect(second.status == 0, "stderr: \(second.stderr)")
    #expect(!second.stdout.contains("epoch 1/2"))
    #expect(second.stdout.contains("cached"))
    let secondJSON = try reportJSON("c", in: folder)
    #expect(cachedFlags(secondJSON) == [true, true, true])
    #expect(accuracies(secondJSON) == accuracies(firstJSON))
    #expect(accuracies(firstJSON).count == 3)
    for cell in cells(secondJSON) {
      #expect((cell["originalSeconds"] as? Double ?? 0) > 0)
    }
    let html = try String(
      contentsOf: folder.appendingPathComponent("output/c.html"),
      encoding: .utf8)
    #expect(html.contains("badge cached"))
  }

  @Test("--no-cache leaves no cache; --rerun recomputes and refreshes")
  func flags() throws {
    let folder = try temporaryFolder()
    try write(Self.notebook, as: "c.md", in: folder)
    let bypass = try labrun(
      ["c.md", "--data", dataFolder, "--no-cache"], in: folder)
    #expect(bypass.status == 0, "stderr: \(bypass.stderr)")
    let cacheFolder = folder.appendingPathComponent("output/.labrun-cache")
    #expect(!FileManager.default.fileExists(atPath: cacheFolder.path))

    _ = try labrun(["c.md", "--data", dataFolder], in: folder)
    let rerun = try labrun(
      ["c.md", "--data", dataFolder, "--rerun"], in: folder)
    #expect(rerun.status == 0, "stderr: \(rerun.stderr)")
    #expect(rerun.stdout.contains("epoch 2/2"))
    #expect(cachedFlags(try reportJSON("c", in: folder)) == [false, false, false])

    let after = try labrun(["c.md", "--data", dataFolder], in: folder)
    #expect(after.status == 0)
    #expect(cachedFlags(try reportJSON("c", in: folder)) == [true, true, true])

    let both = try labrun(
      ["c.md", "--no-cache", "--rerun"], in: folder)
    #expect(both.status == 2)
    #expect(both.stderr.contains("--no-cache"))
  }

  @Test("a corrupted entry on disk is recomputed, not served")
  func corruptEntry() throws {
    let folder = try temporaryFolder()
    try write(Self.notebook, as: "c.md", in: folder)
    _ = try labrun(["c.md", "--data", dataFolder], in: folder)
    let firstJSON = try reportJSON("c", in: folder)
    let cellsFolder = folder.appendingPathComponent("output/.labrun-cache/cells")
    let entries = try FileManager.default.contentsOfDirectory(
      at: cellsFolder, includingPropertiesForKeys: nil)
    #expect(entries.count == 3)
    for entry in entries {
      var bytes = try Data(contentsOf: entry)
      bytes[bytes.count / 3] ^= 0x01
      try bytes.write(to: entry)
    }
    let second = try labrun(["c.md", "--data", dataFolder], in: folder)
    #expect(second.status == 0, "stderr: \(second.stderr)")
    #expect(second.stdout.contains("cache entry unusable"))
    let secondJSON = try reportJSON("c", in: folder)
    #expect(cachedFlags(secondJSON) == [false, false, false])
    #expect(accuracies(secondJSON) == accuracies(firstJSON))
  }

  @Test("two processes sharing a cache both finish with whole reports")
  func concurrentRuns() throws {
    let folder = try temporaryFolder()
    try write(Self.notebook, as: "c.md", in: folder)
    try write(
      Self.notebook.replacingOccurrences(of: "seed: 3", with: "seed: 4"),
      as: "d.md", in: folder)
    // Twice: both cold, then one cold notebook against one cached.
    for round in 0..<2 {
      let results = ResultBox()
      let group = DispatchGroup()
      for name in ["c.md", round == 0 ? "c.md" : "d.md"] {
        DispatchQueue.global().async(group: group) {
          let result = try? labrun([name, "--data", self.dataFolder], in: folder)
          results.append(result)
        }
      }
      group.wait()
      #expect(results.values.count == 2)
      for result in results.values {
        #expect(result?.status == 0, "stderr: \(result?.stderr ?? "none")")
      }
      for stem in ["c"] + (round == 0 ? [] : ["d"]) {
        let json = try reportJSON(stem, in: folder)
        #expect(cells(json).map { $0["status"] as? String } == ["ok", "ok", "ok"])
      }
    }
    // Whatever interleaving happened, the cache is whole: all replayed.
    let third = try labrun(["c.md", "d.md", "--data", dataFolder], in: folder)
    #expect(third.status == 0)
    #expect(cachedFlags(try reportJSON("c", in: folder)) == [true, true, true])
    #expect(cachedFlags(try reportJSON("d", in: folder)) == [true, true, true])
    let leftovers = try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("output/.labrun-cache/cells").path
    ).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty)
  }
}

/// Results gathered from several threads.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [ProcessResult?] = []
  func append(_ value: ProcessResult?) { lock.withLock { stored.append(value) } }
  var values: [ProcessResult?] { lock.withLock { stored } }
}
