import Foundation
import HTMLText
import Testing

import LabrunCore
@testable import Notebook

@Suite("Notebook structure: cells, prose, titles")
struct NotebookStructureTests {
  @Test("lab blocks become numbered cells between runs of prose")
  func cellsAndProse() throws {
    let notebook = Notebook.parse(
      source: """
        # Lecture

        Some *text*.

        ```lab
        load mnist
        ```

        More.

        ```python
        print("not run")
        ```

        ~~~lab extra words
        net 784-30-10

        sgd
        ~~~
        ```lab
        evaluate
        ```
        """, path: "nb.md")
    #expect(notebook.diagnostics == [])
    let cells = notebook.cells
    #expect(cells.map(\.number) == [1, 2, 3])
    #expect(cells.map(\.fence.line) == [5, 15, 20])
    #expect(cells[1].sourceLines == ["net 784-30-10", "", "sgd"])
    #expect(cells[1].firstSourceLine == 16)
    #expect(cells[1].directives.map(\.location.line) == [16, 18])
    #expect(cells.allSatisfy { !$0.hasErrors })

    // prose, lab, prose (including the python block), lab, lab
    let shape = notebook.items.map {
      if case .lab = $0 { return "lab" }
      return "prose"
    }
    #expect(shape == ["prose", "lab", "prose", "lab", "lab"])
    guard case .prose(let first) = notebook.items[0],
      case .prose(let middle) = notebook.items[2]
    else { return }
    #expect(
      first == "<h1 id=\"lecture\"><a class=\"anchor\" href=\"#lecture\""
        + " aria-label=\"Link to this section\">#</a>Lecture</h1>\n"
        + "<p>Some <em>text</em>.</p>\n")
    // Other code is shown with its language named above it.
    #expect(middle.contains(
      "<div class=\"code\"><span class=\"code-language\">python</span>"
        + "<pre><code class=\"language-python\">print(&quot;not run&quot;)"))
    #expect(!proseHTML(notebook).contains("load mnist"))
  }

  @Test("title: front matter, else first heading's plain text, else nil")
  func titles() {
    #expect(
      Notebook.parse(source: "---\ntitle: From YAML\n---\n# Heading\n", path: "a").title
        == "From YAML")
    #expect(
      Notebook.parse(source: "Intro\n\n## The *first* `net`\n\n# Second\n", path: "a").title
        == "The first net")
    #expect(Notebook.parse(source: "no heading\n", path: "a").title == nil)
  }

  @Test("lab blocks in lists and quotes are cells after their container's prose")
  func nestedBlocks() throws {
    let notebook = Notebook.parse(
      source: """
        1. Load:
           ```lab
           load mnist
           ```
        2. Train

        > ```lab
        > sgd
        > ```
        """, path: "nb.md")
    let cells = notebook.cells
    #expect(cells.count == 2)
    #expect(cells.map(\.fence) == [
      SourceLocation(file: "nb.md", line: 2, column: 4),
      SourceLocation(file: "nb.md", line: 7, column: 3),
    ])
    #expect(cells.map { $0.directives.map(\.verb) } == [["load"], ["sgd"]])
    #expect(!proseHTML(notebook).contains("load mnist"))
    #expect(proseHTML(notebook).contains("<li>Train</li>"))
  }

  @Test("safe mode: no script, no event handler, no javascript: link")
  func safeMode() {
    let notebook = Notebook.parse(
      source: """
        # Hi<script>alert(1)</script>

        <script>alert("block")</script>

        Text <img src=x onerror=alert(1)> and [x](javascript:alert(1)) and
        <a href="javascript:alert(2)">y</a> and [z](JaVaScRiPt:alert(3)).

        <iframe src="https://example.com"></iframe>
        """, path: "nb.md")
    let html = proseHTML(notebook)
    #expect(!html.lowercased().contains("<script"))
    #expect(!html.lowercased().contains("onerror"))
    #expect(!html.lowercased().contains("javascript:"))
    #expect(!html.lowercased().contains("<iframe"))
    #expect(!html.lowercased().contains("<img"))
    // Dropped with a warning each (issue 12), not replaced by a comment.
    #expect(!html.contains("<!-- raw HTML omitted -->"))
    #expect(notebook.diagnostics.filter { $0.message.contains("is dropped") }.count >= 5)
    #expect(html.contains("<a href=\"\">x</a>"))
    // Inline tags drop out of the title; the text between them stays.
    #expect(notebook.title == "Hialert(1)")
  }
}

