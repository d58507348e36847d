import Datasets

// MARK: - A trained network as a file

/// A trained network as its file holds it: the architecture, the epochs it
/// has trained and every parameter, bit for bit.
///
/// The layout is documented in docs/network-file.md: a magic number, the
/// format version, the body's length, the body, and the SHA-256 of
/// everything before it. This labrun writes version 2 (any
/// ``NetworkArchitecture``: image input, convolution, pooling, dense layers
/// with dropout) and reads versions 1 (fully-connected networks) and 2.
/// Decoding checks each part in turn, so a file that is not a network
/// file, comes from another version, was cut short or was damaged is an
/// error value saying which — never a crash.
public struct NetworkFile: Sendable, Equatable {
  /// The network's layers, activations, cost and initialisation.
  public var architecture: NetworkArchitecture
  /// Epochs of monitored training the network had (``Network/epochsTrained``).
  public var epochsTrained: Int
  /// Every weight and bias in ``Network/parameters``' order.
  public var parameters: [Float]

  /// The file's first eight bytes: a non-ASCII byte, "LRN", then CR LF,
  /// ^Z and LF, so a transfer in text mode or a truncated download shows.
  public static let magic: [UInt8] = [0x89, 0x4C, 0x52, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A]
  /// The version this labrun writes.
  public static let version: UInt32 = 2
  /// The versions this labrun reads.
  public static let readableVersions: ClosedRange<UInt32> = 1...2
  /// Bytes before the body: magic, version, body length.
  static let headerSize = 8 + 4 + 8
  /// Bytes of the trailing SHA-256.
  static let checksumSize = 32

  /// Creates the file contents of a network's architecture and parameters.
  public init(
    architecture: NetworkArchitecture, epochsTrained: Int,
    parameters: [Float]
  ) {
    self.architecture = architecture
    self.epochsTrained = epochsTrained
    self.parameters = parameters
  }

  /// Two files are equal when they hold the same network bit for bit: a
  /// NaN weight (a network that diverged, saved) equals itself, and 0 and
  /// −0 differ — `==` on the Floats would say the opposite of both.
  public static func == (lhs: NetworkFile, rhs: NetworkFile) -> Bool {
    lhs.architecture == rhs.architecture
      && lhs.epochsTrained == rhs.epochsTrained
      && lhs.parameters.map(\.bitPattern) == rhs.parameters.map(\.bitPattern)
  }

  // MARK: - Encoding

  /// The whole file, in version 2.
  public func encoded() -> [UInt8] {
    var body = ByteWriter()
    body.byte(architecture.cost.fileCode)
    body.byte(architecture.initialization.fileCode)
    body.byte(architecture.hidden.fileCode)
    body.byte(architecture.output.fileCode)
    body.uint64(UInt64(max(epochsTrained, 0)))
    let input = architecture.input
    body.byte(input.isImage ? 1 : 0)
    body.uint32(UInt32(input.channels))
    body.uint32(UInt32(input.height))
    body.uint32(UInt32(input.width))
    body.uint32(UInt32(architecture.layers.count))
    for layer in architecture.layers {
      switch layer {
      case .dense(let units, let dropout):
        body.byte(LayerCode.dense.rawValue)
        body.uint32(UInt32(units))
        body.uint64(dropout.bitPattern)
      case .convolution(let size, let maps):
        body.byte(LayerCode.convolution.rawValue)
        body.uint32(UInt32(size))
        body.uint32(UInt32(maps))
      case .maxPool(let size):
        body.byte(LayerCode.maxPool.rawValue)
        body.uint32(UInt32(size))
      }
    }
    body.uint64(UInt64(parameters.count))
    for value in parameters { body.uint32(value.bitPattern) }

    return Self.sealed(body: body.bytes)
  }

  /// A file of `version` around `body`: the header before it and the
  /// SHA-256 after it.
  static func sealed(body: [UInt8], version: UInt32 = version) -> [UInt8] {
    var file = ByteWriter()
    file.bytes += magic
    file.uint32(version)
    file.uint64(UInt64(body.count))
    file.bytes += body
    file.bytes += digest(of: file.bytes[...])
    return file.bytes
  }

  // MARK: - Decoding

