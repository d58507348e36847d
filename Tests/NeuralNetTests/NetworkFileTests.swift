import Datasets
import Foundation
import Testing

@testable import NeuralNet

/// Saving and loading a trained network: bit-exact round trips, and every
/// damaged file an error value, never a crash.
@Suite struct NetworkFileTests {
  static let data = Fixtures.sparse(count: 300, classes: 10, seed: 5)

  static func trained() -> Network {
    let network = Network(
      NetworkConfiguration(
        sizes: [784, 12, 10], hidden: .relu, output: .softmax,
        cost: .crossEntropy, initialization: .scaled),
      seed: 7)
    network.train(
      on: DataSplit(data, images: 0..<200),
      options: TrainingOptions(learningRate: 0.3, epochs: 2), shuffleSeed: 1)
    return network
  }

  static func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-network-\(UUID().uuidString)-\(name)").path
  }

  @Test func aSavedNetworkLoadsBitForBit() throws {
    let network = Self.trained()
    let path = Self.temporaryPath("round.lrnet")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try network.save(to: path)
    let loaded = try Network.load(from: path)
    #expect(loaded.configuration == network.configuration)
    #expect(loaded.epochsTrained == 2)
    #expect(
      SHA256Digest.hex(of: loaded.parameterBytes)
        == SHA256Digest.hex(of: network.parameterBytes))
    let before = network.evaluate(on: Self.data, images: 200..<300, cost: true)
    let after = loaded.evaluate(on: Self.data, images: 200..<300, cost: true)
    #expect(after == before)
    // Training goes on from where it was, numbering epochs on.
    let run = loaded.train(
      on: DataSplit(Self.data, images: 0..<200),
      options: TrainingOptions(learningRate: 0.3, epochs: 1), shuffleSeed: 2)
    #expect(run.epochs.map(\.epoch) == [3])
  }

  @Test func everyConfigurationRoundTrips() throws {
    for (hidden, output, cost) in Fixtures.combinations {
      for initialization in Initialization.allCases {
        let configuration = NetworkConfiguration(
          sizes: [6, 5, 4, 3], hidden: hidden, output: output, cost: cost,
          initialization: initialization)
        let network = Network(configuration, seed: 3)
        network.epochsTrained = 41
        let file = try NetworkFile.decode(network.file.encoded(), path: "x")
        #expect(file == network.file)
        #expect(Network(file).parameterBytes == network.parameterBytes)
      }
    }
  }

  static func error(_ bytes: [UInt8]) -> NetworkFileError.Reason? {
    do {
      _ = try NetworkFile.decode(bytes, path: "n.lrnet")
      return nil
    } catch {
      return error.reason
    }
  }

  @Test func everyTruncationIsAnError() {
    let bytes = Self.trained().file.encoded()
    for length in 0..<bytes.count {
      let reason = Self.error(Array(bytes[0..<length]))
      #expect(reason != nil, "\(length) bytes of \(bytes.count) were accepted")
      if length >= NetworkFile.headerSize {
        #expect(
          reason == .truncated(expected: bytes.count, actual: length))
      }
    }
  }

  @Test func everyChangedByteIsAnError() {
    let bytes = Network(NetworkConfiguration(sizes: [3, 2, 2]), seed: 1).file
      .encoded()
    for index in bytes.indices {
      for flip: UInt8 in [0x01, 0x80] {
        var damaged = bytes
        damaged[index] ^= flip
        #expect(Self.error(damaged) != nil, "byte \(index) ^ \(flip) accepted")
      }
    }
    // In the body, the checksum tells.
    var damaged = bytes
    damaged[NetworkFile.headerSize + 2] ^= 1
    #expect(Self.error(damaged) == .checksumMismatch)
  }

  @Test func wrongFilesSayWhatIsWrong() {
    let bytes = Network(NetworkConfiguration(sizes: [3, 2, 2]), seed: 1).file
      .encoded()
    #expect(Self.error([]) == .notANetworkFile)
    #expect(Self.error(Array("P2\n28 28\n".utf8)) == .notANetworkFile)
    var newer = bytes
    newer[8] = 2
    #expect(Self.error(newer) == .unsupportedVersion(2))
    #expect(Self.error(bytes + [0]) == .trailingBytes(1))
    // A body length near 2⁶⁴ must not overflow.
    var huge = bytes
    for i in 12..<20 { huge[i] = 0xFF }
    if case .truncated(let expected, _) = Self.error(huge) {
      #expect(expected == Int.max)
    } else {
      Issue.record("a huge body length was not called truncated")
    }
    let error = NetworkFileError(path: "n.lrnet", reason: .unsupportedVersion(2))
    #expect(error.description == "n.lrnet: network file version 2; this labrun reads version 1")
    #expect(error.suggestion.contains("newer labrun"))
  }

  @Test func aFileWithAValidChecksumButNoUsableNetworkIsRefused() {
    // Written by something else than labrun: the checksum matches, the
    // architecture does not work. Each is an error, not a crash.
    let cases: [(NetworkFile, String)] = [
      (NetworkFile(
        configuration: NetworkConfiguration(sizes: [3, 0, 2]),
        epochsTrained: 0, parameters: []), "unusable"),
      (NetworkFile(
        configuration: NetworkConfiguration(sizes: [3, 2]),
        epochsTrained: 0, parameters: [1, 2, 3]), "parameters stored"),
      (NetworkFile(
        configuration: NetworkConfiguration(sizes: [3, 2], hidden: .softmax),
        epochsTrained: 0, parameters: Array(repeating: 0, count: 8)),
       "unusable"),
      (NetworkFile(
        configuration: NetworkConfiguration(sizes: [65536, 65536, 65536]),
        epochsTrained: 0, parameters: []), "parameters stored"),
    ]
    // The fuzzer's find: the count a huge architecture needs, honestly
    // stored, and no parameters after it (its message overflowed).
    let huge = NetworkFile(
      configuration: NetworkConfiguration(sizes: [65536, 65536, 65536]),
      epochsTrained: 0, parameters: []
    ).encoded()
    let count: UInt64 = 65537 * 65536 * 2  // little-endian, as stored
    let body =
      Array(huge[NetworkFile.headerSize..<(huge.count - NetworkFile.checksumSize - 8)])
      + stride(from: 0, to: 64, by: 8).map { UInt8(truncatingIfNeeded: count >> $0) }
    guard case .invalid(let detail) = Self.error(NetworkFile.sealed(body: body))
    else {
      Issue.record("a count with no parameters was not refused as invalid")
      return
    }
    #expect(detail == "0 bytes of parameters, expected 4 for each of 8590065664")
    for (file, words) in cases {
      guard case .invalid(let detail) = Self.error(file.encoded()) else {
        Issue.record("\(file.configuration.sizes) was not refused as invalid")
        continue
      }
      #expect(detail.contains(words), "\(detail)")
    }
  }

  @Test func missingAndUnwritablePathsAreErrors() throws {
    #expect(throws: NetworkFileError.self) {
      try Network.load(from: Self.temporaryPath("missing"))
    }
    do {
      _ = try Network.load(from: FileManager.default.temporaryDirectory.path)
      Issue.record("a folder was loaded")
    } catch {
      #expect(error.reason == .unreadable("it is not a regular file"))
    }
    let network = Network(NetworkConfiguration(sizes: [3, 2]), seed: 1)
    #expect(throws: NetworkFileError.self) {
      try network.save(to: Self.temporaryPath("no-such-folder/n.lrnet"))
    }
  }

  @Test func theCommittedSeedsAreReadAsTheDocumentSays() throws {
    // fuzz/corpus/network was written from docs/network-file.md alone (by
    // a short Python script, not by labrun): the valid seeds must read as
    // the networks they describe, the others fail for their reason.
    let folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/network")
    func seed(_ name: String) throws -> [UInt8] {
      [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
    let valid = try NetworkFile.decode(seed("valid-4-3-2"), path: "seed")
    #expect(
      valid.configuration
        == NetworkConfiguration(
          sizes: [4, 3, 2], hidden: .sigmoid, output: .softmax,
          cost: .crossEntropy, initialization: .scaled))
    #expect(valid.epochsTrained == 3 && valid.parameters.count == 23)
    let tanh = try NetworkFile.decode(seed("valid-3-2-2-2-tanh"), path: "seed")
    #expect(
      tanh.configuration
        == NetworkConfiguration(sizes: [3, 2, 2, 2], hidden: .tanh))
    #expect(Self.error(try seed("truncated")) == .truncated(expected: 180, actual: 140))
    #expect(Self.error(try seed("bad-checksum")) == .checksumMismatch)
    #expect(Self.error(try seed("version-2")) == .unsupportedVersion(2))
    #expect(Self.error(try seed("not-a-network")) == .notANetworkFile)
    #expect(Self.error(try seed("trailing-byte")) == .trailingBytes(1))
    for name in [
      "zero-layer-size", "softmax-hidden", "unknown-cost", "huge-layer-count",
      "huge-sizes", "parameter-count-lie",
    ] {
      guard case .invalid = Self.error(try seed(name)) else {
        Issue.record("seed \(name) was not refused as invalid")
        continue
      }
    }
  }
}
