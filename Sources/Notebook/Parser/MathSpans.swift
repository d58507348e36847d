// MARK: - Math in the prose, found before Markdown sees it

/// A formula of the prose: `$…$`, `$$…$$`.
struct MathSpan: Sendable {
  /// The TeX between the delimiters, exactly as written.
  var tex: String
  /// `$$…$$`.
  var display: Bool
  /// The TeX's first character: 1-based line and byte column.
  var line: Int
  var byteColumn: Int
  /// The formula as written, delimiters included.
  var source: String
}

/// The notebook's bytes with every formula replaced by a placeholder that
/// Markdown leaves alone, so that its escapes (`\,`, `\|`, `\{`) and
/// emphasis (`*`, `_`) never touch the TeX.
///
/// A placeholder is U+E000, the formula's number, one `\n` U+E002 per line
/// break of the formula (so that every later line keeps its number), and
/// U+E001. Private-use characters are neither punctuation nor space to
/// CommonMark.
struct MathScan: Sendable {
  var bytes: [UInt8]
  var spans: [MathSpan] = []
  /// Where a placeholder ends on its last line, in the new and the old
  /// text (1-based byte columns): the rest of the line is shifted by the
  /// difference.
  private var shifts: [(line: Int, new: Int, old: Int)] = []

  static let start: Unicode.Scalar = "\u{E000}"
  static let end: Unicode.Scalar = "\u{E001}"
  static let lineBreak: Unicode.Scalar = "\u{E002}"

  /// Finds the formulas of a notebook, following pandoc's rules: `$` opens
  /// when a non-space follows it, closes when a non-space precedes it and
  /// no digit follows; `$$` opens a display formula; `\$` is a dollar.
  /// Nothing inside code spans, code blocks, HTML blocks or HTML tags is
  /// math, and no formula crosses a blank line.
  ///
  /// - Parameters:
  ///   - text: The notebook.
  ///   - excludedLines: For each 1-based line (index 0 unused), whether it
  ///     belongs to a code or HTML block.
  init(_ text: SourceText, excludedLines: [Bool]) {
    let source = text.bytes
    var output: [UInt8] = []
    output.reserveCapacity(source.count)
    var copied = 0
    // Paragraph-like runs of lines: no blank line, no code.
    var line = 1
    while line <= text.lineCount {
      let isProse = { (n: Int) -> Bool in
        n <= text.lineCount && !(n < excludedLines.count && excludedLines[n])
          && text.line(n).contains(where: { $0 != 0x20 && $0 != 0x09 })
      }
      guard isProse(line) else {
        line += 1
        continue
      }
      var last = line
      while isProse(last + 1) { last += 1 }
      let regionStart = text.lineStarts[line - 1]
      let regionEnd = last < text.lineCount ? text.lineStarts[last] : source.count
      output += source[copied..<regionStart]
      copied = regionStart
      for found in MathScan.formulas(in: source, regionStart..<regionEnd) {
        MathScan.copy(source[copied..<found.open], to: &output)
        let number = spans.count
        let (spanLine, column) = text.position(ofByte: found.content.lowerBound)
        let tex = String(decoding: source[found.content], as: UTF8.self)
        spans.append(
          MathSpan(
            tex: tex, display: found.display, line: spanLine,
            byteColumn: column,
            source: String(decoding: source[found.open..<found.close], as: UTF8.self)))
        output += Array("\(MathScan.start)\(number)".utf8)
        for byte in source[found.open..<found.close] where byte == 0x0A {
          output += Array("\n\(MathScan.lineBreak)".utf8)
        }
        output += Array("\(MathScan.end)".utf8)
        let (endLine, oldEnd) = text.position(ofByte: found.close)
        let lastNewline = output.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        shifts.append((endLine, output.count - lastNewline + 1, oldEnd))
        copied = found.close
      }
      MathScan.copy(source[copied..<regionEnd], to: &output)
      copied = regionEnd
      line = last + 1
    }
    output += source[copied...]
    bytes = output
  }

  /// Copies prose, turning the placeholders' own characters, should the
  /// notebook contain them, into U+FFFD (three bytes too, so that columns
  /// stay).
  private static func copy(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
    var i = bytes.startIndex
    while i < bytes.endIndex {
      if bytes[i] == 0xEE, i + 2 < bytes.endIndex, bytes[i + 1] == 0x80,
        bytes[i + 2] <= 0x82, bytes[i + 2] >= 0x80
      {
        output += [0xEF, 0xBF, 0xBD]
        i += 3
      } else {
        output.append(bytes[i])
        i += 1
      }
    }
  }

