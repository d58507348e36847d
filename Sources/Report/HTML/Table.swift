// Plain data tables, each inside its own horizontal scroller so a wide
// table never makes the whole page scroll sideways on a phone.

enum Table {
  /// Writes a table. `numeric[i]` right-aligns column i; `highlight`
  /// marks rows (e.g. the chosen run); `tall` caps the height and scrolls.
  static func write(
    headers: [String], numeric: [Bool], rows: [[String]],
    footer: [String]? = nil, highlight: Set<Int> = [], tall: Bool = false,
    caption: String? = nil, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": tall ? "scroll tall" : "scroll"])
    html.open("table", ["class": "data"])
    if let caption { html.element("caption", text: caption) }
    func cells(_ row: [String], _ tag: String, _ html: inout HTMLWriter) {
      for (i, value) in row.enumerated() {
        let isNumeric = i < numeric.count && numeric[i]
        html.element(tag, ["class": isNumeric ? "num" : nil], text: value)
      }
    }
    html.element("thead") { html in
      html.element("tr") { cells(headers, "th", &$0) }
    }
    html.open("tbody")
    for (i, row) in rows.enumerated() {
      html.element("tr", ["class": highlight.contains(i) ? "chosen" : nil]) {
        cells(row, "td", &$0)
      }
    }
    html.close()
    if let footer {
      html.element("tfoot") { html in
        html.element("tr") { cells(footer, "td", &$0) }
      }
    }
    html.close()
    html.close()
  }
}
