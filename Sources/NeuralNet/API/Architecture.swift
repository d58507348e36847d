import NumberFormat

// MARK: - The layers a network is made of

/// The shape of the values one example has between two layers: `channels`
/// maps of `height` × `width` (a plain vector of n values is 1 × 1 × n
/// with ``isImage`` false).
public struct TensorShape: Sendable, Hashable, CustomStringConvertible {
  public var channels: Int
  public var height: Int
  public var width: Int
  /// Whether the values form maps (an image, or a convolution's output)
  /// rather than a vector.
  public var isImage: Bool

  /// An image (or feature maps): `channels` maps of height × width.
  public init(channels: Int = 1, height: Int, width: Int) {
    self.channels = channels
    self.height = height
    self.width = width
    isImage = true
  }

  /// A vector of `count` values.
  public init(vector count: Int) {
    channels = 1
    height = 1
    width = count
    isImage = false
  }

  /// Values per example.
  public var count: Int { channels * height * width }

  /// `28×28`, `24×24×20` or `100`.
  public var description: String {
    guard isImage else { return "\(count)" }
    return channels == 1
      ? "\(height)×\(width)" : "\(height)×\(width)×\(channels)"
  }
}

/// One layer of a ``NetworkArchitecture``, in the notebook's words.
public enum LayerKind: Sendable, Hashable {
  /// `conv5x5x20`: `maps` filters of size × size, each over every input
  /// channel (valid positions only, stride 1), then the hidden activation.
  case convolution(size: Int, maps: Int)
  /// `pool2`: the largest value of each size × size window of every map
  /// (windows side by side, size dividing the maps).
  case maxPool(size: Int)
  /// `100`: a fully-connected layer of `units` neurons; `dropout` (written
  /// `dropout0.5` after it) is the fraction of its units silenced in each
  /// training step (0: none; hidden layers only).
  case dense(units: Int, dropout: Double = 0)

  /// The layer's output for an input of `shape` (which must fit).
  func output(for shape: TensorShape) -> TensorShape {
    switch self {
    case .convolution(let size, let maps):
      return TensorShape(
        channels: maps, height: shape.height - size + 1,
        width: shape.width - size + 1)
    case .maxPool(let size):
      return TensorShape(
        channels: shape.channels, height: shape.height / size,
        width: shape.width / size)
    case .dense(let units, _):
      return TensorShape(vector: units)
    }
  }

  /// Weights and biases for an input of `shape`.
  func parameterCount(for shape: TensorShape) -> Int {
    switch self {
    case .convolution(let size, let maps):
      return (shape.channels * size * size + 1) * maps
    case .maxPool: return 0
    case .dense(let units, _): return (shape.count + 1) * units
    }
  }

  /// `conv5x5x20`, `pool2`, `100` or `100 dropout0.5`.
  public var notation: String {
    switch self {
    case .convolution(let size, let maps): return "conv\(size)x\(size)x\(maps)"
    case .maxPool(let size): return "pool\(size)"
    case .dense(let units, let dropout):
      return dropout == 0 ? "\(units)" : "\(units) dropout\(Format.positional(dropout))"
    }
  }
}

// MARK: - The architecture

/// What a network looks like: its input, its layers, their activations,
/// the cost and the initialisation. The one description the engine builds
/// a ``Network`` from; ``parse(_:)`` reads the notebook's notation
/// (`784-30-10`, `28x28 conv5x5x20 pool2 100 10`).
public struct NetworkArchitecture: Sendable, Hashable {
  /// One example's input.
  public var input: TensorShape
  /// The layers after the input; the last is the (dense) output layer.
  public var layers: [LayerKind]
  /// Activation of every hidden layer, convolutions included.
  public var hidden: Activation
  /// Activation of the output layer.
  public var output: Activation
  /// Cost minimised by training.
  public var cost: Cost
  /// How the first parameters are drawn: `scaled` takes weights from
  /// N(0, 1/fan-in), the fan-in of a convolution being channels × size².
  public var initialization: Initialization

  /// Creates an architecture; call ``problems`` to check it before use.
  public init(
    input: TensorShape, layers: [LayerKind], hidden: Activation = .sigmoid,
    output: Activation = .sigmoid, cost: Cost = .quadratic,
    initialization: Initialization = .normal
  ) {
    self.input = input
    self.layers = layers
    self.hidden = hidden
    self.output = output
    self.cost = cost
    self.initialization = initialization
  }

  /// The fully-connected network of `configuration`: the same layers and
  /// the same numbers.
  public init(_ configuration: NetworkConfiguration) {
    self.init(
      input: TensorShape(vector: configuration.sizes.first ?? 0),
      layers: configuration.sizes.dropFirst().map { .dense(units: $0) },
      hidden: configuration.hidden, output: configuration.output,
      cost: configuration.cost, initialization: configuration.initialization)
  }

  /// The shape after each layer (the input's not included).
  public var shapes: [TensorShape] {
    var shape = input
    return layers.map { layer in
      shape = layer.output(for: shape)
      return shape
    }
  }

  /// Weights and biases of each layer (0 for a pool).
  public var parameterCounts: [Int] {
    zip(layers, [input] + shapes.dropLast()).map { layer, shape in
      layer.parameterCount(for: shape)
    }
  }

  /// Weights and biases of the whole network.
  public var parameterCount: Int { parameterCounts.reduce(0, +) }

