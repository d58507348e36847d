// MARK: - What each command means

/// The kinds of command the parser knows. One table maps names to kinds,
/// so that adding a symbol is one line.
enum Command: Equatable, Sendable {
  /// An ordinary symbol: `\alpha` → `<mi>α</mi>`, `\Gamma` upright.
  case identifier(String, normal: Bool)
  /// An operator or relation: `\leq` → `<mo>≤</mo>`.
  case op(String)
  /// A delimiter: usable after `\left`, `\right` and `\big`; alone it is an
  /// operator that keeps its size.
  case delimiter(String)
  /// `\sum`, `\int`: `limits` when display style puts scripts above and
  /// below.
  case bigOperator(String, limits: Bool)
  /// `\sin`, `\max`: an upright name followed by function application.
  case function(String, limits: Bool)
  /// `\hat{x}`, `\overline{x}` (stretchy).
  case accent(String, stretchy: Bool)
  /// `\underline{x}`.
  case underAccent(String)
  /// `\underbrace{x}_{n}`, `\overbrace{x}^{n}`: the brace, and whether
  /// it goes below.
  case brace(String, below: Bool)
  /// `\,`, `\quad`: a space of a width in em.
  case space(String)
  /// `\mathbf{…}` and friends: letters of another style.
  case font(Font)
  /// `\text{…}`, `\textbf{…}`: text, in a font.
  case text(Font)
  /// `\frac`, `\dfrac`, `\tfrac`, `\binom`…
  case fraction(FractionKind)
  case sqrt
  case left, right, middle
  /// `\big(` and friends: a delimiter of a fixed size in em.
  case sized(String)
  case begin, end
  /// `\operatorname{…}`; the starred form takes limits.
  case operatorName
  /// `\limits`, `\nolimits` after a big operator.
  case limits(Bool)
  /// `\displaystyle`, `\textstyle`.
  case style(display: Bool)
  /// `\overset{above}{base}`, `\stackrel`, `\underset{below}{base}`.
  case overset, underset
  /// `\substack{a\\b}` under a sum.
  case substack
  /// `\hspace{1em}`.
  case hspace

  enum FractionKind: Equatable, Sendable { case plain, display, text, binomial }
}

/// Letter styles of `\mathbf`, `\mathbb`…, as Unicode's mathematical
/// alphanumeric symbols (MathML Core renders `𝐱`, not a `mathvariant`).
enum Font: Equatable, Sendable {
  case normal, upright, bold, italic, boldItalic, doubleStruck, script
  case fraktur, sansSerif, monospace
}

enum Symbols {
  static func command(_ name: String) -> Command? { table[name] }

  static var allCommandNames: [String] {
    (Array(table.keys) + Parser.fontSwitches.keys).sorted()
  }

  /// The delimiter a token stands for after `\left`, `\right` or `\big`:
  /// a character (`(`, `|`, `.`) or a command (`\langle`, `\|`). `.` is
  /// the empty delimiter.
  static func delimiter(_ kind: Token.Kind) -> String? {
    switch kind {
    case .character(let scalar):
      switch scalar {
      case "(", ")", "[", "]", "/": return String(scalar)
      case "|": return "\u{2223}"
      case ".": return ""
      case "<": return "\u{27E8}"
      case ">": return "\u{27E9}"
      default: return nil
      }
    case .command(let name):
      if case .delimiter(let text)? = table[name] { return text }
      return nil
    default:
      return nil
    }
  }

  // MARK: The table

