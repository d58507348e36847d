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
  /// The lines of notes' later paragraphs (`FootnoteContinuations`).
  var continuationLines: Set<Int> = []

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

// MARK: - Notes of more than one paragraph

/// The later paragraphs of footnotes, as on GitHub: after a definition's
/// paragraph and a blank line, lines indented by four spaces (or a tab)
/// belong to the note. libcmark would read them as an indented code
/// block; each such line gets a `>` in its indentation instead (two spaces,
/// `>`, a space: the text keeps its column, and what is indented further
/// is still code inside the note), so libcmark reads a block quote at the
/// top level, which the converter moves into the note. Found before the
/// formulas are, so that math and references in these lines are seen.
///
/// A run with a fence in it (```` ``` ````, `~~~`) is left alone: an
/// indented `lab` block stays code that is not run, as before.
struct FootnoteContinuations: Sendable {
  /// The text with the `>` written in; equal to the input when there is
  /// no continuation.
  var bytes: [UInt8]
  /// The 1-based lines that got a `>`.
  var lines: Set<Int> = []

  /// Scans `text` line by line; `codeLines[n]` (1-based) tells the lines
  /// libcmark reads as code or HTML blocks.
  init(_ text: [UInt8], codeLines: [Bool]) {
    bytes = text
    var starts = [0]
    for (offset, byte) in text.enumerated() where byte == 0x0A {
      starts.append(offset + 1)
    }
    func line(_ number: Int) -> ArraySlice<UInt8> {
      let start = starts[number - 1]
      let end = number < starts.count ? starts[number] - 1 : text.count
      return text[start..<max(start, end)]
    }
    func isCode(_ number: Int) -> Bool {
      number < codeLines.count && codeLines[number]
    }
    func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
      !bytes.contains { $0 != 0x20 && $0 != 0x09 }
    }
    func isDefinition(_ bytes: ArraySlice<UInt8>) -> Bool {
      let indent = bytes.prefix(4).prefix { $0 == 0x20 }.count
      guard indent < 4 else { return false }
      let copy = Array(bytes.dropFirst(indent))
      guard let (_, after) = FootnoteScan.label(in: copy, at: 0, end: copy.count)
      else { return false }
      return after < copy.count && copy[after] == 0x3A
    }

    enum State { case none, definition, blank }
    var state = State.none
    var number = 1
    while number <= starts.count {
      let current = line(number)
      if isBlank(current) {
        if state == .definition { state = .blank }
        number += 1
        continue
      }
      if !isCode(number) {
        // A definition, or a lazy line of its paragraph.
        if isDefinition(current) {
          state = .definition
        } else if state != .definition {
          state = .none
        }
        number += 1
        continue
      }
      guard state == .blank else {
        state = .none
        number += 1
        continue
      }
      // An indented code block right after a note: its lines up to the
      // next line that is not code or not indented (a fence that follows).
      func isIndented(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.first == 0x09 || bytes.prefix(4).elementsEqual([0x20, 0x20, 0x20, 0x20])
      }
      var run: [Int] = []
      var last = number
      while last <= starts.count, isCode(last),
        isBlank(line(last)) || isIndented(line(last))
      {
        run.append(last)
        last += 1
      }
      let fenced = run.contains { number in
        let content = line(number).drop { $0 == 0x20 || $0 == 0x09 }
        return content.starts(with: [0x60, 0x60, 0x60])
          || content.starts(with: [0x7E, 0x7E, 0x7E])
      }
      if !run.isEmpty, !fenced {
        for number in run where !isBlank(line(number)) {
          let start = starts[number - 1]
          if text[start] == 0x09 {
            bytes[start] = 0x3E
          } else {
            bytes[start + 2] = 0x3E
          }
          lines.insert(number)
        }
      }
      state = .none
      number = max(last, number + 1)
    }
  }
}
