// MARK: - Footnotes, found before libcmark reads the text

/// The footnotes of a notebook: definitions `[^label]: text` at the start
/// of a line and references `[^label]` in the prose, found in one pass over
/// the text (with formulas already replaced by placeholders).
///
/// libcmark would read a one-word definition (`[^1]: Nielsen.`) as a link
/// reference definition and make every `[^1]` a link to "Nielsen.": the
/// `[` of each definition is therefore replaced by `definitionMark`, a
/// byte of the same length that is text to libcmark, and the converter
/// finds the definitions by it.
struct FootnoteScan: Sendable {
  /// A place in the scanned text: 1-based line and byte column.
  struct Place: Sendable {
    var line: Int
    var byteColumn: Int
  }

  /// The text with the `[` of every definition replaced.
  var bytes: [UInt8]
  /// Defined labels (lower-cased) → the first definition's place.
  var definitions: [String: Place] = [:]
  /// Later definitions of a label already defined.
  var duplicates: [(label: String, place: Place)] = []
  /// Every reference, in order, defined or not.
  var references: [(label: String, place: Place)] = []

  /// What a definition's `[` becomes. A control character (never in a
  /// real notebook: one there is turned into U+001A first).
  static let definitionMark: UInt8 = 0x01

  /// Scans `bytes` line by line, skipping the lines of code and HTML
  /// blocks (`excludedLines[n]`, 1-based) and code spans.
  init(_ source: [UInt8], excludedLines: [Bool]) {
    self.bytes = []
    var bytes = source
    var line = 1
    var lineStart = 0
    while lineStart <= bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      for i in lineStart..<lineEnd where bytes[i] == Self.definitionMark {
        bytes[i] = 0x1A
      }
      if !(line < excludedLines.count && excludedLines[line]) {
        scanLine(&bytes, line: line, from: lineStart, to: lineEnd)
      }
      line += 1
      lineStart = lineEnd + 1
    }
    self.bytes = bytes
  }

  /// A label's bytes: ASCII letters, digits, `-` and `_`.
  static func isLabelByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
      || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
  }

  /// The label of `[^label]` starting at `start` (the `[`) and the index
  /// just after its `]`, or nil.
  static func label(in bytes: [UInt8], at start: Int, end: Int)
    -> (label: String, after: Int)?
  {
    guard start + 1 < end, bytes[start] == 0x5B, bytes[start + 1] == 0x5E
    else { return nil }
    var index = start + 2
    while index < end, isLabelByte(bytes[index]) { index += 1 }
    guard index > start + 2, index < end, bytes[index] == 0x5D else {
      return nil
    }
    let label = String(decoding: bytes[(start + 2)..<index], as: UTF8.self)
    return (label.lowercased(), index + 1)
  }

  private mutating func scanLine(
    _ bytes: inout [UInt8], line: Int, from start: Int, to end: Int
  ) {
    var index = start
    // A definition: up to three spaces, `[^label]:`.
    var indent = 0
    while index < end, bytes[index] == 0x20, indent < 4 {
      index += 1
      indent += 1
    }
    if indent < 4, let (label, after) = Self.label(in: bytes, at: index, end: end),
      after < end, bytes[after] == 0x3A
    {
      let place = Place(line: line, byteColumn: index - start + 1)
      if definitions[label] == nil {
        definitions[label] = place
      } else {
        duplicates.append((label, place))
      }
      bytes[index] = Self.definitionMark
      index = after + 1
    }
    // References, outside code spans (a run of n backticks opens one that
    // the next run of n closes, on the same line).
    var openTicks = 0
    while index < end {
      let byte = bytes[index]
      if byte == 0x60 {
        var run = 0
        while index < end, bytes[index] == 0x60 {
          run += 1
          index += 1
        }
        if openTicks == 0 {
          openTicks = run
        } else if openTicks == run {
          openTicks = 0
        }
        continue
      }
      if byte == 0x5C {  // a backslash escapes what follows
        index += 2
        continue
      }
      if openTicks == 0, byte == 0x5B,
        let (label, after) = Self.label(in: bytes, at: index, end: end)
      {
        references.append(
          (label, Place(line: line, byteColumn: index - start + 1)))
        index = after
        continue
      }
      index += 1
    }
  }
}
