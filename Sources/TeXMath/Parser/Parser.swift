// MARK: - TeX → MathNode

/// Where a list of atoms may end, besides the end of the formula.
struct Stops: OptionSet {
  let rawValue: Int
  /// `}` of a group.
  static let closeBrace = Stops(rawValue: 1)
  /// `\right` of `\left`.
  static let right = Stops(rawValue: 2)
  /// `&`, `\\` and `\end` of an environment.
  static let cell = Stops(rawValue: 4)
  /// `]` of `\sqrt[n]`.
  static let bracket = Stops(rawValue: 8)
}

/// A recursive-descent parser over the tokens of one formula. Every token
/// is consumed once (loops always advance), nesting is limited, and every
/// problem is recorded with its token's offset instead of stopping.
struct Parser {
  private let tokens: [Token]
  private var position = 0
  private(set) var problems: [TeXProblem] = []
  /// Display style: big operators take limits above and below.
  private var displayStyle: Bool
  /// The letter style of `\mathbf{…}` and friends, while inside one.
  private var font = Font.normal
  private var depth = 0
  /// The stops of every list being parsed, innermost included.
  private var openStops = Stops()
  /// How many `\left` are open (for `\middle`).
  private var openLefts = 0

  /// TeX's font switches, which apply to the rest of their group.
  static let fontSwitches: [String: Font] = [
    "rm": .upright, "bf": .bold, "it": .italic, "cal": .script,
    "sf": .sansSerif, "tt": .monospace,
  ]

  /// Deeper than this, a formula is refused (the parser recurses).
  static let maxDepth = 40

  init(_ tex: String, display: Bool) {
    tokens = tokenize(tex)
    displayStyle = display
  }

  mutating func parseFormula() -> MathNode {
    var nodes: [MathNode] = []
    while true {
      nodes += parseList(until: [])
      guard current.kind != .end else { break }
      // parseList stopped at a token that has no place here.
      strayToken()
    }
    return .row(nodes)
  }

  // MARK: Tokens

  private var current: Token { tokens[position] }

  private mutating func advance() {
    if position < tokens.count - 1 { position += 1 }
  }

  private mutating func skipSpaces() {
    while current.kind == .space { advance() }
  }

  private mutating func problem(
    at offset: Int, _ message: String, suggestion: String? = nil,
    unknownCommand: String? = nil
  ) {
    problems.append(
      TeXProblem(
        offset: offset, message: message, suggestion: suggestion,
        unknownCommand: unknownCommand))
  }

  /// The stop the current token is, if it closes something: `]` only
  /// while a `\sqrt[` is open.
  private func closer(_ open: Stops) -> Stops? {
    switch current.kind {
    case .closeBrace: return .closeBrace
    case .ampersand, .newRow, .command("end"): return .cell
    case .command("right"): return .right
    case .character("]"): return open.contains(.bracket) ? .bracket : nil
    default: return nil
    }
  }

  /// Reports the token a list stopped at when no enclosing construct
  /// wanted it, and skips it.
  private mutating func strayToken() {
    let token = current
    advance()
    switch token.kind {
    case .closeBrace:
      problem(
        at: token.offset, "unbalanced '}': no '{' opens it",
        suggestion: "remove it, or add a '{' before it")
    case .ampersand:
      problem(
        at: token.offset,
        "'&' outside a matrix or aligned environment",
        suggestion: "write \\& for an ampersand, or use \\begin{aligned}")
    case .newRow:
      problem(
        at: token.offset, "'\\\\' (a new line) outside an environment",
        suggestion: "put the lines in \\begin{aligned} … \\end{aligned}")
    case .command("right"):
      problem(
        at: token.offset, "'\\right' without a '\\left' before it",
        suggestion: "add a \\left before it, or remove it")
    case .command("end"):
      let name = braceName()
      problem(
        at: token.offset,
        "'\\end{\(name ?? "")}' without a '\\begin{\(name ?? "")}' before it",
        suggestion: "add \\begin{\(name ?? "")} before it, or remove it")
    default:
      break
    }
  }

  // MARK: Lists and scripts

