import Foundation
import Testing

@testable import TeXMath

/// The MathML of a formula, without the `<math>` wrapper.
private func body(_ tex: String, display: Bool = false) -> String? {
  guard var markup = TeXMath.convert(tex, display: display).mathML else {
    return nil
  }
  let open = display ? "<math display=\"block\">" : "<math>"
  #expect(markup.hasPrefix(open) && markup.hasSuffix("</math>"))
  markup.removeFirst(open.count)
  markup.removeLast("</math>".count)
  return markup
}

private func problems(_ tex: String) -> [TeXProblem] {
  let conversion = TeXMath.convert(tex, display: true)
  #expect(conversion.mathML == nil)
  return conversion.problems
}

@Suite("TeX to MathML: what lecture notes write")
struct ConversionTests {
  @Test("the sigmoid: fraction, exponent, minus sign as U+2212")
  func sigmoid() {
    #expect(
      body("\\sigma(z) = \\frac{1}{1+e^{-z}}")
        == "<mrow><mi>σ</mi><mo stretchy=\"false\">(</mo><mi>z</mi>"
        + "<mo stretchy=\"false\">)</mo><mo>=</mo><mfrac><mn>1</mn><mrow>"
        + "<mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>z</mi>"
        + "</mrow></msup></mrow></mfrac></mrow>")
  }

  @Test("scripts: sub and sup in either order make one msubsup")
  func scripts() {
    let expected =
      "<msubsup><mi>w</mi><mrow><mi>j</mi><mi>k</mi></mrow><mi>l</mi></msubsup>"
    #expect(body("w^l_{jk}") == expected)
    #expect(body("w_{jk}^l") == expected)
    #expect(body("f'") == "<msup><mi>f</mi><mo>′</mo></msup>")
    #expect(body("10^{-2}") == "<msup><mn>10</mn><mrow><mo>−</mo><mn>2</mn></mrow></msup>")
  }

  @Test("numbers are one mn, spaces in math ignored; an argument is one digit")
  func numbers() {
    #expect(body("3.14") == "<mn>3.14</mn>")
    #expect(body("0.5 x") == "<mrow><mn>0.5</mn><mi>x</mi></mrow>")
    #expect(body("\\frac12") == "<mfrac><mn>1</mn><mn>2</mn></mfrac>")
    #expect(body("x^23") == "<mrow><msup><mi>x</mi><mn>2</mn></msup><mn>3</mn></mrow>")
  }

  @Test("sum and max take limits above and below in display only")
  func limits() {
    #expect(
      body("\\sum_{i=1}^n", display: true)
        == "<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow>"
        + "<mi>n</mi></munderover>")
    #expect(
      body("\\sum_{i=1}^n")
        == "<msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow>"
        + "<mi>n</mi></msubsup>")
    #expect(
      body("\\max_j", display: true)
        == "<munder><mrow><mi>max</mi><mo>\u{2061}</mo></mrow><mi>j</mi></munder>")
    #expect(
      body("\\int_0^1", display: true)
        == "<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup>")
    #expect(
      body("\\int\\limits_0^1", display: true)
        == "<munderover><mo>∫</mo><mn>0</mn><mn>1</mn></munderover>")
    #expect(
      body("\\sum\\nolimits_i", display: true)
        == "<msub><mo>∑</mo><mi>i</mi></msub>")
  }

  @Test("norms, fences and roots")
  func fences() {
    #expect(
      body("\\|y-a\\|^2")
        == "<mrow><mi mathvariant=\"normal\">∥</mi><mi>y</mi><mo>−</mo><mi>a</mi>"
        + "<msup><mi mathvariant=\"normal\">∥</mi><mn>2</mn></msup></mrow>")
    #expect(
      body("\\left( \\frac{a}{b} \\right.")
        == "<mrow><mo fence=\"true\">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac></mrow>")
    #expect(
      body("\\left\\| x \\right\\|")
        == "<mrow><mo fence=\"true\">∥</mo><mi>x</mi><mo fence=\"true\">∥</mo></mrow>")
    #expect(body("\\sqrt{x}") == "<msqrt><mi>x</mi></msqrt>")
    #expect(body("\\sqrt[3]{x}") == "<mroot><mi>x</mi><mn>3</mn></mroot>")
  }

  @Test("fonts as mathematical alphanumerics; \\mathrm upright; old \\rm")
  func fonts() {
    #expect(body("\\mathbf{W}") == "<mi>𝐖</mi>")
    #expect(body("\\mathbb{R}^n") == "<msup><mi>ℝ</mi><mi>n</mi></msup>")
    #expect(body("\\mathcal{L}") == "<mi>ℒ</mi>")
    #expect(body("\\boldsymbol{\\delta}") == "<mi>𝜹</mi>")
    #expect(body("\\mathbf{1}") == "<mn>𝟏</mn>")
    #expect(body("\\mathrm{d}x") == "<mrow><mi mathvariant=\"normal\">d</mi><mi>x</mi></mrow>")
    #expect(
      body("a_{\\rm in}")
        == "<msub><mi>a</mi><mrow><mi mathvariant=\"normal\">i</mi>"
        + "<mi mathvariant=\"normal\">n</mi></mrow></msub>")
    #expect(
      body("\\operatorname{softmax}(z)")
        == "<mrow><mrow><mi mathvariant=\"normal\">softmax</mi><mo>\u{2061}</mo></mrow>"
        + "<mo stretchy=\"false\">(</mo><mi>z</mi><mo stretchy=\"false\">)</mo></mrow>")
  }

  @Test("text keeps its spaces and escapes; accents are mover accent")
  func textAndAccents() {
    #expect(body("\\text{if } x") == "<mrow><mtext>if </mtext><mi>x</mi></mrow>")
    #expect(body("\\text{100\\% sure}") == "<mtext>100% sure</mtext>")
    #expect(
      body("\\hat{y}")
        == "<mover accent=\"true\"><mi>y</mi><mo stretchy=\"false\">^</mo></mover>")
    #expect(
      body("\\overline{ab}")
        == "<mover accent=\"true\"><mrow><mi>a</mi><mi>b</mi></mrow>"
        + "<mo stretchy=\"true\">‾</mo></mover>")
    #expect(body("a\\,b") == "<mrow><mi>a</mi><mspace width=\"0.1667em\"></mspace><mi>b</mi></mrow>")
  }

  @Test("matrices, cases and aligned are tables; aligned cells display style")
  func environments() {
    #expect(
      body("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}")
        == "<mrow><mo fence=\"true\">(</mo><mtable><mtr>"
        + "<mtd><mstyle displaystyle=\"false\" scriptlevel=\"0\"><mn>1</mn></mstyle></mtd>"
        + "<mtd><mstyle displaystyle=\"false\" scriptlevel=\"0\"><mn>2</mn></mstyle></mtd>"
        + "</mtr><mtr>"
        + "<mtd><mstyle displaystyle=\"false\" scriptlevel=\"0\"><mn>3</mn></mstyle></mtd>"
        + "<mtd><mstyle displaystyle=\"false\" scriptlevel=\"0\"><mn>4</mn></mstyle></mtd>"
        + "</mtr></mtable><mo fence=\"true\">)</mo></mrow>")
    #expect(
      body("\\begin{aligned} a &= b \\\\ \\end{aligned}")
        == "<mtable><mtr>"
        + "<mtd columnalign=\"right\"><mstyle displaystyle=\"true\" scriptlevel=\"0\"><mi>a</mi></mstyle></mtd>"
        + "<mtd columnalign=\"left\"><mstyle displaystyle=\"true\" scriptlevel=\"0\"><mrow><mrow></mrow>"
        + "<mo>=</mo><mi>b</mi></mrow></mstyle></mtd></mtr></mtable>")
    let cases = body("\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}")
    #expect(cases?.hasPrefix("<mrow><mo fence=\"true\">{</mo><mtable><mtr><mtd columnalign=\"left\">") == true)
    #expect(cases?.contains("<mo>&gt;</mo>") == true)
  }
}

