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
///     n bytes         body: the key and labrun's version, then the entry,
///                     both in `BinaryEncoder`'s form of their `Codable`
///                     conformance (so a new result type needs no code
///                     here)
///     64 bytes        SHA-256 of everything above, in hex
///
/// An entry is trusted only if every part checks out: a torn, truncated or
/// bit-flipped file fails the length or the checksum and is recomputed.
struct CacheEntry: Sendable, Equatable, Codable {
  /// Bumped whenever the encoding or the meaning of a key changes, so that
  /// old entries are never misread.
  static let formatVersion: UInt32 = 9
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

/// A diagnostic of a cached cell: the run's own value, with its location
/// kept by directive rather than by line, so that it lands in the right
/// place when prose above the cell changes or the cell is respaced.
struct AnchoredDiagnostic: Sendable, Equatable, Codable {
  enum Anchor: Sendable, Equatable, Codable {
    /// No location.
    case none
    /// A directive's verb (key nil) or the value of one of its keys.
    case directive(index: Int, key: String?)
    /// Lines and columns from the cell's first source line.
    case offset(line: Int, column: Int)
  }
  var anchor: Anchor
  /// The diagnostic as the run made it (its location is replaced by the
  /// anchor's when it is replayed).
  var diagnostic: Diagnostic

  /// `diagnostic`, located relative to `cell`.
  init(_ diagnostic: Diagnostic, in cell: LabCell) {
    self.diagnostic = diagnostic
    guard let at = diagnostic.location else {
      anchor = .none
      return
    }
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
    anchor = .offset(line: at.line - cell.firstSourceLine, column: at.column)
  }

  init(anchor: Anchor, diagnostic: Diagnostic) {
    self.anchor = anchor
    self.diagnostic = diagnostic
  }

  /// The diagnostic located in `cell` as it is now.
  func diagnostic(in cell: LabCell) -> Diagnostic {
    var located = diagnostic
    switch anchor {
    case .none:
      located.location = nil
    case .directive(let index, let key):
      if cell.directives.indices.contains(index) {
        let directive = cell.directives[index]
        located.location =
          key.map { directive.location(of: $0) } ?? directive.location
      } else {
        located.location = cell.fence
      }
    case .offset(let line, let column):
      located.location = SourceLocation(
        file: cell.fence.file, line: cell.firstSourceLine + line,
        column: column)
    }
    return located
  }
}

// MARK: - Encoding

extension CacheEntry {
  /// What the body starts with: read first, so that an entry of another
  /// key or labrun version is named as such, not as damaged.
  private struct Header: Codable, Equatable {
    var key: String
    var version: String
  }

  /// The entry's file contents.
  func encoded() -> [UInt8] {
    let body =
      BinaryEncoder.encode(Header(key: key, version: labrunVersion))
      + BinaryEncoder.encode(self)
    var file = Self.magic
    file.reserveCapacity(body.count + 96)
    withUnsafeBytes(of: Self.formatVersion.littleEndian) {
      file.append(contentsOf: $0)
    }
    withUnsafeBytes(of: UInt64(body.count).littleEndian) {
      file.append(contentsOf: $0)
    }
    file += body
    file += Array(SHA256Digest.hex(of: file).utf8)
    return file
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
    guard Array(bytes[..<magic.count]) == magic else {
      throw DecodingFailure(offset: 0, reason: "not a labrun cache entry")
    }
    let fields = Array(bytes[magic.count..<headerSize])
    let version = fields[..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    guard version == formatVersion else {
      throw DecodingFailure(offset: magic.count, reason: "another format")
    }
    let length = fields[4...].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
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

    let body = Array(bytes[..<(bytes.count - checksumSize)])
    let (header, end) = try BinaryDecoder.decodePrefix(
      Header.self, from: body, offset: headerSize)
    guard header.key == expectedKey else {
      throw DecodingFailure(offset: headerSize, reason: "entry of another key")
    }
    guard header.version == labrunVersion else {
      throw DecodingFailure(offset: headerSize, reason: "another labrun version")
    }
    let entry = try BinaryDecoder.decode(CacheEntry.self, from: body, offset: end)
    guard entry.key == expectedKey else {
      throw DecodingFailure(offset: end, reason: "entry of another key")
    }
    if let problem = entry.problem {
      throw DecodingFailure(offset: end, reason: problem)
    }
    return entry
  }

  /// What no entry labrun wrote holds, though its checksum is right (a
  /// forged or buggy file): sizes that would overflow, a generator drawn
  /// further than any run draws, a network whose parameters do not fit.
  var problem: String? {
    if let generator, generator.draws > GeneratorState.maximumDraws {
      return "too many draws"
    }
    if let problem = network?.problem { return problem }
    for result in results.compactMap({ $0.as(NetworkResult.self) }) {
      // The report multiplies layer sizes: refuse what would overflow.
      let sizes = result.sizes + result.layers.flatMap { [$0.inputs, $0.outputs] }
      if sizes.contains(where: { $0.magnitude > 1 << 31 }) {
        return "absurd layer size"
      }
    }
    return nil
  }
}
