import HTMLText

// MARK: - The tree as MathML Core markup

/// Writes a `MathNode` as MathML Core. Text goes through `htmlEscaped`;
/// element and attribute names come only from this file.
struct MathMLWriter {
  private(set) var output = ""

  mutating func write(_ node: MathNode) {
    switch node {
    case .identifier(let text, let normal):
      leaf("mi", text, normal ? " mathvariant=\"normal\"" : "")
    case .number(let text):
      leaf("mn", text)
    case .operator(let text, let attributes):
      leaf("mo", text, attributes.map { " \($0.name)=\"\($0.value)\"" }.joined())
    case .text(let text):
      leaf("mtext", text)
    case .space(let width):
      output += "<mspace width=\"\(width)\"></mspace>"
    case .row(let children):
      if children.count == 1 {
        write(children[0])
      } else {
        element("mrow") { for child in children { $0.write(child) } }
      }
    case .fraction(let numerator, let denominator, let thickness):
      let attribute = thickness.map { " linethickness=\"\($0)\"" } ?? ""
      element("mfrac", attribute) {
        $0.write(numerator)
        $0.write(denominator)
      }
    case .squareRoot(let radicand):
      element("msqrt") { $0.write(radicand) }
    case .root(let radicand, let index):
      element("mroot") {
        $0.write(radicand)
        $0.write(index)
      }
    case .scripts(let base, let sub, let sup, let limits):
      let name: String
      switch (sub != nil, sup != nil) {
      case (true, true): name = limits ? "munderover" : "msubsup"
      case (true, false): name = limits ? "munder" : "msub"
      default: name = limits ? "mover" : "msup"
      }
      element(name) {
        $0.write(base)
        if let sub { $0.write(sub) }
        if let sup { $0.write(sup) }
      }
    case .over(let base, let above, let accent):
      element("mover", accent ? " accent=\"true\"" : "") {
        $0.write(base)
        $0.write(above)
      }
    case .under(let base, let below, let accent):
      element("munder", accent ? " accentunder=\"true\"" : "") {
        $0.write(base)
        $0.write(below)
      }
    case .table(let rows, let alignments, let displayStyle):
      element("mtable") { writer in
        for row in rows {
          writer.element("mtr") { writer in
            for (column, cell) in row.enumerated() {
              let alignment =
                column < alignments.count ? alignments[column] : "center"
              // MathML Core has no columnalign; the report's stylesheet
              // aligns cells by this attribute, other renderers read it.
              let attribute =
                alignment == "center" ? "" : " columnalign=\"\(alignment)\""
              writer.element("mtd", attribute) { writer in
                writer.element(
                  "mstyle",
                  " displaystyle=\"\(displayStyle)\" scriptlevel=\"0\"")
                { $0.write(cell) }
              }
            }
          }
        }
      }
    case .style(let displayStyle, let children):
      element("mstyle", " displaystyle=\"\(displayStyle)\" scriptlevel=\"0\"")
      { writer in
        for child in children { writer.write(child) }
      }
    }
  }

  private mutating func leaf(
    _ name: String, _ text: String, _ attributes: String = ""
  ) {
    output += "<\(name)\(attributes)>\(text.htmlEscaped)</\(name)>"
  }

  private mutating func element(
    _ name: String, _ attributes: String = "",
    _ body: (inout MathMLWriter) -> Void
  ) {
    output += "<\(name)\(attributes)>"
    body(&self)
    output += "</\(name)>"
  }
}