  private mutating func parseList(until stops: Stops) -> [MathNode] {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      problem(
        at: current.offset,
        "the formula nests more than \(Parser.maxDepth) levels deep",
        suggestion: "split it into smaller formulas")
      position = tokens.count - 1
      return []
    }
    let outer = openStops
    openStops.formUnion(stops)
    defer { openStops = outer }
    var nodes: [MathNode] = []
    while true {
      skipSpaces()
      if current.kind == .end { return nodes }
      if let closer = closer(openStops) {
        // A closer of this list or of an enclosing one ends the list (the
        // construct that wanted it takes it); any other is reported.
        if openStops.contains(closer) { return nodes }
        strayToken()
        continue
      }
      let token = current
      switch token.kind {
      case .superscript, .subscript, .character("'"):
        // A script with no base, e.g. `^2` at the start: an empty base.
        nodes.append(parseScripts(base: .row([]), limits: false))
      case .command(let name) where Parser.fontSwitches[name] != nil:
        // `{\rm in}`: the old switch changes the rest of the group.
        advance()
        let saved = font
        font = Parser.fontSwitches[name] ?? .normal
        nodes += parseList(until: stops)
        font = saved
        return nodes
      case .command("displaystyle"), .command("textstyle"):
        advance()
        let saved = displayStyle
        displayStyle = token.kind == .command("displaystyle")
        let rest = parseList(until: stops)
        nodes.append(.style(displayStyle: displayStyle, rest))
        displayStyle = saved
        return nodes
      default:
        let (atom, limits) = parseAtom()
        nodes.append(parseScripts(base: atom, limits: limits))
      }
    }
  }

  /// The scripts after a base: `^`, `_` and primes, in any order.
  private mutating func parseScripts(base: MathNode, limits: Bool) -> MathNode
  {
    var sub: MathNode?
    var sup: MathNode?
    var primes: [MathNode] = []
    while true {
      skipSpaces()
      let token = current
      switch token.kind {
      case .character("'"):
        advance()
        primes.append(.op("′"))
      case .superscript:
        advance()
        if sup != nil {
          problem(
            at: token.offset, "double superscript",
            suggestion: "group with braces, e.g. x^{a^b} or {x^a}^b")
        }
        sup = .row(primes + [parseArgument(of: "^", at: token.offset)])
        primes = []
      case .subscript:
        advance()
        if sub != nil {
          problem(
            at: token.offset, "double subscript",
            suggestion: "group with braces, e.g. x_{a_b} or {x_a}_b")
        }
        sub = parseArgument(of: "_", at: token.offset)
      default:
        if !primes.isEmpty {
          sup = sup.map { .row(primes + [$0]) } ?? .row(primes)
        }
        if sub == nil, sup == nil { return base }
        return .scripts(base: base, sub: sub, sup: sup, limits: limits)
      }
    }
  }

  /// One argument: a `{group}`, or a single character or command.
  private mutating func parseArgument(of command: String, at offset: Int)
    -> MathNode
  {
    let saved = displayStyle
    defer { displayStyle = saved }
    if command == "^" || command == "_" { displayStyle = false }
    skipSpaces()
    switch current.kind {
    case .openBrace:
      return parseGroup()
    case .end, .closeBrace, .ampersand, .newRow, .superscript, .subscript,
      .command("right"), .command("end"):
      let what = command == "^" ? "a superscript" : command == "_"
        ? "a subscript" : "an argument"
      problem(
        at: offset, "'\(command.count == 1 ? command : "\\" + command)' is"
          + " missing \(what)",
        suggestion: "write it in braces, e.g. \(example(command))")
      return .row([])
    case .character(let scalar) where isDigit(scalar):
      // `\frac12`, `x^23`: an argument is one digit, not a number.
      advance()
      return number(String(scalar))
    default:
      return parseAtom().node
    }
  }

  private func example(_ command: String) -> String {
    switch command {
    case "^": return "x^{2}"
    case "_": return "x_{i}"
    case "frac", "dfrac", "tfrac", "binom": return "\\\(command){a}{b}"
    default: return "\\\(command){x}"
    }
  }

  /// `{ … }` as one node; the current token is the `{`.
  private mutating func parseGroup() -> MathNode {
    let open = current
    advance()
    let nodes = parseList(until: [.closeBrace])
    if current.kind == .closeBrace {
      advance()
    } else {
      unclosedBrace(at: open.offset)
    }
    return .row(nodes)
  }

  private mutating func unclosedBrace(at offset: Int) {
    // One report per brace, even when the parser gave up deeper inside.
    guard !problems.contains(where: { $0.message.hasPrefix("the formula nests") })
    else { return }
    problem(
      at: offset, "unbalanced '{': it is never closed",
      suggestion: "add a '}' where the group ends")
  }

  // MARK: Atoms

  private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar >= "0" && scalar <= "9"
  }

  private func number(_ text: String) -> MathNode {
    guard font != .normal, font != .upright else { return .number(text) }
    var styled = ""
    for scalar in text.unicodeScalars {
      styled.unicodeScalars.append(Symbols.styled(scalar, font))
    }
    return .number(styled)
  }

  private func letter(_ scalar: Unicode.Scalar) -> MathNode {
    if font == .upright { return .identifier(String(scalar), normal: true) }
    return .identifier(String(Symbols.styled(scalar, font)), normal: false)
  }

  /// One atom and whether its scripts go above and below.
  private mutating func parseAtom() -> (node: MathNode, limits: Bool) {
    let token = current
    switch token.kind {
    case .openBrace:
      return (parseGroup(), false)
    case .character(let scalar):
      advance()
      return (character(scalar, at: token.offset), false)
    case .command(let name):
      advance()
      return parseCommand(name, at: token.offset)
    default:
      // Stops and scripts are handled by the callers; skip anything else.
      advance()
      return (.row([]), false)
    }
  }

  private mutating func character(_ scalar: Unicode.Scalar, at offset: Int)
    -> MathNode
  {
    if isDigit(scalar) || scalar == "." {
      // A number: digits and points, spaces between them ignored as TeX
      // does (`3.14 2` is 3.142); a point must be followed by a digit.
      var text = String(scalar)
      while true {
        var look = position
        while tokens[look].kind == .space { look += 1 }
        guard case .character(let next) = tokens[look].kind else { break }
        if isDigit(next) {
          text.unicodeScalars.append(next)
          position = look + 1
        } else if next == ".",
          case .character(let after) = tokens[look + 1].kind, isDigit(after)
        {
          text.unicodeScalars.append(next)
          position = look + 1
        } else {
          break
        }
      }
      if text == "." { return .identifier(".", normal: true) }
      return number(text)
    }
    switch scalar {
    case "-": return .op("−")
    case "*": return .op("∗")
    case "+", "=", "<", ">", ",", ";", ":": return .op(String(scalar))
    case "(", ")", "[", "]", "!", "?": return .nonStretchy(String(scalar))
    case "|": return .identifier("∣", normal: true)
    case "/", "@", "\"", "`": return .identifier(String(scalar), normal: true)
    case "~": return .space(width: "0.3333em")
    case "$":
      problem(
        at: offset, "'$' inside a formula",
        suggestion: "write \\$ for a dollar sign")
      return .row([])
    case "#":
      problem(
        at: offset, "'#' inside a formula", suggestion: "write \\# for '#'")
      return .row([])
    default:
      if scalar.properties.isAlphabetic { return letter(scalar) }
      if scalar.properties.numericType != nil {
        return .number(String(scalar))
      }
      return .op(String(scalar))
    }
  }

  // MARK: Commands

  private mutating func parseCommand(_ name: String, at offset: Int)
    -> (node: MathNode, limits: Bool)
  {
    guard let command = Symbols.command(name) else {
      unknownCommand(name, at: offset)
      return (.row([]), false)
    }
    switch command {
    case .identifier(let text, let normal):
      if font != .normal, font != .upright, text.unicodeScalars.count == 1,
        let scalar = text.unicodeScalars.first
      {
        return (.identifier(String(Symbols.styled(scalar, font)), normal: normal), false)
      }
      return (.identifier(text, normal: normal), false)
    case .op(let text):
      return (.op(text), false)
    case .delimiter(let text):
      return (.nonStretchy(text), false)
    case .bigOperator(let text, let limits):
      return (.op(text), explicitLimits() ?? (limits && displayStyle))
    case .function(let text, let limits):
      let node = MathNode.row([.identifier(text, normal: false), .applyFunction])
      return (node, explicitLimits() ?? (limits && displayStyle))
    case .accent(let text, let stretchy):
      let base = parseArgument(of: name, at: offset)
      let mark = MathNode.operator(
        text, [.init(name: "stretchy", value: stretchy ? "true" : "false")])
      return (.over(base, mark, accent: true), false)
    case .underAccent(let text):
      let base = parseArgument(of: name, at: offset)
      let mark = MathNode.operator(text, [.init(name: "stretchy", value: "true")])
      return (.under(base, mark, accent: true), false)
    case .brace(let text, let below):
      let base = parseArgument(of: name, at: offset)
      let mark = MathNode.operator(text, [.init(name: "stretchy", value: "true")])
      return (
        below ? .under(base, mark, accent: true) : .over(base, mark, accent: true),
        true
      )
    case .space(let width):
      return (.space(width: width), false)
    case .font(let style):
      let saved = font
      font = style
      defer { font = saved }
      return (parseArgument(of: name, at: offset), false)
    case .text(let style):
      return (.text(parseText(of: name, at: offset, font: style)), false)
    case .fraction(let kind):
      return (fraction(kind, name: name, at: offset), false)
    case .sqrt:
      skipSpaces()
      if current.kind == .character("[") {
        let open = current
        advance()
        let index = parseList(until: [.bracket])
        if current.kind == .character("]") {
          advance()
        } else {
          problem(
            at: open.offset, "'[' of '\\sqrt[…]' is never closed",
            suggestion: "write \\sqrt[3]{x}")
        }
        return (.root(parseArgument(of: name, at: offset), index: .row(index)), false)
      }
      return (.squareRoot(parseArgument(of: name, at: offset)), false)
    case .left:
      return (leftRight(at: offset), false)
    case .middle:
      let delimiter = readDelimiter(after: name, at: offset)
      if openLefts == 0 {
        problem(
          at: offset, "'\\middle' outside '\\left … \\right'",
          suggestion: "write \\mid, or put it between \\left and \\right")
      }
      return (.fence(delimiter ?? ""), false)
    case .sized(let size):
      let delimiter = readDelimiter(after: name, at: offset) ?? ""
      return (
        .operator(
          delimiter,
          [
            .init(name: "fence", value: "false"),
            .init(name: "stretchy", value: "true"),
            .init(name: "minsize", value: size),
            .init(name: "maxsize", value: size),
          ]), false
      )
    case .begin:
      return (environment(at: offset), false)
    case .operatorName:
      var limits = false
      if current.kind == .character("*") {
        advance()
        limits = true
      }
      let saved = font
      font = .upright
      let argument = parseArgument(of: name, at: offset)
      font = saved
      let node = MathNode.row([joinedLetters(argument), .applyFunction])
      return (node, explicitLimits() ?? (limits && displayStyle))
    case .limits:
      problem(
        at: offset, "'\\\(name)' must follow a big operator such as \\sum",
        suggestion: "remove it, or write it right after \\sum or \\int")
      return (.row([]), false)
    case .style:
      // Handled by parseList; as an argument (`\frac\displaystyle x`) it
      // changes nothing.
      return (.row([]), false)
    case .overset, .underset:
      let mark = parseArgument(of: name, at: offset)
      let base = parseArgument(of: name, at: offset)
      let node: MathNode = command == .overset
        ? .over(base, mark, accent: false) : .under(base, mark, accent: false)
      return (node, false)
    case .substack:
      return (substack(at: offset), false)
    case .hspace:
      return (hspace(at: offset), false)
    case .right, .end:
      // Reached only as an argument (`\frac\right`); report it.
      position -= 1
      strayToken()
      return (.row([]), false)
    }
  }

  private mutating func unknownCommand(_ name: String, at offset: Int) {
    let display = "\\" + name
    var suggestion: String?
    switch name {
    case "":
      problem(
        at: offset, "a lone '\\' at the end of the formula",
        suggestion: "remove it, or write \\backslash")
      return
    case "argmax", "argmin":
      suggestion = "write \\arg\\\(name.dropFirst(3))_{x} or"
        + " \\operatorname*{\(name)}_{x}"
    case "newcommand", "renewcommand", "def", "DeclareMathOperator":
      suggestion = "macros are not supported: write the formula out in full"
    case "label", "tag", "nonumber", "notag", "eqref", "ref":
      suggestion = "number and refer to equations in the prose"
    case "color", "textcolor", "colorbox":
      suggestion = "colours are not supported: use \\mathbf or \\boldsymbol"
        + " for emphasis"
    case "R", "N", "Z", "Q", "C":
      suggestion = "write \\mathbb{\(name)}"
    default:
      break
    }
    problem(
      at: offset, "unsupported TeX command '\(display)'",
      suggestion: suggestion, unknownCommand: name)
  }

  /// `\limits` or `\nolimits` right after a big operator.
  private mutating func explicitLimits() -> Bool? {
    var look = position
    while tokens[look].kind == .space { look += 1 }
    switch tokens[look].kind {
    case .command("limits"):
      position = look + 1
      return true
    case .command("nolimits"):
      position = look + 1
      return false
    default:
      return nil
    }
  }

  /// `\operatorname{softmax}` as one identifier when it is letters only.
  private func joinedLetters(_ node: MathNode) -> MathNode {
    guard case .row(let children) = node, children.count > 1 else {
      return node
    }
    var text = ""
    for child in children {
      switch child {
      case .identifier(let letter, _): text += letter
      case .number(let digits): text += digits
      default: return node
      }
    }
    return .identifier(text, normal: true)
  }

  private mutating func fraction(
    _ kind: Command.FractionKind, name: String, at offset: Int
  ) -> MathNode {
    // Limits of a `\sum` in a fraction stay above and below, as KaTeX
    // writes them: the operator's movablelimits moves them beside it where
    // the fraction is in text style.
    let outer = displayStyle
    if kind == .display { displayStyle = true }
    let numerator = parseArgument(of: name, at: offset)
    let denominator = parseArgument(of: name, at: offset)
    displayStyle = outer
    switch kind {
    case .plain:
      return .fraction(numerator, denominator, lineThickness: nil)
    case .display, .text:
      let node = MathNode.fraction(numerator, denominator, lineThickness: nil)
      let wanted = kind == .display
      return wanted == outer ? node : .style(displayStyle: wanted, [node])
    case .binomial:
      return .row([
        .fence("("),
        .fraction(numerator, denominator, lineThickness: "0"),
        .fence(")"),
      ])
    }
  }

  // MARK: Delimiters

  /// The delimiter after `\left`, `\right`, `\middle` or `\big`.
  private mutating func readDelimiter(after command: String, at offset: Int)
    -> String?
  {
    skipSpaces()
    if let delimiter = Symbols.delimiter(current.kind) {
      advance()
      return delimiter
    }
    if current.kind == .command("|") {
      advance()
      return "∥"
    }
    problem(
      at: current.kind == .end ? offset : current.offset,
      "expected a delimiter after '\\\(command)', such as ( [ \\{ | \\| or"
        + " . for none",
      suggestion: "write \\\(command)( or \\\(command).")
    return nil
  }

  private mutating func leftRight(at offset: Int) -> MathNode {
    let open = readDelimiter(after: "left", at: offset)
    openLefts += 1
    let body = parseList(until: [.right])
    openLefts -= 1
    var close: String?
    if current.kind == .command("right") {
      let right = current
      advance()
      close = readDelimiter(after: "right", at: right.offset)
    } else {
      problem(
        at: offset, "'\\left' without a '\\right'",
        suggestion: "add \\right) (or \\right. for no delimiter) where it"
          + " ends")
    }
    var nodes: [MathNode] = []
    if let open, !open.isEmpty { nodes.append(.fence(open)) }
    nodes += body
    if let close, !close.isEmpty { nodes.append(.fence(close)) }
    // Always a row of its own, so that the fences stretch to its content.
    return nodes.count == 1 ? .row([.row([]), nodes[0]]) : .row(nodes)
  }

  // MARK: Environments

  /// `{name}` after `\begin` or `\end`, or nil when it is not there.
  private mutating func braceName() -> String? {
    skipSpaces()
    guard current.kind == .openBrace else { return nil }
    var look = position + 1
    var name = ""
    while true {
      switch tokens[look].kind {
      case .character(let scalar):
        name.unicodeScalars.append(scalar)
      case .closeBrace:
        position = look + 1
        return name
      default:
        return nil
      }
      look += 1
    }
  }

  private mutating func environment(at offset: Int) -> MathNode {
    guard let name = braceName() else {
      problem(
        at: offset, "'\\begin' needs an environment's name in braces",
        suggestion: "write \\begin{pmatrix}")
      return .row([])
    }
    guard let environment = Environment(name) else {
      let known = Environment.allCases.map(\.rawValue).joined(separator: ", ")
      problem(
        at: offset, "unsupported environment '\(name)'",
        suggestion: "use one of \(known)")
      skipEnvironment(name)
      return .row([])
    }
    var alignments = environment.alignments
    if environment == .array {
      alignments = columnSpecification()
    }
    let saved = displayStyle
    displayStyle = environment.displayStyle
    var rows: [[MathNode]] = [[]]
    var ended = false
    while !ended {
      let cell = parseList(until: [.cell])
      rows[rows.count - 1].append(.row(cell))
      let token = current
      switch token.kind {
      case .ampersand:
        advance()
      case .newRow:
        advance()
        skipOptionalSpacing()
        rows.append([])
      case .command("end"):
        advance()
        let endName = braceName()
        if endName != name {
          problem(
            at: token.offset,
            "'\\begin{\(name)}' is ended by '\\end{\(endName ?? "")}'",
            suggestion: "write \\end{\(name)}")
        }
        ended = true
      case .end:
        problem(
          at: offset, "'\\begin{\(name)}' is never ended",
          suggestion: "add \\end{\(name)}")
        ended = true
      default:
        // `}` or `\right` of an enclosing construct: the environment is
        // not closed before it.
        problem(
          at: offset, "'\\begin{\(name)}' is never ended",
          suggestion: "add \\end{\(name)} before this point")
        ended = true
      }
    }
    displayStyle = saved
    // A final `\\` does not start a row.
    if rows.count > 1, let last = rows.last, last.count == 1,
      last[0] == .row([])
    {
      rows.removeLast()
    }
    if environment.aligns {
      // `&=`: an empty element before the relation, so that it is spaced
      // as between two terms.
      rows = rows.map { row in
        row.enumerated().map { column, cell in
          guard column % 2 == 1, case .row(let nodes) = cell,
            let first = nodes.first, case .operator = first
          else { return cell }
          return .row([.row([])] + nodes)
        }
      }
    }
    let table = MathNode.table(
      rows: rows, alignments: alignments,
      displayStyle: environment.displayStyle)
    let (open, close) = environment.fences
    guard open != nil || close != nil else { return table }
    var nodes: [MathNode] = []
    if let open { nodes.append(.fence(open)) }
    nodes.append(table)
    if let close { nodes.append(.fence(close)) }
    return .row(nodes)
  }

  /// Skips to the `\end{name}` of an unsupported environment, so that its
  /// `&` and `\\` are not reported again.
  private mutating func skipEnvironment(_ name: String) {
    while current.kind != .end {
      if current.kind == .command("end") {
        advance()
        if braceName() == name { return }
      } else {
        advance()
      }
    }
  }

  /// `[2pt]` after `\\`.
  private mutating func skipOptionalSpacing() {
    var look = position
    while tokens[look].kind == .space { look += 1 }
    guard tokens[look].kind == .character("[") else { return }
    while tokens[look].kind != .end {
      if tokens[look].kind == .character("]") {
        position = look + 1
        return
      }
      look += 1
    }
  }

  /// The `{cl|r}` of `\begin{array}`: one alignment per column.
  private mutating func columnSpecification() -> [String] {
    let start = current.offset
    guard let spec = braceName() else {
      problem(
        at: start, "'\\begin{array}' needs its columns, e.g. {cc}",
        suggestion: "write \\begin{array}{cc}")
      return []
    }
    var alignments: [String] = []
    for scalar in spec.unicodeScalars {
      switch scalar {
      case "l": alignments.append("left")
      case "c": alignments.append("center")
      case "r": alignments.append("right")
      case "|", " ": break
      default:
        problem(
          at: start, "unsupported column '\(scalar)' in an array",
          suggestion: "use l, c or r")
      }
    }
    return alignments
  }

  private mutating func substack(at offset: Int) -> MathNode {
    skipSpaces()
    guard current.kind == .openBrace else {
      problem(
        at: offset, "'\\substack' needs its lines in braces",
        suggestion: "write \\substack{i \\\\ j}")
      return .row([])
    }
    let open = current
    advance()
    var rows: [[MathNode]] = []
    while true {
      rows.append([.row(parseList(until: [.cell]))])
      if current.kind == .newRow {
        advance()
        continue
      }
      if current.kind == .closeBrace {
        advance()
      } else {
        unclosedBrace(at: open.offset)
      }
      break
    }
    return .table(rows: rows, alignments: ["center"], displayStyle: false)
  }

  private mutating func hspace(at offset: Int) -> MathNode {
    let start = current.offset
    guard let text = braceName() else {
      problem(
        at: offset, "'\\hspace' needs a width in braces",
        suggestion: "write \\hspace{1em}")
      return .row([])
    }
    let trimmed = text.filter { $0 != " " }
    for unit in ["em", "ex", "pt", "mu"] where trimmed.hasSuffix(unit) {
      if let amount = Double(trimmed.dropLast(2)), amount.isFinite,
        abs(amount) <= 100
      {
        if unit == "mu" { return .space(width: "\(amount / 18)em") }
        return .space(width: "\(trimmed.dropLast(2))\(unit)")
      }
    }
    problem(
      at: start, "'\\hspace{\(text)}' is not a width labrun understands",
      suggestion: "write a number and em, ex, pt or mu, e.g. \\hspace{1em}")
    return .row([])
  }

  // MARK: Text

  /// The text of `\text{…}`: characters as written, spaces kept, `\%` and
  /// friends as their character.
  private mutating func parseText(of name: String, at offset: Int, font: Font)
    -> String
  {
    var text = ""
    func append(_ scalar: Unicode.Scalar) {
      text.unicodeScalars.append(Symbols.styled(scalar, font))
    }
    skipSpaces()
    guard current.kind == .openBrace else {
      if case .character(let scalar) = current.kind {
        advance()
        append(scalar)
      } else {
        problem(
          at: offset, "'\\\(name)' is missing its text",
          suggestion: "write \\\(name){…}")
      }
      return text
    }
    let open = current
    advance()
    var nesting = 0
    while true {
      let token = current
      switch token.kind {
      case .end:
        unclosedBrace(at: open.offset)
        return text
      case .openBrace:
        nesting += 1
      case .closeBrace:
        if nesting == 0 {
          advance()
          return text
        }
        nesting -= 1
      case .character("~"):
        text += "\u{A0}"
      case .character(let scalar):
        append(scalar)
      case .space:
        text += " "
      case .superscript: text += "^"
      case .subscript: text += "_"
      case .ampersand, .newRow:
        problem(
          at: token.offset, "'\(token.kind == .ampersand ? "&" : "\\\\")'"
            + " inside \\\(name){…}",
          suggestion: token.kind == .ampersand ? "write \\&" : "end the"
            + " text before the new line")
      case .command(let command):
        if ["%", "$", "#", "&", "_", "{", "}"].contains(command) {
          text += command
        } else if command == " " || command == "," || command == "quad" {
          text += command == "quad" ? "\u{2003}" : " "
        } else if command == "textbackslash" {
          text += "\\"
        } else {
          problem(
            at: token.offset,
            "unsupported command '\\\(command)' inside \\\(name){…}",
            suggestion: "end the text before it: \\\(name){…} \\\(command)")
        }
      }
      advance()
    }
  }
}

