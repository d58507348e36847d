// One `lab` block on the page: a header line (number, status, time,
// cache), the source with the notebook's own line numbers, diagnostics in
// place with the offending line marked, then the outputs.
import Diagnostics
import NumberFormat


struct CellSection {
  var cell: CellReport

  func write(to html: inout HTMLWriter) {
    html.open(
      "section",
      ["class": "cell \(cell.status.rawValue)", "id": "cell-\(cell.number)"])
    writeHeader(to: &html)
    writeSource(to: &html)
    writeDiagnostics(to: &html)
    if cell.status == .skipped {
      html.element("p", ["class": "skip-reason"]) { html in
        html.element("strong", text: "Skipped: ")
        html.text(cell.skipReason ?? "an earlier cell failed.")
      }
    }
    if !cell.results.isEmpty {
      html.element("div", ["class": "results"]) { html in
        for result in cell.results {
          result.content.write(to: &html)
          html.newline()
        }
      }
    }
    html.close()
  }

  // MARK: - Header

  private func writeHeader(to html: inout HTMLWriter) {
    html.open("header", ["class": "cell-head"])
    html.element("h2", text: "Cell \(cell.number)")
    html.element(
      "span", ["class": "status \(cell.status.rawValue)"],
      text: cell.status.rawValue)
    if cell.status != .skipped {
      html.element(
        "span", ["class": "time", "title": "time this run spent on the cell"],
        text: Format.duration(cell.seconds))
    }
    if cell.cached {
      html.element(
        "span", ["class": "badge cached",
                 "title": "results reused from the cache"], text: "cached")
      if let original = cell.originalSeconds {
        html.element(
          "span", ["class": "time original"],
          text: "computed in " + Format.duration(original))
      }
    }
    html.element("span", ["class": "where"], text: "line \(cell.line)")
    html.close()
  }

  // MARK: - Source

  /// Notebook lines that a diagnostic points at, with the column and
  /// severity of the first one on each line.
  private var marks: [Int: Diagnostic] {
    var marks: [Int: Diagnostic] = [:]
    for diagnostic in cell.diagnostics {
      guard let line = diagnostic.location?.line, marks[line] == nil else { continue }
      marks[line] = diagnostic
    }
    return marks
  }

  /// Each line is a block-level span, so no newline characters go between
  /// them (inside `<pre>` they would double the spacing).
  private func writeSource(to html: inout HTMLWriter) {
    guard !cell.sourceLines.isEmpty else { return }
    let marks = self.marks
    html.open("pre", ["class": "source"])
    html.open("code")
    for (offset, text) in cell.sourceLines.enumerated() {
      let number = cell.firstSourceLine + offset
      let mark = marks[number]
      html.open(
        "span",
        ["class": mark.map { "line marked \($0.severity.rawValue)" } ?? "line"])
      html.element("span", ["class": "ln", "aria-hidden": "true"],
                   text: String(number))
      html.text(text)
      html.close()
      if let mark, let column = mark.location?.column {
        writeCaret(under: text, column: column, mark: mark, to: &html)
      }
    }
    html.close()
    html.close()
  }

  /// `    ^ unknown key 'lrate'` under the offending column. Tabs before
  /// the column are kept so the caret lines up however tabs render.
  private func writeCaret(
    under text: String, column: Int, mark: Diagnostic,
    to html: inout HTMLWriter
  ) {
    let prefix = text.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }
    html.open("span", ["class": "line caret \(mark.severity.rawValue)"])
    html.element("span", ["class": "ln", "aria-hidden": "true"], text: "")
    html.text(prefix.joined() + "^ " + mark.message)
    html.close()
  }

  // MARK: - Diagnostics

  private func writeDiagnostics(to html: inout HTMLWriter) {
    DiagnosticList.write(cell.diagnostics, to: &html)
  }
}

/// Located messages as a list: `file:line:column: error: message`, hint.
enum DiagnosticList {
  static func write(
    _ diagnostics: [Diagnostic], to html: inout HTMLWriter
  ) {
    guard !diagnostics.isEmpty else { return }
    html.open("ul", ["class": "diagnostics"])
    for diagnostic in diagnostics {
      html.open("li", ["class": "diagnostic \(diagnostic.severity.rawValue)"])
      html.open("code")
      html.text(PageText.location(diagnostic) + ": ")
      html.element(
        "span", ["class": "severity"], text: diagnostic.severity.rawValue)
      html.text(": " + diagnostic.message)
      html.close()
      if let suggestion = diagnostic.suggestion {
        html.element("span", ["class": "hint"], text: suggestion)
      }
      html.close()
    }
    html.close()
  }
}

extension PageText {
  /// `notebook.md:12:5`, or nothing for an unlocated diagnostic.
  static func location(_ diagnostic: Diagnostic) -> String {
    diagnostic.location?.description ?? ""
  }
}
