// MARK: - Link reference definitions, for table cells

/// The notebook's link reference definitions (`[label]: url "title"` on a
/// line of its own), by label, so that a table's cells, which libcmark
/// reads in a document of their own, resolve `[text][label]` as the prose
/// does. Found in one pass over the lines.
struct LinkDefinitions {
  /// Normalised label → the definition's line as written.
  private var lines: [String: ArraySlice<UInt8>] = [:]

  init(_ index: LineIndex) {
    for number in 1...index.count {
      let line = index.line(number)
      if let label = Self.definedLabel(line), lines[label] == nil {
        lines[label] = line
      }
    }
  }

  /// The label a line defines: up to three spaces, `[label]:`, then a
  /// destination. A footnote's `[^label]:` never matches (`FootnoteScan`
  /// marked its `[`).
  static func definedLabel(_ line: ArraySlice<UInt8>) -> String? {
    let indent = line.prefix(3).prefix { $0 == 0x20 }.count
    var index = line.startIndex + indent
    guard index < line.endIndex, line[index] == 0x5B else { return nil }
    let labelStart = index + 1
    index = labelStart
    while index < line.endIndex, line[index] != 0x5D {
      if line[index] == 0x5B { return nil }
      index += line[index] == 0x5C ? 2 : 1
    }
    guard index < line.endIndex, index > labelStart, index - labelStart <= 999,
      index + 1 < line.endIndex, line[index + 1] == 0x3A,
      line[(index + 2)...].contains(where: { $0 != 0x20 && $0 != 0x09 })
    else { return nil }
    return normalised(line[labelStart..<index])
  }

  /// A label as CommonMark matches it: case folded, inner white space one
  /// space, outer white space gone.
  static func normalised(_ label: ArraySlice<UInt8>) -> String {
    String(decoding: label, as: UTF8.self).lowercased()
      .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
      .joined(separator: " ")
  }

  /// The definitions of the labels that `text` may refer to (every
  /// `[…]` in it), each once, as lines to append to a document.
  func referenced(in text: [UInt8]) -> [UInt8] {
    var found: Set<String> = []
    var out: [UInt8] = []
    var open: Int?
    var index = 0
    while index < text.count {
      switch text[index] {
      case 0x5C:
        index += 1
      case 0x5B:
        open = index + 1
      case 0x5D:
        if let start = open, index - start <= 999 {
          let label = Self.normalised(text[start..<index])
          if let line = lines[label], found.insert(label).inserted {
            out += line
            out += [0x0A, 0x0A]
          }
        }
        open = nil
      default:
        break
      }
      index += 1
    }
    return out
  }
}
