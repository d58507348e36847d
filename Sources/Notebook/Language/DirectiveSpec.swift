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
  /// Any text (the front matter's title).
  case text

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
    case .text:
      return "text"
    }
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
}

/// One `key=value` parameter of a directive.
public struct ParameterSpec: Sendable {
  /// The key, e.g. `lr`.
  public var name: String
  /// Its type and range.
  public var type: ValueType
  /// The value used when the key is not written, as it would be written.
  public var defaultValue: String
  /// Whether a comma-separated list of values is allowed.
  public var allowsList: Bool
  /// A one-line description.
  public var doc: String
  /// Other names people may type for it (`learning_rate`, `eta`); used only
  /// to suggest the right key.
  public var aliases: [String]

  /// Creates a parameter.
  public init(
    _ name: String, _ type: ValueType, default defaultValue: String,
    list allowsList: Bool = false, aliases: [String] = [], _ doc: String
  ) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.allowsList = allowsList
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
      parts.append("[\(parameter.name)=\(parameter.defaultValue)]")
    }
    return parts.joined(separator: " ")
  }
}

// MARK: - Version 1 of the language

/// The directive language of `lab` blocks, as data.
public enum DirectiveLanguage {
  /// The language version these specs describe.
  public static let version = 1

  /// The largest layer a `net` may have.
  public static let maxLayerUnits = 1_000_000
  /// The most weights and biases a `net` may have.
  public static let maxParameters = 250_000_000
  /// The most values a list may hold.
  public static let maxListLength = 8

  /// Every directive, in the order a notebook usually uses them.
  public static var specs: [DirectiveSpec] { allSpecs }

  /// The spec of a verb, if it exists.
  public static func spec(_ verb: String) -> DirectiveSpec? {
    specsByVerb[verb]
  }

  private static let specsByVerb: [String: DirectiveSpec] =
    Dictionary(allSpecs.map { ($0.verb, $0) }, uniquingKeysWith: { a, _ in a })

  /// The verbs, in spec order.
  public static var verbs: [String] { allSpecs.map(\.verb) }

  private static let positive = ValueType.integer(min: 1, max: Int.max)
  private static let nonNegative = ValueType.integer(min: 0, max: Int.max)

