import Foundation
import Testing

import LabrunCore
@testable import Notebook

@Suite("GitHub's Markdown: tables, footnotes, strikethrough, tasks, links")
struct GitHubMarkdownTests {
  @Test("a pipe table: alignment, inline markup, escaped pipes, math")
  func table() {
    let notebook = Notebook.parse(
      source: """
        | flavour | images per step | cost $C$ |
        |:--------|:---------------:|-----:|
        | batch | *all* $n$ | `a\\|b` |
        | mini-batch \\| SGD | $m$ | **10** | extra |
        | online |
        """, path: "nb.md")
    let html = proseHTML(notebook)
    #expect(notebook.diagnostics == [])
    #expect(html.hasPrefix("<div class=\"table\"><table>\n<thead>\n<tr>\n<th class=\"left\">flavour</th>"))
    #expect(html.contains("<th class=\"center\">images per step</th><th class=\"right\">cost <math"))
    #expect(html.contains("<td class=\"left\">batch</td><td class=\"center\"><em>all</em> <math"))
    #expect(html.contains("<td class=\"right\"><code>a|b</code></td>"))
    #expect(html.contains("<td class=\"left\">mini-batch | SGD</td>"))
    #expect(html.contains("<td class=\"right\"><strong>10</strong></td>\n</tr>"))
    #expect(!html.contains("extra"))
    // A short row is padded with empty cells.
    #expect(html.contains("<td class=\"left\">online</td><td class=\"center\"></td><td class=\"right\"></td>"))
    #expect(html.hasSuffix("</tbody>\n</table></div>\n"))
  }

  @Test("what only looks like a table stays a paragraph; cells never open blocks")
  func notTables() {
    let paragraph = proseHTML(
      Notebook.parse(source: "a | b\n--- | --- | ---\n", path: "nb.md"))
    #expect(!paragraph.contains("<table>"))
    let cells = proseHTML(
      Notebook.parse(
        source: "| # h | - x | 1. y | ``` | <!-- c |\n|---|---|---|---|---|\n| > q | *e* | *** | [l](https://x.org) | z |\n",
        path: "nb.md"))
    #expect(cells.contains("<th># h</th><th>- x</th><th>1. y</th><th>```</th><th>&lt;!-- c</th>"))
    #expect(cells.contains("<td>&gt; q</td><td><em>e</em></td><td>***</td><td><a href=\"https://x.org\">l</a></td><td>z</td>"))
  }

  /// Found by the notebook fuzzer: libcmark reads the cells in a document
  /// of their own, whose lines are not the notebook's.
  @Test("a tag or an image in a cell is warned of at its place in the notebook")
  func warningsInCells() {
    let (notebook, marked) = parseMarked(
      """
      Text.

      | a | b |
      |---|---|
      | x \\| $y$ 1️⃣<span>s</span> | 2️⃣![m](missing.png) |
      """)
    #expect(notebook.diagnostics.map(\.location) == [1, 2].map { marked.location($0) })
  }

