import Notebook
import Report

/// `show weights [layer=1] [count=30]`: what the neurons of a layer look
/// for — each neuron's incoming weights drawn as an image (for the first
/// layer, an image of the data set's size), in a diverging colour map with
/// zero at white and one symmetric scale for all of them. It needs a
/// network, trained or not (random weights look like noise, which is the
/// point of showing them before and after `sgd`).
struct ShowWeights: LabDirective {
  static let spec = DirectiveSpec(
    verb: "show",
    summary: "Draw each neuron's incoming weights as an image.",
    positional: PositionalSpec(
      name: "what", label: "view", type: .choice(["weights"]),
      doc: "What to show: 'weights'."),
    parameters: [
      ParameterSpec(
        "layer", .integer(min: 1, max: 1000), default: "1",
        aliases: ["layers"],
        "The layer whose neurons are drawn (1: the first hidden layer, whose"
          + " weights are images)."),
      ParameterSpec(
        "count", .integer(min: 1, max: 1000), default: "30",
        aliases: ["n", "neurons", "number"],
        "How many of its neurons to draw, from the first."),
    ], maxListLength: 1)
  // The image size of the data set, and the network.
  static let reads: Set<StatePart> = [.data, .network]
  static let needs: Set<StatePart> = [.network]
  static let writes: Set<StatePart> = []

  /// The layer (from 1) whose neurons' incoming weights are drawn.
  var layer: Int
  /// How many neurons to draw at most.
  var count: Int

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    _ = try values.choice("", as: View.self)
    layer = try values.integer("layer")
    count = try values.integer("count")
  }

  /// The views `show` knows.
  enum View: String { case weights }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let network = try session.requireNetwork(for: directive, name: "show weights")
    try network.requireFullyConnected(for: "show weights", at: directive.location)
    let sizes = network.configuration.sizes
    guard layer < sizes.count else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "layer"),
          "the network \(sizes.map(String.init).joined(separator: "-")) has"
            + " \(sizes.count - 1) layers of weights, so there is no layer"
            + " \(layer)",
          suggestion: "use layer=1 to layer=\(sizes.count - 1)"))
    }
    let inputs = sizes[layer - 1]
    let neurons = min(count, sizes[layer])
    // The parameters are laid out layer by layer: weights (out × in),
    // then biases.
    var offset = 0
    for index in 0..<(layer - 1) {
      offset += sizes[index] * sizes[index + 1] + sizes[index + 1]
    }
    let parameters = network.parameters
    let weights = (0..<neurons).map { neuron in
      Array(parameters[offset + neuron * inputs..<offset + (neuron + 1) * inputs])
    }
    // The first layer reads images: draw its weights in their shape.
    let rows = session.splits?.training.rows ?? 28
    let columns = session.splits?.training.columns ?? 28
    let shape = layer == 1 && rows * columns == inputs
      ? (rows, columns) : (1, inputs)
    let scale = weights.joined().reduce(Float(0)) { max($0, abs($1)) }
    return .weights(
      WeightsResult(
        layer: layer, count: neurons, rows: shape.0, columns: shape.1,
        scale: Double(scale), weights: weights))
  }
}