  private static let table: [String: Command] = {
    var table: [String: Command] = [:]
    let lowerGreek: [(String, String)] = [
      ("alpha", "α"), ("beta", "β"), ("gamma", "γ"), ("delta", "δ"),
      ("epsilon", "ϵ"), ("varepsilon", "ε"), ("zeta", "ζ"), ("eta", "η"),
      ("theta", "θ"), ("vartheta", "ϑ"), ("iota", "ι"), ("kappa", "κ"),
      ("varkappa", "ϰ"), ("lambda", "λ"), ("mu", "μ"), ("nu", "ν"),
      ("xi", "ξ"), ("omicron", "ο"), ("pi", "π"), ("varpi", "ϖ"),
      ("rho", "ρ"), ("varrho", "ϱ"), ("sigma", "σ"), ("varsigma", "ς"),
      ("tau", "τ"), ("upsilon", "υ"), ("phi", "ϕ"), ("varphi", "φ"),
      ("chi", "χ"), ("psi", "ψ"), ("omega", "ω"),
    ]
    for (name, text) in lowerGreek { table[name] = .identifier(text, normal: false) }
    let upperGreek: [(String, String)] = [
      ("Gamma", "Γ"), ("Delta", "Δ"), ("Theta", "Θ"), ("Lambda", "Λ"),
      ("Xi", "Ξ"), ("Pi", "Π"), ("Sigma", "Σ"), ("Upsilon", "Υ"),
      ("Phi", "Φ"), ("Psi", "Ψ"), ("Omega", "Ω"),
    ]
    let ordinary: [(String, String)] = [
      ("infty", "∞"), ("partial", "∂"), ("nabla", "∇"), ("ell", "ℓ"),
      ("hbar", "ℏ"), ("emptyset", "∅"), ("varnothing", "∅"),
      ("forall", "∀"), ("exists", "∃"), ("nexists", "∄"), ("neg", "¬"),
      ("lnot", "¬"), ("aleph", "ℵ"), ("Re", "ℜ"), ("Im", "ℑ"),
      ("wp", "℘"), ("angle", "∠"), ("triangle", "△"), ("top", "⊤"),
      ("bot", "⊥"), ("|", "∥"), ("%", "%"), ("$", "$"), ("#", "#"),
      ("&", "&"), ("_", "_"), ("backslash", "\\"), ("imath", "ı"),
      ("jmath", "ȷ"), ("checkmark", "✓"), ("S", "§"),
    ]
    for (name, text) in upperGreek + ordinary {
      table[name] = .identifier(text, normal: true)
    }
    let operators: [(String, String)] = [
      // binary operators
      ("cdot", "⋅"), ("times", "×"), ("div", "÷"), ("pm", "±"), ("mp", "∓"),
      ("ast", "∗"), ("star", "⋆"), ("circ", "∘"), ("bullet", "∙"),
      ("odot", "⊙"), ("otimes", "⊗"), ("oplus", "⊕"), ("ominus", "⊖"),
      ("oslash", "⊘"), ("cup", "∪"), ("cap", "∩"), ("setminus", "∖"),
      ("wedge", "∧"), ("land", "∧"), ("vee", "∨"), ("lor", "∨"),
      ("dagger", "†"), ("ddagger", "‡"), ("intercal", "⊺"), ("sqcup", "⊔"),
      ("sqcap", "⊓"), ("uplus", "⊎"), ("diamond", "⋄"), ("bmod", "mod"),
      // relations
      ("leq", "≤"), ("le", "≤"), ("geq", "≥"), ("ge", "≥"), ("neq", "≠"),
      ("ne", "≠"), ("approx", "≈"), ("propto", "∝"), ("sim", "∼"),
      ("simeq", "≃"), ("cong", "≅"), ("equiv", "≡"), ("ll", "≪"),
      ("gg", "≫"), ("lesssim", "≲"), ("gtrsim", "≳"), ("leqslant", "⩽"),
      ("geqslant", "⩾"), ("prec", "≺"), ("succ", "≻"), ("preceq", "⪯"),
      ("succeq", "⪰"), ("in", "∈"), ("notin", "∉"), ("ni", "∋"),
      ("subset", "⊂"), ("supset", "⊃"), ("subseteq", "⊆"),
      ("supseteq", "⊇"), ("perp", "⊥"), ("parallel", "∥"), ("mid", "∣"),
      ("nmid", "∤"), ("models", "⊨"), ("vdash", "⊢"), ("doteq", "≐"),
      ("triangleq", "≜"), ("asymp", "≍"), ("coloneqq", "≔"),
      ("colon", ":"),
      // arrows
      ("to", "→"), ("rightarrow", "→"), ("leftarrow", "←"), ("gets", "←"),
      ("leftrightarrow", "↔"), ("Rightarrow", "⇒"), ("Leftarrow", "⇐"),
      ("Leftrightarrow", "⇔"), ("longrightarrow", "⟶"),
      ("longleftarrow", "⟵"), ("Longrightarrow", "⟹"),
      ("Longleftarrow", "⟸"), ("implies", "⟹"), ("impliedby", "⟸"),
      ("iff", "⟺"), ("mapsto", "↦"), ("longmapsto", "⟼"),
      ("uparrow", "↑"), ("downarrow", "↓"), ("Uparrow", "⇑"),
      ("Downarrow", "⇓"), ("hookrightarrow", "↪"), ("leadsto", "⇝"),
      ("nearrow", "↗"), ("searrow", "↘"), ("rightleftharpoons", "⇌"),
      // dots
      ("ldots", "…"), ("dots", "…"), ("cdots", "⋯"), ("vdots", "⋮"),
      ("ddots", "⋱"), ("dotsc", "…"), ("dotsb", "⋯"), ("prime", "′"),
    ]
    for (name, text) in operators { table[name] = .op(text) }
    let delimiters: [(String, String)] = [
      ("{", "{"), ("}", "}"), ("lbrace", "{"), ("rbrace", "}"),
      ("lbrack", "["), ("rbrack", "]"), ("langle", "⟨"), ("rangle", "⟩"),
      ("lfloor", "⌊"), ("rfloor", "⌋"), ("lceil", "⌈"), ("rceil", "⌉"),
      ("vert", "∣"), ("lvert", "∣"), ("rvert", "∣"), ("Vert", "∥"),
      ("lVert", "∥"), ("rVert", "∥"),
    ]
    for (name, text) in delimiters { table[name] = .delimiter(text) }
    // `\|` is a delimiter after \left and an ordinary symbol alone.
    let bigOperators: [(String, String, Bool)] = [
      ("sum", "∑", true), ("prod", "∏", true), ("coprod", "∐", true),
      ("bigcup", "⋃", true), ("bigcap", "⋂", true), ("bigoplus", "⨁", true),
      ("bigotimes", "⨂", true), ("bigodot", "⨀", true),
      ("bigvee", "⋁", true), ("bigwedge", "⋀", true),
      ("bigsqcup", "⨆", true), ("int", "∫", false), ("iint", "∬", false),
      ("iiint", "∭", false), ("oint", "∮", false),
    ]
    for (name, text, limits) in bigOperators {
      table[name] = .bigOperator(text, limits: limits)
    }
    for name in [
      "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
      "sinh", "cosh", "tanh", "coth", "log", "ln", "lg", "exp", "arg", "dim",
      "ker", "hom", "deg",
    ] {
      table[name] = .function(name, limits: false)
    }
    for name in ["lim", "max", "min", "sup", "inf", "det", "Pr", "gcd"] {
      table[name] = .function(name, limits: true)
    }
    table["liminf"] = .function("lim inf", limits: true)
    table["limsup"] = .function("lim sup", limits: true)
    let accents: [(String, String, Bool)] = [
      ("hat", "^", false), ("bar", "ˉ", false), ("vec", "⃗", false),
      ("tilde", "~", false), ("dot", "˙", false), ("ddot", "¨", false),
      ("check", "ˇ", false), ("breve", "˘", false), ("acute", "ˊ", false),
      ("grave", "ˋ", false), ("widehat", "^", true), ("widetilde", "~", true),
      ("overline", "‾", true), ("overrightarrow", "→", true),
      ("overleftarrow", "←", true),
    ]
    for (name, text, stretchy) in accents {
      table[name] = .accent(text, stretchy: stretchy)
    }
    table["underline"] = .underAccent("‾")
    table["underbrace"] = .brace("⏟", below: true)
    table["overbrace"] = .brace("⏞", below: false)
    let spaces: [(String, String)] = [
      (",", "0.1667em"), ("thinspace", "0.1667em"), (":", "0.2222em"),
      (">", "0.2222em"), ("medspace", "0.2222em"), (";", "0.2778em"),
      ("thickspace", "0.2778em"), ("!", "-0.1667em"),
      ("negthinspace", "-0.1667em"), (" ", "0.3333em"), ("enspace", "0.5em"),
      ("quad", "1em"), ("qquad", "2em"),
    ]
    for (name, width) in spaces { table[name] = .space(width) }
    let fonts: [(String, Font)] = [
      ("mathrm", .upright), ("mathup", .upright), ("mathbf", .bold),
      ("mathit", .italic), ("boldsymbol", .boldItalic), ("bm", .boldItalic),
      ("mathbb", .doubleStruck), ("mathcal", .script), ("mathscr", .script),
      ("mathfrak", .fraktur), ("mathsf", .sansSerif), ("mathtt", .monospace),
    ]
    for (name, font) in fonts { table[name] = .font(font) }
    let texts: [(String, Font)] = [
      ("text", .normal), ("textrm", .normal), ("mbox", .normal),
      ("textbf", .bold), ("textit", .italic), ("textsf", .sansSerif),
      ("texttt", .monospace), ("textup", .normal),
    ]
    for (name, font) in texts { table[name] = .text(font) }
    table["frac"] = .fraction(.plain)
    table["dfrac"] = .fraction(.display)
    table["cfrac"] = .fraction(.display)
    table["tfrac"] = .fraction(.text)
    table["binom"] = .fraction(.binomial)
    table["sqrt"] = .sqrt
    table["left"] = .left
    table["right"] = .right
    table["middle"] = .middle
    for (names, size) in [
      (["big", "bigl", "bigr", "bigm"], "1.2em"),
      (["Big", "Bigl", "Bigr", "Bigm"], "1.8em"),
      (["bigg", "biggl", "biggr", "biggm"], "2.4em"),
      (["Bigg", "Biggl", "Biggr", "Biggm"], "3em"),
    ] {
      for name in names { table[name] = .sized(size) }
    }
    table["begin"] = .begin
    table["end"] = .end
    table["operatorname"] = .operatorName
    table["limits"] = .limits(true)
    table["nolimits"] = .limits(false)
    table["displaystyle"] = .style(display: true)
    table["textstyle"] = .style(display: false)
    table["overset"] = .overset
    table["stackrel"] = .overset
    table["underset"] = .underset
    table["substack"] = .substack
    table["hspace"] = .hspace
    return table
  }()

