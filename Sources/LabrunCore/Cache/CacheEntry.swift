import Datasets
import NeuralNet
import Notebook
import Report

/// What one cell computed: its report values and the state it left behind,
/// stored under the cell's key.
///
/// On disk (all integers little-endian):
///
///     "LABRUNC\u{1}"  magic, 8 bytes
///     u32             CacheEntry.formatVersion
///     u64             body length n
///     n bytes         body (key, labrun version, seconds, results,
///                     diagnostics, state; see `writeBody`)
///     64 bytes        SHA-256 of everything above, in hex
///
/// An entry is trusted only if every part checks out: a torn, truncated or
/// bit-flipped file fails the length or the checksum and is recomputed.
struct CacheEntry: Sendable, Equatable {
  /// Bumped whenever the encoding or the meaning of a key changes, so that
  /// old entries are never misread.
  static let formatVersion: UInt32 = 2
  static let magic: [UInt8] = Array("LABRUNC\u{1}".utf8)

  /// The cell's key (the file's name), repeated inside as a check.
  var key: String
  /// How long the cell originally took, in seconds.
  var seconds: Double
  var results: [CellResult]
  /// Diagnostics the run added (warnings: an ok cell has no errors).
  var diagnostics: [AnchoredDiagnostic]
  /// What the cell changed; nil fields are left as they were.
  var data: DataSelection?
  var generator: GeneratorState?
  var network: NetworkSnapshot?
}

// MARK: - Diagnostics relative to the cell

/// A diagnostic of a cached cell, located by directive rather than by line,
/// so that it lands in the right place when prose above the cell changes
/// or the cell is respaced.
struct AnchoredDiagnostic: Sendable, Equatable {
  enum Anchor: Sendable, Equatable {
    /// No location.
    case none
    /// A directive's verb (key nil) or the value of one of its keys.
    case directive(index: Int, key: String?)
    /// Lines and columns from the cell's first source line.
    case offset(line: Int, column: Int)
  }
  var anchor: Anchor
  var severity: DiagnosticRecord.Severity
  var message: String
  var suggestion: String?

  /// `record`, located relative to `cell`.
  init(_ record: DiagnosticRecord, in cell: LabCell) {
    severity = record.severity
    message = record.message
    suggestion = record.suggestion
    guard let line = record.line else {
      anchor = .none
      return
    }
    let column = record.column ?? 1
    let at = SourceLocation(file: record.file, line: line, column: column)
    for (index, directive) in cell.directives.enumerated() {
      if directive.location == at {
        anchor = .directive(index: index, key: nil)
        return
      }
      if let argument = directive.arguments.last(where: { $0.location == at }) {
        anchor = .directive(index: index, key: argument.key)
        return
      }
    }
    anchor = .offset(line: line - cell.firstSourceLine, column: column)
  }

  init(
    anchor: Anchor, severity: DiagnosticRecord.Severity, message: String,
    suggestion: String?
  ) {
    self.anchor = anchor
    self.severity = severity
    self.message = message
    self.suggestion = suggestion
  }

  /// The diagnostic located in `cell` as it is now.
  func record(in cell: LabCell, file: String) -> DiagnosticRecord {
    var location: SourceLocation?
    switch anchor {
    case .none:
      location = nil
    case .directive(let index, let key):
      if cell.directives.indices.contains(index) {
        let directive = cell.directives[index]
        location = key.map { directive.location(of: $0) } ?? directive.location
      } else {
        location = cell.fence
      }
    case .offset(let line, let column):
      location = SourceLocation(
        file: file, line: cell.firstSourceLine + line, column: column)
    }
    return DiagnosticRecord(
      severity: severity, file: location?.file ?? file,
      line: location?.line, column: location?.column, message: message,
      suggestion: suggestion)
  }
}

// MARK: - Encoding

extension CacheEntry {
  /// The entry's file contents.
  func encoded() -> [UInt8] {
    var body = ByteWriter(capacity: 4096)
    body.string(key)
    body.string(labrunVersion)
    body.double(seconds)
    ReportCoding.write(results, to: &body)
    body.array(diagnostics) { Self.write($1, to: &$0) }
    body.optional(data) { Self.write($1, to: &$0) }
    body.optional(generator) { w, state in
      w.u64(state.seed)
      w.u64(state.draws)
    }
    body.optional(network) { Self.write($1, to: &$0) }

    var file = ByteWriter(capacity: body.bytes.count + 96)
    file.raw(Self.magic)
    file.u32(Self.formatVersion)
    file.u64(UInt64(body.bytes.count))
    file.raw(body.bytes)
    file.raw(SHA256Digest.hex(of: file.bytes).utf8)
    return file.bytes
  }

