// The page as a whole: well-formed, self-contained, in notebook order, with
// every cell's status, time, source lines and messages where a student
// looks for them.

import Diagnostics
import Foundation
import HTMLText
import Testing

@testable import Report

@Suite("HTML page")
struct HTMLPageTests {
  let html = HTMLReport.render(Samples.lecture())

  @Test("is a well-formed HTML5 document with one html, head and body")
  func wellFormed() {
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    let (error, counts) = Markup.parse(html)
    #expect(error == nil)
    #expect(counts["html"] == 1)
    #expect(counts["head"] == 1)
    #expect(counts["body"] == 1)
    #expect(counts["title"] == 1)
    #expect(counts["h1"] == 1)
    #expect(counts["style"] == 1)
    #expect(html.contains("<meta charset=\"utf-8\" />"))
    #expect(html.contains("name=\"viewport\""))
    #expect(html.contains("<title>Lecture 20: learning to read digits</title>"))
    #expect(html.contains("<h1>Lecture 20: learning to read digits</h1>"))
  }

  @Test("a notebook that opens with its own heading is titled once, on top")
  func ownHeading() {
    var document = Samples.small()
    document.items.insert(
      .prose(html: "<h1>My lab</h1>\n<p>Intro.</p>\n"), at: 0)
    document.notices = [
      Diagnostic(
        severity: .warning,
        location: SourceLocation(
          file: "t.md", line: 2, column: 1),
        message: "unknown front-matter key 'sed'")
    ]
    let page = HTMLReport.render(document)
    let (error, counts) = Markup.parse(page)
    #expect(error == nil)
    #expect(counts["h1"] == 1)
    // Heading, then the run's facts and notices, then the rest of the prose.
    let heading = page.range(of: "<h1>My lab</h1>")
    let notice = page.range(of: "unknown front-matter key")
    let intro = page.range(of: "<p>Intro.</p>")
    #expect(heading != nil && notice != nil && intro != nil)
    if let heading, let notice, let intro {
      #expect(heading.upperBound <= notice.lowerBound)
      #expect(notice.upperBound <= intro.lowerBound)
    }
  }

  @Test("contains no URL, no script and no external resource")
  func selfContained() {
    let lower = html.lowercased()
    for needle in [
      "http:", "https:", "data:", "javascript:", "file:", "xmlns",
      "<script", "url(", "@import", "<link", "<iframe", " src=", " href=",
    ] {
      #expect(!lower.contains(needle), "found \(needle)")
    }
  }

  @Test("keeps prose and cells in notebook order")
  func order() throws {
    let lecture = try #require(html.range(of: "In this lecture"))
    let cell1 = try #require(html.range(of: "<h2>Cell 1</h2>"))
    let network = try #require(html.range(of: "<h2>The network</h2>"))
    let cell2 = try #require(html.range(of: "<h2>Cell 2</h2>"))
    #expect(lecture.lowerBound < cell1.lowerBound)
    #expect(cell1.lowerBound < network.lowerBound)
    #expect(network.lowerBound < cell2.lowerBound)
    // Prose is inserted as is: libcmark already made it safe.
    #expect(html.contains("<em>784-30-10</em>"))
  }

