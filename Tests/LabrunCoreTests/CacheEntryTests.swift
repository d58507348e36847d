import Datasets
import Foundation
import NeuralNet
import Notebook
import Report
import Testing

@testable import LabrunCore

/// The cache's pieces on their own: entries on disk, keys, eviction, the
/// data-file memo. No training, no MNIST.
@Suite("Cache entries and keys")
struct CacheEntryTests {
  // MARK: - A sample entry with every kind of value

  static func digit(_ seed: UInt8, predicted: String? = nil) -> DigitImage {
    DigitImage(
      rows: 28, columns: 28,
      pixels: (0..<784).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) },
      index: Int(seed), label: "\(seed % 10)", predicted: predicted)
  }

  static func training(cost: Double, diverged: Int? = nil) -> TrainingResult {
    TrainingResult(
      learningRate: 0.1 + 0.2, batchSize: 10, epochs: 2, l2: 1e-5,
      momentum: 0, trainingImages: 3000,
      history: [
        EpochResult(
          epoch: 1, trainingCost: 0.123456789012345,
          validationAccuracy: 0.8123, testAccuracy: nil, seconds: 0.5),
        EpochResult(
          epoch: 2, trainingCost: cost, validationAccuracy: nil,
          testAccuracy: 1.0 / 3.0, seconds: 1e-9),
      ],
      divergedAtEpoch: diverged)
  }

  static func snapshot() -> NetworkSnapshot {
    let network = Network(NetworkConfiguration(sizes: [6, 4, 3]), seed: 5)
    return NetworkSnapshot(network, trained: true)
  }

  static func entry(cost: Double = 0.0625) -> CacheEntry {
    let results: [CellResult] = [
      CellResult(
        DatasetResult(
          name: "mnist", training: 3000, validation: 1000, test: 500,
          rows: 28, columns: 28, classNames: (0..<10).map(String.init),
          samples: [digit(1), digit(2)])),
      CellResult(
        NetworkResult(
          sizes: [784, 30, 10],
          layers: [
            .init(inputs: 784, outputs: 30, activation: "sigmoid"),
            .init(inputs: 30, outputs: 10, activation: "softmax"),
          ],
          cost: "cross-entropy", initialization: "scaled")),
      CellResult(training(cost: cost)),
      CellResult(
        ComparisonResult(
          parameter: "lr", values: ["0.5", "3"],
          runs: [training(cost: cost), training(cost: .infinity, diverged: 2)],
          chosen: 0)),
      CellResult(
        EvaluationResult(
          split: "test", correct: 7, total: 10, classNames: ["a", "b"],
          confusion: [[4, 1], [2, 3]],
          misclassified: [digit(9, predicted: "b")])),
      CellResult(
        PlaygroundResult(
          sizes: [6, 4, 3], hidden: "relu", output: "softmax", rows: 2,
          columns: 3, classNames: ["x", "y", "z"],
          parameters: [1.5, -0.0, .leastNonzeroMagnitude, 3e38],
          subject: "a piece of clothing", preparation: .fillFrameCentred)),
    ]
    return CacheEntry(
      key: String(repeating: "ab", count: 32), seconds: 12.345,
      results: results,
      diagnostics: [
        AnchoredDiagnostic(
          anchor: .directive(index: 0, key: "lr"),
          diagnostic: .warning(
            at: SourceLocation(file: "k.md", line: 3, column: 8), "diverged",
            suggestion: "smaller", length: 3)),
        AnchoredDiagnostic(
          anchor: .offset(line: 2, column: 5),
          diagnostic: Diagnostic(.note, at: nil, "ünïcode ✓")),
        AnchoredDiagnostic(
          anchor: .none,
          diagnostic: .warning(at: nil, "", suggestion: "")),
      ],
      data: DataSelection(
        dataset: "mnist", training: 3000, validation: 1000, test: 500,
        files: [DataFile(path: "/d/a.gz", name: "a.gz", sha256: "00ff")]),
      generator: GeneratorState(seed: 2026, draws: 3),
      network: snapshot())
  }

  // MARK: - Round trip

  @Test("an entry reads back equal to what was written, value for value")
  func roundTrip() throws {
    let entry = Self.entry()
    let bytes = entry.encoded()
    let decoded = try CacheEntry.decode(bytes, expectedKey: entry.key)
    #expect(decoded == entry)
    #expect(decoded.network?.weights == entry.network?.weights)
  }

  @Test("NaN and infinite costs survive bit for bit")
  func nonFiniteValues() throws {
    let entry = Self.entry(cost: .nan)
    let bytes = entry.encoded()
    let decoded = try CacheEntry.decode(bytes, expectedKey: entry.key)
    // NaN != NaN, so compare the re-encoding and the cost itself.
    #expect(decoded.encoded() == bytes)
    guard let run = decoded.results[2].as(TrainingResult.self) else {
      Issue.record("not a training")
      return
    }
    #expect(run.history[1].trainingCost.isNaN)
  }

  @Test("a restored network computes exactly what the original did")
  func networkRestores() throws {
    let original = Network(NetworkConfiguration(sizes: [6, 4, 3]), seed: 9)
    let snapshot = NetworkSnapshot(original, trained: false)
    let restored = try #require(snapshot.network())
    let input: [Float] = [0, 0.25, 0.5, 0.75, 1, 0.1]
    #expect(restored.feedforward(input) == original.feedforward(input))
    #expect(NetworkSnapshot(restored, trained: false).key == snapshot.key)
    #expect(NetworkSnapshot(restored, trained: true).key != snapshot.key)
  }

  @Test("a restored conv network (with dropout) computes what the original did")
  func convNetworkRestores() throws {
    let architecture = try NetworkArchitecture.parse(
      "8x8 conv3x3x2 pool2 5 dropout0.5 3", hidden: .relu, output: .softmax)
    let original = Network(architecture, seed: 4)
    original.epochsTrained = 7
    let snapshot = NetworkSnapshot(original, trained: true)
    #expect(snapshot.problem == nil)
    let restored = try #require(snapshot.network())
    #expect(restored.architecture == architecture)
    #expect(restored.epochsTrained == 7)
    let input = (0..<64).map { Float($0) / 64 }
    #expect(restored.feedforward(input) == original.feedforward(input))
    // The stored form goes through the entry's coding unchanged.
    let bytes = BinaryEncoder.encode(snapshot, capacity: 4096)
    #expect(try BinaryDecoder.decode(NetworkSnapshot.self, from: bytes) == snapshot)
    // A notation that disagrees with the parameters is refused, not used.
    var forged = snapshot
    forged.notation = "8x8 conv3x3x3 pool2 5 3"
    #expect(forged.problem != nil)
    #expect(forged.network() == nil)
  }

  // MARK: - Damage

  @Test("every flipped bit is detected")
  func bitFlips() {
    let entry = Self.entry()
    let bytes = entry.encoded()
    // Every byte position, one bit each (the bit varies with the position).
    for index in bytes.indices {
      var damaged = bytes
      damaged[index] ^= UInt8(1) << UInt8(index % 8)
      #expect(
        (try? CacheEntry.decode(damaged, expectedKey: entry.key)) == nil,
        "flip at byte \(index) of \(bytes.count) went unnoticed")
    }
  }

  @Test("a truncated or extended entry is refused")
  func truncation() {
    let entry = Self.entry()
    let bytes = entry.encoded()
    for length in stride(from: 0, to: bytes.count, by: 97) {
      #expect(
        (try? CacheEntry.decode(Array(bytes[..<length]), expectedKey: entry.key))
          == nil)
    }
    #expect(
      (try? CacheEntry.decode(bytes + [0], expectedKey: entry.key)) == nil)
  }

  @Test("an intact entry under another key or version is refused")
  func wrongKey() {
    let entry = Self.entry()
    let bytes = entry.encoded()
    #expect(
      (try? CacheEntry.decode(bytes, expectedKey: String(repeating: "cd", count: 32)))
        == nil)
    var other = bytes
    other[8] = 99  // format version, low byte
    #expect((try? CacheEntry.decode(other, expectedKey: entry.key)) == nil)
  }

  @Test("random garbage never traps the reader")
  func garbage() {
    var generator = SeededGenerator(seed: 3)
    let header = Array(Self.entry().encoded().prefix(20))
    for length in [0, 1, 19, 20, 100, 5000] {
      for _ in 0..<20 {
        var bytes = (0..<length).map { _ in
          UInt8(truncatingIfNeeded: generator.next())
        }
        // Some with a valid header, so the body parser is reached too.
        if length >= 20, generator.next() & 1 == 0 {
          bytes.replaceSubrange(0..<20, with: header)
        }
        #expect((try? CacheEntry.decode(bytes, expectedKey: "k")) == nil)
      }
    }
  }

  @Test("absurd sizes behind a valid checksum are refused, not trapped on")
  func absurdSizes() throws {
    var entry = Self.entry()
    entry.results = [
      CellResult(
        NetworkResult(
          sizes: [7], layers: [.init(inputs: 7, outputs: 3, activation: "s")],
          cost: "c", initialization: "i"))
    ]
    var bytes = entry.encoded()
    // The layer's `inputs`, 7 as a little-endian Int64, made Int.max; then
    // the checksum recomputed as a forger would.
    let seven: [UInt8] = [7, 0, 0, 0, 0, 0, 0, 0]
    let sizesEnd = try #require(
      bytes.indices.dropLast(8).filter {
        Array(bytes[$0..<$0 + 8]) == seven
      }.dropFirst().first)
    bytes.replaceSubrange(
      sizesEnd..<sizesEnd + 8,
      with: [255, 255, 255, 255, 255, 255, 255, 127])
    let body = Array(bytes.dropLast(64))
    bytes = body + Array(SHA256Digest.hex(of: body).utf8)
    #expect(throws: DecodingFailure.self) {
      try CacheEntry.decode(bytes, expectedKey: entry.key)
    }
  }

  // MARK: - Keys

  func cell(_ source: String) throws -> LabCell {
    try #require(Notebook.parse(source: source, path: "k.md").cells.first)
  }

  func key(
    _ source: String, reads: [StatePart: String] = [:], files: [String] = []
  ) throws -> String {
    CellKey.make(
      canonical: try cell(source).directives.map(\.canonical), reads: reads,
      files: files)
  }

  @Test("spacing, comments, argument order and 3.0 vs 3 keep the key")
  func canonicalKeys() throws {
    let a = try key("```lab\nsgd lr=3 batch=10 epochs=2\n```")
    let b = try key(
      "```lab\n# train\n  sgd   epochs=2  lr=3.0 batch=10   # fast\n\n```")
    #expect(a == b)
    #expect(try key("```lab\nsgd lr=3 batch=10 epochs=3\n```") != a)
  }

  @Test("data files, state read and order of directives change the key")
  func keyInputs() throws {
    let load = "```lab\nload mnist\n```"
    #expect(
      try key(load, files: ["mnist a,b,c,d"])
        != key(load, files: ["mnist a,b,c,e"]))
    let evaluate = "```lab\nevaluate\n```"
    #expect(
      try key(evaluate, reads: [.network: "n1", .data: "d"])
        != key(evaluate, reads: [.network: "n2", .data: "d"]))
    #expect(
      try key("```lab\nseed 1\nseed 2\n```")
        != key("```lab\nseed 2\nseed 1\n```"))
  }

  @Test("a cell reads only what it has not written itself")
  func access() throws {
    let trainFresh = try #require(
      CellAccess(try cell("```lab\nnet 784-30-10\nsgd\n```").directives))
    #expect(trainFresh.reads == [.data, .generator])
    #expect(trainFresh.writes == [.network, .generator])
    let evaluate = try #require(
      CellAccess(try cell("```lab\nevaluate on=validation\n```").directives))
    #expect(evaluate.reads == [.data, .network])
    #expect(evaluate.writes.isEmpty)
    let load = try #require(
      CellAccess(try cell("```lab\nload fashion-mnist\n```").directives))
    #expect(load.reads.isEmpty)
    #expect(load.loads == [.fashionMNIST])
    // `expect` reads the results of the cells above, which no key holds:
    // a cell with a check is never cached, whatever else it holds.
    #expect(CellAccess(try cell("```lab\nexpect cost decreases\n```").directives) == nil)
    #expect(
      CellAccess(
        try cell("```lab\nevaluate\nexpect test.accuracy >= 0.9\n```").directives)
        == nil)
  }

  // MARK: - Diagnostics

  @Test("a cached warning follows its directive when lines move")
  func anchoredDiagnostics() throws {
    let before = try cell("```lab\nload mnist\nsgd lr=3\n```")
    let sgd = before.directives[1]
    let warning = Diagnostic.warning(
      at: sgd.location(of: "lr"), "m", suggestion: "h", length: 1)
    let anchored = AnchoredDiagnostic(warning, in: before)
    #expect(anchored.anchor == .directive(index: 1, key: "lr"))

    let moved = try cell(
      "Some prose.\n\nMore.\n\n```lab\nload   mnist\n\n  sgd  lr=3.0\n```")
    let relocated = anchored.diagnostic(in: moved)
    #expect(relocated.location?.line == 8)
    #expect(relocated.location == moved.directives[1].location(of: "lr"))
    #expect(relocated.message == "m")
    // The rest of the value is the run's own, carets' length included.
    #expect(relocated.suggestion == "h" && relocated.length == 1)
  }
}