@Suite("Front matter")
struct FrontMatterTests {
  @Test("title and seed")
  func titleAndSeed() {
    let notebook = Notebook.parse(
      source: "---\ntitle: \"Lecture 20 — MNIST\"\nseed: 2026\n---\n\n# Other\n",
      path: "nb.md")
    #expect(notebook.frontMatter == FrontMatter(title: "Lecture 20 — MNIST", seed: 2026))
    #expect(notebook.title == "Lecture 20 — MNIST")
    #expect(notebook.diagnostics == [])
    let dots = Notebook.parse(source: "---\nseed: 18446744073709551615\n...\n", path: "nb.md")
    #expect(dots.frontMatter.seed == UInt64.max)
    #expect(dots.diagnostics == [])
  }

  @Test("bad YAML is an error at its line and column")
  func badYAML() throws {
    let notebook = Notebook.parse(
      source: "---\ntitle: ok\nseed: [1, 2\n---\n", path: "nb.md")
    let error = try #require(notebook.diagnostics.first)
    #expect(error.severity == .error)
    #expect(error.message.hasPrefix("invalid YAML in the front matter"))
    #expect(error.location?.line == 4)
    let tabs = Notebook.parse(
      source: "---\ntitle: a\n\tseed: 3\n---\n", path: "nb.md")
    #expect(tabs.diagnostics.first?.location?.line == 3)
    #expect(tabs.diagnostics.first?.severity == .error)
  }