  @Test("a table after lines of text: the text stays a paragraph above it")
  func tableMidParagraph() {
    let (notebook, marked) = parseMarked(
      """
      The three flavours, with `a code
      span` over two lines:
      | flavour | step |
      |---|--:|
      | batch | 1️⃣<b>n</b> |
      More text after a blank line.
      """)
    let html = proseHTML(notebook)
    #expect(html.hasPrefix(
      "<p>The three flavours, with <code>a code span</code> over two lines:</p>\n"
        + "<div class=\"table\"><table>"))
    #expect(html.contains("<th>flavour</th><th class=\"right\">step</th>"))
    // The rows run to the paragraph's end, as on GitHub.
    #expect(html.contains("<td>More text after a blank line.</td><td class=\"right\"></td>"))
    // A tag in a cell of such a table is still warned of where it is.
    #expect(notebook.diagnostics.map(\.location) == [marked.location(1)])
  }

  @Test("a table inside emphasis that spans lines stays text")
  func tableInsideEmphasis() {
    let html = proseHTML(
      Notebook.parse(source: "*a\n| x | y |\n|---|---|*\n", path: "nb.md"))
    #expect(!html.contains("<table>"))
  }

  @Test("a footnote definition right after a table ends the table")
  func definitionAfterTable() {
    let notebook = Notebook.parse(
      source: """
        Costs[^c]:
        | lr | cost |
        |---|---|
        | 3 | 0.09 |
        [^c]: Quadratic, after 5 epochs.
        [^d]: Unused.
        """, path: "nb.md")
    let html = proseHTML(notebook)
    #expect(html.contains("<tbody>\n<tr>\n<td>3</td><td>0.09</td>\n</tr>\n</tbody>"))
    #expect(!html.contains("<td>[^c]"))
    #expect(!html.contains("Unused"))
    #expect(html.contains("<li id=\"fn-c\"><p>Quadratic, after 5 epochs."))
    #expect(notebook.diagnostics.map(\.message) == [
      "footnote '[^d]' is never referred to, so it is not shown"
    ])
  }

  @Test("reference links in table cells resolve as in the prose")
  func referenceLinksInCells() {
    let html = proseHTML(
      Notebook.parse(
        source: """
          | source | link |
          |---|---|
          | the book | [Nielsen][NNDL], [MNIST] and [not defined][nope] |

          [nndl]: http://neuralnetworksanddeeplearning.com/ "The book"
          [MNIST]: https://yann.lecun.com/exdb/mnist/
          """, path: "nb.md"))
    #expect(html.contains(
      "<td><a href=\"http://neuralnetworksanddeeplearning.com/\" title=\"The book\">Nielsen</a>, "
        + "<a href=\"https://yann.lecun.com/exdb/mnist/\">MNIST</a> and [not defined][nope]</td>"))
  }

  @Test("other fenced code names its language; a hostile info string stays text")
  func codeLanguages() {
    let html = proseHTML(
      Notebook.parse(
        source: "~~~ c++ extra\nint x;\n~~~\n\n```\"><img src=x onerror=alert(1)>\na\n```\n\n```\nplain\n```\n",
        path: "nb.md"))
    #expect(html.contains(
      "<div class=\"code\"><span class=\"code-language\">c++</span>"
        + "<pre><code class=\"language-c++\">int x;\n</code></pre></div>"))
    #expect(html.contains(
      "<span class=\"code-language\">&quot;&gt;&lt;img</span>"))
    #expect(!html.contains("<img"))
    // Without a language, no label.
    #expect(html.contains("<pre><code>plain\n</code></pre>"))
    #expect(html.components(separatedBy: "code-language").count == 3)
  }

  @Test("a table in a quote and in a list keeps its rows")
  func nestedTable() {
    let html = proseHTML(
      Notebook.parse(source: "> | a | b |\n> |---|---|\n> | 1 | 2 |\n", path: "nb.md"))
    #expect(html.contains("<blockquote>\n<div class=\"table\"><table>"))
    #expect(html.contains("<td>1</td><td>2</td>"))
  }

  @Test("footnotes: numbered by first reference, back-links, notes at the end")
  func footnotes() {
    let (notebook, marked) = parseMarked(
      """
      Backpropagation[^book] is fast[^speed]; see the book[^Book].

      [^speed]: About $10^6$ times.
      [^book]: Nielsen, *Neural Networks and Deep Learning*.
      1️⃣[^unused]: Never used.

      Code `[^book]` is code, 2️⃣[^nope] has no note.

      ```lab
      # [^book]: not a definition in a lab block
      ```
      """)
    let html = proseHTML(notebook)
    #expect(html.contains(
      "Backpropagation<sup class=\"footnote-ref\"><a href=\"#fn-book\" id=\"fnref-book\">1</a></sup>"
        + " is fast<sup class=\"footnote-ref\"><a href=\"#fn-speed\" id=\"fnref-speed\">2</a></sup>;"
        + " see the book<sup class=\"footnote-ref\"><a href=\"#fn-book\" id=\"fnref-book-2\">1</a></sup>."))
    #expect(html.contains("<code>[^book]</code>"))
    #expect(html.contains("[^nope] has no note"))
    #expect(html.contains(
      "<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n<li id=\"fn-book\"><p>Nielsen,"
        + " <em>Neural Networks and Deep Learning</em>. <a href=\"#fnref-book\" class=\"footnote-back\""
        + " aria-label=\"Back to the text\">↩</a> <a href=\"#fnref-book-2\" class=\"footnote-back\""
        + " aria-label=\"Back to the text\">↩<sup>2</sup></a></p>\n</li>\n<li id=\"fn-speed\"><p>About <math"))
    #expect(!html.contains("Never used"))
    #expect(notebook.cells.first?.source == "# [^book]: not a definition in a lab block")
    #expect(
      notebook.diagnostics == [
        .warning(
          at: marked.location(1),
          "footnote '[^unused]' is never referred to, so it is not shown",
          suggestion: "refer to it with '[^unused]' in the text, or remove it"),
        .warning(
          at: marked.location(2),
          "footnote '[^nope]' has no definition; it is shown as written",
          suggestion: "add a line '[^nope]: …' with the note's text"),
      ])
  }

  @Test("a note of several paragraphs: its indented paragraphs, as on GitHub")
  func multiParagraphFootnote() {
    let (notebook, marked) = parseMarked(
      """
      Backpropagation[^proof] is fast[^twice].

      [^proof]: The first paragraph.

          The second, with $\\sigma'(z)$ and 1️⃣<span>a tag</span>[^twice].

              code in the note

          The third, *last*.
      Lazily continued.

      [^twice]: Once.
      2️⃣[^twice]: Again.

          Dropped with its definition.

      Back in the text.

          plain code after the notes

      ```lab
      # a cell
      ```
      """)
    let html = proseHTML(notebook)
    let back = " <a href=\"#fnref-proof\" class=\"footnote-back\" aria-label=\"Back to the text\">↩</a>"
    #expect(html.contains(
      "<li id=\"fn-proof\"><p>The first paragraph.</p>\n<p>The second, with <math"))
    #expect(html.contains(
      "</math> and a tag<sup class=\"footnote-ref\"><a href=\"#fn-twice\" id=\"fnref-twice-2\">2</a></sup>.</p>\n"
        + "<pre><code>code in the note\n</code></pre>\n"
        + "<p>The third, <em>last</em>.\nLazily continued.\(back)</p>\n</li>"))
    #expect(html.contains("<li id=\"fn-twice\"><p>Once."))
    #expect(!html.contains("Dropped") && !html.contains("<blockquote"))
    #expect(html.contains("<pre><code>plain code after the notes\n</code></pre>"))
    #expect(notebook.cells.map(\.source) == ["# a cell"])
    #expect(
      notebook.diagnostics == [
        .warning(
          at: marked.location(1),
          "HTML tag <span> is dropped (the text inside it stays)",
          suggestion: "write the text in Markdown; for a note, a quote works: '> **Note:** …'"),
        .warning(
          at: marked.location(2),
          "footnote '[^twice]' is defined again; the definition on line 12 is kept",
          suggestion: "give this note another label"),
      ])
  }

  @Test("an indented lab block after a note stays code, and is not run")
  func indentedLabAfterNote() {
    let notebook = Notebook.parse(
      source: "A[^a].\n\n[^a]: Note.\n\n    ```lab\n    load mnist\n    ```\n",
      path: "nb.md")
    #expect(notebook.cells.isEmpty)
    #expect(proseHTML(notebook).contains("<pre><code>```lab\nload mnist\n```\n</code></pre>"))
    #expect(proseHTML(notebook).contains("<li id=\"fn-a\"><p>Note."))
  }

  @Test("a one-word footnote is not taken for a link definition")
  func oneWordFootnote() {
    let html = proseHTML(
      Notebook.parse(source: "See[^1].\n\n[^1]: Nielsen.\n", path: "nb.md"))
    #expect(html.contains("See<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>."))
    #expect(html.contains("<li id=\"fn-1\"><p>Nielsen. <a href=\"#fnref-1\""))
  }

  @Test("strikethrough, task lists and bare https links")
  func inlineExtensions() {
    let html = proseHTML(
      Notebook.parse(
        source: """
          ~~Full batch~~ is slow, ~~ not this ~~, and ~~*this* too~~.

          - [ ] derive $\\partial C/\\partial w$
          - [x] run https://example.org/mnist_(data). Then stop.
          - [link https://a.org](https://b.org) and <https://c.org>
          """, path: "nb.md"))
    #expect(html.contains("<p><del>Full batch</del> is slow, ~~ not this ~~, and <del><em>this</em> too</del>.</p>"))
    #expect(html.contains("<li><input type=\"checkbox\" disabled=\"\" aria-label=\"to do\" /> derive <math"))
    #expect(html.contains(
      "<li><input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"done\" /> run"
        + " <a href=\"https://example.org/mnist_(data)\">https://example.org/mnist_(data)</a>. Then stop.</li>"))
    #expect(html.contains("<a href=\"https://b.org\">link https://a.org</a> and <a href=\"https://c.org\">https://c.org</a>"))
  }

  @Test("every notebook fuzz seed parses, and the new ones warn where they should")
  func fuzzSeeds() throws {
    let folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/notebook")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(names.contains("tables") && names.contains("footnotes"))
    for name in names {
      let data = try Data(contentsOf: folder.appendingPathComponent(name))
      let notebook = Notebook.parse(
        source: String(decoding: data, as: UTF8.self), path: name)
      // Every warning within the file, as the fuzz target checks.
      let lines = 1 + data.count { $0 == 0x0A || $0 == 0x0D }
      for diagnostic in notebook.allDiagnostics {
        guard let location = diagnostic.location else { continue }
        #expect(
          (1...lines).contains(location.line) && location.column >= 1,
          "\(name): \(diagnostic)")
      }
      if name == "footnotes" {
        let messages = notebook.diagnostics.map(\.message)
        #expect(messages.contains("footnote '[^nope]' has no definition; it is shown as written"))
        #expect(messages.contains("footnote '[^book]' is defined again; the definition on line 3 is kept"))
      }
    }
  }

  /// Megabytes of what makes other parsers quadratic: a table of many
  /// rows and wide rows, thousands of footnote references and definitions,
  /// unclosed `~~` and brackets. Each input is parsed at one size and at
  /// eight times that.
  @Test(
    "pathological tables and footnotes of megabytes parse in linear time",
    .serialized,
    arguments: [
      { (n: Int) in
        "| " + String(repeating: "a | ", count: 120) + "\n"
          + "|" + String(repeating: "---|", count: 120) + "\n"
          + String(repeating: String(repeating: "*x | ", count: 400) + "\n", count: n / 2_000)
      },
      { n in "| a | b |\n|---|---|\n" + String(repeating: "| [^a] ~~ `x | \\| |\n", count: n / 20) },
      { n in String(repeating: "[^n] [^", count: n / 7) + "\n\n[^n]: x\n" },
      { n in String(repeating: "[^x]: [^x] ~~a\n", count: n / 15) },
      { n in "See[^x].\n\n[^x]: a\n\n" + String(repeating: "    b [^x] $y$\n\n", count: n / 18) },
      { n in "See[^x].\n\n" + String(repeating: "[^x]: a\n\n    b\n", count: n / 16) },
      { n in String(repeating: "|", count: n / 2) + "\n" + String(repeating: "-|", count: n / 4) },
    ] as [@Sendable (Int) -> String])
  func pathological(_ make: @Sendable (Int) -> String) {
    // The parsing thread's CPU time, not the wall clock: on a machine
    // shared by many builds the wall clock measures the others too.
    func cpuSeconds() -> Double {
      var now = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
      return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
    func time(_ size: Int) -> Double {
      let input = make(size)
      let start = cpuSeconds()
      let notebook = Notebook.parse(source: input, path: "nb.md")
      #expect(notebook.items.count >= 1)
      return cpuSeconds() - start
    }
    // Eight times the input: linear time is about 8 times as long,
    // quadratic 64 times. The bound sits far from both.
    let small = time(256_000)
    let large = time(2_048_000)
    #expect(
      large < 20 * small + 0.5, "256 kB: \(small) s, 2 MB: \(large) s")
    // And quick in itself: seconds per megabyte even in a debug build.
    #expect(large < 20)
  }
}
