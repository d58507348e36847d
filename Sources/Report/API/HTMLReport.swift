// The page students open from file:// — one self-contained HTML5 file:
// inline CSS, inline SVG, no script, no URL of any kind.

import HTMLText
import NumberFormat

/// Renders a `ReportDocument` as a self-contained HTML page.
public enum HTMLReport {
  /// The whole page. Equal documents give byte-identical pages.
  public static func render(_ document: ReportDocument) -> String {
    var html = HTMLWriter()
    // Upper-case DOCTYPE is valid HTML5 and keeps the page XML-parsable.
    html.raw("<!DOCTYPE html>\n")
    html.open("html", ["lang": "en"])
    html.newline()
    writeHead(document, to: &html)
    html.open("body")
    html.newline()
    html.open("main", ["class": "page"])
    var items = document.items[...]
    // A notebook that opens with its own top heading keeps it as the page's
    // heading, above the facts of the run.
    if case .prose(let markup)? = items.first,
      let (heading, rest) = splitLeadingHeading(markup)
    {
      html.element("div", ["class": "prose"]) { $0.raw(heading) }
      writeHeader(document, title: false, to: &html)
      items = items.dropFirst()
      if !rest.isEmpty { items.insert(.prose(html: rest), at: items.startIndex) }
    } else {
      writeHeader(document, title: true, to: &html)
    }
    for item in items {
      switch item {
      case .prose(let markup):
        html.element("div", ["class": "prose"]) { $0.raw(markup) }
      case .cell(let cell):
        CellSection(cell: cell).write(to: &html)
      }
      html.newline()
    }
    writeFooter(document, to: &html)
    html.close()  // main
    html.newline()
    html.close()  // body
    html.newline()
    html.close()  // html
    html.newline()
    return html.output
  }

  // MARK: - Head and page header

  private static func writeHead(
    _ document: ReportDocument, to html: inout HTMLWriter
  ) {
    html.open("head")
    html.newline()
    html.empty("meta", ["charset": "utf-8"])
    html.newline()
    html.empty(
      "meta",
      ["name": "viewport", "content": "width=device-width, initial-scale=1"])
    html.newline()
    html.empty("meta", ["name": "color-scheme", "content": "light dark"])
    html.newline()
    html.empty(
      "meta",
      ["name": "generator",
       "content": "labrun \(document.footer.labrunVersion)"])
    html.newline()
    html.element("title", text: document.title)
    html.newline()
    html.element("style") {
      $0.raw(Stylesheet.css)
      // Only pages with a playground carry its rules (and its script).
      if PlaygroundSection.appears(in: document) {
        $0.raw(PlaygroundSection.css)
      }
    }
    html.newline()
    html.close()
    html.newline()
  }

  private static func writeHeader(
    _ document: ReportDocument, title: Bool, to html: inout HTMLWriter
  ) {
    let cells = document.cells
    html.open("header", ["class": "page-head"])
    if title { html.element("h1", text: document.title) }
    if let subtitle = document.subtitle {
      html.element("p", ["class": "subtitle"], text: subtitle)
    }
    if !document.authors.isEmpty || document.documentDate != nil {
      html.element("p", ["class": "byline"]) { html in
        html.text(document.authors.joined(separator: ", "))
        if let date = document.documentDate {
          if !document.authors.isEmpty { html.text(" · ") }
          html.element("time", text: date)
        }
      }
    }
    html.element("p", ["class": "meta"]) { html in
      html.element("code", text: document.notebookPath)
      html.text(" · " + PageText.cellSummary(cells))
      if !document.footer.date.isEmpty {
        html.text(" · " + PageText.date(document.footer.date))
      }
      html.text(" · " + Format.duration(document.footer.totalSeconds))
    }
    let failed = cells.filter { $0.status == .error }
    if failed.isEmpty && document.failed {
      html.element(
        "p", ["class": "banner error", "role": "alert"],
        text: "The notebook has errors: see the messages below.")
    }
    if !failed.isEmpty {
      let list = failed.map { "Cell \($0.number) (line \($0.line))" }
      html.element(
        "p", ["class": "banner error", "role": "alert"],
        text: (failed.count == 1 ? "1 cell failed: " : "\(failed.count) "
          + "cells failed: ") + list.joined(separator: ", ")
          + ". The messages are shown in place below.")
    }
    DiagnosticList.write(document.notices, to: &html)
    writeContents(document.contents, to: &html)
    html.close()
    html.newline()
  }