  /// Found by the notebook fuzzer: YAML breaks lines at NEL (U+0085), LS
  /// and PS, so its line numbers ran past the end of the file.
  @Test("YAML's other line breaks (NEL, LS, PS) do not shift locations")
  func yamlLineBreaks() throws {
    let nel = Notebook.parse(
      source: "---\n\"\ts!d\ndeg*r\u{85}`\n-g*r\u{85}`\n---", path: "nb.md")
    let error = try #require(nel.diagnostics.first)
    #expect(error.message.hasPrefix("invalid YAML in the front matter"))
    // The quoted scalar runs to the end of line 4 ('-g*r', NEL, '`').
    #expect(error.location == SourceLocation(file: "nb.md", line: 4, column: 7))
    for separator in ["\u{2028}", "\u{2029}"] {
      let bad = Notebook.parse(
        source: "---\ntitle: a\(separator)b\nseed: x\n---\n", path: "nb.md")
      let located = bad.diagnostics.compactMap(\.location)
      #expect(!located.isEmpty)
      #expect(located.allSatisfy { (1...5).contains($0.line) }, "\(located)")
    }
    // YAML reads 'b: c' as a key on a line of its own (its line 2) and
    // the seed on its line 3; to us they are at 2:10 and 3:7.
    let seed = Notebook.parse(
      source: "---\ntitle: a\u{2028}b: c\nseed: x\n---\n", path: "nb.md")
    #expect(
      seed.diagnostics.map(\.location) == [
        SourceLocation(file: "nb.md", line: 2, column: 10),
        SourceLocation(file: "nb.md", line: 3, column: 7),
      ], "\(seed.diagnostics)")
  }

  @Test("bad values are errors at the value")
  func badValues() {
    let notebook = Notebook.parse(
      source: "---\ntitle: [a, b]\nseed:   -3\n---\n", path: "nb.md")
    #expect(notebook.diagnostics == [
      .error(
        at: SourceLocation(file: "nb.md", line: 2, column: 8),
        "expected text for 'title', found a list or mapping",
        suggestion: "put the value in quotes"),
      .error(
        at: SourceLocation(file: "nb.md", line: 3, column: 9),
        "expected a non-negative integer below 2^64 for 'seed', found '-3'"),
    ])
    let big = Notebook.parse(source: "---\nseed: 0x10\n---\n", path: "nb.md")
    #expect(big.diagnostics.first?.message.contains("found '0x10'") == true)
    let duplicated = Notebook.parse(source: "---\nseed: 1\nseed: 2\n---\n", path: "nb.md")
    #expect(duplicated.diagnostics.first?.message == "duplicate key 'seed' in the front matter")
  }

  @Test("unknown keys are warnings with did-you-mean")
  func unknownKey() {
    let notebook = Notebook.parse(
      source: "---\ntitel: X\nauthors: me\nlayout: wide\n---\n", path: "nb.md")
    let keys = "expected one of title, subtitle, author, date, toc, seed"
    #expect(notebook.diagnostics == [
      .warning(
        at: SourceLocation(file: "nb.md", line: 2, column: 1),
        "unknown front-matter key 'titel' is ignored; \(keys)",
        suggestion: "did you mean 'title'?"),
      .warning(
        at: SourceLocation(file: "nb.md", line: 3, column: 1),
        "unknown front-matter key 'authors' is ignored; \(keys)",
        suggestion: "did you mean 'author'?"),
      .warning(
        at: SourceLocation(file: "nb.md", line: 4, column: 1),
        "unknown front-matter key 'layout' is ignored; \(keys)"),
    ])
    #expect(!notebook.hasErrors)
    #expect(notebook.frontMatterError == nil)
  }

  @Test("author, date, subtitle and toc are read")
  func headerKeys() {
    let notebook = Notebook.parse(
      source: """
        ---
        title: "Lecture 21: Overfitting"
        subtitle: L2 and early stopping
        author: Ada Lovelace
        date: 2026-12-01
        toc: true
        ---
        # One
        ## Two *em*
        ## Energy e<sup>2</sup> [in a link](https://example.org) ![a picture](x.png)
        ## The cost $C < \\frac{1}{2}$ & `sgd`
        ## Bad $\\foo$
        """, path: "nb.md")
    #expect(notebook.diagnostics.map(\.message) == [
      "image 'x.png' not found (looked for 'x.png')",
      "unsupported TeX command '\\foo'; the formula is shown as TeX",
    ])
    #expect(
      notebook.frontMatter
        == FrontMatter(
          title: "Lecture 21: Overfitting", subtitle: "L2 and early stopping",
          authors: ["Ada Lovelace"], date: "2026-12-01",
          tableOfContents: true))
    #expect(
      notebook.headings == [
        SectionHeading(level: 1, id: "one", text: "One"),
        // The contents show the heading as the page does, formulas as
        // MathML, without links and pictures (a picture's description stays).
        SectionHeading(level: 2, id: "two-em", text: "Two em", markup: "Two <em>em</em>"),
        SectionHeading(
          level: 2, id: "energy-e2-in-a-link-a-picture", text: "Energy e2 in a link a picture",
          markup: "Energy e<sup>2</sup> in a link a picture"),
        SectionHeading(
          level: 2, id: "the-cost-c--frac12--sgd", text: "The cost C < \\frac{1}{2} & sgd",
          markup: "The cost <math><mrow><mi>C</mi><mo>&lt;</mo><mfrac><mn>1</mn><mn>2</mn></mfrac></mrow></math> &amp; <code>sgd</code>"),
        SectionHeading(
          level: 2, id: "bad-foo", text: "Bad \\foo",
          markup: "Bad <code class=\"tex-error\" title=\"unsupported TeX command &#39;\\foo&#39;\">$\\foo$</code>"),
      ])
    let two = Notebook.parse(
      source: "---\nauthor:\n  - A. Turing\n  - G. Hopper\ntoc: false\n---\n",
      path: "nb.md")
    #expect(two.frontMatter.authors == ["A. Turing", "G. Hopper"])
    #expect(two.frontMatter.tableOfContents == false)
  }

  @Test("a bad toc or author is an error at the value, with the fix")
  func badHeaderValues() {
    let notebook = Notebook.parse(
      source: "---\ntoc: maybe\nauthor:\n  - [a, b]\n---\n", path: "nb.md")
    #expect(notebook.diagnostics == [
      .error(
        at: SourceLocation(file: "nb.md", line: 2, column: 6),
        "expected true or false for 'toc', found 'maybe'",
        suggestion: "write 'toc: true' for a table of contents"),
      .error(
        at: SourceLocation(file: "nb.md", line: 4, column: 5),
        "expected a name in the list of 'author', found a list or mapping",
        suggestion: "write one name per line: '- Ada Lovelace'"),
    ])
    #expect(notebook.frontMatterError == notebook.diagnostics.first)
  }

  @Test("a title with a colon: an error at the colon that says to quote it")
  func titleWithColon() throws {
    let notebook = Notebook.parse(
      source: "---\ntitle: Lecture 20: MNIST\nseed: 20\n---\n", path: "nb.md")
    let error = try #require(notebook.diagnostics.first)
    #expect(notebook.diagnostics.count == 1)
    #expect(error.severity == .error)
    #expect(error.location == SourceLocation(file: "nb.md", line: 2, column: 18))
    #expect(error.message.hasPrefix("invalid YAML in the front matter"))
    #expect(
      error.suggestion
        == "a value with a colon needs quotes: write title: \"Lecture 20: MNIST\"")
    // The settings are unknown: the notebook says so, and the seed is not
    // taken to be the default.
    #expect(notebook.frontMatterError == error)
    #expect(notebook.frontMatter.seed == nil)
    #expect(
      quotingAdvice("subtitle: a \"b\": c")
        == "a value with a colon needs quotes: write subtitle: \"a \\\"b\\\": c\"")
    #expect(quotingAdvice("title: \"a: b\"") == nil)
    #expect(quotingAdvice("title: plain") == nil)
  }

  @Test("unterminated front matter is an error at line 1")
  func unterminated() {
    let notebook = Notebook.parse(source: "---\ntitle: X\n\n# Body\n", path: "nb.md")
    #expect(notebook.diagnostics.count == 1)
    #expect(notebook.diagnostics.first?.location == SourceLocation(file: "nb.md", line: 1, column: 1))
    #expect(notebook.diagnostics.first?.severity == .error)
  }

  @Test("front matter lines stay counted: cells after it keep their lines")
  func linesAfterFrontMatter() {
    let notebook = Notebook.parse(
      source: "---\ntitle: X\nseed: 1\n---\n```lab\nsgd lr=x\n```\n", path: "nb.md")
    #expect(notebook.cells.first?.fence.line == 5)
    #expect(notebook.cells.first?.diagnostics.first?.location
      == SourceLocation(file: "nb.md", line: 6, column: 8))
    #expect(!proseHTML(notebook).contains("title"))
  }

  @Test("a '---' that is not on line 1 is not front matter")
  func notFrontMatter() {
    let notebook = Notebook.parse(source: "\n---\ntitle: X\n---\n", path: "nb.md")
    #expect(notebook.frontMatter == FrontMatter())
    #expect(notebook.diagnostics == [])
  }
}

