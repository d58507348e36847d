// Whatever the notebook says lands on the page as text, never as markup:
// title, source, diagnostics, labels, class names, values and footer.

import Diagnostics
import HTMLText
import LabrunTestSupport
import Testing

@testable import Report

@Suite("Escaping")
struct EscapingTests {
  static let evil = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "Tom & Jerry's \"quotes\"",
  ]

  /// A document with hostile text in every field that reaches the page.
  static func hostileDocument() -> ReportDocument {
    let bad = evil.joined(separator: " ")
    var rng = SplitMix64(seed: 3)
    let image = SyntheticDigits.image(
      1, index: 4, label: bad, predicted: bad, using: &rng)
    var cell = Samples.cell(1, line: 2, [bad, "sgd lr=\(bad)"], seconds: 1)
    cell.status = .error
    cell.diagnostics = [
      Diagnostic(
        severity: .error,
        location: SourceLocation(file: bad, line: 3, column: 4),
        message: bad,
        suggestion: bad)
    ]
    cell.results = [
      CellResult(
        DatasetResult(
          name: bad, training: 1, validation: 1, test: 1, rows: 28,
          columns: 28, classNames: [bad, "b"], samples: [image])),
      CellResult(
        NetworkResult(
          sizes: [2, 2],
          layers: [.init(inputs: 2, outputs: 2, activation: bad)],
          cost: bad, initialization: bad)),
      CellResult(
        ComparisonResult(
          parameter: bad, values: [bad, "2"],
          runs: [Samples.run(lr: 1, validation: [0.5], cost: [0.1]),
                 Samples.run(lr: 2, validation: [0.6], cost: [0.1])],
          chosen: 0)),
      CellResult(
        EvaluationResult(
          split: bad, correct: 1, total: 2, classNames: [bad, "b"],
          confusion: [[1, 0], [1, 0]], misclassified: [image])),
    ]
    var skipped = Samples.cell(2, line: 9, ["x"], seconds: 0)
    skipped.status = .skipped
    skipped.skipReason = bad
    return ReportDocument(
      title: bad, notebookPath: bad,
      items: [.cell(cell), .cell(skipped)],
      footer: ReportFooter(
        seed: 1, labrunVersion: bad,
        dataFiles: [DataFileRecord(name: bad, sha256: bad)],
        totalSeconds: 1, date: bad, overrides: [bad]))
  }

  @Test("hostile notebook text never becomes markup")
  func hostileText() {
    let html = HTMLReport.render(Self.hostileDocument())
    let tags = Markup.tags(html).tags
    #expect(!tags.contains { $0.name == "script" || $0.name == "img" })
    // Outside quoted attribute values, no tag may carry the payload.
    let bare = tags.map { tag in
      tag.text.split(separator: "\"", omittingEmptySubsequences: false)
        .enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        .joined()
    }
    #expect(!bare.contains { $0.contains("onerror") || $0.contains("src") })
    #expect(!html.contains("Tom & Jerry"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    #expect(html.contains("Tom &amp; Jerry&#39;s &quot;quotes&quot;"))
    // Title, heading, source, skip reason, footer, legend… each a place.
    #expect(Markup.count("&lt;script&gt;", in: html) > 20)
    let (error, counts) = Markup.parse(html)
    #expect(error == nil)
    #expect(counts["script"] == nil)
    #expect(counts["img"] == nil)
  }

  @Test("text escaping covers the five special characters and controls")
  func escapeFunction() {
    #expect("<a href='x'>&\"</a>".htmlEscaped
      == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;")
    #expect("a\u{0}b\u{1B}c\td".htmlEscaped == "a\u{FFFD}b\u{FFFD}c\td")
  }

  @Test("the well-formedness check does catch broken markup")
  func checkerCatches() {
    #expect(Markup.parse("<html><body><p></body></html>").error != nil)
    #expect(Markup.parse("<html><p>a & b</p></html>").error != nil)
    #expect(Markup.parse("<html><p>ok</p></html>").error == nil)
    #expect(Markup.parse("<html><p a=\"1\" /></html>").error == nil)
    #expect(Markup.parse("<html><p></html>").error != nil)
  }
}
