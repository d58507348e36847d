// The cache's binary form of any `Codable` value: a new kind of result is
// cached by conforming to `Codable`, with no code of its own here.
//
// The form is positional (the order of `Codable`'s calls, which synthesized
// conformances fix to the order of the declaration):
//
//     Int, UInt, Int64, UInt64   8 bytes, little-endian, two's complement
//     Int8…Int32, UInt8…UInt32   their own width, little-endian
//     Bool                       1 byte, 0 or 1
//     Float, Double              the bit pattern (4 or 8 bytes): NaN
//                                payloads, -0, subnormals and infinities
//                                read back bit for bit
//     String                     u32 byte count, then UTF-8
//     Optional                   1 byte (0 nil, 1 present), then the value
//     Array, unkeyed container   u64 element count, then the elements
//                                ([Float] and [UInt8] as one block)
//     struct fields              in order, without their names
//     enum case                  its name (a String), then its values
//
// Decoding never traps: a count larger than the bytes left, a string
// that is not UTF-8, a missing byte, all throw `DecodingFailure` with the
// offset.

import Report

/// Why bytes could not be decoded: only ever "damaged", with where.
struct DecodingFailure: Error, Equatable, CustomStringConvertible {
  var offset: Int
  var reason: String
  var description: String { "damaged cache entry at byte \(offset): \(reason)" }
}

// MARK: - Encoding

/// Encodes `Encodable` values in the cache's binary form.
enum BinaryEncoder {
  /// The bytes of `value`.
  static func encode(_ value: some Encodable, capacity: Int = 4096)
    -> [UInt8]
  {
    let sink = ByteSink(capacity: capacity)
    // The containers below never throw; a type's own `encode(to:)` could,
    // but none of the cached types does.
    try? sink.encodeValue(value)
    return sink.bytes
  }
}

/// The bytes written so far, shared by every container of one encoding.
private final class ByteSink: Encoder {
  var bytes: [UInt8] = []
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  func append<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  func append(_ string: String) {
    let utf8 = string.utf8
    append(UInt32(truncatingIfNeeded: utf8.count))
    bytes.append(contentsOf: utf8)
  }

  /// One value: a primitive or an optional written directly, anything else
  /// through its own `encode(to:)`.
  func encodeValue<T: Encodable>(_ value: T) throws {
    switch value {
    case let value as any OptionalEncodable:
      guard let wrapped = value.wrappedEncodable else { return append(UInt8(0)) }
      append(UInt8(1))
      try encodeValue(wrapped)
    case let value as Float: append(value.bitPattern)
    case let value as Double: append(value.bitPattern)
    case let value as String: append(value)
    case let value as Bool: append(UInt8(value ? 1 : 0))
    case let value as Int: append(Int64(value))
    case let value as UInt: append(UInt64(value))
    case let value as Int8: append(value)
    case let value as Int16: append(value)
    case let value as Int32: append(value)
    case let value as Int64: append(value)
    case let value as UInt8: append(value)
    case let value as UInt16: append(value)
    case let value as UInt32: append(value)
    case let value as UInt64: append(value)
    case let floats as [Float]:
      append(UInt64(floats.count))
      for float in floats { append(float.bitPattern) }
    case let bytes as [UInt8]:
      append(UInt64(bytes.count))
      self.bytes.append(contentsOf: bytes)
    default:
      try value.encode(to: self)
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type)
    -> KeyedEncodingContainer<Key>
  {
    KeyedEncodingContainer(KeyedWriter<Key>(sink: self))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    UnkeyedWriter(sink: self)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleWriter(sink: self)
  }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let sink: ByteSink
  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil(forKey key: Key) { sink.append(UInt8(0)) }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try sink.encodeValue(value)
  }

  // Optionals write their flag, present or not: the form is positional.
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key)
    throws
  {
    try sink.encodeValue(value)
  }

  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
    try sink.encodeValue(value)
  }
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
    try sink.encodeValue(value)
  }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
    try sink.encodeValue(value)
  }
  mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
    try sink.encodeValue(value)
  }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
    try sink.encodeValue(value)
  }

  /// Only an enum's synthesized conformance nests a keyed container under
  /// a key: the key is the case, written as its name.
  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    sink.append(key.stringValue)
    return KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key)
    -> any UnkeyedEncodingContainer
  {
    sink.append(key.stringValue)
    return UnkeyedWriter(sink: sink)
  }

  mutating func superEncoder() -> any Encoder { sink }
  mutating func superEncoder(forKey key: Key) -> any Encoder { sink }
}

/// Writes a count placeholder, then patches it as elements arrive (each
/// element is written whole before the next call).
private struct UnkeyedWriter: UnkeyedEncodingContainer {
  let sink: ByteSink
  let countOffset: Int
  private(set) var count = 0
  var codingPath: [any CodingKey] { [] }

  init(sink: ByteSink) {
    self.sink = sink
    countOffset = sink.bytes.count
    sink.append(UInt64(0))
  }

  private mutating func counted() {
    count += 1
    withUnsafeBytes(of: UInt64(count).littleEndian) { raw in
      sink.bytes.replaceSubrange(countOffset..<countOffset + 8, with: raw)
    }
  }