  /// Values the network takes per example.
  public var inputCount: Int { input.count }
  /// Outputs (classes) the network gives.
  public var outputCount: Int { shapes.last?.count ?? 0 }

  /// Whether every layer is fully connected without dropout: the networks
  /// of chapters 1–3 that ``NetworkConfiguration`` describes.
  public var isFullyConnected: Bool {
    !input.isImage && layers.allSatisfy {
      if case .dense(_, 0) = $0 { return true }
      return false
    }
  }

  /// The configuration of the same network when it is fully connected:
  /// sizes, activations, cost and initialisation. For any other network,
  /// its `sizes` are the values per example after each layer (what an
  /// evaluation reads: the first is the input, the last the classes).
  public var configuration: NetworkConfiguration {
    NetworkConfiguration(
      sizes: [input.count] + shapes.map(\.count), hidden: hidden,
      output: output, cost: cost, initialization: initialization)
  }

  /// `28x28 conv5x5x20 pool2 100 10`, or `784-30-10` for a fully
  /// connected network: the notation ``parse(_:)`` reads back.
  public var notation: String {
    if isFullyConnected {
      return ([input.count] + shapes.map(\.count)).map(String.init)
        .joined(separator: "-")
    }
    let first =
      !input.isImage
      ? "\(input.count)"
      : input.channels == 1
      ? "\(input.height)x\(input.width)"
      : "\(input.height)x\(input.width)x\(input.channels)"
    return ([first] + layers.map(\.notation)).joined(separator: " ")
  }

  /// Everything that makes this architecture unusable, with the index of
  /// the layer at fault (nil: the input or the whole); empty when usable.
  ///
  /// ``Network/init(_:seed:)`` requires an empty list.
  public var problems: [(layer: Int?, message: String, suggestion: String?)] {
    var found: [(layer: Int?, message: String, suggestion: String?)] = []
    if input.count < 1 || input.channels < 1 || input.height < 1
      || input.width < 1
    {
      found.append((nil, "the input needs at least one value", nil))
    }
    if layers.isEmpty {
      found.append(
        (nil, "a network needs at least one layer after its input",
         "add the output layer, for example '10'"))
    }
    if !hidden.isHiddenActivation {
      found.append(
        (nil, "'\(hidden.rawValue)' cannot be a hidden activation",
         "use sigmoid, relu or tanh"))
    }
    if !output.isOutputActivation {
      found.append(
        (nil, "'\(output.rawValue)' cannot be the output activation",
         "use sigmoid or softmax"))
    }
    var shape = input
    for (index, layer) in layers.enumerated() {
      if let problem = Self.problem(
        layer, after: shape, isLast: index == layers.count - 1)
      {
        found.append((index, problem.message, problem.suggestion))
        return found  // the shapes after a misfit mean nothing
      }
      shape = layer.output(for: shape)
    }
    return found
  }

  /// Why `layer` cannot follow an input of `shape`, if it cannot.
  static func problem(_ layer: LayerKind, after shape: TensorShape, isLast: Bool)
    -> (message: String, suggestion: String?)?
  {
    switch layer {
    case .convolution(let size, let maps):
      if size < 1 || maps < 1 {
        return ("a convolution needs filters of at least 1×1 and at least one map", nil)
      }
      if !shape.isImage {
        return (
          "conv\(size)x\(size)x\(maps) needs maps as its input, but it "
            + "follows a vector of \(shape.count) values",
          "put the conv and pool layers first, or write the input as an "
            + "image (28x28 instead of 784)")
      }
      if size > shape.height || size > shape.width {
        let largest = min(shape.height, shape.width)
        return (
          "a \(size)×\(size) filter does not fit its \(shape) input",
          "use a filter of at most \(largest)×\(largest) "
            + "(conv\(largest)x\(largest)x\(maps)), or remove a pool before it")
      }
    case .maxPool(let size):
      if size < 1 { return ("a pool needs windows of at least 1×1", nil) }
      if !shape.isImage {
        return (
          "pool\(size) needs maps as its input, but it follows a vector "
            + "of \(shape.count) values",
          "put the pool right after a convolution")
      }
      if shape.height % size != 0 || shape.width % size != 0 {
        let divisors = (2...max(2, min(shape.height, shape.width))).filter {
          shape.height % $0 == 0 && shape.width % $0 == 0
        }
        return (
          "pool\(size) does not divide the \(shape) maps into "
            + "\(size)×\(size) windows",
          divisors.isEmpty
            ? "remove the pool, or change the filter before it"
            : "use "
              + divisors.prefix(4).map { "pool\($0)" }.joined(separator: ", ")
              + ", or change the filter before it")
      }
    case .dense(let units, let dropout):
      if units < 1 {
        return ("a layer needs at least 1 neuron, got \(units)", nil)
      }
      if !(dropout >= 0 && dropout < 1) {
        return (
          "dropout \(dropout) is outside [0, 1): it is the fraction of "
            + "units silenced", "use a value such as dropout0.5")
      }
      if dropout != 0 && isLast {
        return (
          "dropout applies to hidden layers, not to the output layer",
          "put it after a hidden layer: 100 dropout0.5 10")
      }
    }
    if isLast, case .dense = layer {} else if isLast {
      return (
        "the last layer must be a fully-connected output layer",
        "end with the number of classes, for example '10'")
    }
    return nil
  }
}
