import Testing

import LabrunCore
@testable import Notebook

@Suite("Inline HTML: a few harmless tags kept, the rest dropped with a warning")
struct InlineHTMLTests {
  @Test("the allowed tags render without attributes; meaning survives")
  func allowedTags() {
    let (notebook, marked) = parseMarked(
      """
      The sigmoid is 1 / (1 + e<sup>−z</sup>), x<sub>i</sub>, press
      <kbd>Ctrl</kbd>+<kbd>C</kbd>, <mark>note</mark><br>and <small>s</small>,
      <abbr>SGD</abbr>, <ins>new</ins> <del>old</del>, <sup 1️⃣class="x">2</sup>.
      """)
    let html = proseHTML(notebook)
    #expect(html.contains("1 / (1 + e<sup>−z</sup>), x<sub>i</sub>"))
    #expect(html.contains("<kbd>Ctrl</kbd>+<kbd>C</kbd>, <mark>note</mark><br />"))
    #expect(html.contains("<small>s</small>,\n<abbr>SGD</abbr>, <ins>new</ins> <del>old</del>, <sup>2</sup>."))
    #expect(
      notebook.diagnostics == [
        .warning(
          at: marked.location(1).map {
            SourceLocation(file: $0.file, line: $0.line, column: $0.column - 5)
          },
          "attribute 'class' of <sup> is dropped: kept tags carry no attributes",
          suggestion: "write <sup> alone")
      ])
  }

  @Test("details and summary fold a solution away, across blocks; open kept")
  func details() {
    let notebook = Notebook.parse(
      source: """
        <details open class="x">
        <summary>Solution</summary>

        The answer is *42*.

        </details>
        """, path: "nb.md")
    #expect(
      proseHTML(notebook)
        == "<details open=\"\">\n<summary>Solution</summary>\n"
        + "<p>The answer is <em>42</em>.</p>\n</details>\n")
    #expect(notebook.diagnostics.map(\.message) == [
      "attribute 'class' of <details> is dropped: kept tags carry no attributes"
    ])
  }

  @Test("everything else is removed with a located warning saying what to write")
  func droppedTags() {
    let (notebook, marked) = parseMarked(
      """
      1️⃣<div class="note">
      Remember the bias.
      </div>

      Some 2️⃣<b>bold</b> and 3️⃣<span style="color:red">red</span> and
      then 4️⃣<script>alert(1)</script>.

      5️⃣<img src=x onerror=alert(1)>
      """)
    let html = proseHTML(notebook)
    #expect(html.hasPrefix("<p>Remember the bias.</p>\n"))
    #expect(html.contains("Some bold and red and\nthen alert(1)."))
    #expect(!html.contains("<b>") && !html.contains("<span") && !html.contains("<script"))
    #expect(!html.contains("<img") && !html.contains("<div"))
    #expect(notebook.diagnostics.map(\.location) == (1...5).map { marked.location($0) })
    #expect(notebook.diagnostics[0].message == "HTML tag <div> is dropped (the text inside it stays)")
    #expect(notebook.diagnostics[0].suggestion == "write the text in Markdown; for a note, a quote works: '> **Note:** …'")
    #expect(notebook.diagnostics[1].suggestion == "write **bold** in Markdown")
    #expect(notebook.diagnostics[4].suggestion == "write an image as ![description](figures/file.png)")
  }

  @Test("tags stay balanced: stray closers dropped, unclosed ones closed")
  func balance() {
    let (notebook, marked) = parseMarked(
      """
      A 1️⃣<sup>x *and* y

      b2️⃣</sub> c *e<sub>m* n</sub>

      3️⃣<details>

      ```lab
      load mnist
      ```
      """)
    let html = proseHTML(notebook)
    #expect(html.contains("<p>A <sup>x <em>and</em> y</sup></p>"))
    // `</sub>` outside the emphasis that holds `<sub>` cannot close it.
    #expect(html.contains("<p>b c <em>e<sub>m</sub></em> n</p>"))
    #expect(html.hasSuffix("<details>\n</details>"))
    // The stray `</sub>`s where they are; the `<sub>` that emphasis closes
    // around at its own place (reported when its container ends).
    #expect(notebook.diagnostics.map(\.location) == [
      marked.location(1), marked.location(2),
      SourceLocation(file: "nb.md", line: 3, column: 22),
      SourceLocation(file: "nb.md", line: 3, column: 13),
      marked.location(3),
    ])
    #expect(notebook.diagnostics.last?.message
      == "<details> is never closed; labrun closes it at the end of the prose"
      + " before the lab cell on line 7")
  }

  @Test("comments vanish silently")
  func comments() {
    let notebook = Notebook.parse(
      source: "Text <!-- note to self --> more.\n\n<!--\nblock\n-->\n", path: "nb.md")
    #expect(notebook.diagnostics == [])
    #expect(proseHTML(notebook) == "<p>Text  more.</p>\n\n")
  }
}

@Suite("Fences that were meant to run")
struct NearMissFenceTests {
  @Test("```Lab, ```LAB, ```lab: and ```labs warn at the info string")
  func nearMisses() {
    let (notebook, marked) = parseMarked(
      """
      ```1️⃣Lab
      load mnist
      ```

      ~~~ 2️⃣LAB
      net 784-30-10
      ~~~

      > ```3️⃣lab:
      > sgd
      > ```

      ```4️⃣labs extra
      evaluate
      ```

      ```label
      not a near miss
      ```
      """)
    #expect(notebook.cells.isEmpty)
    #expect(notebook.diagnostics.map(\.location) == (1...4).map { marked.location($0) })
    #expect(
      notebook.diagnostics.first
        == .warning(
          at: marked.location(1),
          "this block is shown as code, not run: its info string is 'Lab',"
            + " and only 'lab' (lower case, alone) runs",
          suggestion: "write 'lab' after the fence"))
  }
}

@Suite("Headings: GitHub's ids and a link to each")
struct HeadingTests {
  @Test("slugs: lower case, punctuation dropped, spaces as '-', repeats numbered")
  func slugs() {
    let html = proseHTML(
      Notebook.parse(
        source: """
          # Stochastic Gradient Descent (SGD)!
          ## Über *die* `Kosten`
          ## Setup
          ## Setup
          > ### Setup
          ## Setup-1
          ## ???
          """, path: "nb.md"))
    let ids = html.components(separatedBy: " id=\"").dropFirst().map {
      $0.prefix { $0 != "\"" }
    }
    #expect(ids == [
      "stochastic-gradient-descent-sgd", "über-die-kosten", "setup",
      "setup-1", "setup-2", "setup-1-1", "section",
    ])
    #expect(html.contains("<h2 id=\"setup\"><a class=\"anchor\" href=\"#setup\" aria-label=\"Link to this section\">#</a>Setup</h2>"))
  }
}
