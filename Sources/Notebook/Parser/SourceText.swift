// MARK: - The notebook's text as lines of UTF-8 bytes

/// The notebook as UTF-8 bytes with `\n` line endings and no byte-order
/// mark, split into lines. Everything is indexed by byte offsets into one
/// array, so that finding a line or a column never walks a `String`.
struct SourceText: Sendable {
  /// The text, `\n`-terminated lines (the last may be unterminated).
  private(set) var bytes: [UInt8]
  /// Byte offset of each line's first byte; line `n` (1-based) starts at
  /// `lineStarts[n - 1]`.
  private(set) var lineStarts: [Int]

  /// Drops a leading UTF-8 byte-order mark and turns `\r\n` and lone `\r`
  /// into `\n`, so that lines (and columns) are the same whatever the
  /// editor's line endings.
  init(_ text: String) {
    let hasBOM = text.utf8.starts(with: [0xEF, 0xBB, 0xBF])
    // Most notebooks have neither a BOM nor a carriage return.
    if !hasBOM, !text.utf8.contains(0x0D) {
      self.init(normalizedBytes: Array(text.utf8))
      return
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var previousWasCR = false
    for byte in text.utf8.dropFirst(hasBOM ? 3 : 0) {
      if byte == 0x0D {  // "\r"
        bytes.append(0x0A)
        previousWasCR = true
        continue
      }
      if byte == 0x0A, previousWasCR {
        previousWasCR = false
        continue
      }
      previousWasCR = false
      bytes.append(byte)
    }
    self.init(normalizedBytes: bytes)
  }

  /// Wraps bytes that are already normalised.
  init(normalizedBytes bytes: [UInt8]) {
    self.bytes = bytes
    var starts = [0]
    bytes.withUnsafeBufferPointer { buffer in
      for offset in buffer.indices where buffer[offset] == 0x0A {
        starts.append(offset + 1)
      }
    }
    // A final "\n" ends the last line; it does not start an empty one.
    if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
    self.lineStarts = starts
  }

  /// The number of lines (an empty text has one empty line).
  var lineCount: Int { lineStarts.count }

  /// The bytes of a 1-based line, without its `\n`; empty when out of range.
  func line(_ number: Int) -> ArraySlice<UInt8> {
    guard number >= 1, number <= lineStarts.count else { return [] }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] : bytes.count
    if end > start, bytes[end - 1] == 0x0A { end -= 1 }
    return bytes[start..<end]
  }

  /// The line as a `String`.
  func lineText(_ number: Int) -> String {
    String(decoding: line(number), as: UTF8.self)
  }

  /// The number of Unicode scalars in a line.
  func scalarCount(line number: Int) -> Int {
    scalarCount(line(number))
  }

  /// Converts a 1-based byte column (as libcmark reports it) to a 1-based
  /// column in Unicode scalars.
  func column(line number: Int, byteColumn: Int) -> Int {
    let bytes = line(number)
    let prefix = bytes.prefix(max(0, byteColumn - 1))
    return scalarCount(prefix) + 1
  }

  private func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int {
    // Every scalar has exactly one byte that is not a continuation byte.
    bytes.withUnsafeBufferPointer { buffer in
      var count = 0
      for byte in buffer where byte & 0xC0 != 0x80 { count += 1 }
      return count
    }
  }

  /// Replaces lines `1...count` by empty lines, keeping the line count.
  mutating func blankLines(through count: Int) {
    guard count >= 1 else { return }
    let end = count < lineStarts.count ? lineStarts[count] : bytes.count
    var blanked = [UInt8](repeating: 0x0A, count: count)
    blanked += bytes[end...]
    self = SourceText(normalizedBytes: blanked)
  }
}

// MARK: - UTF-8 validation

/// Where the first invalid UTF-8 sequence of some bytes is: 1-based line,
/// 1-based column in scalars, and the offending byte. Nil when all is valid.
func firstInvalidUTF8(in bytes: [UInt8]) -> (
  line: Int, column: Int, byte: UInt8
)? {
  var parser = Unicode.UTF8.ForwardParser()
  var iterator = bytes.makeIterator()
  var line = 1
  var column = 1
  var offset = 0
  var previousWasCR = false
  while true {
    switch parser.parseScalar(from: &iterator) {
    case .valid(let encoded):
      let count = encoded.count
      let first = bytes[offset]
      offset += count
      if first == 0x0A {
        if !previousWasCR { line += 1 }
        column = 1
      } else if first == 0x0D {
        line += 1
        column = 1
      } else {
        column += 1
      }
      previousWasCR = first == 0x0D
    case .emptyInput:
      return nil
    case .error:
      return (line, column, bytes[offset])
    }
  }
}
