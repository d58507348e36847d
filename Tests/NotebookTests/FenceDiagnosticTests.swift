import Testing

@testable import Notebook

@Suite("Fences: a mistyped closing fence, indented code")
struct FenceDiagnosticTests {
  /// Lines 5 to 9: a block whose closing fence has two backticks, then
  /// prose the block swallowed.
  static let twoBackticks = """
    # Lab

    Some prose.

    ```lab
    load mnist train=100 validation=0 test=100
    net 784-30-10
    sgd lr=3 batch=10 epochs=1
    ``

    The next paragraph, which is not a directive.
    Nor is this line.
    """

  @Test("a closer with two backticks is one error naming both lines")
  func twoBackticks() throws {
    let notebook = Notebook.parse(source: Self.twoBackticks, path: "nb.md")
    let all = notebook.allDiagnostics
    #expect(all.count == 1, "\(all.map(\.description))")
    let diagnostic = try #require(all.first)
    #expect(diagnostic.severity == .error)
    #expect(
      diagnostic.message
        == "the block opened at line 5 is not closed (line 9 has two backticks)")
    #expect(diagnostic.location == SourceLocation(file: "nb.md", line: 9, column: 1))
    #expect(diagnostic.length == 2)
    #expect(diagnostic.suggestion?.hasPrefix("close it with ```") == true)
    #expect(notebook.hasErrors)
    // The directives before the bad fence are still read.
    #expect(notebook.cells.first?.directives.map(\.verb) == ["load", "net", "sgd"])
  }

  @Test(
    "tildes for backticks, a short four-backtick closer, an indented closer",
    arguments: [
      ("```lab\nsgd\n~~~\nprose\n", 3, 1, "three tildes"),
      ("````lab\nsgd\n```\nprose\n", 3, 1, "three backticks"),
      ("```lab\nsgd\n  ``\nprose\n", 3, 3, "two backticks"),
      ("> ```lab\n> sgd\n> ``\n> prose\n", 3, 3, "two backticks"),
    ])
  func otherMistypedClosers(
    source: String, line: Int, column: Int, description: String
  ) {
    let notebook = Notebook.parse(source: source, path: "nb.md")
    #expect(
      notebook.allDiagnostics.map(\.description) == [
        "nb.md:\(line):\(column): error: the block opened at line 1 is not"
          + " closed (line \(line) has \(description)); close it with "
          + (source.hasPrefix("````") ? "````" : "```")
          + ", as many backticks as the opening fence has"
      ])
  }

  @Test("a block never closed at all keeps its own error")
  func neverClosed() {
    let notebook = Notebook.parse(source: "```lab\nsgd\n\nprose\n", path: "nb.md")
    #expect(notebook.diagnostics.count == 1)
    #expect(notebook.diagnostics.first?.message.hasPrefix("unclosed lab block") == true)
  }

  @Test(
    "an indented code block is not an unclosed fence",
    arguments: [
      "# T\n\n    ```\n    code\n\nafter\n",
      "# T\n\n    ```python\n    x = 1\n\n\n    y = 2\n\nafter\n",
      "# T\n\n    ```\n    a\n    ```\n\nafter\n",
      "Text\n\n    ~~~\n    code\n    \n    more\n\n\n",
      "    ```lab\n    sgd\n",
    ])
  func indentedCode(source: String) {
    let notebook = Notebook.parse(source: source, path: "nb.md")
    #expect(notebook.allDiagnostics.isEmpty, "\(notebook.allDiagnostics)")
  }

  @Test("a fenced block that is really unclosed still warns")
  func unclosedFenceStillWarns() {
    let notebook = Notebook.parse(source: "# T\n\n```\ncode\n\nafter\n", path: "nb.md")
    #expect(notebook.diagnostics.map(\.location?.line) == [3])
    #expect(notebook.diagnostics.map(\.severity) == [.warning])
  }
}

@Suite("Printing a diagnostic")
struct DiagnosticPrinterTests {
  @Test("location, the source line, carets under the span, the hint")
  func rendered() {
    let diagnostic = Diagnostic.error(
      at: SourceLocation(file: "nb.md", line: 12, column: 22),
      "unknown value 'sigmod'", suggestion: "did you mean 'sigmoid'?",
      length: 6)
    #expect(
      diagnostic.rendered(sourceLine: "net 784-30-10 hidden=sigmod")
        == """
        nb.md:12:22: error: unknown value 'sigmod'
           |
        12 | net 784-30-10 hidden=sigmod
           |                      ^^^^^^
           = help: did you mean 'sigmoid'?
        """)
  }

  @Test("tabs stay tabs before the caret; one caret without a span")
  func tabs() {
    let diagnostic = Diagnostic.warning(
      at: SourceLocation(file: "nb.md", line: 3, column: 3), "odd")
    #expect(
      diagnostic.rendered(sourceLine: "\tx y\r")
        == "nb.md:3:3: warning: odd\n  |\n3 | \tx y\n  | \t ^")
  }

  @Test("without a line: the header and the hint; colour only when asked")
  func noLine() {
    let diagnostic = Diagnostic.error(at: nil, "bad flag", suggestion: "try this")
    #expect(diagnostic.rendered(sourceLine: nil) == "error: bad flag\n = help: try this")
    #expect(!diagnostic.rendered(sourceLine: nil).contains("\u{1B}"))
    #expect(diagnostic.rendered(sourceLine: nil, colour: true).contains("\u{1B}[1;31merror:"))
  }

  @Test("a span running past the line's end stops at it")
  func clippedSpan() {
    let diagnostic = Diagnostic.error(
      at: SourceLocation(file: "nb.md", line: 1, column: 2), "x", length: 40)
    #expect(diagnostic.rendered(sourceLine: "abc").hasSuffix("|  ^^"))
  }
}

@Suite("Printing a long line")
struct LongLinePrinterTests {
  @Test("a line of a million characters is shown around the column, caret aligned")
  func longLine() {
    let line = String(repeating: "a", count: 500) + "XYZ" + String(repeating: "b", count: 1_000_000)
    let diagnostic = Diagnostic.error(
      at: SourceLocation(file: "nb.md", line: 1, column: 501), "here", length: 3)
    let lines = diagnostic.rendered(sourceLine: line).split(separator: "\n")
    #expect(lines.allSatisfy { $0.count < 200 })
    let shown = String(lines[2]), carets = String(lines[3])
    let caretColumn = carets.distance(from: carets.startIndex, to: carets.firstIndex(of: "^")!)
    let xColumn = shown.distance(from: shown.startIndex, to: shown.firstIndex(of: "X")!)
    #expect(caretColumn == xColumn)
    #expect(carets.hasSuffix("^^^"))
    #expect(shown.hasPrefix("1 | …") && shown.hasSuffix("b…"))
  }
}
