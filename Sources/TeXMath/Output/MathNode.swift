// MARK: - The formula as a tree

/// A formula after parsing: MathML Core's elements, nothing more.
indirect enum MathNode: Equatable, Sendable {
  /// `<mi>`: a variable or a function's name. `normal` keeps a single
  /// letter upright (`\mathrm{d}`, `\Gamma`).
  case identifier(String, normal: Bool)
  /// `<mn>`: a number such as `3.14`.
  case number(String)
  /// `<mo>` with its attributes, in order.
  case `operator`(String, [Attribute])
  /// `<mtext>`.
  case text(String)
  /// `<mspace width="…">`.
  case space(width: String)
  /// `<mrow>`, or the one child alone.
  case row([MathNode])
  /// `<mfrac>`; a `lineThickness` of `0` for binomials.
  case fraction(MathNode, MathNode, lineThickness: String?)
  /// `<msqrt>`.
  case squareRoot(MathNode)
  /// `<mroot>`.
  case root(MathNode, index: MathNode)
  /// `<msub>`/`<msup>`/`<msubsup>`, or with `limits` `<munder>`/`<mover>`/
  /// `<munderover>`.
  case scripts(base: MathNode, sub: MathNode?, sup: MathNode?, limits: Bool)
  /// `<mover>` (an accent such as `\hat`, or `\overset`).
  case over(MathNode, MathNode, accent: Bool)
  /// `<munder>` (`\underline`, `\underbrace`, `\underset`).
  case under(MathNode, MathNode, accent: Bool)
  /// `<mtable>`: rows of cells, each column's alignment (`left`, `center`,
  /// `right`), and whether cells are in display style (`aligned`).
  case table(rows: [[MathNode]], alignments: [String], displayStyle: Bool)
  /// `<mstyle displaystyle>` around what follows `\displaystyle`.
  case style(displayStyle: Bool, [MathNode])

  /// One attribute of an element: a fixed name and a value that the
  /// converter chose (never text from the formula).
  struct Attribute: Equatable, Sendable {
    var name: String
    var value: String
  }

  /// The operator `<mo>text</mo>` without attributes.
  static func op(_ text: String) -> MathNode { .operator(text, []) }

  /// A fence of `\left`/`\right`: stretches with what it encloses.
  static func fence(_ text: String) -> MathNode {
    .operator(text, [Attribute(name: "fence", value: "true")])
  }

  /// An operator that keeps its size (`(` written alone does not grow).
  static func nonStretchy(_ text: String) -> MathNode {
    .operator(text, [Attribute(name: "stretchy", value: "false")])
  }

  /// The invisible "function application" after `sin`, `max`, ….
  static var applyFunction: MathNode { .op("\u{2061}") }
}
