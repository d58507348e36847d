import LabrunCore
@testable import Notebook

/// Text with keycap markers (`1️⃣` … `9️⃣`) that stand for positions: the
/// markers are removed and their lines and columns (in Unicode scalars, as
/// `SourceLocation` counts) remembered.
struct MarkedText {
  /// The text without markers.
  var text: String
  /// Marker digit → (line, column).
  var markers: [Int: (line: Int, column: Int)]

  init(_ marked: String) {
    var out = String.UnicodeScalarView()
    var markers: [Int: (line: Int, column: Int)] = [:]
    let scalars = Array(marked.unicodeScalars)
    var line = 1
    var column = 1
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if index + 2 < scalars.count, ("1"..."9").contains(scalar),
        scalars[index + 1] == "\u{FE0F}", scalars[index + 2] == "\u{20E3}",
        let digit = Int(String(scalar))
      {
        markers[digit] = (line, column)
        index += 3
        continue
      }
      out.append(scalar)
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
      index += 1
    }
    self.text = String(out)
    self.markers = markers
  }

  /// The location of a marker in `file`.
  func location(_ marker: Int, file: String = "nb.md") -> SourceLocation? {
    markers[marker].map {
      SourceLocation(file: file, line: $0.line, column: $0.column)
    }
  }
}

/// Parses a notebook from marked text.
func parseMarked(
  _ marked: String, overrides: [Override] = [], crlf: Bool = false
) -> (Notebook, MarkedText) {
  let text = MarkedText(marked)
  var source = text.text
  if crlf {
    source = source.split(separator: "\n", omittingEmptySubsequences: false)
      .joined(separator: "\r\n")
  }
  return (
    Notebook.parse(source: source, path: "nb.md", overrides: overrides), text
  )
}

/// Parses one lab block's body and returns the cell.
func parseCell(_ body: String, overrides: [Override] = []) -> LabCell? {
  Notebook.parse(
    source: "```lab\n\(body)\n```\n", path: "nb.md", overrides: overrides
  ).cells.first
}

/// The prose of a notebook, all of it, as HTML.
func proseHTML(_ notebook: Notebook) -> String {
  notebook.items.map {
    if case .prose(let html) = $0 { return html }
    return ""
  }.joined()
}