  /// Decodes and checks an entry file read for `expectedKey`.
  /// - Throws: `DecodingFailure` for anything short of a whole, intact
  ///   entry of this format, labrun version and key.
  static func decode(_ bytes: [UInt8], expectedKey: String)
    throws(DecodingFailure) -> CacheEntry
  {
    let headerSize = magic.count + 12
    let checksumSize = 64
    guard bytes.count >= headerSize + checksumSize else {
      throw DecodingFailure(offset: bytes.count, reason: "truncated")
    }
    var reader = ByteReader(bytes)
    guard try reader.raw(magic.count) == magic else {
      throw DecodingFailure(offset: 0, reason: "not a labrun cache entry")
    }
    guard try reader.u32() == formatVersion else {
      throw DecodingFailure(offset: magic.count, reason: "another format")
    }
    let length = try reader.u64()
    guard length == UInt64(bytes.count - headerSize - checksumSize) else {
      throw DecodingFailure(offset: magic.count + 4, reason: "wrong length")
    }
    let stored = bytes[(bytes.count - checksumSize)...]
    let actual = bytes.withUnsafeBytes {
      SHA256Digest.hex(of: UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - checksumSize)]))
    }
    guard Array(actual.utf8) == Array(stored) else {
      throw DecodingFailure(offset: bytes.count - checksumSize, reason: "checksum mismatch")
    }

    var body = ByteReader(
      Array(bytes[..<(bytes.count - checksumSize)]), offset: headerSize)
    let key = try body.string()
    guard key == expectedKey else {
      throw DecodingFailure(offset: headerSize, reason: "entry of another key")
    }
    guard try body.string() == labrunVersion else {
      throw DecodingFailure(offset: body.offset, reason: "another labrun version")
    }
    let entry = CacheEntry(
      key: key, seconds: try body.double(),
      results: try ReportCoding.readResults(&body),
      diagnostics: try body.array(minimumSize: 4, readDiagnostic),
      data: try body.optional(readData),
      generator: try body.optional { (r) throws(DecodingFailure) in
        let state = GeneratorState(seed: try r.u64(), draws: try r.u64())
        guard state.draws <= GeneratorState.maximumDraws else {
          throw DecodingFailure(offset: r.offset, reason: "too many draws")
        }
        return state
      },
      network: try body.optional(readNetwork))
    guard body.isAtEnd else {
      throw DecodingFailure(offset: body.offset, reason: "trailing bytes")
    }
    return entry
  }

  // MARK: Parts

  private static func write(_ value: AnchoredDiagnostic, to w: inout ByteWriter) {
    switch value.anchor {
    case .none:
      w.u8(0)
    case .directive(let index, let key):
      w.u8(1)
      w.int(index)
      w.optional(key) { $0.string($1) }
    case .offset(let line, let column):
      w.u8(2)
      w.int(line)
      w.int(column)
    }
    w.string(value.severity.rawValue)
    w.string(value.message)
    w.optional(value.suggestion) { $0.string($1) }
  }

  private static func readDiagnostic(_ r: inout ByteReader)
    throws(DecodingFailure) -> AnchoredDiagnostic
  {
    let offset = r.offset
    let anchor: AnchoredDiagnostic.Anchor
    switch try r.u8() {
    case 0: anchor = .none
    case 1:
      anchor = .directive(
        index: try r.int(),
        key: try r.optional { (r) throws(DecodingFailure) in try r.string() })
    case 2: anchor = .offset(line: try r.int(), column: try r.int())
    default: throw DecodingFailure(offset: offset, reason: "unknown anchor")
    }
    guard let severity = DiagnosticRecord.Severity(rawValue: try r.string())
    else { throw DecodingFailure(offset: r.offset, reason: "unknown severity") }
    return AnchoredDiagnostic(
      anchor: anchor, severity: severity, message: try r.string(),
      suggestion: try r.optional { (r) throws(DecodingFailure) in try r.string() })
  }

  private static func write(_ value: DataSelection, to w: inout ByteWriter) {
    w.string(value.dataset)
    w.int(value.training)
    w.int(value.validation)
    w.int(value.test)
    w.array(value.files) { w, file in
      w.string(file.path)
      w.string(file.name)
      w.string(file.sha256)
    }
  }

  private static func readData(_ r: inout ByteReader)
    throws(DecodingFailure) -> DataSelection
  {
    DataSelection(
      dataset: try r.string(), training: try r.int(),
      validation: try r.int(), test: try r.int(),
      files: try r.array(minimumSize: 24) { (r) throws(DecodingFailure) in
        DataFile(path: try r.string(), name: try r.string(), sha256: try r.string())
      })
  }

  static func write(_ value: NetworkSnapshot, to w: inout ByteWriter) {
    let configuration = value.configuration
    w.array(configuration.sizes) { $0.int($1) }
    w.string(configuration.hidden.rawValue)
    w.string(configuration.output.rawValue)
    w.string(configuration.cost.rawValue)
    w.string(configuration.initialization.rawValue)
    w.array(value.weights) { $0.floats($1) }
    w.array(value.biases) { $0.floats($1) }
    w.bool(value.trained)
  }

  private static func readNetwork(_ r: inout ByteReader)
    throws(DecodingFailure) -> NetworkSnapshot
  {
    let offset = r.offset
    let sizes = try ReportCoding.readInts(&r)
    guard let hidden = Activation(rawValue: try r.string()),
      let output = Activation(rawValue: try r.string()),
      let cost = Cost(rawValue: try r.string()),
      let initialization = Initialization(rawValue: try r.string())
    else { throw DecodingFailure(offset: offset, reason: "unknown network kind") }
    let snapshot = NetworkSnapshot(
      configuration: NetworkConfiguration(
        sizes: sizes, hidden: hidden, output: output, cost: cost,
        initialization: initialization),
      weights: try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in try r.floats() },
      biases: try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in try r.floats() },
      trained: try r.bool())
    if let problem = snapshot.problem {
      throw DecodingFailure(offset: offset, reason: problem)
    }
    return snapshot
  }
}
