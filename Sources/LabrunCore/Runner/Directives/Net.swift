import NeuralNet
import Notebook
import Report

/// `net 784-30-10 hidden=… output=… cost=… init=…`: a fresh network with
/// random weights, described in the engine's own configuration types.
struct Net: LabDirective {
  static let spec = DirectiveSpec(
    verb: "net",
    summary: "Create a fresh network with random weights.",
    positional: PositionalSpec(
      name: "sizes", label: "layer sizes",
      type: .layerSizes(
        maxUnits: DirectiveLanguage.maxLayerUnits,
        maxParameters: DirectiveLanguage.maxParameters),
      doc: "Neurons per layer, input first, joined by '-'."),
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
  // The data set's image size and class count are checked when loaded.
  static let reads: Set<StatePart> = [.data, .generator]
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = [.network, .generator]

  /// The network to build.
  var configuration: NetworkConfiguration

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    configuration = NetworkConfiguration(
      sizes: try values.sizes(""),
      hidden: try values.choice("hidden", as: Activation.self),
      output: try values.choice("output", as: Activation.self),
      cost: try values.choice("cost", as: Cost.self),
      initialization: try values.choice("init", as: Initialization.self))
  }

  /// The directive written in code.
  init(_ configuration: NetworkConfiguration) { self.configuration = configuration }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let sizes = configuration.sizes
    if let splits = session.splits {
      let pixels = splits.training.pixelsPerImage
      if sizes.first != pixels {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the input layer has \(sizes.first ?? 0) units, but "
              + "\(splits.name.displayName) images have \(pixels) pixels "
              + "(\(splits.training.rows)×\(splits.training.columns))",
            suggestion: "start the sizes with \(pixels), e.g. "
              + "'net \(([pixels] + sizes.dropFirst()).map(String.init).joined(separator: "-"))'"))
      }
      let classes = splits.name.classNames.count
      if sizes.last != classes {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the output layer has \(sizes.last ?? 0) units, but "
              + "\(splits.name.displayName) has \(classes) classes",
            suggestion: "end the sizes with \(classes)"))
      }
    }
    session.network = Network(configuration, seed: session.generator.next())
    session.networkIsTrained = false
    let layers = zip(sizes, sizes.dropFirst()).enumerated().map {
      index, pair in
      NetworkResult.Layer(
        inputs: pair.0, outputs: pair.1,
        activation: index == sizes.count - 2
          ? configuration.output.rawValue : configuration.hidden.rawValue)
    }
    return .network(
      NetworkResult(
        sizes: sizes, layers: layers, cost: configuration.cost.rawValue,
        initialization: configuration.initialization.rawValue))
  }
}
