import NeuralNet
import Notebook
import Report

/// `show weights [layer=1] [count=30]`, `show filters [count=30]` and
/// `show maps [image=0] [digit=…]`: views of what the network has learnt.
///
/// - `weights`: what the neurons of a layer look for — each neuron's
///   incoming weights drawn as an image (for the first layer, an image of
///   the data set's size); for a convolutional layer, its filters.
/// - `filters`: the first convolutional layer's filters, each a small image
///   (a convolution's neurons are its filters, so a student asking for a
///   conv net's weights gets these too).
/// - `maps`: one test image going through the network — the input, then
///   each convolutional and pooling layer's maps (``ShowMaps``).
///
/// Weights and filters are drawn in a diverging colour map with zero at
/// white and one symmetric scale for all of them. It needs a network,
/// trained or not (random weights look like noise, which is the point of
/// showing them before and after `sgd`).
struct ShowWeights: LabDirective {
  static let spec = DirectiveSpec(
    verb: "show",
    summary: "Draw what the network learnt: weights, filters, feature maps.",
    positional: PositionalSpec(
      name: "what", label: "view", type: .choice(View.allCases.map(\.rawValue)),
      doc: "What to show: 'weights' (each neuron's incoming weights),"
        + " 'filters' (the first convolutional layer's filters) or 'maps'"
        + " (one test image's feature maps, layer by layer)."),
    parameters: [
      ParameterSpec(
        "layer", .integer(min: 1, max: 1000), default: "1",
        aliases: ["layers"],
        "weights: the layer whose neurons are drawn (1: the first, whose"
          + " weights are images)."),
      ParameterSpec(
        "count", .integer(min: 1, max: 1000), default: "30",
        aliases: ["n", "neurons", "number"],
        "weights, filters: how many neurons or filters to draw, from the"
          + " first."),
      ParameterSpec(
        "image", .integer(min: 0, max: Int(Int32.max)), default: "0",
        aliases: ["index", "test"],
        "maps: the test image sent through the network, by its index."),
      ParameterSpec(
        "digit", .integer(min: 0, max: 1000), default: "0",
        aliases: ["class", "label"],
        "maps: instead of image=, the first test image of this class"
          + " (a digit for MNIST, a class number for Fashion-MNIST)."),
    ], maxListLength: 1)
  // The image size and test images of the data set, and the network.
  static let reads: Set<StatePart> = [.data, .network]
  static let needs: Set<StatePart> = [.network]
  static let writes: Set<StatePart> = []
  static let produces: [any ResultContent.Type] = [
    WeightsResult.self, MapsResult.self,
  ]

