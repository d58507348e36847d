// MARK: - The directive language as data

/// The type of a directive's value, with its allowed range. The parser, the
/// help text and command-line overrides all read it.
public enum ValueType: Sendable, Equatable {
  /// An integral number in `min...max`. `3`, `3.0` and `3e0` all mean 3;
  /// `2.5` is refused.
  case integer(min: Int, max: Int)
  /// A non-negative integer of up to 64 bits, written in decimal digits.
  case unsigned64
  /// A finite decimal number (`3`, `0.5`, `3e-2`) with a lower bound and
  /// an optional upper bound, each inclusive or not.
  case number(
    min: Double, minInclusive: Bool, max: Double?, maxInclusive: Bool)
  /// One of a fixed set of words.
  case choice([String])
  /// Layer sizes joined by dashes, e.g. `784-30-10`: at least two layers,
  /// each a positive integer no larger than `maxUnits`, and no more than
  /// `maxParameters` weights and biases in all.
  case layerSizes(maxUnits: Int, maxParameters: Int)
  /// Words up to the first `key=value`, checked by the language's owner
  /// (the network's architecture, `28x28 conv5x5x20 pool2 100 10`, which
  /// only the engine can read); the value is their text as written.
  case phrase(PhraseCheck)
  /// Any text (the front matter's title).
  case text
  /// The whole line is a check (`expect test.accuracy >= 0.9`), read by
  /// ``CheckParser`` rather than as `key=value` arguments.
  case check

  /// What a valid value looks like, for messages: "a positive integer".
  public var expectation: String {
    switch self {
    case .integer(let min, let max):
      if max == Int.max {
        return min == 1
          ? "a positive integer"
          : min == 0 ? "a non-negative integer" : "an integer ≥ \(min)"
      }
      return "an integer from \(min) to \(max)"
    case .unsigned64:
      return "a non-negative integer below 2^64"
    case .number(let min, let minInclusive, let max, let maxInclusive):
      let low = formatNumber(min)
      guard let max else {
        if min == 0 {
          return minInclusive ? "a non-negative number" : "a positive number"
        }
        return "a number \(minInclusive ? "≥" : ">") \(low)"
      }
      let high = formatNumber(max)
      return "a number \(minInclusive ? "≥" : ">") \(low) and"
        + " \(maxInclusive ? "≤" : "<") \(high)"
    case .choice(let words):
      return "one of " + words.joined(separator: ", ")
    case .layerSizes:
      return "layer sizes such as 784-30-10"
    case .phrase(let check):
      return check.expectation
    case .text:
      return "text"
    case .check:
      return "a check such as 'test.accuracy >= 0.9'"
    }
  }
}

/// How a ``ValueType/phrase(_:)`` value is checked: by a function the
/// directive's owner supplies, since the parser cannot read it itself.
public struct PhraseCheck: Sendable, Equatable {
  /// A mistake in the text: where (in characters of the text), what, and
  /// what to write instead.
  public struct Problem: Sendable, Equatable {
    public var offset: Int
    public var message: String
    public var suggestion: String?
    public init(offset: Int, message: String, suggestion: String? = nil) {
      self.offset = offset
      self.message = message
      self.suggestion = suggestion
    }
  }

  /// What a valid value looks like: "an architecture such as 784-30-10".
  public var expectation: String
  /// The first mistake in a text, nil when it is valid.
  public var check: @Sendable (String) -> Problem?

  public init(
    expectation: String, check: @escaping @Sendable (String) -> Problem?
  ) {
    self.expectation = expectation
    self.check = check
  }

  /// Two checks are the same when they expect the same thing.
  public static func == (a: PhraseCheck, b: PhraseCheck) -> Bool {
    a.expectation == b.expectation
  }
}

/// The positional argument of a directive, e.g. the data set of `load`.
public struct PositionalSpec: Sendable {
  /// The name overrides use for it: `--set load.dataset=fashion-mnist`.
  public var name: String
  /// How messages and the help call it: "data set".
  public var label: String
  /// Its type.
  public var type: ValueType
  /// A one-line description.
  public var doc: String
  /// Whether a comma-separated list of values is allowed (`net
  /// 784-30-10,784-100-10`); it counts as the directive's one list.
  public var allowsList: Bool