@Suite("TeX to MathML: problems at their token, nothing injected")
struct ProblemTests {
  @Test("an unknown command: its offset, its name for suggestions")
  func unknownCommand() {
    #expect(
      problems("a + \\fraq{1}{2}") == [
        TeXProblem(
          offset: 4, message: "unsupported TeX command '\\fraq'",
          unknownCommand: "fraq")
      ])
    let argmax = problems("\\argmax_x f")
    #expect(argmax.map(\.offset) == [0])
    #expect(argmax.first?.suggestion == "write \\arg\\max_{x} or \\operatorname*{argmax}_{x}")
  }

  @Test("unbalanced braces: the '{' never closed, the '}' never opened")
  func braces() {
    #expect(
      problems("\\frac{1}{2") == [
        TeXProblem(
          offset: 8, message: "unbalanced '{': it is never closed",
          suggestion: "add a '}' where the group ends")
      ])
    #expect(
      problems("a}b") == [
        TeXProblem(
          offset: 1, message: "unbalanced '}': no '{' opens it",
          suggestion: "remove it, or add a '{' before it")
      ])
  }

  @Test("left without right, environments unended or mismatched, stray &")
  func structure() {
    #expect(problems("\\left( x").map(\.offset) == [0])
    #expect(problems("\\left( x").first?.message == "'\\left' without a '\\right'")
    #expect(problems("x \\right)").map(\.offset) == [2])
    #expect(problems("\\begin{pmatrix} 1").first?.message == "'\\begin{pmatrix}' is never ended")
    let mismatch = problems("\\begin{pmatrix} 1 \\end{bmatrix}")
    #expect(mismatch.map(\.offset) == [18])
    #expect(mismatch.first?.suggestion == "write \\end{pmatrix}")
    #expect(problems("\\begin{foo} x \\end{foo}").first?.message == "unsupported environment 'foo'")
    #expect(problems("a & b").map(\.offset) == [2])
    #expect(problems("a \\\\ b").first?.suggestion == "put the lines in \\begin{aligned} … \\end{aligned}")
    #expect(problems("x^").first?.message == "'^' is missing a superscript")
    #expect(problems("x^a^b").map(\.offset) == [3])
    #expect(problems("\\frac{a}").first?.message == "'\\frac' is missing an argument")
  }

  @Test("offsets count Unicode scalars, not bytes")
  func scalarOffsets() {
    #expect(problems("α + β + \\nope").map(\.offset) == [8])
  }

  @Test("nothing in a formula becomes markup")
  func noInjection() throws {
    for tex in [
      "\\text{<script>alert(1)</script>}", "<img src=x onerror=alert(1)>",
      "\\operatorname{<b>}", "a < b > c & d", "\\text{\"'&}",
    ] {
      let markup = TeXMath.convert(tex, display: false).mathML ?? ""
      #expect(!markup.contains("<script"))
      #expect(!markup.contains("<img"))
      #expect(!markup.contains("<b>"))
      let leaves = markup.replacingOccurrences(
        of: "<[/]?(math|mrow|mi|mo|mn|mtext|mspace)( [a-z]+=\"[^\"]*\")*>",
        with: "", options: .regularExpression)
      #expect(!leaves.contains("<") && !leaves.contains(">"), "\(markup)")
    }
  }

  @Test("deep nesting is refused, not a stack overflow")
  func deepNesting() {
    let deep = String(repeating: "{", count: 100_000) + "x"
      + String(repeating: "}", count: 100_000)
    let found = problems(deep)
    #expect(found.count == 1)
    #expect(found.first?.message == "the formula nests more than 40 levels deep")
    #expect(problems(String(repeating: "\\sqrt{", count: 5000)).count == 1)
  }

  /// Growth, not a wall-clock limit (the machines are shared): 16 times
  /// the text may take about 16 times as long, far from the 256 times a
  /// quadratic step would. The best of three runs of each size is compared.
  @Test("time is linear: 16 times the formula, not 256 times the time")
  func linearTime() {
    let unit = "x_{i}^{2} + \\frac{a}{b} - "
    let junkUnit = "}&\\\\\\right)\\end{x}^_"
    let clock = ContinuousClock()
    func best(_ text: String) -> Double {
      (0..<3).map { _ in
        let elapsed = clock.measure { _ = TeXMath.convert(text, display: true) }
        return Double(elapsed.components.attoseconds) / 1e18
          + Double(elapsed.components.seconds)
      }.min()!
    }
    // A megabyte formula converts; a stream of mistakes is reported as
    // fast as a formula is converted.
    #expect(
      TeXMath.convert(String(repeating: unit, count: 40_000) + "1", display: true)
        .mathML != nil)
    for (unit, repeats) in [(unit, 2_500), (junkUnit, 1_250)] {
      let small = String(repeating: unit, count: repeats) + "1"
      let large = String(repeating: unit, count: repeats * 16) + "1"
      let ratio = best(large) / max(best(small), 1e-6)
      #expect(ratio < 64, "16× the text took \(ratio)× the time")
    }
  }

}