/// The environments `\begin{…}` knows.
enum Environment: String, CaseIterable {
  case matrix, pmatrix, bmatrix, Bmatrix, vmatrix, Vmatrix, cases, aligned
  case gathered, array, align, alignStar = "align*", gather
  case gatherStar = "gather*", split

  init?(_ name: String) { self.init(rawValue: name) }

  var alignments: [String] {
    switch self {
    case .cases: return ["left", "left"]
    case .aligned, .align, .alignStar, .split:
      return (0..<16).map { $0 % 2 == 0 ? "right" : "left" }
    default: return []
    }
  }

  var displayStyle: Bool {
    switch self {
    case .aligned, .align, .alignStar, .split, .gathered, .gather, .gatherStar:
      return true
    default: return false
    }
  }

  /// True for the environments that align at `&` as `aligned` does.
  var aligns: Bool {
    switch self {
    case .aligned, .align, .alignStar, .split: return true
    default: return false
    }
  }

  var fences: (String?, String?) {
    switch self {
    case .pmatrix: return ("(", ")")
    case .bmatrix: return ("[", "]")
    case .Bmatrix: return ("{", "}")
    case .vmatrix: return ("∣", "∣")
    case .Vmatrix: return ("∥", "∥")
    case .cases: return ("{", nil)
    default: return (nil, nil)
    }
  }
}
