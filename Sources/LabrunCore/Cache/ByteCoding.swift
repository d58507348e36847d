// MARK: - Writing

/// Appends little-endian values to a byte buffer: the cache's own encoding.
///
/// Doubles and floats are stored as their bit patterns, so every value,
/// NaN and infinities included, reads back exactly.
struct ByteWriter {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  mutating func u8(_ value: UInt8) { bytes.append(value) }

  mutating func u32(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func u64(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// Any `Int` (stored as 64 bits, two's complement).
  mutating func int(_ value: Int) { u64(UInt64(bitPattern: Int64(value))) }

  mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

  mutating func double(_ value: Double) { u64(value.bitPattern) }

  mutating func string(_ value: String) {
    let utf8 = Array(value.utf8)
    int(utf8.count)
    bytes.append(contentsOf: utf8)
  }

  /// A 0/1 flag, then the value when there is one.
  mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
    guard let value else { return u8(0) }
    u8(1)
    write(&self, value)
  }

  /// The count, then each element.
  mutating func array<T>(_ values: [T], _ write: (inout ByteWriter, T) -> Void) {
    int(values.count)
    for value in values { write(&self, value) }
  }

  /// The count, then the raw bytes.
  mutating func byteArray(_ values: [UInt8]) {
    int(values.count)
    bytes.append(contentsOf: values)
  }

  /// The count, then every float's bit pattern, little-endian.
  mutating func floats(_ values: [Float]) {
    int(values.count)
    let start = bytes.count
    bytes.append(contentsOf: repeatElement(0, count: values.count * 4))
    bytes.withUnsafeMutableBytes { raw in
      for (index, value) in values.enumerated() {
        raw.storeBytes(
          of: value.bitPattern.littleEndian, toByteOffset: start + index * 4,
          as: UInt32.self)
      }
    }
  }

  mutating func raw(_ values: some Sequence<UInt8>) {
    bytes.append(contentsOf: values)
  }
}

// MARK: - Reading

/// Why bytes could not be decoded: only ever "damaged", with where.
struct DecodingFailure: Error, Equatable, CustomStringConvertible {
  var offset: Int
  var reason: String
  var description: String { "damaged cache entry at byte \(offset): \(reason)" }
}

/// Reads what ``ByteWriter`` wrote, checking every length against the
/// bytes that are left, so that damaged input throws instead of trapping
/// or allocating absurd amounts.
struct ByteReader {
  private let bytes: [UInt8]
  private(set) var offset: Int

  init(_ bytes: [UInt8], offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  var remaining: Int { bytes.count - offset }
  var isAtEnd: Bool { offset == bytes.count }

  private func fail(_ reason: String) -> DecodingFailure {
    DecodingFailure(offset: offset, reason: reason)
  }

  private mutating func take(_ count: Int) throws(DecodingFailure)
    -> ArraySlice<UInt8>
  {
    guard count >= 0, count <= remaining else {
      throw fail("needs \(count) bytes, \(remaining) left")
    }
    defer { offset += count }
    return bytes[offset..<offset + count]
  }

  mutating func u8() throws(DecodingFailure) -> UInt8 {
    try take(1).first ?? 0
  }

  mutating func u32() throws(DecodingFailure) -> UInt32 {
    let slice = try take(4)
    return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  mutating func u64() throws(DecodingFailure) -> UInt64 {
    let slice = try take(8)
    return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  mutating func int() throws(DecodingFailure) -> Int {
    let value = Int64(bitPattern: try u64())
    guard let result = Int(exactly: value) else { throw fail("integer too large") }
    return result
  }

  /// A count of items of at least `minimumSize` bytes each, no more than
  /// the bytes left could hold.
  mutating func count(minimumSize: Int) throws(DecodingFailure) -> Int {
    let start = offset
    let value = try int()
    guard value >= 0, value <= remaining / max(1, minimumSize) else {
      offset = start
      throw fail("impossible count \(value)")
    }
    return value
  }

  mutating func bool() throws(DecodingFailure) -> Bool {
    switch try u8() {
    case 0: return false
    case 1: return true
    default: throw fail("not a flag")
    }
  }

  mutating func double() throws(DecodingFailure) -> Double {
    Double(bitPattern: try u64())
  }

  mutating func string() throws(DecodingFailure) -> String {
    let length = try count(minimumSize: 1)
    let slice = try take(length)
    guard let text = String(validating: slice, as: UTF8.self) else {
      throw fail("invalid UTF-8")
    }
    return text
  }

  mutating func optional<T>(
    _ read: (inout ByteReader) throws(DecodingFailure) -> T
  ) throws(DecodingFailure) -> T? {
    try bool() ? try read(&self) : nil
  }

  /// - Parameter minimumSize: the fewest bytes one element takes, to
  ///   refuse counts the remaining bytes cannot hold.
  mutating func array<T>(
    minimumSize: Int, _ read: (inout ByteReader) throws(DecodingFailure) -> T
  ) throws(DecodingFailure) -> [T] {
    let n = try count(minimumSize: minimumSize)
    var values: [T] = []
    values.reserveCapacity(n)
    for _ in 0..<n { values.append(try read(&self)) }
    return values
  }

  mutating func byteArray() throws(DecodingFailure) -> [UInt8] {
    Array(try take(try count(minimumSize: 1)))
  }

  mutating func floats() throws(DecodingFailure) -> [Float] {
    let n = try count(minimumSize: 4)
    let slice = try take(n * 4)
    return slice.withUnsafeBytes { raw in
      (0..<n).map { index in
        Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(
              fromByteOffset: index * 4, as: UInt32.self)))
      }
    }
  }

  mutating func raw(_ count: Int) throws(DecodingFailure) -> [UInt8] {
    Array(try take(count))
  }
}
