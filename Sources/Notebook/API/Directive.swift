import NumberFormat
// MARK: - Directives

/// One valid line of a `lab` block, e.g. `sgd lr=3 batch=10 epochs=5`, with
/// its typed meaning and where each part was written.
public struct Directive: Sendable, Equatable {
  /// One `key=value` (or the positional argument, whose key is "").
  public struct Argument: Sendable, Equatable {
    /// The parameter's name; "" for the positional argument.
    public var key: String
    /// The value as written (or as set by an override).
    public var value: String
    /// Where the value starts.
    public var location: SourceLocation

    /// Creates an argument.
    public init(key: String, value: String, location: SourceLocation) {
      self.key = key
      self.value = value
      self.location = location
    }
  }

  /// The typed meaning, with every default filled in.
  public var kind: DirectiveKind
  /// Where the verb starts.
  public var location: SourceLocation
  /// The verb as written, e.g. `sgd`.
  public var verb: String
  /// The arguments as written (after overrides), in order.
  public var arguments: [Argument]

  /// Creates a directive.
  public init(
    kind: DirectiveKind, location: SourceLocation, verb: String,
    arguments: [Argument]
  ) {
    self.kind = kind
    self.location = location
    self.verb = verb
    self.arguments = arguments
  }

  /// The location of a key's value (or of the positional argument for ""),
  /// falling back to the verb when the key was not written.
  public func location(of key: String) -> SourceLocation {
    arguments.last(where: { $0.key == key })?.location ?? location
  }

  /// A normalised text of the directive: the verb, the positional argument,
  /// then every parameter (defaults included) sorted by key with normalised
  /// values. Spacing, comments, argument order and spellings such as `3.0`
  /// versus `3` do not change it, so it can key a cache.
  public var canonical: String { kind.canonical }
}

/// What a directive asks for, as typed values with defaults filled in.
public enum DirectiveKind: Sendable, Equatable {
  /// `seed N`: reseed the random number generator.
  case seed(UInt64)
  /// `load mnist train=… validation=… test=…`: load a data set.
  case load(Load)
  /// `net 784-30-10 …`: create a network.
  case net(Net)
  /// `sgd lr=… batch=… epochs=…`: train (or compare trainings).
  case sgd(SGD)
  /// `evaluate on=test`: measure the current network.
  case evaluate(Evaluate)
  /// `playground`: a drawing area in the report where readers draw a digit
  /// and watch the current network classify it.
  case playground

  /// The directive's verb, e.g. `sgd`.
  public var verb: String {
    switch self {
    case .seed: "seed"
    case .load: "load"
    case .net: "net"
    case .sgd: "sgd"
    case .evaluate: "evaluate"
    case .playground: "playground"
    }
  }

  /// See `Directive.canonical`.
  public var canonical: String {
    switch self {
    case .seed(let value):
      return "seed \(value)"
    case .load(let load):
      return "load \(load.dataset.rawValue) test=\(load.test)"
        + " train=\(load.train) validation=\(load.validation)"
    case .net(let net):
      return "net \(net.sizes.map(String.init).joined(separator: "-"))"
        + " cost=\(net.cost.rawValue) hidden=\(net.hidden.rawValue)"
        + " init=\(net.initialization.rawValue)"
        + " output=\(net.output.rawValue)"
    case .sgd(let sgd):
      func list(_ values: [Double]) -> String {
        values.map(formatNumber).joined(separator: ",")
      }
      func list(_ values: [Int]) -> String {
        values.map(String.init).joined(separator: ",")
      }
      return "sgd batch=\(list(sgd.batchSize)) epochs=\(list(sgd.epochs))"
        + " l2=\(list(sgd.l2)) lr=\(list(sgd.learningRate))"
        + " momentum=\(list(sgd.momentum))"
    case .evaluate(let evaluate):
      return "evaluate on=\(evaluate.split.rawValue)"
    case .playground:
      return "playground"
    }
  }
}

// MARK: - Typed directive values

/// The data sets `load` knows.
public enum DatasetName: String, Sendable, CaseIterable {
  /// LeCun, Cortes and Burges' handwritten digits.
  case mnist
  /// Zalando's clothing images in MNIST's format.
  case fashionMNIST = "fashion-mnist"
}

/// `load`: which data set, and how many images go in each split.
public struct Load: Sendable, Equatable {
  /// The data set.
  public var dataset: DatasetName
  /// Images to train on (taken first from the training file).
  public var train: Int
  /// Images held back from the training file for validation.
  public var validation: Int
  /// Images taken from the test file.
  public var test: Int

  /// Creates a load request.
  public init(dataset: DatasetName, train: Int, validation: Int, test: Int) {
    self.dataset = dataset
    self.train = train
    self.validation = validation
    self.test = test
  }
}

/// Activation of the hidden layers.
public enum HiddenActivation: String, Sendable, CaseIterable {
  case sigmoid, relu, tanh
}