  mutating func encodeNil() {
    sink.append(UInt8(0))
    counted()
  }

  mutating func encode<T: Encodable>(_ value: T) throws {
    try sink.encodeValue(value)
    counted()
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type
  ) -> KeyedEncodingContainer<NestedKey> {
    counted()
    return KeyedEncodingContainer(KeyedWriter<NestedKey>(sink: sink))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    counted()
    return UnkeyedWriter(sink: sink)
  }

  mutating func superEncoder() -> any Encoder {
    counted()
    return sink
  }
}

private struct SingleWriter: SingleValueEncodingContainer {
  let sink: ByteSink
  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil() { sink.append(UInt8(0)) }

  mutating func encode<T: Encodable>(_ value: T) throws {
    try sink.encodeValue(value)
  }
}

// MARK: - Decoding

/// Decodes values the `BinaryEncoder` wrote.
enum BinaryDecoder {
  /// What every decoder's `userInfo` holds: the table of result kinds,
  /// which a stored `CellResult` needs to find its value's type.
  static let userInfo: [CodingUserInfoKey: any Sendable] = [
    ResultKinds.userInfoKey: Directives.resultKinds
  ]

  /// The value of type `type` that `bytes[offset...]` hold, all of them.
  ///
  /// - Throws: `DecodingFailure` for bytes that are not exactly one such
  ///   value; never traps.
  static func decode<T: Decodable>(
    _ type: T.Type, from bytes: [UInt8], offset: Int = 0
  ) throws(DecodingFailure) -> T {
    let (value, end) = try decodePrefix(type, from: bytes, offset: offset)
    guard end == bytes.count else {
      throw DecodingFailure(offset: end, reason: "trailing bytes")
    }
    return value
  }

  /// The value of type `type` that starts at `offset`, and the offset
  /// after it.
  static func decodePrefix<T: Decodable>(
    _ type: T.Type, from bytes: [UInt8], offset: Int = 0
  ) throws(DecodingFailure) -> (T, Int) {
    let source = ByteSource(bytes, offset: offset)
    do {
      return (try source.decodeValue(type), source.offset)
    } catch let failure as DecodingFailure {
      throw failure
    } catch {
      // A type's own check (a raw value that names no case, say).
      throw DecodingFailure(
        offset: source.offset, reason: "not a valid \(T.self): \(error)")
    }
  }
}

private final class ByteSource: Decoder {
  let bytes: [UInt8]
  var offset: Int
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { BinaryDecoder.userInfo }

  init(_ bytes: [UInt8], offset: Int) {
    self.bytes = bytes
    self.offset = offset
  }

  func fail(_ reason: String) -> DecodingFailure {
    DecodingFailure(offset: offset, reason: reason)
  }

  func take(_ count: Int) throws(DecodingFailure) -> ArraySlice<UInt8> {
    guard count >= 0, count <= bytes.count - offset else {
      throw fail("truncated")
    }
    defer { offset += count }
    return bytes[offset..<offset + count]
  }

  func read<T: FixedWidthInteger>(_: T.Type) throws(DecodingFailure) -> T {
    let slice = try take(MemoryLayout<T>.size)
    var value = T.zero
    for (index, byte) in slice.enumerated() {
      value |= T(truncatingIfNeeded: byte) << (8 * index)
    }
    return value
  }

  func readString() throws(DecodingFailure) -> String {
    let count = Int(try read(UInt32.self))
    let start = offset
    guard let string = String(validating: try take(count), as: UTF8.self)
    else { throw DecodingFailure(offset: start, reason: "invalid UTF-8") }
    return string
  }

  /// A count of elements of at least `minimumSize` bytes each, refused
  /// when the bytes left cannot hold them (before anything is allocated).
  func readCount(minimumSize: Int) throws(DecodingFailure) -> Int {
    let start = offset
    let count = try read(UInt64.self)
    guard count <= UInt64(bytes.count - offset) / UInt64(max(1, minimumSize))
    else {
      throw DecodingFailure(offset: start, reason: "count beyond the end")
    }
    return Int(count)
  }

  func readFlag() throws(DecodingFailure) -> Bool {
    switch try read(UInt8.self) {
    case 0: return false
    case 1: return true
    default: throw DecodingFailure(offset: offset - 1, reason: "not a flag")
    }
  }