  private static let allSpecs: [DirectiveSpec] = [
    DirectiveSpec(
      verb: "seed",
      summary: "Reseed the random numbers, so that what follows repeats exactly.",
      positional: PositionalSpec(
        name: "value", label: "seed", type: .unsigned64,
        doc: "The seed."),
      parameters: [], maxListLength: 1, atMostOneList: false),
    DirectiveSpec(
      verb: "load",
      summary: "Load a data set: training, validation and test images.",
      positional: PositionalSpec(
        name: "dataset", label: "data set",
        type: .choice(DatasetName.allCases.map(\.rawValue)),
        doc: "The data set to load."),
      parameters: [
        ParameterSpec(
          "train", positive, default: "50000",
          aliases: ["training", "n_train"],
          "Training images, taken from the start of the training file."),
        ParameterSpec(
          "validation", nonNegative, default: "10000",
          aliases: ["valid", "val", "validate"],
          "Validation images, taken from the training file after the training images."),
        ParameterSpec(
          "test", nonNegative, default: "10000",
          aliases: ["testing", "n_test"],
          "Test images, taken from the test file."),
      ], maxListLength: 1, atMostOneList: false),
    DirectiveSpec(
      verb: "net",
      summary: "Create a fresh network with random weights.",
      positional: PositionalSpec(
        name: "sizes", label: "layer sizes",
        type: .layerSizes(
          maxUnits: maxLayerUnits, maxParameters: maxParameters),
        doc: "Neurons per layer, input first, joined by '-'."),
      parameters: [
        ParameterSpec(
          "hidden", .choice(HiddenActivation.allCases.map(\.rawValue)),
          default: "sigmoid", aliases: ["activation"],
          "Activation function of the hidden layers."),
        ParameterSpec(
          "output", .choice(OutputActivation.allCases.map(\.rawValue)),
          default: "sigmoid", aliases: ["out"],
          "Activation function of the output layer."),
        ParameterSpec(
          "cost", .choice(CostName.allCases.map(\.rawValue)),
          default: "quadratic", aliases: ["loss"],
          "Cost (loss) function."),
        ParameterSpec(
          "init", .choice(InitName.allCases.map(\.rawValue)),
          default: "normal", aliases: ["initialization", "initialisation"],
          "Weight initialisation: N(0,1), or scaled by 1/sqrt(fan-in)."),
      ], maxListLength: 1, atMostOneList: false),
    DirectiveSpec(
      verb: "sgd",
      summary: "Train the network by mini-batch stochastic gradient descent.",
      positional: nil,
      parameters: [
        ParameterSpec(
          "lr",
          .number(min: 0, minInclusive: false, max: nil, maxInclusive: false),
          default: "3", list: true,
          aliases: ["eta", "rate", "learning_rate", "learningrate",
                    "learning-rate"],
          "Learning rate η."),
        ParameterSpec(
          "batch", positive, default: "10", list: true,
          aliases: ["batch_size", "batchsize", "batch-size", "minibatch",
                    "mini_batch_size"],
          "Images per mini-batch."),
        ParameterSpec(
          "epochs", .integer(min: 1, max: 10_000), default: "5", list: true,
          aliases: ["epoch", "iterations"],
          "Passes over the training images."),
        ParameterSpec(
          "l2",
          .number(min: 0, minInclusive: true, max: nil, maxInclusive: false),
          default: "0", list: true,
          aliases: ["lambda", "lmbda", "weight_decay", "regularization",
                    "regularisation"],
          "L2 regularisation strength λ."),
        ParameterSpec(
          "momentum",
          .number(min: 0, minInclusive: true, max: 1, maxInclusive: false),
          default: "0", list: true, aliases: ["mu", "beta"],
          "Momentum coefficient μ."),
      ], maxListLength: maxListLength, atMostOneList: true),
    DirectiveSpec(
      verb: "evaluate",
      summary: "Measure the current network's accuracy and cost on a split.",
      positional: nil,
      parameters: [
        ParameterSpec(
          "on", .choice(Split.allCases.map(\.rawValue)), default: "test",
          aliases: ["split", "set", "data"],
          "The split to measure on."),
      ], maxListLength: 1, atMostOneList: false),
    DirectiveSpec(
      verb: "playground",
      summary: "Let readers draw a digit and watch the trained network read it.",
      positional: nil, parameters: [], maxListLength: 1,
      atMostOneList: false),
  ]

  /// Every directive with its parameters, types, defaults and one-line
  /// docs, as `labrun help directives` prints it.
  public static func helpText() -> String {
    var lines = [
      "labrun directive language, version \(version)",
      "",
      "A ```lab block holds one directive per line: a verb, then its"
        + " arguments",
      "separated by spaces. '#' starts a comment. Numbers are written 3,"
        + " 0.5",
      "or 3e-2.",
      "",
    ]
    for spec in allSpecs {
      lines.append(spec.synopsis)
      lines.append("    \(spec.summary)")
      if let positional = spec.positional {
        lines.append(
          helpRow(
            positional.name.uppercased(),
            "\(positional.type.expectation) (required). \(positional.doc)"))
      }
      for parameter in spec.parameters {
        var text = "\(parameter.type.expectation), default"
          + " \(parameter.defaultValue)"
        if parameter.allowsList {
          text += "; a list a,b,… of up to \(spec.maxListLength) values"
        }
        lines.append(helpRow("\(parameter.name)=", "\(text). \(parameter.doc)"))
      }
      if spec.atMostOneList {
        lines.append(
          "    At most one parameter may hold a list; \(spec.verb) then runs"
            + " once per value")
        lines.append("    and compares the runs.")
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