  /// Reads a network file's bytes, of version 1 or 2.
  ///
  /// - Parameter path: the file's name, for messages.
  /// - Throws: ``NetworkFileError`` for anything but a whole, undamaged
  ///   file of a version this labrun reads describing a usable network.
  public static func decode(_ bytes: [UInt8], path: String)
    throws(NetworkFileError) -> NetworkFile
  {
    func fail(_ reason: NetworkFileError.Reason) -> NetworkFileError {
      NetworkFileError(path: path, reason: reason)
    }
    guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic
    else { throw fail(.notANetworkFile) }
    var header = ByteReader(bytes[magic.count...])
    guard let version = header.uint32() else {
      throw fail(.truncated(expected: headerSize, actual: bytes.count))
    }
    guard readableVersions.contains(version) else {
      throw fail(.unsupportedVersion(version))
    }
    guard let bodyLength = header.uint64() else {
      throw fail(.truncated(expected: headerSize, actual: bytes.count))
    }
    let available = UInt64(bytes.count - headerSize)
    let (needed, overflow) = bodyLength.addingReportingOverflow(
      UInt64(checksumSize))
    guard !overflow, needed <= available else {
      throw fail(
        .truncated(
          expected: overflow || needed > UInt64(Int.max - headerSize)
            ? Int.max : headerSize + Int(needed),
          actual: bytes.count))
    }
    guard needed == available else {
      throw fail(.trailingBytes(Int(available - needed)))
    }
    let checked = bytes[0..<headerSize + Int(bodyLength)]
    guard digest(of: checked) == Array(bytes[checked.endIndex...]) else {
      throw fail(.checksumMismatch)
    }
    var body = ByteReader(bytes[headerSize..<checked.endIndex])
    return try decodeBody(&body, version: version) { detail in
      fail(.invalid(detail))
    }
  }

  private static func decodeBody(
    _ body: inout ByteReader, version: UInt32,
    invalid: (String) -> NetworkFileError
  ) throws(NetworkFileError) -> NetworkFile {
    guard let costCode = body.byte(), let initCode = body.byte(),
      let hiddenCode = body.byte(), let outputCode = body.byte(),
      let epochs = body.uint64()
    else { throw invalid("the body ends inside the architecture") }
    guard let cost = Cost(fileCode: costCode) else {
      throw invalid("unknown cost code \(costCode)")
    }
    guard let initialization = Initialization(fileCode: initCode) else {
      throw invalid("unknown initialisation code \(initCode)")
    }
    guard let hidden = Activation(fileCode: hiddenCode),
      let output = Activation(fileCode: outputCode)
    else { throw invalid("unknown activation code \(max(hiddenCode, outputCode))") }
    guard epochs <= UInt64(Int32.max) else {
      throw invalid("\(epochs) epochs trained is not a plausible count")
    }
    let (input, layers) =
      version == 1
      ? try decodeSizes(&body, invalid: invalid)
      : try decodeLayers(&body, invalid: invalid)
    let architecture = NetworkArchitecture(
      input: input, layers: layers, hidden: hidden, output: output,
      cost: cost, initialization: initialization)
    if let problem = architecture.problems.first {
      let place = problem.layer.map { "layer \($0 + 1): " } ?? ""
      throw invalid("the architecture is unusable: \(place)\(problem.message)")
    }
    guard let count = body.uint64() else {
      throw invalid("the body ends before the parameter count")
    }
    guard let expected = parameterCount(of: architecture) else {
      throw invalid("the architecture is too large")
    }
    guard count == UInt64(expected) else {
      throw invalid(
        "\(count) parameters stored, but \(architecture.notation) has \(expected)")
    }
    guard expected <= body.remaining / 4, body.remaining == expected * 4 else {
      throw invalid(
        "\(body.remaining) bytes of parameters, expected 4 for each of "
          + "\(expected)")
    }
    var parameters: [Float] = []
    parameters.reserveCapacity(expected)
    for _ in 0..<expected {
      guard let bits = body.uint32() else {
        throw invalid("the body ends inside the parameters")
      }
      parameters.append(Float(bitPattern: bits))
    }
    return NetworkFile(
      architecture: architecture, epochsTrained: Int(epochs),
      parameters: parameters)
  }

  /// Version 1's architecture: a list of layer sizes, input first, every
  /// layer fully connected.
  private static func decodeSizes(
    _ body: inout ByteReader, invalid: (String) -> NetworkFileError
  ) throws(NetworkFileError) -> (TensorShape, [LayerKind]) {
    guard let sizeCount = body.uint32() else {
      throw invalid("the body ends inside the architecture")
    }
    // Every size takes 4 bytes: a count beyond what is left is a lie,
    // refused before anything is allocated for it.
    guard Int(sizeCount) <= body.remaining / 4 else {
      throw invalid("\(sizeCount) layers do not fit in the file")
    }
    var sizes: [Int] = []
    for _ in 0..<sizeCount {
      guard let size = body.uint32() else {
        throw invalid("the body ends inside the layer sizes")
      }
      sizes.append(Int(size))
    }
    guard sizes.count >= 2 else {
      throw invalid(
        "the architecture is unusable: a network needs at least 2 layer sizes, got \(sizes.count)")
    }
    return (
      TensorShape(vector: sizes[0]),
      sizes.dropFirst().map { .dense(units: $0) }
    )
  }

