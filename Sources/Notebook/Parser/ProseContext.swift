import HTMLText
import TeXMath

// MARK: - What the prose needs from the notebook

/// What the Markdown converter asks while it builds the prose: the markup
/// of each formula, with the warnings that come with it, placed in the
/// notebook. One per parse; used from one thread.
final class ProseContext {
  let path: String
  /// The notebook as written (placeholders are in `math.bytes` only).
  let text: SourceText
  let math: MathScan
  private(set) var diagnostics: [Diagnostic] = []
  private var formulas: [Int: String] = [:]

  /// At most this many problems of one formula are reported: the first
  /// usually explains the rest.
  static let problemsPerFormula = 3

  init(path: String, text: SourceText, math: MathScan) {
    self.path = path
    self.text = text
    self.math = math
  }

  // MARK: Math

  /// The markup of the prose's formula `number`: MathML, or its TeX
  /// marked as not converted.
  func formula(_ number: Int) -> String {
    if let markup = formulas[number] { return markup }
    let span = math.spans[number]
    let startColumn = text.column(line: span.line, byteColumn: span.byteColumn)
    let markup = render(
      span.tex, display: span.display, block: false, source: span.source
    ) { offset in
      // Walk the TeX to the offset: it is the notebook's text, line breaks
      // included.
      var (line, column) = (span.line, startColumn)
      for scalar in span.tex.unicodeScalars.prefix(offset) {
        if scalar == "\n" {
          (line, column) = (line + 1, 1)
        } else {
          column += 1
        }
      }
      return SourceLocation(file: path, line: line, column: column)
    }
    formulas[number] = markup
    return markup
  }

  /// The markup of a ```` ```math ```` block.
  func mathBlock(_ block: CodeBlock) -> String {
    let lines = block.lines
    let firstLine = block.startLine + 1
    let tex = lines.joined(separator: "\n")
    let source = "```\(block.info)\n\(tex)\n```"
    let markup = render(tex, display: true, block: true, source: source) {
      offset in
      var remaining = offset
      for (index, line) in lines.enumerated() {
        let count = line.unicodeScalars.count
        if remaining <= count || index == lines.count - 1 {
          // The literal lacks a container's prefix (`> `): count columns
          // from the end of the source line, as lab cells do.
          let number = firstLine + index
          let base = max(0, text.scalarCount(line: number) - count)
          return SourceLocation(
            file: path, line: number, column: base + min(remaining, count) + 1)
        }
        remaining -= count + 1
      }
      return SourceLocation(file: path, line: block.startLine, column: 1)
    }
    return markup.hasSuffix("\n") ? markup : markup + "\n"
  }

  private func render(
    _ tex: String, display: Bool, block: Bool, source: String,
    locate: (Int) -> SourceLocation
  ) -> String {
    let conversion = TeXMath.convert(tex, display: display)
    if let mathML = conversion.mathML { return mathML }
    for problem in conversion.problems.prefix(ProseContext.problemsPerFormula) {
      let suggestion =
        problem.suggestion
        ?? problem.unknownCommand.flatMap {
          closestMatch(to: $0, among: TeXMath.commandNames)
        }.map { "did you mean '\\\($0)'?" }
      diagnostics.append(
        .warning(
          at: locate(problem.offset),
          "\(problem.message); the formula is shown as TeX",
          suggestion: suggestion))
    }
    let title = conversion.problems.first.map { " title=\"\($0.message.htmlEscaped)\"" } ?? ""
    if block {
      return "<pre class=\"tex-error\"\(title)><code>\(source.htmlEscaped)</code></pre>\n"
    }
    let classes = display ? "tex-error tex-display" : "tex-error"
    return "<code class=\"\(classes)\"\(title)>\(source.htmlEscaped)</code>"
  }
}
