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

  /// A committed seed of fuzz/corpus/network.
  static func seed(_ name: String) throws -> [UInt8] {
    let folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/network")
    return [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
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
    #expect(loaded.architecture == network.architecture)
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

  /// A small convolutional network with dropout, trained two epochs.
  static func trainedConvolutional() throws -> Network {
    let network = Network(
      try NetworkArchitecture.parse(
        "28x28 conv5x5x4 pool2 conv3x3x3 pool5 12 dropout0.25 10",
        hidden: .relu, output: .softmax, cost: .crossEntropy,
        initialization: .scaled),
      seed: 11)
    network.train(
      on: DataSplit(data, images: 0..<120),
      options: TrainingOptions(learningRate: 0.1, batchSize: 10, epochs: 2),
      shuffleSeed: 3)
    return network
  }

  @Test func aSavedConvolutionalNetworkLoadsBitForBitAndTrainsOnAlike()
    throws
  {
    let network = try Self.trainedConvolutional()
    let path = Self.temporaryPath("conv.lrnet")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try network.save(to: path)
    let loaded = try Network.load(from: path)
    #expect(loaded.architecture == network.architecture)
    #expect(
      loaded.architecture.notation
        == "28x28 conv5x5x4 pool2 conv3x3x3 pool5 12 dropout0.25 10")
    #expect(loaded.epochsTrained == 2)
    #expect(loaded.parameterBytes == network.parameterBytes)
    #expect(
      loaded.evaluate(on: Self.data, images: 120..<300, cost: true)
        == network.evaluate(on: Self.data, images: 120..<300, cost: true))
    // The loaded copy and the original train on to the same bits (dropout
    // masks included): nothing the training needs was lost.
    let options = TrainingOptions(learningRate: 0.1, batchSize: 10, epochs: 1)
    let original = network.train(
      on: DataSplit(Self.data, images: 0..<120), options: options,
      shuffleSeed: 4)
    let again = loaded.train(
      on: DataSplit(Self.data, images: 0..<120), options: options,
      shuffleSeed: 4)
    #expect(again.epochs.map(\.epoch) == [3])
    #expect(original.epochs.map(\.epoch) == [3])
    #expect(loaded.parameterBytes == network.parameterBytes)
    // The file is version 2, and writing what was read gives its bytes.
    let bytes = try NetworkFile.readBytes(from: path)
    #expect(bytes[8..<12] == [2, 0, 0, 0])
    #expect(try NetworkFile.decode(bytes, path: path).encoded() == bytes)
  }

  @Test func everyTruncationAndChangedByteOfAConvolutionalFileIsAnError()
    throws
  {
    let network = Network(
      try NetworkArchitecture.parse("6x6 conv3x3x2 pool2 3 dropout0.5 2"),
      seed: 2)
    let bytes = network.file.encoded()
    for length in 0..<bytes.count {
      let reason = Self.error(Array(bytes[0..<length]))
      #expect(reason != nil, "\(length) bytes of \(bytes.count) were accepted")
    }
    for index in bytes.indices {
      for flip: UInt8 in [0x01, 0x80] {
        var damaged = bytes
        damaged[index] ^= flip
        #expect(Self.error(damaged) != nil, "byte \(index) ^ \(flip) accepted")
      }
    }
  }

  @Test func aVersion1FileReadsAsTheSameNetworkInVersion2() throws {
    // A version 1 file of 4-3-2 (the committed seed) and the version 2
    // file this labrun writes for it describe one network.
    let v1 = try Self.seed("valid-4-3-2")
    #expect(v1[8] == 1)
    let file = try NetworkFile.decode(v1, path: "v1")
    let rewritten = file.encoded()
    #expect(rewritten[8] == 2)
    #expect(try NetworkFile.decode(rewritten, path: "v2") == file)
    #expect(
      Network(file).parameterBytes
        == file.parameters.flatMap { value in
          (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
        })
  }

  @Test func aDivergedNetworkReadsBackAsTheSameFileBitForBit() throws {
    // A network trained at too high a rate has NaN weights, and may be
    // saved so. fuzz/corpus/network/valid-2-1-1-nan-weights (written by
    // Python from docs/network-file.md, the fuzzer's find) is a version 1
    // file of 2-1-1 whose weights are NaN, −0, 1, a negative NaN with a
    // payload and +∞: read, written as version 2 and read again, it is the
    // same file, every bit kept.
    let v1 = try Self.seed("valid-2-1-1-nan-weights")
    let file = try NetworkFile.decode(v1, path: "v1")
    let bits: [UInt32] = [0x7FC0_0000, 0x8000_0000, 0x3F80_0000, 0xFFC0_0001, 0x7F80_0000]
    #expect(file.parameters.map(\.bitPattern) == bits)
    let again = try NetworkFile.decode(file.encoded(), path: "v2")
    #expect(again == file)
    #expect(again.parameters.map(\.bitPattern) == bits)
    // Equal means the same bits: 0 and −0 are different weights.
    var zero = file
    zero.parameters[1] = 0
    #expect(zero != file)
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
        #expect(file.architecture == NetworkArchitecture(configuration))
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
    newer[8] = 3
    #expect(Self.error(newer) == .unsupportedVersion(3))
    newer[8] = 0
    #expect(Self.error(newer) == .unsupportedVersion(0))
    #expect(Self.error(bytes + [0]) == .trailingBytes(1))
    // A body length near 2⁶⁴ must not overflow.
    var huge = bytes
    for i in 12..<20 { huge[i] = 0xFF }
    if case .truncated(let expected, _) = Self.error(huge) {
      #expect(expected == Int.max)
    } else {
      Issue.record("a huge body length was not called truncated")
    }
    let error = NetworkFileError(path: "n.lrnet", reason: .unsupportedVersion(3))
    #expect(error.description == "n.lrnet: network file version 3; this labrun reads versions 1 to 2")
    #expect(error.suggestion.contains("newer labrun"))
  }

  @Test func aFileWithAValidChecksumButNoUsableNetworkIsRefused() {
    // Written by something else than labrun: the checksum matches, the
    // architecture does not work. Each is an error, not a crash.
    let cases: [(NetworkFile, String)] = [
      (NetworkFile(
        architecture: NetworkArchitecture(NetworkConfiguration(sizes: [3, 0, 2])),
        epochsTrained: 0, parameters: []), "unusable"),
      (NetworkFile(
        architecture: NetworkArchitecture(NetworkConfiguration(sizes: [3, 2])),
        epochsTrained: 0, parameters: [1, 2, 3]), "parameters stored"),
      (NetworkFile(
        architecture: NetworkArchitecture(
          NetworkConfiguration(sizes: [3, 2, 2], hidden: .softmax)),
        epochsTrained: 0, parameters: Array(repeating: 0, count: 14)),
       "unusable"),
      (NetworkFile(
        architecture: NetworkArchitecture(
          NetworkConfiguration(sizes: [65536, 65536, 65536])),
        epochsTrained: 0, parameters: []), "parameters stored"),
    ]
    // The fuzzer's find: the count a huge architecture needs, honestly
    // stored, and no parameters after it (its message overflowed).
    let huge = NetworkFile(
      architecture: NetworkArchitecture(
        NetworkConfiguration(sizes: [65536, 65536, 65536])),
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
        Issue.record("\(file.architecture.notation) was not refused as invalid")
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
    let valid = try NetworkFile.decode(Self.seed("valid-4-3-2"), path: "seed")
    #expect(
      valid.architecture.configuration
        == NetworkConfiguration(
          sizes: [4, 3, 2], hidden: .sigmoid, output: .softmax,
          cost: .crossEntropy, initialization: .scaled))
    #expect(valid.epochsTrained == 3 && valid.parameters.count == 23)
    let tanh = try NetworkFile.decode(Self.seed("valid-3-2-2-2-tanh"), path: "seed")
    #expect(
      tanh.architecture
        == NetworkArchitecture(
          NetworkConfiguration(sizes: [3, 2, 2, 2], hidden: .tanh)))
    #expect(Self.error(try Self.seed("truncated")) == .truncated(expected: 180, actual: 140))
    #expect(Self.error(try Self.seed("bad-checksum")) == .checksumMismatch)
    #expect(Self.error(try Self.seed("version-3")) == .unsupportedVersion(3))
    #expect(Self.error(try Self.seed("not-a-network")) == .notANetworkFile)
    #expect(Self.error(try Self.seed("trailing-byte")) == .trailingBytes(1))
    let conv = try NetworkFile.decode(
      Self.seed("valid-v2-6x6-conv3x3x2-pool2-3-dropout-2"), path: "seed")
    #expect(
      conv.architecture
        == NetworkArchitecture(
          input: TensorShape(height: 6, width: 6),
          layers: [
            .convolution(size: 3, maps: 2), .maxPool(size: 2),
            .dense(units: 3, dropout: 0.5), .dense(units: 2),
          ],
          hidden: .relu, output: .softmax, cost: .crossEntropy,
          initialization: .scaled))
    #expect(conv.epochsTrained == 4 && conv.parameters.count == 55)
    #expect(conv.parameters[0] == -0.75 && conv.parameters[1] == 0.125)
    let vector = try NetworkFile.decode(Self.seed("valid-v2-4-3-2"), path: "seed")
    #expect(
      vector.architecture
        == NetworkArchitecture(NetworkConfiguration(sizes: [4, 3, 2])))
    #expect(Self.error(try Self.seed("v2-truncated")) == .truncated(expected: 349, actual: 100))
    #expect(Self.error(try Self.seed("v2-bad-checksum")) == .checksumMismatch)
    let invalid: [(String, String)] = [
      ("zero-layer-size", "unusable"), ("softmax-hidden", "unusable"),
      ("unknown-cost", "unknown cost code"),
      ("huge-layer-count", "do not fit"), ("huge-sizes", "parameters"),
      ("parameter-count-lie", "expected 4 for each of 23"),
      ("v2-unknown-layer-kind", "layer 1: unknown layer kind 7"),
      ("v2-pool-does-not-divide", "pool2 does not divide the 5×5×2 maps"),
      ("v2-conv-larger-than-input", "a 7×7 filter does not fit its 6×6 input"),
      ("v2-dropout-nan", "layer 1: dropout nan is outside [0, 1)"),
      ("v2-dropout-on-output", "dropout applies to hidden layers"),
      ("v2-vector-not-1x1", "a vector input is stored as 1 × 1 × n"),
      ("v2-unknown-input-kind", "unknown input kind 5"),
      ("v2-huge-layer-count", "4294967295 layers do not fit"),
      ("v2-huge-input", "is too large"),
      ("v2-conv-after-vector", "needs maps as its input"),
      ("v2-parameter-count-lie",
       "54 parameters stored, but 6x6 conv3x3x2 pool2 3 dropout0.5 2 has 55"),
      ("v2-no-layers", "at least one layer"),
      ("v2-zero-channels-huge-maps", "has no values"),
    ]
    for (name, words) in invalid {
      guard case .invalid(let detail) = Self.error(try Self.seed(name)) else {
        Issue.record("seed \(name) was not refused as invalid")
        continue
      }
      #expect(detail.contains(words), "\(name): \(detail)")
    }
  }
}