  /// Version 2's architecture: the input's shape, then each layer with
  /// its kind.
  private static func decodeLayers(
    _ body: inout ByteReader, invalid: (String) -> NetworkFileError
  ) throws(NetworkFileError) -> (TensorShape, [LayerKind]) {
    guard let isImage = body.byte(), let channels = body.uint32(),
      let height = body.uint32(), let width = body.uint32(),
      let layerCount = body.uint32()
    else { throw invalid("the body ends inside the input's shape") }
    // Bounded so that no count or product of them overflows: every
    // dimension, and the values per example, below 2³¹.
    let limit = UInt32(Int32.max)
    let (area, o1) = Int(height).multipliedReportingOverflow(by: Int(width))
    let (values, o2) = area.multipliedReportingOverflow(by: Int(channels))
    guard !o1, !o2, values <= Int(limit) else {
      throw invalid(
        "an input of \(channels) × \(height) × \(width) values is too large")
    }
    // A zero among the dimensions would hide a huge one from that bound.
    guard values >= 1 else {
      throw invalid(
        "an input of \(channels) × \(height) × \(width) has no values")
    }
    let input: TensorShape
    switch isImage {
    case 1:
      input = TensorShape(
        channels: Int(channels), height: Int(height), width: Int(width))
    case 0:
      // One spelling per network: a vector is 1 × 1 × n.
      guard channels == 1, height == 1 else {
        throw invalid(
          "a vector input is stored as 1 × 1 × n, not \(channels) × \(height) × \(width)")
      }
      input = TensorShape(vector: Int(width))
    default:
      throw invalid("unknown input kind \(isImage) (0 vector, 1 image)")
    }
    // The smallest layer takes 5 bytes: a count beyond what is left is a
    // lie, refused before anything is allocated for it.
    guard Int(layerCount) <= body.remaining / 5 else {
      throw invalid("\(layerCount) layers do not fit in the file")
    }
    var layers: [LayerKind] = []
    for index in 1..<Int(layerCount) + 1 {
      func ended() -> NetworkFileError {
        invalid("the body ends inside layer \(index)")
      }
      func tooLarge() -> NetworkFileError {
        invalid("layer \(index): a size of 2³¹ or more")
      }
      guard let code = body.byte() else { throw ended() }
      switch LayerCode(rawValue: code) {
      case .dense:
        guard let units = body.uint32(), let bits = body.uint64() else {
          throw ended()
        }
        guard units <= limit else { throw tooLarge() }
        let dropout = Double(bitPattern: bits)
        // NaN and -0 would read as a rate the notation cannot write.
        guard bits == 0 || (dropout > 0 && dropout < 1) else {
          throw invalid(
            "layer \(index): dropout \(dropout) is outside [0, 1)")
        }
        layers.append(.dense(units: Int(units), dropout: dropout))
      case .convolution:
        guard let size = body.uint32(), let maps = body.uint32() else {
          throw ended()
        }
        guard size <= limit, maps <= limit else { throw tooLarge() }
        layers.append(.convolution(size: Int(size), maps: Int(maps)))
      case .maxPool:
        guard let size = body.uint32() else { throw ended() }
        guard size <= limit else { throw tooLarge() }
        layers.append(.maxPool(size: Int(size)))
      case nil:
        throw invalid(
          "layer \(index): unknown layer kind \(code) (0 dense, 1 convolution, 2 pool)")
      }
    }
    return (input, layers)
  }

  /// Weights and biases `architecture` needs, nil when the count overflows.
  private static func parameterCount(of architecture: NetworkArchitecture)
    -> Int?
  {
    var total = 0
    var shape = architecture.input
    for layer in architecture.layers {
      let (fanIn, units): (Int, Int)
      switch layer {
      case .dense(let outputs, _): (fanIn, units) = (shape.count, outputs)
      case .convolution(let size, let maps):
        (fanIn, units) = (shape.channels * size * size, maps)
      case .maxPool: (fanIn, units) = (0, 0)
      }
      let (layerCount, o1) = (fanIn + 1).multipliedReportingOverflow(by: units)
      let (sum, o2) = total.addingReportingOverflow(layerCount)
      guard !o1, !o2 else { return nil }
      total = sum
      shape = layer.output(for: shape)
    }
    return total
  }
}

/// The kind of a layer in a version 2 file.
private enum LayerCode: UInt8 {
  case dense = 0
  case convolution = 1
  case maxPool = 2
}

/// The SHA-256 of `bytes`, as 32 bytes.
private func digest(of bytes: ArraySlice<UInt8>) -> [UInt8] {
  let hex = bytes.withUnsafeBytes { SHA256Digest.hex(of: $0) }
  let digits = Array(hex.utf8)
  func value(_ digit: UInt8) -> UInt8 {
    digit >= 0x61 ? digit - 0x61 + 10 : digit &- 0x30
  }
  return stride(from: 0, to: digits.count, by: 2).map {
    value(digits[$0]) << 4 | value(digits[$0 + 1])
  }
}