  // MARK: Letters in other styles

  /// Letters that Unicode had before the alphanumeric block, left as holes
  /// in it.
  private static let holes: [Font: [UInt32: UInt32]] = [
    .italic: [0x68: 0x210E],
    .doubleStruck: [
      0x43: 0x2102, 0x48: 0x210D, 0x4E: 0x2115, 0x50: 0x2119, 0x51: 0x211A,
      0x52: 0x211D, 0x5A: 0x2124,
    ],
    .script: [
      0x42: 0x212C, 0x45: 0x2130, 0x46: 0x2131, 0x48: 0x210B, 0x49: 0x2110,
      0x4C: 0x2112, 0x4D: 0x2133, 0x52: 0x211B, 0x65: 0x212F, 0x67: 0x210A,
      0x6F: 0x2134,
    ],
    .fraktur: [
      0x43: 0x212D, 0x48: 0x210C, 0x49: 0x2111, 0x52: 0x211C, 0x5A: 0x2128,
    ],
  ]

  /// A letter or digit in a style, as a mathematical alphanumeric symbol
  /// (`x` in bold → `𝐱`); characters the style lacks stay as they are.
  static func styled(_ scalar: Unicode.Scalar, _ font: Font) -> Unicode.Scalar {
    let value = scalar.value
    let upper = value >= 0x41 && value <= 0x5A
    let lower = value >= 0x61 && value <= 0x7A
    let digit = value >= 0x30 && value <= 0x39
    let upperGreek = value >= 0x391 && value <= 0x3A9 && value != 0x3A2
    let lowerGreek = value >= 0x3B1 && value <= 0x3C9
    if let hole = holes[font]?[value] { return Unicode.Scalar(hole) ?? scalar }
    // The first capital, small letter and digit of each style's run.
    let starts: (UInt32?, UInt32?, UInt32?)
    switch font {
    case .bold: starts = (0x1D400, 0x1D41A, 0x1D7CE)
    case .italic: starts = (0x1D434, 0x1D44E, nil)
    case .boldItalic: starts = (0x1D468, 0x1D482, 0x1D7CE)
    case .doubleStruck: starts = (0x1D538, 0x1D552, 0x1D7D8)
    case .script: starts = (0x1D49C, 0x1D4B6, nil)
    case .fraktur: starts = (0x1D504, 0x1D51E, nil)
    case .sansSerif: starts = (0x1D5A0, 0x1D5BA, 0x1D7E2)
    case .monospace: starts = (0x1D670, 0x1D68A, 0x1D7F6)
    case .normal, .upright: return scalar
    }
    var mapped: UInt32?
    if upper, let start = starts.0 { mapped = start + value - 0x41 }
    if lower, let start = starts.1 { mapped = start + value - 0x61 }
    if digit, let start = starts.2 { mapped = start + value - 0x30 }
    // Greek: bold and bold italic (\boldsymbol{\theta}).
    let greekStart: UInt32? =
      font == .bold ? 0x1D6A8 : font == .boldItalic ? 0x1D71C : nil
    if let greekStart {
      if upperGreek {
        mapped = value <= 0x3A1
          ? greekStart + value - 0x391 : greekStart + 0x12 + value - 0x3A3
      } else if lowerGreek {
        mapped = greekStart + 0x1A + value - 0x3B1
      }
    }
    return mapped.flatMap(Unicode.Scalar.init) ?? scalar
  }
}
