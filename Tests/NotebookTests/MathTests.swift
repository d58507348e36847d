import Testing

import LabrunCore
@testable import Notebook

@Suite("Math in the prose: $…$, $$…$$ and ```math")
struct MathTests {
  @Test("the TeX reaches the converter as written: Markdown escapes untouched")
  func texAsWritten() {
    let notebook = Notebook.parse(
      source: "The derivative $\\sigma(z)\\,(1-\\sigma(z))$ and $\\|y-a\\|^2$.\n",
      path: "nb.md")
    #expect(notebook.diagnostics == [])
    let html = proseHTML(notebook)
    // `\,` is a thin space, `\|` a norm: had cmark seen them, `\,` would be
    // a comma and `\|` a bar.
    #expect(html.contains("<mspace width=\"0.1667em\"></mspace>"))
    #expect(html.contains("<mi mathvariant=\"normal\">∥</mi>"))
    #expect(!html.contains("$"))
    #expect(html.hasPrefix("<p>The derivative <math><mrow><mi>σ</mi>"))
  }

  @Test("emphasis characters inside a formula stay TeX")
  func emphasisInside() {
    let notebook = Notebook.parse(
      source: "*Here* $a_1 * b_2 * c$ and $x_i$ *there*\n", path: "nb.md")
    let html = proseHTML(notebook)
    #expect(html.contains("<em>Here</em>"))
    #expect(html.contains("<em>there</em>"))
    #expect(html.contains("<mo>∗</mo>"))
    #expect(html.contains("<msub><mi>x</mi><mi>i</mi></msub>"))
  }

  @Test("pandoc's rules: spaces inside, digits after, escaped dollars")
  func dollarRules() {
    let html = proseHTML(
      Notebook.parse(
        source: "It costs $5 and $ 10 $ or \\$3, and $x$5 stays text.\n",
        path: "nb.md"))
    #expect(!html.contains("<math"))
    #expect(html.contains("It costs $5 and $ 10 $ or $3, and $x$5 stays text."))
    let display = proseHTML(Notebook.parse(source: "$$ x^2 $$\n", path: "nb.md"))
    #expect(display == "<p><math display=\"block\"><msup><mi>x</mi><mn>2</mn></msup></math></p>\n")
  }

  @Test("never inside code spans, code blocks or HTML")
  func notInCode() {
    let notebook = Notebook.parse(
      source: """
        Cost `$x$` is code, ``a $b$ ` c`` too.

        ```python
        price = "$x$"
        ```

            $indented$ code

        <https://example.com/$a$>
        """, path: "nb.md")
    let html = proseHTML(notebook)
    #expect(!html.contains("<math"))
    #expect(html.contains("<code>$x$</code>"))
    #expect(html.contains("price = &quot;$x$&quot;"))
    #expect(html.contains("$indented$ code"))
    #expect(html.contains("href=\"https://example.com/$a$\""))
  }

  @Test("a display formula over several lines keeps every later line's number")
  func multiLineDisplay() {
    let (notebook, marked) = parseMarked(
      """
      Text
      $$
      \\begin{aligned} a &= b \\\\
      c &= d \\end{aligned}
      $$

      ```lab
      1️⃣lood mnist
      ```
      """)
    let html = proseHTML(notebook)
    #expect(html.contains("<math display=\"block\"><mtable>"))
    let cell = notebook.cells[0]
    #expect(cell.fence.line == 7)
    #expect(cell.diagnostics.first?.location == marked.location(1))
  }

  @Test("an unsupported command: a warning at its token, the TeX shown marked")
  func unsupportedCommand() {
    let (notebook, marked) = parseMarked(
      "Before.\n\nThe rule $w \\to w - \\eta 1️⃣\\partail C$ here.\n")
    #expect(
      notebook.diagnostics == [
        .warning(
          at: marked.location(1),
          "unsupported TeX command '\\partail'; the formula is shown as TeX",
          suggestion: "did you mean '\\partial'?")
      ])
    #expect(
      proseHTML(notebook).contains(
        "<code class=\"tex-error\" title=\"unsupported TeX command &#39;\\partail&#39;\">"
          + "$w \\to w - \\eta \\partail C$</code>"))
  }

  @Test("positions on later lines of a formula, inside a quote and in ```math")
  func positions() {
    let (notebook, marked) = parseMarked(
      """
      > A quote: $$a +
      > 1️⃣}$$

      ```math
      \\frac{1}{2} + 2️⃣\\nope
      ```

      - item ```math fences are not blocks here``` and $x3️⃣^$.
      """)
    #expect(notebook.diagnostics.map(\.location) == [
      marked.location(1), marked.location(2), marked.location(3),
    ])
    #expect(notebook.diagnostics.map(\.message) == [
      "unbalanced '}': no '{' opens it; the formula is shown as TeX",
      "unsupported TeX command '\\nope'; the formula is shown as TeX",
      "'^' is missing a superscript; the formula is shown as TeX",
    ])
    #expect(proseHTML(notebook).contains("<pre class=\"tex-error\""))
  }

  @Test("a math block is display math, not code")
  func mathBlock() {
    let html = proseHTML(
      Notebook.parse(source: "```math\nC = \\frac{1}{2n}\n```\n", path: "nb.md"))
    #expect(
      html == "<math display=\"block\"><mrow><mi>C</mi><mo>=</mo><mfrac><mn>1</mn>"
        + "<mrow><mn>2</mn><mi>n</mi></mrow></mfrac></mrow></math>\n")
  }

  @Test("formulas in headings, links and image descriptions")
  func placesOfFormulas() {
    let notebook = Notebook.parse(
      source: """
        # The $\\sigma$ function

        [see $x$](https://example.com/$y$) ![a $\\beta$ plot](b.png)
        """, path: "nb.md")
    #expect(notebook.title == "The \\sigma function")
    let html = proseHTML(notebook)
    #expect(html.contains(">#</a>The <math><mi>σ</mi></math> function</h1>"))
    #expect(html.hasPrefix("<h1 id=\"the-sigma-function\">"))
    #expect(html.contains("<a href=\"https://example.com/$y$\">see <math><mi>x</mi></math></a>"))
    // b.png is not there: its placeholder carries the description.
    #expect(html.contains("aria-label=\"a $\\beta$ plot\">[image: a $\\beta$ plot"))
  }

  @Test("the placeholders' own characters in a notebook are not formulas")
  func privateUseCharacters() {
    let notebook = Notebook.parse(
      source: "A \u{E000}0\u{E001} and $x$.\n", path: "nb.md")
    let html = proseHTML(notebook)
    #expect(html.components(separatedBy: "<math>").count == 2)
    #expect(html.contains("\u{FFFD}0\u{FFFD}"))
  }

  @Test("nothing in a formula becomes markup, converted or not")
  func noInjection() {
    let html = proseHTML(
      Notebook.parse(
        source: "$\\text{<script>alert(1)</script>}$ and $<img src=x onerror=alert(1)> \\bad$\n",
        path: "nb.md"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;script&gt;"))
  }
}