  /// The byte column in the notebook of a byte column that cmark reports
  /// for the text with placeholders.
  func originalByteColumn(line: Int, byteColumn: Int) -> Int {
    guard let shift = shifts.last(where: { $0.line == line && $0.new <= byteColumn })
    else { return byteColumn }
    return shift.old + byteColumn - shift.new
  }

  /// `text` with every placeholder replaced by what `replacement` makes of
  /// its formula.
  func restoring(_ text: String, _ replacement: (MathSpan) -> String) -> String {
    guard text.unicodeScalars.contains(where: MathScan.isMarker) else {
      return text
    }
    var result = String.UnicodeScalarView()
    // The formula's number while inside a placeholder.
    var number: Int?
    for scalar in text.unicodeScalars {
      if scalar == MathScan.start {
        number = 0
      } else if let current = number {
        if scalar == MathScan.end {
          if current < spans.count {
            result += replacement(spans[current]).unicodeScalars
          }
          number = nil
        } else if scalar.value >= 0x30, scalar.value <= 0x39,
          current < spans.count
        {
          number = current * 10 + Int(scalar.value - 0x30)
        }
      } else if !MathScan.isMarker(scalar) {
        result.append(scalar)
      }
    }
    return String(result)
  }

  static func isMarker(_ scalar: Unicode.Scalar) -> Bool {
    scalar == start || scalar == end || scalar == lineBreak
  }

  // MARK: Finding formulas

  private struct Found {
    var open: Int
    var close: Int
    var content: Range<Int>
    var display: Bool
  }

  private static func formulas(in bytes: [UInt8], _ range: Range<Int>) -> [Found] {
    var found: [Found] = []
    var i = range.lowerBound
    let end = range.upperBound
    func byte(_ at: Int) -> UInt8? { at < end ? bytes[at] : nil }
    func isSpace(_ b: UInt8?) -> Bool {
      b == nil || b == 0x20 || b == 0x09 || b == 0x0A
    }
    while i < end {
      switch bytes[i] {
      case UInt8(ascii: "\\"):
        i += 2
      case UInt8(ascii: "`"):
        // A code span: the same number of backticks closes it.
        var run = i
        while run < end, bytes[run] == UInt8(ascii: "`") { run += 1 }
        let length = run - i
        var j = run
        var closed: Int?
        while j < end {
          guard bytes[j] == UInt8(ascii: "`") else {
            j += 1
            continue
          }
          var k = j
          while k < end, bytes[k] == UInt8(ascii: "`") { k += 1 }
          if k - j == length {
            closed = k
            break
          }
          j = k
        }
        i = closed ?? run
      case UInt8(ascii: "<"):
        // An HTML tag or an autolink on one line: its attributes and URL
        // are not prose.
        var j = i + 1
        if let first = byte(j),
          (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))
            || first == UInt8(ascii: "/") || first == UInt8(ascii: "!")
        {
          while j < end, bytes[j] != UInt8(ascii: ">"), bytes[j] != 0x0A,
            bytes[j] != UInt8(ascii: "<")
          {
            j += 1
          }
          i = byte(j) == UInt8(ascii: ">") ? j + 1 : i + 1
        } else {
          i += 1
        }
      case UInt8(ascii: "$"):
        let display = byte(i + 1) == UInt8(ascii: "$")
        let contentStart = i + (display ? 2 : 1)
        if !display, isSpace(byte(contentStart)) {
          i += 1
          continue
        }
        var j = contentStart
        var close: Int?
        while j < end {
          let b = bytes[j]
          if b == UInt8(ascii: "\\") {
            j += 2
            continue
          }
          if b == UInt8(ascii: "$") {
            if display {
              if byte(j + 1) == UInt8(ascii: "$") {
                close = j
                break
              }
            } else if !isSpace(bytes[j - 1]),
              !(byte(j + 1).map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
            {
              close = j
              break
            }
          }
          j += 1
        }
        guard let close, close > contentStart,
          bytes[contentStart..<close].contains(where: { !isSpace($0) })
        else {
          i = contentStart
          continue
        }
        let after = close + (display ? 2 : 1)
        found.append(
          Found(
            open: i, close: after, content: contentStart..<close,
            display: display))
        i = after
      default:
        i += 1
      }
    }
    return found
  }
}

extension SourceText {
  /// The 1-based line and 1-based byte column of a byte offset.
  func position(ofByte offset: Int) -> (line: Int, byteColumn: Int) {
    // The last line start at or before the offset.
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return (low + 1, offset - lineStarts[low] + 1)
  }
}
