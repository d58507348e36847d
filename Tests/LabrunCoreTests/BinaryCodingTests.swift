import Foundation
import NeuralNet
import Report
import Testing

@testable import LabrunCore

/// The cache's binary form of `Codable` values: bit-exact floats, every
/// result type, and damaged bytes refused as values.
@Suite("Binary coding of cached values")
struct BinaryCodingTests {
  /// Doubles a plain `==` cannot compare: NaN with a payload, -0, the
  /// smallest subnormal, both infinities.
  static let doubles: [Double] = [
    Double(bitPattern: 0x7FF8_0000_0000_1234), -Double.nan, -0.0,
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .infinity, -.infinity,
    .greatestFiniteMagnitude,
  ]
  static let floats: [Float] = [
    Float(bitPattern: 0x7FC0_0123), -Float.nan, -0.0, .leastNonzeroMagnitude,
    Float(bitPattern: 0x0000_0F00), .infinity, -.infinity, 1.5,
  ]

  /// A training result whose every real number is one of `doubles`.
  static func training(_ value: Double) -> TrainingResult {
    TrainingResult(
      learningRate: value, batchSize: 10, epochs: 1, l2: value,
      momentum: value, trainingImages: 1,
      history: [
        EpochResult(
          epoch: 1, trainingCost: value, validationAccuracy: value,
          testAccuracy: nil, seconds: value)
      ],
      divergedAtEpoch: nil)
  }

  /// One value of every result type, special floats everywhere they go.
  static var everyResult: [CellResult] {
    var results: [CellResult] = doubles.map { CellResult(training($0)) }
    results += [
      CellResult(CacheEntryTests.entry().results[0].dataset!),
      CellResult(CacheEntryTests.entry().results[1].network!),
      CellResult(
        ComparisonResult(
          parameter: "lr", values: ["a", "b"], runs: doubles.map(training),
          chosen: 1)),
      CellResult(CacheEntryTests.entry().results[4].evaluation!),
      CellResult(
        PlaygroundResult(
          sizes: [2, 2, 2], hidden: "relu", output: "softmax", rows: 1,
          columns: 2, classNames: ["x", "y"], parameters: floats,
          subject: "a piece of clothing", preparation: .fillFrameCentred)),
    ]
    return results
  }

  @Test("every result type reads back bit for bit (NaN payloads, -0, subnormals, infinities)")
  func everyResultType() throws {
    let results = Self.everyResult
    let bytes = BinaryEncoder.encode(results)
    let decoded = try BinaryDecoder.decode([CellResult].self, from: bytes)
    #expect(decoded.count == results.count)
    // The same bytes again: every field, every bit.
    #expect(BinaryEncoder.encode(decoded) == bytes)
    for (index, value) in Self.doubles.enumerated() {
      guard let run = decoded[index].as(TrainingResult.self) else {
        Issue.record("result \(index) is not a training")
        continue
      }
      for field in [
        run.learningRate, run.l2, run.momentum, run.history[0].trainingCost,
        run.history[0].validationAccuracy!, run.history[0].seconds,
      ] {
        #expect(field.bitPattern == value.bitPattern)
      }
      #expect(run.history[0].testAccuracy == nil)
    }
    guard let playground = decoded.last?.as(PlaygroundResult.self) else {
      Issue.record("no playground")
      return
    }
    #expect(playground.parameters.map(\.bitPattern) == Self.floats.map(\.bitPattern))
    // The finite ones compare equal as values too.
    for offset in [0, 1, 3] {
      let index = Self.doubles.count + offset
      #expect(decoded[index] == results[index])
    }
  }

  @Test("a network's parameters read back bit for bit")
  func snapshot() throws {
    var snapshot = CacheEntryTests.snapshot()
    snapshot.weights[0].replaceSubrange(0..<Self.floats.count, with: Self.floats)
    let decoded = try BinaryDecoder.decode(
      NetworkSnapshot.self, from: BinaryEncoder.encode(snapshot))
    #expect(decoded.weights.map { $0.map(\.bitPattern) } == snapshot.weights.map { $0.map(\.bitPattern) })
    #expect(decoded.configuration == snapshot.configuration)
  }

  @Test("truncated, extended or altered bytes are an error value, never a trap")
  func damagedBytes() {
    let bytes = BinaryEncoder.encode(Self.everyResult)
    for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
      #expect(throws: DecodingFailure.self) {
        try BinaryDecoder.decode([CellResult].self, from: Array(bytes[..<cut]))
      }
    }
    #expect(throws: DecodingFailure.self) {
      try BinaryDecoder.decode([CellResult].self, from: bytes + [0])
    }
    // A count of 2^63 elements: refused before anything is allocated.
    #expect(throws: DecodingFailure.self) {
      try BinaryDecoder.decode(
        [CellResult].self, from: [0, 0, 0, 0, 0, 0, 0, 0x80] + bytes.dropFirst(8))
    }
    // A case name no result has.
    var renamed = bytes
    if let at = (0..<renamed.count - 8).first(where: { Array(renamed[$0..<$0 + 8]) == Array("training".utf8) }) {
      renamed[at] = UInt8(ascii: "T")
    }
    #expect(throws: DecodingFailure.self) {
      try BinaryDecoder.decode([CellResult].self, from: renamed)
    }
    // Every single byte changed in turn decodes or fails, never traps.
    for index in bytes.indices {
      var flipped = bytes
      flipped[index] ^= 0xA5
      _ = try? BinaryDecoder.decode([CellResult].self, from: flipped)
    }
  }

  /// `LABRUN_FUZZ_SEEDS=fuzz/corpus/cache swift test --filter BinaryCoding`
  /// rewrites the cache fuzzer's seeds in the current format.
  @Test("the cache fuzzer's seeds are current entries")
  func fuzzSeeds() throws {
    let entry = CacheEntryTests.entry()
    let file = entry.encoded()
    #expect(try CacheEntry.decode(file, expectedKey: entry.key) == entry)
    guard let folder = ProcessInfo.processInfo.environment["LABRUN_FUZZ_SEEDS"]
    else { return }
    var small = entry
    small.results = [CellResult(Self.training(.nan))]
    small.network = nil
    var bare = entry
    bare.results = []
    bare.diagnostics = []
    bare.data = nil
    for (index, seed) in [entry, small, bare].enumerated() {
      var wrapped = seed
      wrapped.key = "fuzz"
      let whole = seed.encoded()
      let body = Array(BinaryEncoder.encode(wrapped))
      try Data([1] + whole).write(
        to: URL(fileURLWithPath: "\(folder)/file-\(index)"))
      try Data([0] + body).write(
        to: URL(fileURLWithPath: "\(folder)/body-\(index)"))
    }
  }
}

extension CellResult {
  var dataset: DatasetResult? { self.as(DatasetResult.self) }
  var network: NetworkResult? { self.as(NetworkResult.self) }
  var evaluation: EvaluationResult? { self.as(EvaluationResult.self) }
}