  /// The table of contents: headings nested by level, each a link to its
  /// id. A level skipped (`#` then `###`) nests one step, not two.
  private static func writeContents(
    _ contents: [SectionHeading], to html: inout HTMLWriter
  ) {
    guard !contents.isEmpty else { return }
    html.open("nav", ["class": "toc", "aria-label": "Contents"])
    html.element("h2", text: "Contents")
    var levels: [Int] = []
    for entry in contents {
      if let last = levels.last, entry.level > last {
        html.open("ul")
        levels.append(entry.level)
      } else {
        while let last = levels.last, entry.level < last, levels.count > 1 {
          html.close()  // li
          html.close()  // ul
          levels.removeLast()
        }
        if levels.isEmpty {
          html.open("ul")
          levels.append(entry.level)
        } else {
          html.close()  // li
        }
      }
      html.open("li")
      if let markup = entry.markup {
        // Formulas as the heading shows them, not as TeX.
        html.element("a", ["href": "#" + entry.id]) { $0.raw(markup) }
      } else {
        html.element("a", ["href": "#" + entry.id], text: entry.text)
      }
    }
    for _ in levels {
      html.close()  // li
      html.close()  // ul
    }
    html.close()  // nav
  }

  /// Prose that opens with a level-1 heading, cut after that heading.
  private static func splitLeadingHeading(_ markup: String)
    -> (heading: String, rest: String)?
  {
    let trimmed = markup.drop { $0.isWhitespace }
    guard trimmed.hasPrefix("<h1"), let end = trimmed.range(of: "</h1>")
    else { return nil }
    return (
      String(trimmed[..<end.upperBound]),
      String(trimmed[end.upperBound...]).drop { $0.isWhitespace }.description
    )
  }

  // MARK: - Footer

  private static func writeFooter(
    _ document: ReportDocument, to html: inout HTMLWriter
  ) {
    let footer = document.footer
    html.open("footer", ["class": "page-foot"])
    html.element("h2", text: "Reproducibility")
    html.open("dl")
    func row(_ term: String, _ body: (inout HTMLWriter) -> Void) {
      html.element("dt", text: term)
      html.element("dd", [:], body)
    }
    row("Notebook") { $0.element("code", text: document.notebookPath) }
    row("Seed") { $0.element("code", text: String(footer.seed)) }
    row("labrun") { $0.text(footer.labrunVersion) }
    row("Data files") { html in
      if footer.dataFiles.isEmpty {
        html.text("none")
      } else {
        html.element("ul", ["class": "files"]) { html in
          for file in footer.dataFiles {
            html.element("li") { html in
              html.element("code", text: file.name)
              html.raw(" ")
              html.element(
                "code", ["class": "hash", "title": "SHA-256"],
                text: "sha256:" + file.sha256)
            }
          }
        }
      }
    }
    row("Total time") { $0.text(Format.duration(footer.totalSeconds)) }
    row("Date") { $0.text(PageText.date(footer.date)) }
    row("Overrides") { html in
      if footer.overrides.isEmpty {
        html.text("none")
      } else {
        for (i, override) in footer.overrides.enumerated() {
          if i > 0 { html.raw(" ") }
          html.element("code", text: override)
        }
      }
    }
    html.close()  // dl
    html.close()  // footer
    html.newline()
  }
}

// MARK: - Words

/// Sentences shared by several parts of the page.
enum PageText {
  /// `5 cells: 4 ok, 1 error`.
  static func cellSummary(_ cells: [CellReport]) -> String {
    if cells.isEmpty { return "no cells" }
    var parts: [String] = []
    for status in [CellReport.Status.ok, .error, .skipped] {
      let count = cells.filter { $0.status == status }.count
      if count > 0 { parts.append("\(count) \(status.rawValue)") }
    }
    let noun = cells.count == 1 ? "cell" : "cells"
    return "\(cells.count) \(noun): " + parts.joined(separator: ", ")
  }

  /// `2026-11-25T10:00:00Z` → `2026-11-25 10:00:00 UTC`; anything else as
  /// given.
  static func date(_ iso: String) -> String {
    let parts = iso.split(separator: "T", maxSplits: 1)
    guard parts.count == 2, iso.hasSuffix("Z") else { return iso }
    return parts[0] + " " + parts[1].dropLast() + " UTC"
  }

  /// `lr = 0.5`.
  static func setting(_ parameter: String, _ value: String) -> String {
    "\(parameter) = \(value)"
  }
}