@Suite("Overrides")
struct OverrideTests {
  private func override(_ text: String) throws -> Override {
    try Override.parse(text).get()
  }

  @Test("overrides replace or add keys in every directive with the verb")
  func apply() throws {
    let overrides = try [
      "sgd.epochs=1", "load.train=5000", "seed=7", "title=Quick",
      "load.dataset=fashion-mnist", "sgd.lr=0.1,1",
    ].map(override)
    let notebook = Notebook.parse(
      source: """
        ---
        title: Slow
        seed: 1
        ---
        ```lab
        seed 99
        load mnist
        sgd epochs=30 lr=3
        sgd batch=20
        ```
        """, path: "nb.md", overrides: overrides)
    #expect(notebook.frontMatter == FrontMatter(title: "Quick", seed: 7))
    #expect(notebook.title == "Quick")
    let cell = try #require(notebook.cells.first)
    #expect(cell.diagnostics == [])
    #expect(cell.directives.map(\.canonical) == [
      "seed 7",
      "load fashion-mnist test=10000 train=5000 validation=10000",
      "sgd batch=10 epochs=1 l1=0 l2=0 lr=0.1,1 momentum=0 monitor=validation",
      "sgd batch=20 epochs=1 l1=0 l2=0 lr=0.1,1 momentum=0 monitor=validation",
    ])
    // A replaced value keeps the written value's place.
    #expect(cell.directives[2].location(of: "epochs").column == 12)
    #expect(cell.directives[2].arguments.first { $0.key == "epochs" }?.value == "1")
  }

  @Test("an override that clashes with the notebook is reported, naming it")
  func clash() throws {
    let notebook = Notebook.parse(
      source: "```lab\nsgd lr=1,2\n```\n", path: "nb.md",
      overrides: [try override("sgd.batch=1,10")])
    let error = try #require(notebook.cells.first?.diagnostics.first)
    #expect(error.message.contains("(set by --set sgd.batch=1,10)"))
    #expect(error.location == SourceLocation(file: "nb.md", line: 2, column: 1))
  }

  @Test(
    "bad overrides name the valid choices",
    arguments: [
      ("sgdd.lr=3", "unknown directive 'sgdd'; expected one of seed, load, net, sgd, evaluate, playground, show, save, restore, expect",
       "did you mean 'sgd'?"),
      ("sgd.lrate=3", "unknown key 'lrate' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
       "did you mean 'sgd.lr'?"),
      ("sgd.epochs=many", "expected an integer from 1 to 10000 for 'sgd.epochs', found 'many'", nil),
      ("evaluate.on=train", "expected one of test, validation for 'evaluate.on', found 'train'", nil),
      ("epochs=3", "unknown setting 'epochs'; expected verb.key=value (e.g. sgd.epochs=1)"
         + " or a front-matter key: seed, title", "did you mean 'sgd.epochs=3'?"),
      ("seed=-1", "expected a non-negative integer below 2^64 for 'seed', found '-1'", nil),
      ("sgd.epochs", "expected verb.key=value (e.g. sgd.epochs=1) or seed=N", nil),
      ("sgd.epochs=", "expected a value after '='", nil),
      ("evaluate.on=test,validation", "expected a single value for 'evaluate.on', found a list", nil),
      ("net.sizes=784", "a network needs at least one layer after its input",
       "add the output layer, for example '10'"),
    ] as [(String, String, String?)])
  func badOverride(text: String, message: String, suggestion: String?) {
    switch Override.parse(text) {
    case .success(let value):
      Issue.record("accepted \(value)")
    case .failure(let diagnostic):
      #expect(diagnostic.message == "invalid override '\(text)': \(message)")
      #expect(diagnostic.suggestion == suggestion)
      #expect(diagnostic.location == nil)
    }
  }

  @Test("an override whose verb the notebook never uses is a warning")
  func unused() throws {
    let notebook = Notebook.parse(
      source: "```lab\nsgd\n# evaluate\n```\n", path: "nb.md",
      overrides: [try override("evaluate.on=validation"), try override("sgd.lr=1")])
    #expect(notebook.diagnostics == [
      .warning(
        at: nil,
        "override 'evaluate.on=validation' changes nothing: the notebook has no"
          + " 'evaluate' directive")
    ])
  }

  @Test("good overrides parse")
  func goodOverrides() throws {
    #expect(try override("sgd.epochs=1")
      == Override(verb: "sgd", key: "epochs", value: "1", text: "sgd.epochs=1"))
    #expect(try override("title=A = B").value == "A = B")
    #expect(try override("net.sizes=784-100-10").key == "sizes")
  }
}