// MARK: - The folder

@Suite("Cache folder")
struct CacheFolderTests {
  func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "labrun-cache-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test("the least recently used entries go first, this run's last")
  func eviction() throws {
    let store = CacheStore(folder: try temporaryFolder())
    let keys = (0..<5).map { "k\($0)" }
    for (index, key) in keys.enumerated() {
      #expect(store.write([UInt8](repeating: 1, count: 1000), for: key))
      // Distinct, increasing use times: k0 is the oldest.
      var times = [
        timespec(tv_sec: 1_000_000 + index, tv_nsec: 0),
        timespec(tv_sec: 1_000_000 + index, tv_nsec: 0),
      ]
      #expect(utimensat(AT_FDCWD, store.path(ofEntry: key), &times, 0) == 0)
    }
    store.touch("k1")  // used just now
    let removed = store.evict(toFit: 2500, keeping: ["k0"])
    #expect(removed == ["k2", "k3", "k4"])
    #expect(store.read("k0") != nil)
    #expect(store.read("k1") != nil)
    let left = try FileManager.default.contentsOfDirectory(
      atPath: store.cellsFolder)
    #expect(left.count * 1000 <= 2500)
  }

  @Test("temporary files of killed runs are removed, live ones kept")
  func staleTemporaries() throws {
    let store = CacheStore(folder: try temporaryFolder())
    #expect(store.write([1, 2, 3], for: "k"))
    // No process has this id (above Linux's largest), so its files are stale.
    let stale = store.cellsFolder + "/.labrun-tmp-2147483646-77-k.cell"
    let live = store.cellsFolder + "/.labrun-tmp-\(getpid())-78-k.cell"
    for path in [stale, live] {
      #expect(FileManager.default.createFile(atPath: path, contents: Data([9])))
    }
    store.removeStaleTemporaries()
    #expect(!FileManager.default.fileExists(atPath: stale))
    #expect(FileManager.default.fileExists(atPath: live))
    #expect(store.read("k") == [1, 2, 3])
  }

  @Test("the memo knows a file until it changes")
  func hashMemo() throws {
    let folder = try temporaryFolder()
    let file = folder + "/data.bin"
    try Data("first".utf8).write(to: URL(fileURLWithPath: file))
    let store = CacheStore(folder: folder + "/cache")
    let memo = FileHashMemo(store: store)
    #expect(memo.sha256(ofFile: file) == SHA256Digest.hex(of: Array("first".utf8)))
    memo.save()
    // Another run reads the saved memo.
    #expect(
      FileHashMemo(store: store).sha256(ofFile: file)
        == SHA256Digest.hex(of: Array("first".utf8)))
    try Data("second!".utf8).write(to: URL(fileURLWithPath: file))
    #expect(
      FileHashMemo(store: store).sha256(ofFile: file)
        == SHA256Digest.hex(of: Array("second!".utf8)))
    #expect(memo.sha256(ofFile: folder + "/missing") == nil)
  }
}