  /// Creates a positional argument.
  public init(
    name: String, label: String, type: ValueType, list allowsList: Bool = false,
    doc: String
  ) {
    self.name = name
    self.label = label
    self.type = type
    self.allowsList = allowsList
    self.doc = doc
  }
}

/// One `key=value` parameter of a directive.
public struct ParameterSpec: Sendable {
  /// The key, e.g. `lr`.
  public var name: String
  /// Its type and range.
  public var type: ValueType
  /// The value used when the key is not written, as it would be written;
  /// empty for an optional parameter, which has no value unless written
  /// (`sgd stop=10`: no early stopping without it).
  public var defaultValue: String
  /// Whether a comma-separated list of values is allowed.
  public var allowsList: Bool
  /// Whether the list is a set of words that belong together
  /// (`monitor=training,validation`) rather than values to compare: it
  /// does not count as a directive's one compared list.
  public var listIsSet: Bool
  /// Whether the parameter has no value unless written.
  public var isOptional: Bool { defaultValue.isEmpty }
  /// A one-line description.
  public var doc: String
  /// Other names people may type for it (`learning_rate`, `eta`); used only
  /// to suggest the right key.
  public var aliases: [String]

  /// Creates a parameter.
  public init(
    _ name: String, _ type: ValueType, default defaultValue: String,
    list allowsList: Bool = false, set listIsSet: Bool = false,
    aliases: [String] = [], _ doc: String
  ) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.allowsList = allowsList || listIsSet
    self.listIsSet = listIsSet
    self.doc = doc
    self.aliases = aliases
  }
}

/// Everything about one verb of the directive language.
public struct DirectiveSpec: Sendable {
  /// The verb, e.g. `sgd`.
  public var verb: String
  /// A one-line description.
  public var summary: String
  /// The positional argument, if the verb takes one (always required).
  public var positional: PositionalSpec?
  /// The `key=value` parameters.
  public var parameters: [ParameterSpec]
  /// The most values one list may hold.
  public var maxListLength: Int
  /// True when only one parameter may carry a list (a comparison varies one
  /// setting at a time).
  public var atMostOneList: Bool
  /// What a list does, for the help, in lines of at most 72 characters;
  /// nil: "… then runs once per value and compares the runs."
  public var listHelp: [String]?

  /// Creates a directive's schema.
  public init(
    verb: String, summary: String, positional: PositionalSpec? = nil,
    parameters: [ParameterSpec] = [],
    maxListLength: Int = DirectiveLanguage.maxListLength,
    atMostOneList: Bool = false, listHelp: [String]? = nil
  ) {
    self.listHelp = listHelp
    self.verb = verb
    self.summary = summary
    self.positional = positional
    self.parameters = parameters
    self.maxListLength = maxListLength
    self.atMostOneList = atMostOneList
  }

  /// The parameter with this key, if any.
  public func parameter(_ name: String) -> ParameterSpec? {
    parameters.first { $0.name == name }
  }

  /// The synopsis: `load DATASET [train=N] …`.
  public var synopsis: String {
    var parts = [verb]
    if let positional {
      parts.append(positional.name.uppercased())
    }
    for parameter in parameters {
      let value =
        switch (parameter.isOptional, parameter.type) {
        case (true, .choice(let words)): words.joined(separator: "|")
        case (true, _): "N"
        case (false, _): parameter.defaultValue
        }
      parts.append("[\(parameter.name)=\(value)]")
    }
    return parts.joined(separator: " ")
  }
}

// MARK: - A language: the directives a parser knows

