// MARK: - Kinds of layer, cost and initialisation

/// The non-linearity a layer applies to its weighted input `z = W·x + b`.
///
/// `sigmoid`, `relu` and `tanh` may be used for hidden layers; `sigmoid` and
/// `softmax` for the output layer (see ``NetworkConfiguration/problems``).
public enum Activation: String, Sendable, CaseIterable, Codable {
  case sigmoid, relu, tanh, softmax

  /// Whether the activation may be used for a hidden layer.
  public var isHiddenActivation: Bool { self != .softmax }

  /// Whether the activation may be used for the output layer.
  public var isOutputActivation: Bool { self == .sigmoid || self == .softmax }
}

/// The per-example cost the network minimises (averaged over a mini-batch).
public enum Cost: String, Sendable, CaseIterable, Codable {
  /// `½‖a − y‖²`.
  case quadratic
  /// With a sigmoid output `−Σ[y ln a + (1−y) ln(1−a)]`; with a softmax
  /// output `−ln a_label`.
  case crossEntropy = "cross-entropy"
}

/// How the first weights and biases are drawn.
public enum Initialization: String, Sendable, CaseIterable, Codable {
  /// Weights and biases from N(0, 1) (Nielsen, chapter 1).
  case normal
  /// Weights from N(0, 1/n_in), biases from N(0, 1) (Nielsen, chapter 3).
  case scaled
}

// MARK: - The shape of a network

/// What a network looks like: layer sizes, activations, cost, initialisation.
public struct NetworkConfiguration: Sendable, Hashable, Codable {
  /// Neurons per layer, input first: `[784, 30, 10]`.
  public var sizes: [Int]
  /// Activation of every hidden layer.
  public var hidden: Activation
  /// Activation of the output layer.
  public var output: Activation
  /// Cost minimised by training.
  public var cost: Cost
  /// How the first parameters are drawn.
  public var initialization: Initialization

  /// Creates a configuration; call ``problems`` to check it before use.
  public init(
    sizes: [Int], hidden: Activation = .sigmoid,
    output: Activation = .sigmoid, cost: Cost = .quadratic,
    initialization: Initialization = .normal
  ) {
    self.sizes = sizes
    self.hidden = hidden
    self.output = output
    self.cost = cost
    self.initialization = initialization
  }

  /// Number of weights and biases: Σ (n_in + 1) · n_out over the layers.
  public var parameterCount: Int {
    zip(sizes, sizes.dropFirst()).reduce(0) { $0 + ($1.0 + 1) * $1.1 }
  }

  /// Everything that makes this configuration unusable; empty when usable.
  ///
  /// ``Network/init(_:seed:)`` requires an empty list: callers that take the
  /// configuration from a user check it here first.
  public var problems: [ConfigurationProblem] {
    var found: [ConfigurationProblem] = []
    if sizes.count < 2 { found.append(.tooFewLayers(sizes.count)) }
    for (index, size) in sizes.enumerated() where size < 1 {
      found.append(.nonPositiveSize(layer: index, size: size))
    }
    if !hidden.isHiddenActivation {
      found.append(.unsupportedHiddenActivation(hidden))
    }
    if !output.isOutputActivation {
      found.append(.unsupportedOutputActivation(output))
    }
    return found
  }
}

/// Why a ``NetworkConfiguration`` cannot be built.
public enum ConfigurationProblem: Error, Sendable, Equatable,
  CustomStringConvertible
{
  /// A network needs an input and an output layer.
  case tooFewLayers(Int)
  /// Every layer needs at least one neuron.
  case nonPositiveSize(layer: Int, size: Int)
  /// Softmax is only meaningful on the output layer.
  case unsupportedHiddenActivation(Activation)
  /// The output layer supports sigmoid and softmax.
  case unsupportedOutputActivation(Activation)

  public var description: String {
    switch self {
    case .tooFewLayers(let count):
      return "a network needs at least 2 layers (input and output), got \(count)"
    case .nonPositiveSize(let layer, let size):
      return "layer \(layer) must have at least 1 neuron, got \(size)"
    case .unsupportedHiddenActivation(let activation):
      return "'\(activation.rawValue)' cannot be a hidden activation "
        + "(use sigmoid, relu or tanh)"
    case .unsupportedOutputActivation(let activation):
      return "'\(activation.rawValue)' cannot be the output activation "
        + "(use sigmoid or softmax)"
    }
  }
}