// MARK: - Errors

/// Why a network file could not be read or written.
public struct NetworkFileError: Error, Sendable, Equatable,
  CustomStringConvertible
{
  /// What went wrong.
  public enum Reason: Sendable, Equatable {
    /// The file could not be opened or read (the system's message).
    case unreadable(String)
    /// The file could not be written (the system's message).
    case unwritable(String)
    /// The first bytes are not a network file's.
    case notANetworkFile
    /// A format version this labrun does not read.
    case unsupportedVersion(UInt32)
    /// The file is shorter than its header says.
    case truncated(expected: Int, actual: Int)
    /// Bytes follow the checksum.
    case trailingBytes(Int)
    /// The contents do not match their SHA-256: the file was damaged.
    case checksumMismatch
    /// The checksum matched but the contents make no network (written by
    /// something else than labrun).
    case invalid(String)
  }

  /// The file's name as given.
  public var path: String
  public var reason: Reason

  public init(path: String, reason: Reason) {
    self.path = path
    self.reason = reason
  }

  /// What happened, without the path.
  public var message: String {
    switch reason {
    case .unreadable(let system): "cannot read the network file: \(system)"
    case .unwritable(let system): "cannot write the network file: \(system)"
    case .notANetworkFile: "not a labrun network file (its first bytes are not the network file's magic number)"
    case .unsupportedVersion(let version):
      "network file version \(version); this labrun reads versions \(NetworkFile.readableVersions.lowerBound) to \(NetworkFile.readableVersions.upperBound)"
    case .truncated(let expected, let actual):
      expected == Int.max
        ? "the network file is truncated or damaged: its header promises more bytes than a file can hold (it has \(actual))"
        : "the network file is truncated: \(actual) bytes of \(expected)"
    case .trailingBytes(let count):
      "the network file has \(count) unexpected bytes after its checksum"
    case .checksumMismatch:
      "the network file is damaged: its contents do not match their SHA-256"
    case .invalid(let detail): "the network file is invalid: \(detail)"
    }
  }

  /// What to do about it.
  public var suggestion: String {
    switch reason {
    case .unreadable: "check the path and that the file is readable"
    case .unwritable: "check that the folder exists and is writable"
    case .notANetworkFile: "give a file written by saving a network in labrun"
    case .unsupportedVersion(let version):
      version > NetworkFile.version
        ? "it was written by a newer labrun: update labrun, or save the network again with this one"
        : "save the network again with this labrun"
    case .truncated, .trailingBytes, .checksumMismatch, .invalid:
      "save the network again (or copy the file again: it was changed after labrun wrote it)"
    }
  }

  public var description: String { "\(path): \(message)" }
}

// MARK: - Codes of the engine's vocabulary in the file

// Fixed numbers, not the enums' order or names: renaming a case must not
// change what old files mean.
private protocol FileCoded: CaseIterable {
  var fileCode: UInt8 { get }
}

extension FileCoded {
  init?(fileCode: UInt8) {
    guard let value = Self.allCases.first(where: { $0.fileCode == fileCode })
    else { return nil }
    self = value
  }
}

extension Activation: FileCoded {
  var fileCode: UInt8 {
    switch self {
    case .sigmoid: 0
    case .relu: 1
    case .tanh: 2
    case .softmax: 3
    }
  }
}

extension Cost: FileCoded {
  var fileCode: UInt8 {
    switch self {
    case .quadratic: 0
    case .crossEntropy: 1
    }
  }
}

extension Initialization: FileCoded {
  var fileCode: UInt8 {
    switch self {
    case .normal: 0
    case .scaled: 1
    }
  }
}

// MARK: - Little-endian bytes

private struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func uint32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
    }
  }

  mutating func uint64(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
  }
}

private struct ByteReader {
  private let bytes: ArraySlice<UInt8>
  private var position: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    position = bytes.startIndex
  }

  var remaining: Int { bytes.endIndex - position }

  mutating func byte() -> UInt8? {
    guard remaining >= 1 else { return nil }
    defer { position += 1 }
    return bytes[position]
  }

  mutating func uint32() -> UInt32? {
    guard remaining >= 4 else { return nil }
    var value: UInt32 = 0
    for i in 0..<4 { value |= UInt32(bytes[position + i]) << UInt32(8 * i) }
    position += 4
    return value
  }

  mutating func uint64() -> UInt64? {
    guard remaining >= 8 else { return nil }
    var value: UInt64 = 0
    for i in 0..<8 { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
    position += 8
    return value
  }
}