/// The directive language of `lab` blocks, as data: the schemas of the
/// verbs a parser accepts, in the order a notebook usually uses them.
///
/// The Notebook target parses and validates against any language; it does
/// not know the verbs themselves. Each verb's schema is declared by the type
/// that also decodes and runs it (LabrunCore's `Runner/Directives/`), whose
/// registry builds the language labrun runs.
public struct DirectiveLanguage: Sendable {
  /// The language version these specs describe.
  public static let version = 1

  /// The largest layer a `net` may have.
  public static let maxLayerUnits = 1_000_000
  /// The most weights and biases a `net` may have.
  public static let maxParameters = 250_000_000
  /// The most values a list may hold.
  public static let maxListLength = 8

  /// Every directive, in the order a notebook usually uses them.
  public let specs: [DirectiveSpec]
  private let specsByVerb: [String: DirectiveSpec]

  /// A language of these verbs (the first spec of a verb wins).
  public init(_ specs: [DirectiveSpec]) {
    self.specs = specs
    specsByVerb = Dictionary(
      specs.map { ($0.verb, $0) }, uniquingKeysWith: { a, _ in a })
  }

  /// The spec of a verb, if it exists.
  public func spec(_ verb: String) -> DirectiveSpec? { specsByVerb[verb] }

  /// The verbs, in spec order.
  public var verbs: [String] { specs.map(\.verb) }

  /// Every directive with its parameters, types, defaults and one-line
  /// docs, as `labrun help directives` prints it.
  public func helpText() -> String {
    var lines = [
      "labrun directive language, version \(Self.version)",
      "",
      "A ```lab block holds one directive per line: a verb, then its"
        + " arguments",
      "separated by spaces. '#' starts a comment. Numbers are written 3,"
        + " 0.5",
      "or 3e-2.",
      "",
    ]
    for spec in specs {
      lines.append(Self.wrapped(spec.synopsis))
      lines.append("    \(spec.summary)")
      if let positional = spec.positional {
        let list = positional.allowsList
          ? "; a list a,b,… of up to \(spec.maxListLength) values" : ""
        lines.append(
          Self.helpRow(
            positional.name.uppercased(),
            "\(positional.type.expectation) (required)\(list)."
              + " \(positional.doc)"))
      }
      for parameter in spec.parameters {
        var text = parameter.type.expectation
          + (parameter.isOptional
            ? ", off unless written" : ", default \(parameter.defaultValue)")
        if parameter.listIsSet {
          text += "; several joined by commas"
        } else if parameter.allowsList {
          text += "; a list a,b,… of up to \(spec.maxListLength) values"
        }
        lines.append(
          Self.helpRow("\(parameter.name)=", "\(text). \(parameter.doc)"))
      }
      if spec.atMostOneList {
        lines += (spec.listHelp ?? [
          "At most one parameter may hold a list; \(spec.verb) then runs"
            + " once per value",
          "and compares the runs.",
        ]).map { "    " + $0 }
      }
      lines.append("")
    }
    lines.append(
      "Override a parameter from the command line with --set verb.key=value,"
    )
    lines.append(
      "e.g. --set sgd.epochs=1; a positional argument by its name, e.g."
        + " --set")
    lines.append(
      "net.sizes=784-100-10; the front matter with --set seed=N or --set")
    lines.append("title=TEXT.")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A synopsis wrapped at 76 columns, continued 4 spaces in.
  private static func wrapped(_ text: String) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty, line.count + 1 + word.count > 76 {
        lines.append(line)
        line = "   "
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// `    name        text…`, wrapped at 76 columns under the text (the
  /// width `labrun --help` prints without wrapping again).
  private static func helpRow(_ name: String, _ text: String) -> String {
    let padded = name.count < 12
      ? name + String(repeating: " ", count: 12 - name.count) : name + " "
    let indent = String(repeating: " ", count: 4 + padded.count)
    var lines: [String] = []
    var line = "    " + padded
    var lineHasWord = false
    for word in text.split(separator: " ") {
      if lineHasWord, line.count + 1 + word.count > 76 {
        lines.append(line)
        line = indent
        lineHasWord = false
      }
      line += (lineHasWord ? " " : "") + word
      lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }
}
