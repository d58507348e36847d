import Notebook
import Report

/// `playground`: a drawing area in the report where readers draw what the
/// loaded data set shows (a digit, a piece of clothing) and watch the
/// current network read it — fully connected, or convolutional, the page
/// running the same layers. An untrained network is a fair thing to show
/// (random weights guess), so it needs only a network.
struct Playground: LabDirective {
  static let spec = DirectiveSpec(
    verb: "playground",
    summary: "Let readers draw and watch the network read their drawing.",
    maxListLength: 1)
  // The image size and class names, and the network.
  static let reads: Set<StatePart> = [.data, .network]
  static let needs: Set<StatePart> = [.network]
  static let writes: Set<StatePart> = []
  static let produces: [any ResultContent.Type] = [PlaygroundResult.self]

  init(_ values: DirectiveValues) {}

  /// The directive written in code.
  init() {}

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let network = try session.requireNetwork(
      for: directive, name: "playground", needs: "a trained network",
      suggestion: "add 'net 784-30-10' and 'sgd' in cells before this one")
    let architecture = network.architecture
    let sizes = network.configuration.sizes
    // Drawings are square images; the loaded data set says their size.
    let splits = session.splits
    let rows = splits?.training.rows ?? 28
    let columns = splits?.training.columns ?? 28
    let input = architecture.input
    if input.isImage,
      input.channels != 1 || input.height != rows || input.width != columns
    {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "the playground draws \(rows)×\(columns) images, but the network "
            + "reads \(input) inputs",
          suggestion: "train a network that reads \(rows)x\(columns) images,"
            + " e.g. 'net \(rows)x\(columns) conv5x5x20 pool2 100 10'"))
    }
    guard rows * columns == network.inputSize else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "the playground draws \(rows)×\(columns) images, but the network "
            + "takes \(network.inputSize) inputs",
          suggestion: "train a network whose input layer has "
            + "\(rows * columns) units, e.g. 'net \(rows * columns)-30-10'"))
    }
    // Without data, the playground asks for digits, the way MNIST's were.
    let dataset = splits?.name ?? .mnist
    let names = splits?.name.classNames ?? []
    if let warning = PlaygroundProbe.answer(
      network, cell: directive.location,
      environment: session.options.environment)
    {
      warnings.append(warning)
    }
    return CellResult(
      PlaygroundResult(
        sizes: sizes, hidden: network.configuration.hidden.rawValue,
        output: network.configuration.output.rawValue, rows: rows,
        columns: columns,
        classNames: names.count == network.outputSize
          ? names : (0..<network.outputSize).map(String.init),
        parameters: network.parameters,
        subject: dataset.drawingSubject,
        preparation: dataset.drawingPreparation,
        layers: architecture.layers.map { layer in
          switch layer {
          case .convolution(let size, let maps):
            .convolution(size: size, maps: maps)
          case .maxPool(let size): .maxPool(size: size)
          // Dropout silences units only in training (kept units scaled
          // there), so the page runs the layer as it is.
          case .dense(let units, _): .dense(units: units)
          }
        }))
  }
}