  @Test("shows each cell's status, time and cached badge")
  func cellHeaders() throws {
    let cells = Markup.elements("section", containing: "class=\"cell", in: html)
    #expect(cells.count == 7)
    let statuses = cells.map { cell in
      ["ok", "error", "skipped"].first {
        cell.contains("<span class=\"status \($0)\">\($0)</span>")
      }
    }
    #expect(
      statuses == ["ok", "ok", "ok", "ok", "ok", "error", "skipped"])
    #expect(cells[0].contains("412\u{A0}ms"))
    #expect(cells[3].contains("19.7\u{A0}s"))
    // Cell 3 came from the cache: badge plus the original time.
    #expect(cells[2].contains("<span class=\"badge cached\""))
    #expect(cells[2].contains("computed in 6.84\u{A0}s"))
    #expect(!cells[1].contains("badge cached"))
    #expect(html.contains("7 cells: 5 ok, 1 error, 1 skipped"))
  }

  @Test("numbers source lines as in the notebook")
  func lineNumbers() throws {
    let cells = Markup.elements("section", containing: "class=\"cell", in: html)
    let source = try #require(
      Markup.elements("pre", containing: "source", in: cells[2]).first)
    #expect(source.contains("<span class=\"ln\" aria-hidden=\"true\">28</span>"
      + "sgd lr=3 batch=10 epochs=5</span>"))
    #expect(source.contains(">29</span># five passes over the data"))
  }

  @Test("shows an error cell's diagnostic in place and marks its line")
  func errorCell() throws {
    let cells = Markup.elements("section", containing: "class=\"cell", in: html)
    let cell = cells[5]
    #expect(cell.contains("class=\"cell error\""))
    #expect(cell.contains(
      "notebooks/lecture20.md:48:5: <span class=\"severity\">error</span>: "
        + "unknown key &#39;lrate&#39;"))
    #expect(cell.contains("<span class=\"hint\">did you mean &#39;lr&#39;?</span>"))
    #expect(cell.contains(
      "<span class=\"line marked error\"><span class=\"ln\" "
        + "aria-hidden=\"true\">48</span>sgd lrate=3 epochs=2</span>"))
    // The caret sits under column 5, the start of `lrate`.
    #expect(cell.contains("</span>    ^ unknown key &#39;lrate&#39;</span>"))
    #expect(html.contains("1 cell failed: Cell 6 (line 47)"))
  }

  @Test("says why a skipped cell did not run")
  func skippedCell() {
    let cells = Markup.elements("section", containing: "class=\"cell", in: html)
    #expect(cells[6].contains(
      "<strong>Skipped: </strong>cell 6 failed, and this cell needs its "
        + "network."))
    #expect(!cells[6].contains("class=\"results\""))
  }

  @Test("the network shows its layer table with the total and a diagram")
  func network() throws {
    let cells = Markup.elements("section", containing: "class=\"cell", in: html)
    let cell = cells[1]
    #expect(cell.contains("<td class=\"num\">1</td><td>784 → 30</td>"
      + "<td>sigmoid</td><td class=\"num\">23,550</td>"))
    #expect(cell.contains("<td class=\"num\">total</td><td></td><td></td>"
      + "<td class=\"num\">23,860</td>"))
    #expect(cell.contains("Cost: quadratic"))
    let diagram = try #require(
      Markup.elements("svg", containing: "network-diagram", in: cell).first)
    // At most 12 neurons drawn per layer: 12 + 12 + 10.
    #expect(Markup.count("<circle", in: diagram) == 34)
    #expect(Markup.count("⋮", in: diagram) == 2)
  }

  @Test("footer lists seed, version, data files, time, date and overrides")
  func footer() throws {
    let footer = try #require(
      Markup.elements("footer", containing: "page-foot", in: html).first)
    #expect(footer.contains("<dt>Seed</dt><dd><code>42</code></dd>"))
    #expect(footer.contains("<dd>0.1.0</dd>"))
    #expect(footer.contains("train-images-idx3-ubyte.gz"))
    #expect(footer.contains(
      "sha256:440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"))
    #expect(footer.contains("<dd>27.3\u{A0}s</dd>"))
    #expect(footer.contains("2026-11-25 10:00:00 UTC"))
    #expect(footer.contains("<code>sgd.epochs=5</code>"))
  }

  @Test("equal documents give byte-identical pages")
  func deterministic() {
    #expect(HTMLReport.render(Samples.lecture()) == html)
  }

  @Test("edge cases still give a valid page with all their points")
  func stress() {
    let page = HTMLReport.render(Samples.stress())
    #expect(Markup.parse(page).error == nil)
    let charts = ChartTests.charts(page)
    // 100 epochs; the diverged run keeps its one finite cost; one epoch
    // is its numbers, not a chart.
    #expect(Markup.count("<circle", in: charts[0]) == 100)
    #expect(Markup.count("<circle", in: charts[2]) == 1)
    let values = Markup.elements(
      "figure", containing: "class=\"chart values\"", in: page)
    #expect(values.count == 2)
    #expect(values.first?.contains("<strong>0.05000</strong>") == true)
    #expect(!values.contains { $0.contains("<svg") })
    #expect(page.contains("1\u{A0}h 02\u{A0}min"))
    #expect(page.contains("<span class=\"severity\">warning</span>"))
    #expect(!page.contains("NaN\u{A0}%"))
  }

  @Test("an empty document still renders a valid page")
  func empty() {
    let page = HTMLReport.render(
      ReportDocument(
        title: "", notebookPath: "x.md", items: [],
        footer: ReportFooter(
          seed: .max, labrunVersion: "0", dataFiles: [], totalSeconds: .nan,
          date: "")))
    #expect(Markup.parse(page).error == nil)
    #expect(page.contains("no cells"))
  }

  @Test("subtitle, authors, date and the table of contents are in the header")
  func headerAndContents() throws {
    let document = ReportDocument(
      title: "Lecture 21", notebookPath: "x.md", items: [],
      footer: ReportFooter(
        seed: 1, labrunVersion: "0", dataFiles: [], totalSeconds: 1,
        date: ""),
      subtitle: "L2 & early stopping", authors: ["A. Turing", "G. Hopper"],
      documentDate: "2026-12-01",
      contents: [
        SectionHeading(level: 2, id: "cost", text: "Cost <i>"),
        SectionHeading(level: 3, id: "l2", text: "L2"),
        SectionHeading(
          level: 2, id: "data", text: "Data x_1",
          markup: "Data <math><msub><mi>x</mi><mn>1</mn></msub></math>"),
      ])
    let page = HTMLReport.render(document)
    #expect(Markup.parse(page).error == nil)
    #expect(page.contains("<p class=\"subtitle\">L2 &amp; early stopping</p>"))
    #expect(
      page.contains(
        "<p class=\"byline\">A. Turing, G. Hopper · <time>2026-12-01</time></p>"))
    #expect(
      page.contains(
        "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ul>"
          + "<li><a href=\"#cost\">Cost &lt;i&gt;</a><ul><li><a href=\"#l2\">L2</a>"
          + "</li></ul></li><li><a href=\"#data\">Data <math><msub><mi>x</mi><mn>1</mn></msub></math></a>"
          + "</li></ul></nav>"))
    let json = JSONReport.render(document)
    #expect(json.contains("\"subtitle\": \"L2 & early stopping\""))
    #expect(json.contains("\"documentDate\": \"2026-12-01\""))
    // Without them: no empty paragraphs, no navigation.
    let plain = HTMLReport.render(
      ReportDocument(
        title: "T", notebookPath: "x.md", items: [], footer: document.footer))
    #expect(!plain.contains("class=\"subtitle\"") && !plain.contains("class=\"byline\""))
    #expect(!plain.contains("<nav"))
    #expect(JSONReport.render(
      ReportDocument(title: "T", notebookPath: "x.md", items: [], footer: document.footer)
    ).contains("\"subtitle\": null"))
  }

  /// Writes the sample lecture to $REPORT_SAMPLE_DIR for screenshots.
  @Test("writes the sample page when asked")
  func writeSample() throws {
    guard let dir = ProcessInfo.processInfo.environment["REPORT_SAMPLE_DIR"]
    else { return }
    try html.write(
      toFile: dir + "/lecture.html", atomically: true, encoding: .utf8)
    try JSONReport.render(Samples.lecture()).write(
      toFile: dir + "/lecture.json", atomically: true, encoding: .utf8)
    try HTMLReport.render(Samples.stress()).write(
      toFile: dir + "/stress.html", atomically: true, encoding: .utf8)
  }
}
