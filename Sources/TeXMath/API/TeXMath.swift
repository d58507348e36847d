// MARK: - TeX in, MathML Core out

/// Converts the TeX that lecture notes use to MathML Core, which browsers
/// render natively: no script, no font download, no request.
///
/// The converter never fails: a formula with a problem (an unsupported
/// command, an unbalanced brace) gives no MathML and the list of problems,
/// each at the offset of the token that caused it, so that the caller can
/// show the TeX source instead and say where it went wrong.
public enum TeXMath {
  /// Converts one formula.
  ///
  /// - Parameters:
  ///   - tex: The formula's text between its delimiters, exactly as written.
  ///   - display: True for a display formula (`$$…$$`, a `math` block):
  ///     big operators take their limits above and below, and the result is
  ///     a block.
  /// - Returns: The `<math>` element, or the problems that stopped it.
  public static func convert(_ tex: String, display: Bool) -> Conversion {
    var parser = Parser(tex, display: display)
    let body = parser.parseFormula()
    guard parser.problems.isEmpty else {
      return Conversion(mathML: nil, problems: parser.problems)
    }
    var writer = MathMLWriter()
    writer.write(body)
    let attribute = display ? " display=\"block\"" : ""
    return Conversion(
      mathML: "<math\(attribute)>\(writer.output)</math>", problems: [])
  }

  /// Every command the converter knows, without the backslash (for
  /// suggestions: `\fraq` → `\frac`).
  public static var commandNames: [String] { Symbols.allCommandNames }

  /// Every environment `\begin{…}` knows.
  public static var environmentNames: [String] {
    Environment.allCases.map(\.rawValue)
  }
}

/// The outcome of converting one formula.
public struct Conversion: Sendable, Equatable {
  /// The `<math>` element, or nil when there were problems.
  public var mathML: String?
  /// What kept the formula from converting, in order of the source.
  public var problems: [TeXProblem]
}

/// A problem in a formula, at the token that caused it.
public struct TeXProblem: Sendable, Equatable, CustomStringConvertible {
  /// The offending token's first character, counted in Unicode scalars
  /// from the start of the formula's text (0-based).
  public var offset: Int
  /// What is wrong, e.g. `unsupported TeX command '\fraq'`.
  public var message: String
  /// A fix, when one is known, e.g. `write \arg\max`.
  public var suggestion: String?
  /// The name of an unknown command (without the backslash), so that the
  /// caller can look for a close known one.
  public var unknownCommand: String?

  /// Creates a problem.
  public init(
    offset: Int, message: String, suggestion: String? = nil,
    unknownCommand: String? = nil
  ) {
    self.offset = offset
    self.message = message
    self.suggestion = suggestion
    self.unknownCommand = unknownCommand
  }

  /// `offset: message; suggestion`.
  public var description: String {
    "\(offset): \(message)" + (suggestion.map { "; \($0)" } ?? "")
  }
}