/// Activation of the output layer.
public enum OutputActivation: String, Sendable, CaseIterable {
  case sigmoid, softmax
}

/// The cost (loss) function.
public enum CostName: String, Sendable, CaseIterable {
  case quadratic
  case crossEntropy = "cross-entropy"
}

/// How weights are initialised: `normal` draws N(0, 1) as in Nielsen's
/// chapter 1; `scaled` divides by the square root of the fan-in.
public enum InitName: String, Sendable, CaseIterable {
  case normal, scaled
}

/// `net`: the network's shape and functions.
public struct Net: Sendable, Equatable {
  /// Neurons per layer, input first: `[784, 30, 10]`.
  public var sizes: [Int]
  /// Activation of the hidden layers.
  public var hidden: HiddenActivation
  /// Activation of the output layer.
  public var output: OutputActivation
  /// The cost function.
  public var cost: CostName
  /// The weight initialisation.
  public var initialization: InitName

  /// Creates a network description.
  public init(
    sizes: [Int], hidden: HiddenActivation = .sigmoid,
    output: OutputActivation = .sigmoid, cost: CostName = .quadratic,
    initialization: InitName = .normal
  ) {
    self.sizes = sizes
    self.hidden = hidden
    self.output = output
    self.cost = cost
    self.initialization = initialization
  }

  /// Weights plus biases: the sum over layers of `in * out + out`.
  public var parameterCount: Int {
    Net.parameterCount(sizes) ?? Int.max
  }

  /// Weights plus biases of a network with these layer sizes, or nil when
  /// the count overflows `Int`.
  static func parameterCount(_ sizes: [Int]) -> Int? {
    var total = 0
    for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
      let (weights, o1) = fanIn.multipliedReportingOverflow(by: fanOut)
      let (layer, o2) = weights.addingReportingOverflow(fanOut)
      let (sum, o3) = total.addingReportingOverflow(layer)
      if o1 || o2 || o3 { return nil }
      total = sum
    }
    return total
  }
}

/// `sgd`: mini-batch stochastic gradient descent. Every parameter is a list;
/// at most one of them holds more than one value, and then the directive
/// asks for one training per value, to compare them.
public struct SGD: Sendable, Equatable {
  /// `lr`: the learning rate η.
  public var learningRate: [Double]
  /// `batch`: images per mini-batch.
  public var batchSize: [Int]
  /// `epochs`: passes over the training images.
  public var epochs: [Int]
  /// `l2`: the L2 regularisation strength λ.
  public var l2: [Double]
  /// `momentum`: the momentum coefficient μ.
  public var momentum: [Double]

  /// Creates a training request.
  public init(
    learningRate: [Double] = [3], batchSize: [Int] = [10],
    epochs: [Int] = [5], l2: [Double] = [0], momentum: [Double] = [0]
  ) {
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.momentum = momentum
  }

  /// The key whose list holds more than one value ("lr", "batch",
  /// "epochs", "l2" or "momentum"), or nil for a single training.
  public var comparedParameter: String? {
    if learningRate.count > 1 { return "lr" }
    if batchSize.count > 1 { return "batch" }
    if epochs.count > 1 { return "epochs" }
    if l2.count > 1 { return "l2" }
    if momentum.count > 1 { return "momentum" }
    return nil
  }

  /// The number of trainings asked for: the length of the compared list.
  public var runCount: Int {
    max(
      learningRate.count, batchSize.count, epochs.count, l2.count,
      momentum.count)
  }

  /// The single-valued settings of training `index` (0..<runCount).
  public func run(_ index: Int) -> SGDRun {
    // A single value applies to every run; an empty list (only possible
    // through the public initialiser) falls back to the default.
    func pick<T>(_ values: [T], _ fallback: T) -> T {
      guard let last = values.last else { return fallback }
      return index >= 0 && index < values.count ? values[index] : last
    }
    return SGDRun(
      learningRate: pick(learningRate, 3), batchSize: pick(batchSize, 10),
      epochs: pick(epochs, 5), l2: pick(l2, 0), momentum: pick(momentum, 0))
  }
}

/// The settings of one training of an `sgd` directive.
public struct SGDRun: Sendable, Equatable {
  public var learningRate: Double
  public var batchSize: Int
  public var epochs: Int
  public var l2: Double
  public var momentum: Double
}

/// The parts of a data set one can evaluate on.
public enum Split: String, Sendable, CaseIterable {
  case test, validation
}

/// `evaluate`: measure the current network on a split.
public struct Evaluate: Sendable, Equatable {
  /// The split to measure on.
  public var split: Split

  /// Creates an evaluation request.
  public init(split: Split = .test) { self.split = split }
}

// MARK: - Number formatting

/// A number the shortest way that reads back to the same value, as the
/// notebook would write it: `3`, `2000000`, `0.5`, `1e-5` (labrun's one
/// formatter).
func formatNumber(_ value: Double) -> String { Format.digits(value) }
