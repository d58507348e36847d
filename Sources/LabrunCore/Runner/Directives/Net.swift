import NeuralNet
import Notebook
import NumberFormat
import Report

/// `net 784-30-10 hidden=… output=… cost=… init=…` or
/// `net 28x28 conv5x5x20 pool2 100 10 hidden=relu output=softmax`: a fresh
/// network with random weights, described by the engine's own
/// ``NetworkArchitecture`` (docs/architecture.md).
struct Net: LabDirective {
  static let spec = DirectiveSpec(
    verb: "net",
    summary: "Create a fresh network with random weights.",
    positional: PositionalSpec(
      name: "sizes", label: "architecture",
      type: .phrase(
        PhraseCheck(
          expectation: "an architecture such as 784-30-10 or "
            + "28x28 conv5x5x20 pool2 100 10",
          check: Net.problem(in:))),
      doc: "The input and the layers: 784-30-10, or "
        + "28x28 conv5x5x20 pool2 100 10 (docs/architecture.md)."),
    parameters: [
      ParameterSpec(
        "hidden",
        .choice(Activation.allCases.filter(\.isHiddenActivation).map(\.rawValue)),
        default: "sigmoid", aliases: ["activation"],
        "Activation function of the hidden layers."),
      ParameterSpec(
        "output",
        .choice(Activation.allCases.filter(\.isOutputActivation).map(\.rawValue)),
        default: "sigmoid", aliases: ["out"],
        "Activation function of the output layer."),
      ParameterSpec(
        "cost", .choice(Cost.allCases.map(\.rawValue)),
        default: "quadratic", aliases: ["loss"],
        "Cost (loss) function."),
      ParameterSpec(
        "init", .choice(Initialization.allCases.map(\.rawValue)),
        default: "normal", aliases: ["initialization", "initialisation"],
        "Weight initialisation: N(0,1), or scaled by 1/sqrt(fan-in)."),
    ], maxListLength: 1)

  /// The first mistake in an architecture's notation, located in it.
  @Sendable static func problem(in text: String) -> PhraseCheck.Problem? {
    let architecture: NetworkArchitecture
    do {
      architecture = try NetworkArchitecture.parse(text)
    } catch {
      guard let first = error.errors.first else {
        return PhraseCheck.Problem(offset: 0, message: "invalid architecture")
      }
      return PhraseCheck.Problem(
        offset: first.offset, message: first.message,
        suggestion: first.suggestion)
    }
    let count = architecture.parameterCount
    if count > DirectiveLanguage.maxParameters {
      // Weights, their gradients and momentum velocities, as 4-byte floats.
      let gigabytes = Double(count) * 4 * 3 / 1e9
      return PhraseCheck.Problem(
        offset: 0,
        message: "network \(text) has \(Format.grouped(count)) parameters "
          + "and would need about \(Format.fixed(gigabytes, 1)) GB of memory "
          + "(float32 weights, gradients and velocities); at most "
          + "\(Format.grouped(DirectiveLanguage.maxParameters)) parameters "
          + "are allowed",
        suggestion: "use fewer or smaller layers")
    }
    return nil
  }

  // The data set's image size and class count are checked when loaded.
  static let reads: Set<StatePart> = [.data, .generator]
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = [.network, .generator]
  static let produces: [any ResultContent.Type] = [NetworkResult.self]

  /// The network to build.
  var architecture: NetworkArchitecture

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    let hidden = try values.choice("hidden", as: Activation.self)
    let output = try values.choice("output", as: Activation.self)
    let cost = try values.choice("cost", as: Cost.self)
    let initialization = try values.choice("init", as: Initialization.self)
    architecture = try values.phrase("") { text in
      try? NetworkArchitecture.parse(
        text, hidden: hidden, output: output, cost: cost,
        initialization: initialization)
    }
  }

  /// The directive written in code.
  init(_ architecture: NetworkArchitecture) { self.architecture = architecture }
  /// A fully-connected network written in code.
  init(_ configuration: NetworkConfiguration) {
    self.architecture = NetworkArchitecture(configuration)
  }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let input = architecture.input
    if let splits = session.splits {
      let training = splits.training
      let pixels = training.pixelsPerImage
      if !Self.takes(training, input: input) {
        let rest = architecture.notation.split(separator: " ").dropFirst()
        let example =
          input.isImage
          ? (["\(training.rows)x\(training.columns)"] + rest).joined(separator: " ")
          : ([String(pixels)] + architecture.configuration.sizes.dropFirst()
            .map(String.init)).joined(separator: "-")
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the input is \(input), but \(splits.name.displayName) images "
              + "have \(pixels) pixels (\(training.rows)×\(training.columns))",
            suggestion: "start the architecture with "
              + (input.isImage ? "\(training.rows)x\(training.columns)" : "\(pixels)")
              + ", e.g. 'net \(example)'"))
      }
      let classes = splits.name.classNames.count
      if architecture.outputCount != classes {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the output layer has \(architecture.outputCount) units, but "
              + "\(splits.name.displayName) has \(classes) classes",
            suggestion: "end the architecture with \(classes)"))
      }
    }
    session.network = Network(architecture, seed: session.generator.next())
    session.networkIsTrained = false
    // A fully-connected network's report is its sizes, as it always was.
    if architecture.isFullyConnected {
      let sizes = architecture.configuration.sizes
      return CellResult(
        NetworkResult(
          sizes: sizes,
          layers: zip(sizes, sizes.dropFirst()).enumerated().map { index, pair in
            NetworkResult.Layer(
              inputs: pair.0, outputs: pair.1,
              activation: index == sizes.count - 2
                ? architecture.output.rawValue : architecture.hidden.rawValue)
          },
          cost: architecture.cost.rawValue,
          initialization: architecture.initialization.rawValue))
    }
    let shapes = architecture.shapes
    let inputs = [input] + shapes.dropLast()
    let counts = architecture.parameterCounts
    let layers = architecture.layers.indices.map { index in
      let kind = architecture.layers[index]
      let activation: String
      switch kind {
      case .maxPool: activation = "max"
      case .dense where index == architecture.layers.count - 1:
        activation = architecture.output.rawValue
      default: activation = architecture.hidden.rawValue
      }
      return NetworkResult.Layer(
        kind: kind.notation, inputShape: inputs[index].description,
        outputShape: shapes[index].description,
        inputs: inputs[index].count, outputs: shapes[index].count,
        activation: activation, parameters: counts[index])
    }
    return CellResult(
      NetworkResult(
        sizes: architecture.configuration.sizes, layers: layers,
        cost: architecture.cost.rawValue,
        initialization: architecture.initialization.rawValue,
        architecture: architecture.notation))
  }
}

extension Net {
  /// Whether a network whose input is `input` takes `split`'s images: an
  /// image input of their size, or a vector of their pixel count.
  static func takes(_ split: Split, input: TensorShape) -> Bool {
    input.isImage
      ? input.channels == 1 && input.height == split.rows
        && input.width == split.columns
      : input.count == split.pixelsPerImage
  }
}
