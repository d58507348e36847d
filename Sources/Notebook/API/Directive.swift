import NumberFormat
// MARK: - Directives

/// One valid line of a `lab` block, e.g. `sgd lr=3 batch=10 epochs=5`:
/// its verb, its checked values with every default filled in, and where
/// each part was written.
///
/// This is the parse half of a directive, the same for every verb: the
/// schema it was checked against is the verb's ``DirectiveSpec``. The typed
/// meaning (`SGD`, `Load`, …) is decoded from ``values`` by the type that
/// declares that spec and runs it, in LabrunCore.
public struct Directive: Sendable, Equatable {
  /// One `key=value` (or the positional argument, whose key is "").
  public struct Argument: Sendable, Equatable {
    /// The parameter's name; "" for the positional argument.
    public var key: String
    /// The value as written (or as set by an override).
    public var value: String
    /// Where the value starts.
    public var location: SourceLocation

    /// Creates an argument.
    public init(key: String, value: String, location: SourceLocation) {
      self.key = key
      self.value = value
      self.location = location
    }
  }

  /// Where the verb starts.
  public var location: SourceLocation
  /// The verb as written, e.g. `sgd`.
  public var verb: String
  /// The arguments as written (after overrides), in order.
  public var arguments: [Argument]
  /// The checked values, defaults filled in.
  public var values: DirectiveValues

  /// Creates a directive.
  public init(
    location: SourceLocation, verb: String, arguments: [Argument],
    values: DirectiveValues
  ) {
    self.location = location
    self.verb = verb
    self.arguments = arguments
    self.values = values
  }

  /// The location of a key's value (or of the positional argument for ""),
  /// falling back to the verb when the key was not written.
  public func location(of key: String) -> SourceLocation {
    arguments.last(where: { $0.key == key })?.location ?? location
  }

  /// A normalised text of the directive: the verb, the positional argument,
  /// then every parameter (defaults included) sorted by key with normalised
  /// values. Spacing, comments, argument order and spellings such as `3.0`
  /// versus `3` do not change it, so it can key a cache.
  public var canonical: String {
    var parts = [verb]
    if let positional = values.values[""] {
      parts.append(DirectiveValues.text(positional, separator: ","))
    }
    for key in values.values.keys.sorted() where !key.isEmpty {
      parts.append(
        key + "=" + DirectiveValues.text(values.values[key]!, separator: ","))
    }
    return parts.joined(separator: " ")
  }
}

/// The checked values of a directive, by key ("" for the positional
/// argument), each a list (of one value unless the parameter takes lists),
/// with every default filled in.
///
/// The accessors read a value as its spec's type declares it; asking for
/// another type, or a key the spec lacks, throws — a mismatch between a
/// directive's spec and its decoding, which the registry's tests catch.
public struct DirectiveValues: Sendable, Equatable {
  var values: [String: [Value]]

  init(_ values: [String: [Value]]) { self.values = values }

  /// A key missing from the spec, or read as another type than declared.
  public struct Mismatch: Error, Sendable, Equatable {
    /// The key ("" for the positional argument).
    public var key: String
    /// What the decoder asked for.
    public var expected: String

    /// A mismatch a directive's decoder finds itself.
    public init(key: String, expected: String) {
      self.key = key
      self.expected = expected
    }
  }

  private func list<T>(_ key: String, _ expected: String, _ read: (Value) -> T?)
    throws(Mismatch) -> [T]
  {
    guard let list = values[key], !list.isEmpty else {
      throw Mismatch(key: key, expected: expected)
    }
    var out: [T] = []
    for value in list {
      guard let item = read(value) else {
        throw Mismatch(key: key, expected: expected)
      }
      out.append(item)
    }
    return out
  }

  private func single<T>(
    _ key: String, _ expected: String, _ read: (Value) -> T?
  ) throws(Mismatch) -> T {
    let all = try list(key, expected, read)
    guard all.count == 1 else { throw Mismatch(key: key, expected: expected) }
    return all[0]
  }