@Suite("Front matter limits")
struct FrontMatterLimitTests {
  @Test(
    "deeply nested front matter is refused, not a stack overflow",
    arguments: [
      String(repeating: "[", count: 100_000),
      "title: " + String(repeating: "{a: ", count: 50_000),
      String(repeating: "- ", count: 50_000) + "x",
      (0..<300).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n"),
    ])
  func deep(yaml: String) {
    let notebook = Notebook.parse(source: "---\n\(yaml)\n---\n# T\n", path: "nb.md")
    #expect(notebook.diagnostics.count == 1)
    #expect(notebook.diagnostics.first?.message.contains("nests too deeply") == true)
    #expect(notebook.title == "T")
  }

  @Test("ordinary front matter with brackets and dashes is fine")
  func ordinary() {
    let notebook = Notebook.parse(
      source: "---\ntitle: \"[draft] A - B: {C}\"\nseed: 1\ntags: [a, b]\n---\n",
      path: "nb.md")
    #expect(notebook.frontMatter == FrontMatter(title: "[draft] A - B: {C}", seed: 1))
    #expect(notebook.diagnostics.map(\.severity) == [.warning])
  }
}

@Suite("The project's notebooks")
struct ProjectNotebookTests {
  @Test("lecture20.md parses cleanly, with its title, seed and cells")
  func lecture20() throws {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = root.appendingPathComponent("notebooks/lecture20.md").path
    let notebook = try Notebook.load(path: path)
    #expect(notebook.allDiagnostics == [])
    #expect(notebook.frontMatter.seed == 20)
    #expect(notebook.title?.hasPrefix("Lecture 20") == true)
    #expect(notebook.cells.count >= 5)
    let verbs = Set(notebook.cells.flatMap { $0.directives.map(\.verb) })
    #expect(verbs.isSuperset(of: ["load", "net", "sgd", "evaluate"]))
    // The three flavours of gradient descent, as a table.
    let html = proseHTML(notebook)
    #expect(html.contains("<th class=\"left\">flavour</th><th class=\"right\">images per step</th>"))
    #expect(html.contains("<td class=\"left\">stochastic (SGD)</td><td class=\"right\">1</td>"))
  }

