import Datasets

// MARK: - A trained network as a file

/// A trained network as its file holds it: the architecture, the epochs it
/// has trained and every parameter, bit for bit.
///
/// The layout, version 1, is documented in docs/network-file.md:
/// a magic number, the format version, the body's length, the body, and the
/// SHA-256 of everything before it. Decoding checks each in turn, so a file
/// that is not a network file, comes from another version, was cut short or
/// was damaged is an error value saying which — never a crash.
public struct NetworkFile: Sendable, Equatable {
  /// The network's shape.
  public var configuration: NetworkConfiguration
  /// Epochs of monitored training the network had (``Network/epochsTrained``).
  public var epochsTrained: Int
  /// Every weight and bias in ``Network/parameters``' order.
  public var parameters: [Float]

  /// The file's first eight bytes: a non-ASCII byte, "LRN", then CR LF,
  /// ^Z and LF, so a transfer in text mode or a truncated download shows.
  public static let magic: [UInt8] = [0x89, 0x4C, 0x52, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A]
  /// The version this labrun writes and reads.
  public static let version: UInt32 = 1
  /// Bytes before the body: magic, version, body length.
  static let headerSize = 8 + 4 + 8
  /// Bytes of the trailing SHA-256.
  static let checksumSize = 32

  /// Creates the file contents of a network's shape and parameters.
  public init(
    configuration: NetworkConfiguration, epochsTrained: Int,
    parameters: [Float]
  ) {
    self.configuration = configuration
    self.epochsTrained = epochsTrained
    self.parameters = parameters
  }

  // MARK: - Encoding

  /// The whole file.
  public func encoded() -> [UInt8] {
    var body = ByteWriter()
    body.byte(configuration.cost.fileCode)
    body.byte(configuration.initialization.fileCode)
    body.byte(configuration.hidden.fileCode)
    body.byte(configuration.output.fileCode)
    body.uint64(UInt64(max(epochsTrained, 0)))
    body.uint32(UInt32(configuration.sizes.count))
    for size in configuration.sizes { body.uint32(UInt32(size)) }
    body.uint64(UInt64(parameters.count))
    for value in parameters { body.uint32(value.bitPattern) }

    return Self.sealed(body: body.bytes)
  }

  /// A file of this version around `body`: the header before it and the
  /// SHA-256 after it.
  static func sealed(body: [UInt8]) -> [UInt8] {
    var file = ByteWriter()
    file.bytes += magic
    file.uint32(version)
    file.uint64(UInt64(body.count))
    file.bytes += body
    file.bytes += digest(of: file.bytes[...])
    return file.bytes
  }

  // MARK: - Decoding

  /// Reads a network file's bytes.
  ///
  /// - Parameter path: the file's name, for messages.
  /// - Throws: ``NetworkFileError`` for anything but a whole, undamaged
  ///   file of this version describing a usable network.
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
    guard version == Self.version else {
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
    return try decodeBody(&body, fail: fail)
  }

  private static func decodeBody(
    _ body: inout ByteReader,
    fail: (NetworkFileError.Reason) -> NetworkFileError
  ) throws(NetworkFileError) -> NetworkFile {
    func invalid(_ text: String) -> NetworkFileError { fail(.invalid(text)) }
    guard let costCode = body.byte(), let initCode = body.byte(),
      let hiddenCode = body.byte(), let outputCode = body.byte(),
      let epochs = body.uint64(), let sizeCount = body.uint32()
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
    let configuration = NetworkConfiguration(
      sizes: sizes, hidden: hidden, output: output, cost: cost,
      initialization: initialization)
    if let problem = configuration.problems.first {
      throw invalid("the architecture is unusable: \(problem)")
    }
    guard let count = body.uint64() else {
      throw invalid("the body ends before the parameter count")
    }
    // Σ (n_in + 1)·n_out without overflow, bounded by the bytes present.
    var expected = 0
    for (inputs, outputs) in zip(sizes, sizes.dropFirst()) {
      let (layer, o1) = (inputs + 1).multipliedReportingOverflow(by: outputs)
      let (sum, o2) = expected.addingReportingOverflow(layer)
      guard !o1, !o2 else { throw invalid("the architecture is too large") }
      expected = sum
    }
    guard count == UInt64(expected) else {
      throw invalid(
        "\(count) parameters stored, but \(sizes.map(String.init).joined(separator: "-")) "
          + "has \(expected)")
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
      configuration: configuration, epochsTrained: Int(epochs),
      parameters: parameters)
  }
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
      "network file version \(version); this labrun reads version \(NetworkFile.version)"
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