  /// What is drawn.
  var view: View
  /// The layer (from 1) whose neurons' incoming weights are drawn.
  var layer: Int
  /// How many neurons or filters to draw at most.
  var count: Int
  /// The test image whose maps are drawn.
  var image: Int
  /// The class whose first test image's maps are drawn (when written).
  var digit: Int

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    view = try values.choice("", as: View.self)
    layer = try values.integer("layer")
    count = try values.integer("count")
    image = try values.integer("image")
    digit = try values.integer("digit")
  }

  /// The views `show` knows.
  enum View: String, CaseIterable { case weights, filters, maps }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let name = "show \(view.rawValue)"
    let network = try session.requireNetwork(for: directive, name: name)
    try refuseKeys(of: directive)
    switch view {
    case .weights:
      return CellResult(try weights(network, at: directive, session: session))
    case .filters:
      let architecture = network.architecture
      guard
        let first = architecture.layers.firstIndex(where: {
          if case .convolution = $0 { return true }
          return false
        })
      else {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the network '\(architecture.notation)' has no convolutional"
              + " layer, so it has no filters to show",
            suggestion: "use 'show weights' for a fully-connected layer's"
              + " weights, or a network with convolutions such as"
              + " 'net 28x28 conv5x5x20 pool2 100 10'"))
      }
      return CellResult(filters(network, layer: first))
    case .maps:
      return CellResult(
        try ShowMaps(image: image, digit: digit)
          .run(network, at: directive, session: session))
    }
  }

  /// A key written for another view is an error at that key, not ignored.
  /// A key only a `--set show.key=…` added (located at the verb) is left
  /// alone: it applies to every `show`, whichever its view.
  private func refuseKeys(of directive: Directive) throws(CellFailure) {
    let keys: [View: Set<String>] = [
      .weights: ["layer", "count"], .filters: ["count"],
      .maps: ["image", "digit"],
    ]
    let allowed = keys[view] ?? []
    for argument in directive.arguments
    where !argument.key.isEmpty && !allowed.contains(argument.key)
      && argument.location != directive.location
    {
      let users = View.allCases.filter { keys[$0]?.contains(argument.key) == true }
      throw CellFailure(
        diagnostic: .error(
          at: argument.location,
          "'\(argument.key)=' belongs to "
            + users.map { "'show \($0.rawValue)'" }.joined(separator: " and ")
            + ", not to 'show \(view.rawValue)'",
          suggestion: allowed.isEmpty
            ? "remove it"
            : "'show \(view.rawValue)' takes "
              + allowed.sorted().map { "\($0)=" }.joined(separator: " and ")))
    }
  }

  // MARK: - Weights

  private func weights(
    _ network: Network, at directive: Directive, session: LabSession
  ) throws(CellFailure) -> WeightsResult {
    let architecture = network.architecture
    let layers = architecture.layers
    guard layer <= layers.count else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "layer"),
          "the network \(architecture.notation) has"
            + " \(layers.count) layers of weights, so there is no layer"
            + " \(layer)",
          suggestion: "use layer=1 to layer=\(layers.count)"))
    }
    let index = layer - 1
    switch layers[index] {
    case .convolution:
      return filters(network, layer: index)
    case .maxPool:
      let weighted = layers.indices.filter {
        if case .maxPool = layers[$0] { return false }
        return true
      }
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "layer"),
          "layer \(layer) of '\(architecture.notation)' is"
            + " '\(layers[index].notation)', which has no weights: it keeps"
            + " the largest value of each window",
          suggestion: "use a layer with weights: "
            + weighted.map { "layer=\($0 + 1) (\(layers[$0].notation))" }
            .joined(separator: ", ")))
    case .dense:
      break
    }
    let input = ([architecture.input] + architecture.shapes)[index]
    let inputs = input.count
    let neurons = min(count, architecture.shapes[index].count)
    let matrix = network.weights[index]  // (out, in) row-major
    let weights = (0..<neurons).map { neuron in
      Array(matrix[neuron * inputs..<(neuron + 1) * inputs])
    }
    // Weights that read an image or maps are drawn in their shape.
    if input.isImage {
      return WeightsResult(
        layer: layer, count: neurons, rows: input.height,
        columns: input.width, scale: Self.scale(weights), weights: weights,
        channels: input.channels > 1 ? input.channels : nil, filters: false)
    }
    let rows = session.splits?.training.rows ?? 28
    let columns = session.splits?.training.columns ?? 28
    let shape =
      index == 0 && rows * columns == inputs ? (rows, columns) : (1, inputs)
    return WeightsResult(
      layer: layer, count: neurons, rows: shape.0, columns: shape.1,
      scale: Self.scale(weights), weights: weights)
  }

  /// The filters of the convolutional layer at `index` (from 0), the
  /// first `count`, each (channel, row, column).
  private func filters(_ network: Network, layer index: Int) -> WeightsResult {
    let architecture = network.architecture
    guard case .convolution(let size, let maps) = architecture.layers[index]
    else { preconditionFailure("not a convolution") }
    let channels = ([architecture.input] + architecture.shapes)[index].channels
    let taps = channels * size * size
    let matrix = network.weights[index]  // (maps, taps) row-major
    let shown = min(count, maps)
    let filters = (0..<shown).map { map in
      Array(matrix[map * taps..<(map + 1) * taps])
    }
    return WeightsResult(
      layer: index + 1, count: shown, rows: size, columns: size,
      scale: Self.scale(filters), weights: filters, channels: channels,
      notation: architecture.layers[index].notation)
  }

  /// The largest magnitude drawn: the colour scale's end.
  private static func scale(_ values: [[Float]]) -> Double {
    Double(values.joined().reduce(Float(0)) { max($0, abs($1)) })
  }
}