  /// Runs `body` in the repository's root folder, where notebooks are
  /// named as a user names them.
  private func inRepository<T>(_ body: () throws -> T) throws -> T {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let previous = FileManager.default.currentDirectoryPath
    #expect(FileManager.default.changeCurrentDirectoryPath(root.path))
    defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
    return try body()
  }

  /// What the browser tests check on the pages they open, here for every
  /// notebook the project ships, lectures whose training takes too long
  /// for them included: an instructor's notebook gives no warning, and its
  /// prose neither runs nor loads anything.
  @Test("every shipped notebook: no warning; prose with no script and no request")
  func shippedNotebooks() throws {
    try inRepository { try checkShippedNotebooks() }
  }

  private func checkShippedNotebooks() throws {
    // The lectures, and the long runs kept out of `labrun`'s default folder.
    let names = try ["notebooks", "notebooks/long"].flatMap { folder in
      try FileManager.default.contentsOfDirectory(atPath: folder)
        .filter { $0.hasSuffix(".md") }.sorted().map { folder + "/" + $0 }
    }
    #expect(names.count >= 5 && names.contains("notebooks/lecture20.md"))
    #expect(names.contains("notebooks/long/lecture22-more.md"))
    let handler = try Regex("<[^>]*\\son[a-z]+\\s*=")
    for name in names {
      let notebook = try Notebook.load(path: name)
      #expect(notebook.allDiagnostics == [], "\(name)")
      let html = proseHTML(notebook)
      for needle in ["<script", "<link", "<iframe", "<object", "<embed", "srcset", "url(", "@import"] {
        #expect(!html.contains(needle), "\(name): \(needle)")
      }
      #expect(!html.contains(handler), "\(name): an event handler")
      // Every source is the page's own bytes.
      let sources = html.components(separatedBy: " src=\"").dropFirst()
      #expect(sources.allSatisfy { $0.hasPrefix("data:") }, "\(name): a source outside the page")
    }
  }

  /// The showcase of the prose a notebook may use: its HTML is compared
  /// with Golden/markdown.html (RECORD_SNAPSHOTS=1 re-records; review the
  /// diff).
  @Test("markdown.md shows every Markdown feature, without a warning")
  func markdownShowcase() throws {
    // Relative to the repository, as a user would name it.
    let notebook = try inRepository { try Notebook.load(path: "notebooks/markdown.md") }
    #expect(notebook.allDiagnostics == [])
    #expect(notebook.frontMatter.tableOfContents)
    let html = proseHTML(notebook)
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Golden/markdown.html")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try html.write(to: golden, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: golden, encoding: .utf8)
    #expect(html == expected, "prose differs from Golden/markdown.html")
    for feature in [
      "<table>", "<del>", "type=\"checkbox\"", "class=\"footnotes\"",
      "<img src=\"data:image/svg+xml;base64,", "<math", "<details>",
      "<a href=\"https://yann.lecun.com/exdb/mnist/\">",
    ] {
      #expect(html.contains(feature), "\(feature)")
    }
  }
}