  /// The integers of an `.integer` parameter.
  public func integers(_ key: String) throws(Mismatch) -> [Int] {
    try list(key, "integers") { $0.integer }
  }
  /// The single integer of an `.integer` parameter.
  public func integer(_ key: String) throws(Mismatch) -> Int {
    try single(key, "an integer") { $0.integer }
  }
  /// The integer of an optional `.integer` parameter, nil when not
  /// written.
  public func optionalInteger(_ key: String) throws(Mismatch) -> Int? {
    guard values[key] != nil else { return nil }
    return try integer(key)
  }
  /// The words of a `.choice` parameter whose list is a set, in the order
  /// written, each once.
  public func words(_ key: String) throws(Mismatch) -> [String] {
    var seen: Set<String> = []
    return try list(key, "words") { $0.word }.filter { seen.insert($0).inserted }
  }
  /// The numbers of a `.number` parameter.
  public func numbers(_ key: String) throws(Mismatch) -> [Double] {
    try list(key, "numbers") { $0.number }
  }
  /// The value of an `.unsigned64` parameter.
  public func unsigned(_ key: String) throws(Mismatch) -> UInt64 {
    try single(key, "an unsigned integer") {
      if case .unsigned(let value) = $0 { return value }
      return nil
    }
  }
  /// The check of a `.check` positional argument.
  public func check(_ key: String) throws(Mismatch) -> Check {
    try single(key, "a check") {
      if case .check(let check) = $0 { return check }
      return nil
    }
  }
  /// The layer sizes of a `.layerSizes` parameter.
  public func sizes(_ key: String) throws(Mismatch) -> [Int] {
    try single(key, "layer sizes") {
      if case .sizes(let sizes) = $0 { return sizes }
      return nil
    }
  }
  /// A `.phrase` value read by `read` (the function its check used, so it
  /// fails only when the two disagree).
  public func phrase<T>(_ key: String, _ read: (String) -> T?)
    throws(Mismatch) -> T
  {
    try single(key, "a phrase") {
      if case .text(let text) = $0 { return read(text) }
      return nil
    }
  }
  /// The word of a `.choice` parameter, as the type whose raw values the
  /// choice lists (e.g. the engine's `Activation`).
  public func choice<T: RawRepresentable>(_ key: String, as type: T.Type)
    throws(Mismatch) -> T where T.RawValue == String
  {
    try single(key, String(describing: T.self)) { $0.word.flatMap(T.init) }
  }

  /// The words of a `.choice` parameter that takes a list, in the order
  /// written (`cost=quadratic,cross-entropy`).
  public func choices<T: RawRepresentable>(_ key: String, as type: T.Type)
    throws(Mismatch) -> [T] where T.RawValue == String
  {
    try list(key, String(describing: T.self)) { $0.word.flatMap(T.init) }
  }

  /// The `.phrase` values of a positional argument that takes a list, each
  /// read by `read`.
  public func phrases<T>(_ key: String, _ read: (String) -> T?)
    throws(Mismatch) -> [T]
  {
    try list(key, "phrases") {
      if case .text(let text) = $0 { return read(text) }
      return nil
    }
  }

  /// The word of an optional `.choice` parameter, nil when not written.
  public func optionalChoice<T: RawRepresentable>(_ key: String, as type: T.Type)
    throws(Mismatch) -> T? where T.RawValue == String
  {
    guard values[key] != nil else { return nil }
    return try choice(key, as: type)
  }

  /// The key whose list holds more than one value, if any, leaving out
  /// the keys in `sets` (lists that are sets of words, not comparisons).
  public func listedKey(excluding sets: Set<String> = []) -> String? {
    values.keys.sorted().first {
      !sets.contains($0) && (values[$0]?.count ?? 0) > 1
    }
  }

  /// The normalised text of values: `3`, `0.5`, `784-30-10`.
  static func text(_ list: [Value], separator: String) -> String {
    list.map { value in
      switch value {
      case .integer(let number): String(number)
      case .unsigned(let number): String(number)
      case .number(let number): formatNumber(number)
      case .word(let word): word
      case .sizes(let sizes): sizes.map(String.init).joined(separator: "-")
      case .text(let text): text
      case .check(let check): check.text
      }
    }.joined(separator: separator)
  }
}

// MARK: - Number formatting

/// A number the shortest way that reads back to the same value, as the
/// notebook would write it: `3`, `2000000`, `0.5`, `1e-5` (labrun's one
/// formatter).
func formatNumber(_ value: Double) -> String { Format.digits(value) }