  func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
    func cast(_ value: Any) -> T { value as! T }
    if let optional = type as? any OptionalDecodable.Type {
      return cast(try optional.decodeOptional(from: self))
    }
    switch type {
    case is Float.Type: return cast(Float(bitPattern: try read(UInt32.self)))
    case is Double.Type: return cast(Double(bitPattern: try read(UInt64.self)))
    case is String.Type: return cast(try readString())
    case is Bool.Type: return cast(try readFlag())
    case is Int.Type:
      let start = offset
      guard let value = Int(exactly: try read(Int64.self)) else {
        throw DecodingFailure(offset: start, reason: "integer too large")
      }
      return cast(value)
    case is UInt.Type:
      let start = offset
      guard let value = UInt(exactly: try read(UInt64.self)) else {
        throw DecodingFailure(offset: start, reason: "integer too large")
      }
      return cast(value)
    case is Int8.Type: return cast(try read(Int8.self))
    case is Int16.Type: return cast(try read(Int16.self))
    case is Int32.Type: return cast(try read(Int32.self))
    case is Int64.Type: return cast(try read(Int64.self))
    case is UInt8.Type: return cast(try read(UInt8.self))
    case is UInt16.Type: return cast(try read(UInt16.self))
    case is UInt32.Type: return cast(try read(UInt32.self))
    case is UInt64.Type: return cast(try read(UInt64.self))
    case is [Float].Type:
      let count = try readCount(minimumSize: 4)
      let slice = try take(count * 4)
      var floats = [Float](repeating: 0, count: count)
      for index in 0..<count {
        var bits: UInt32 = 0
        for byte in 0..<4 {
          bits |= UInt32(slice[slice.startIndex + index * 4 + byte]) << (8 * byte)
        }
        floats[index] = Float(bitPattern: bits)
      }
      return cast(floats)
    case is [UInt8].Type:
      let count = try readCount(minimumSize: 1)
      return cast(Array(try take(count)))
    default:
      return try T(from: self)
    }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws
    -> KeyedDecodingContainer<Key>
  {
    KeyedDecodingContainer(KeyedReader<Key>(source: self))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try UnkeyedReader(source: self)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    SingleReader(source: self)
  }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let source: ByteSource
  var codingPath: [any CodingKey] { [] }

  /// Asked only by an enum's synthesized conformance: the case written
  /// next (read without consuming it; `nestedContainer` consumes it).
  var allKeys: [Key] {
    let start = source.offset
    defer { source.offset = start }
    guard let name = try? source.readString(), let key = Key(stringValue: name)
    else { return [] }
    return [key]
  }

  func contains(_ key: Key) -> Bool { true }

  func decodeNil(forKey key: Key) throws -> Bool {
    let start = source.offset
    if try !source.readFlag() { return true }
    source.offset = start
    return false
  }

  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try source.decodeValue(type)
  }

  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws
    -> T?
  {
    try source.decodeValue(T?.self)
  }

  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
    try source.decodeValue(Bool?.self)
  }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
    try source.decodeValue(String?.self)
  }
  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
    try source.decodeValue(Double?.self)
  }
  func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
    try source.decodeValue(Float?.self)
  }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
    try source.decodeValue(Int?.self)
  }

  private func expectCase(_ key: Key) throws(DecodingFailure) {
    let start = source.offset
    guard try source.readString() == key.stringValue else {
      throw DecodingFailure(offset: start, reason: "unknown case")
    }
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type, forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> {
    try expectCase(key)
    return KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
  }

  func nestedUnkeyedContainer(forKey key: Key) throws
    -> any UnkeyedDecodingContainer
  {
    try expectCase(key)
    return try UnkeyedReader(source: source)
  }

  func superDecoder() throws -> any Decoder { source }
  func superDecoder(forKey key: Key) throws -> any Decoder { source }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
  let source: ByteSource
  let count: Int?
  private(set) var currentIndex = 0
  var codingPath: [any CodingKey] { [] }
  var isAtEnd: Bool { currentIndex >= count ?? 0 }

  init(source: ByteSource) throws(DecodingFailure) {
    self.source = source
    count = try source.readCount(minimumSize: 1)
  }

  private mutating func next() throws(DecodingFailure) {
    guard !isAtEnd else { throw source.fail("past the last element") }
    currentIndex += 1
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd else { throw source.fail("past the last element") }
    let start = source.offset
    if try !source.readFlag() {
      currentIndex += 1
      return true
    }
    source.offset = start
    return false
  }

  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try next()
    return try source.decodeValue(type)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type
  ) throws -> KeyedDecodingContainer<NestedKey> {
    try next()
    return KeyedDecodingContainer(KeyedReader<NestedKey>(source: source))
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try next()
    return try UnkeyedReader(source: source)
  }

  mutating func superDecoder() throws -> any Decoder {
    try next()
    return source
  }
}

private struct SingleReader: SingleValueDecodingContainer {
  let source: ByteSource
  var codingPath: [any CodingKey] { [] }

  func decodeNil() -> Bool {
    let start = source.offset
    if (try? source.readFlag()) == false { return true }
    source.offset = start
    return false
  }

  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try source.decodeValue(type)
  }
}

// MARK: - Optionals

/// Lets the coder see through `Optional` to write its flag.
private protocol OptionalEncodable {
  var wrappedEncodable: (any Encodable)? { get }
}

extension Optional: OptionalEncodable where Wrapped: Encodable {
  fileprivate var wrappedEncodable: (any Encodable)? { self }
}

private protocol OptionalDecodable {
  static func decodeOptional(from source: ByteSource) throws -> Any
}

extension Optional: OptionalDecodable where Wrapped: Decodable {
  fileprivate static func decodeOptional(from source: ByteSource) throws -> Any {
    guard try source.readFlag() else { return Wrapped?.none as Any }
    return Wrapped?.some(try source.decodeValue(Wrapped.self)) as Any
  }
}
