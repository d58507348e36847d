// What a directive shows: one value that draws itself into the page and
// writes itself into the JSON report. A new kind of result is one type in
// its own section file (`WeightsSection.swift` holds `WeightsResult`, its
// HTML and its JSON); nothing here or in the page and JSON writers names
// the kinds.

/// The content of one result: a plain value that renders itself.
///
/// The design: results are an open set of types behind one protocol rather
/// than a closed enum, so that adding a kind touches only its own files.
/// ``CellResult`` wraps `any ResultContent`; the page calls
/// ``write(to:)``, the JSON report reads ``json``, and the cache stores the
/// value through its `Codable` conformance, tagged with ``kind``. Reading a
/// tagged value back needs the kind → type table (``ResultKinds``), which
/// the report does not own: the runner derives it from what each directive
/// declares it produces and hands it to the decoder in its `userInfo`, so
/// this module stays free of the runner.
public protocol ResultContent: Codable, Sendable, Equatable {
  /// The tag the cache stores before the value: unique among the kinds a
  /// run can produce. (The public JSON's `kind` is what ``json`` writes;
  /// for most kinds the same word.)
  static var kind: String { get }
  /// The result's part of the page.
  func write(to html: inout HTMLWriter)
  /// The result's entry in the JSON report's `results`, as documented in
  /// docs/report-json.md.
  var json: JSONValue { get }
}

/// One thing a directive produced.
public struct CellResult: Sendable, Equatable, Codable {
  /// The value itself.
  public let content: any ResultContent

  public init(_ content: some ResultContent) {
    self.content = content
  }

  /// The value, if it is a `T`.
  public func `as`<T: ResultContent>(_ type: T.Type) -> T? {
    content as? T
  }

  /// Its kind's tag.
  public var kind: String { Swift.type(of: content).kind }

  public static func == (a: CellResult, b: CellResult) -> Bool {
    a.content.isEqual(to: b.content)
  }

  // MARK: Codable: the kind, then the value

  enum CodingKeys: String, CodingKey { case kind, content }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(kind, forKey: .kind)
    try container.encode(content, forKey: .content)
  }

  /// Reads a tagged value through the ``ResultKinds`` in the decoder's
  /// `userInfo`. A kind the table lacks (an entry of another labrun, or a
  /// damaged one) is a decoding error, never a trap.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let kind = try container.decode(String.self, forKey: .kind)
    guard let kinds = decoder.userInfo[ResultKinds.userInfoKey] as? ResultKinds
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container,
        debugDescription: "no table of result kinds to read '\(kind)'")
    }
    guard let type = kinds.types[kind] else {
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container,
        debugDescription: "unknown result kind '\(kind)'")
    }
    content = try type.decodeContent(from: container, forKey: .content)
  }
}

extension ResultContent {
  fileprivate func isEqual(to other: any ResultContent) -> Bool {
    guard let other = other as? Self else { return false }
    return self == other
  }

  fileprivate static func decodeContent(
    from container: KeyedDecodingContainer<CellResult.CodingKeys>,
    forKey key: CellResult.CodingKeys
  ) throws -> any ResultContent {
    try container.decode(Self.self, forKey: key)
  }
}

/// The result types a run can produce, by ``ResultContent/kind``: how a
/// stored ``CellResult`` finds the type of its value.
public struct ResultKinds: Sendable {
  /// The key under which a decoder's `userInfo` holds the table.
  public static let userInfoKey =
    CodingUserInfoKey(rawValue: "labrun.resultKinds")!

  public let types: [String: any ResultContent.Type]

  /// The table of `types`; a kind declared twice keeps its first type
  /// (the registry's tests refuse that).
  public init(_ types: [any ResultContent.Type]) {
    self.types = Dictionary(
      types.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
  }
}
