import Datasets
import NeuralNet
import Notebook

// The parts of a session's state that a cached cell records, so that a
// later cell can start from it without the cells before running again.

// MARK: - Random numbers

/// Where a ``SeededGenerator`` stands: its seed and how many numbers were
/// drawn since. Replaying the draws recreates the generator exactly.
struct GeneratorState: Sendable, Equatable, Codable {
  var seed: UInt64
  var draws: UInt64

  /// The most draws an entry may ask to replay (a notebook draws two per
  /// training); more means the entry is damaged.
  static let maximumDraws: UInt64 = 1 << 24
}

/// The session's generator, counting its draws so that its state can be
/// written down and restored.
struct CountingGenerator: RandomNumberGenerator, Sendable {
  private(set) var state: GeneratorState
  private var generator: SeededGenerator

  init(seed: UInt64) {
    state = GeneratorState(seed: seed, draws: 0)
    generator = SeededGenerator(seed: seed)
  }

  /// The generator seeded with `state.seed` after `state.draws` draws.
  init(_ state: GeneratorState) {
    self.init(seed: state.seed)
    for _ in 0..<min(state.draws, GeneratorState.maximumDraws) { _ = next() }
  }

  mutating func next() -> UInt64 {
    state.draws &+= 1
    return generator.next()
  }
}

// MARK: - Data

/// The data a session trains on, without the images: which data set, which
/// files (by SHA-256), and how many images each split takes.
struct DataSelection: Sendable, Equatable, Codable {
  var dataset: String
  var training: Int
  var validation: Int
  var test: Int
  var files: [DataFile]
  /// `expand=` when not `none` (nil in entries written before it existed).
  var expansion: Expansion?

  init(_ splits: Splits) {
    dataset = splits.name.rawValue
    training = splits.trainingFromFile
    validation = splits.validation.count
    test = splits.test.count
    files = splits.files
    expansion = splits.expansion == .none ? nil : splits.expansion
  }

  init(
    dataset: String, training: Int, validation: Int, test: Int,
    files: [DataFile], expansion: Expansion? = nil
  ) {
    self.dataset = dataset
    self.training = training
    self.validation = validation
    self.test = test
    self.files = files
    self.expansion = expansion
  }

  /// Everything that decides the images, for a cache key.
  var key: String {
    "\(dataset) train=\(training) validation=\(validation) test=\(test) "
      + (expansion.map { "expand=\($0.rawValue) " } ?? "")
      + files.map(\.sha256).joined(separator: ",")
  }

  /// The splits cut from freshly loaded `data`, or nil when the data does
  /// not hold these files or enough images.
  func splits(from data: LoadedData) -> Splits? {
    guard data.name.rawValue == dataset,
      data.files.map(\.sha256) == files.map(\.sha256),
      training >= 0, validation >= 0, test >= 0,
      training + validation <= data.training.count,
      test <= data.test.count
    else { return nil }
    return Splits(
      data, training: training, validation: validation, test: test,
      expansion: expansion ?? .none)
  }
}

// MARK: - The network

/// A network's architecture and parameters, as plain values.
struct NetworkSnapshot: Sendable, Equatable, Codable {
  /// Activations, cost, initialisation and the sizes between layers.
  var configuration: NetworkConfiguration
  /// The layers in the architecture's notation (`784-30-10`,
  /// `28x28 conv5x5x20 pool2 100 10`), read back with `configuration`'s
  /// activations, cost and initialisation.
  var notation: String
  /// Per layer, (out, in) row-major (a convolution's (map, channel, row,
  /// column); a pool's empty).
  var weights: [[Float]]
  /// Per layer, (out).
  var biases: [[Float]]
  /// Whether `sgd` has trained it (the playground needs a trained one).
  var trained: Bool
  /// Epochs of training so far (the next `sgd` numbers on from here).
  var epochsTrained: Int
  /// The candidates a `net` with a list declared and no `sgd` has trained
  /// yet (the network itself is the first of them).
  var candidates: Candidates?

  /// ``NetworkCandidates`` as plain values.
  struct Candidates: Sendable, Equatable, Codable {
    var parameter: String
    var values: [String]
    var networks: [NetworkSnapshot]
  }

  init(_ network: Network, trained: Bool) {
    configuration = network.configuration
    notation = network.architecture.notation
    weights = network.weights
    biases = network.biases
    self.trained = trained
    epochsTrained = network.epochsTrained
  }

  /// The session's network and its pending candidates, nil without one.
  init?(_ session: LabSession) {
    guard let network = session.network else { return nil }
    self.init(network, trained: session.networkIsTrained)
    candidates = session.candidates.map { pending in
      Candidates(
        parameter: pending.parameter, values: pending.values,
        networks: pending.networks.map { NetworkSnapshot($0, trained: false) })
    }
  }

  /// Gives `session` this network and its candidates; false when the
  /// values cannot make them.
  func restore(in session: LabSession) -> Bool {
    var pending: NetworkCandidates?
    if let candidates {
      let networks = candidates.networks.compactMap { $0.network() }
      guard networks.count == candidates.networks.count,
        networks.count == candidates.values.count, networks.count > 1
      else { return false }
      pending = NetworkCandidates(
        parameter: candidates.parameter, values: candidates.values,
        networks: networks)
    }
    guard let network = pending?.networks[0] ?? network() else { return false }
    session.network = network
    session.networkIsTrained = trained
    session.candidates = pending
    return true
  }

  init(
    configuration: NetworkConfiguration, weights: [[Float]],
    biases: [[Float]], trained: Bool, epochsTrained: Int = 0
  ) {
    self.configuration = configuration
    notation = NetworkArchitecture(configuration).notation
    self.weights = weights
    self.biases = biases
    self.trained = trained
    self.epochsTrained = epochsTrained
  }

  /// The architecture the notation and configuration describe, if they
  /// agree and it is usable.
  var architecture: NetworkArchitecture? {
    guard
      let architecture = try? NetworkArchitecture.parse(
        notation, hidden: configuration.hidden, output: configuration.output,
        cost: configuration.cost,
        initialization: configuration.initialization),
      architecture.problems.isEmpty,
      architecture.configuration == configuration,
      architecture.parameterCount <= DirectiveLanguage.maxParameters
    else { return nil }
    return architecture
  }

  /// Why these values cannot make a network, or nil when they can.
  var problem: String? {
    guard let architecture else {
      return "the architecture '\(notation)' does not match its sizes"
    }
    if epochsTrained < 0 { return "negative epochs" }
    if let candidates {
      guard candidates.networks.count == candidates.values.count,
        (2...DirectiveLanguage.maxListLength).contains(candidates.networks.count)
      else { return "candidates without one value each" }
      if let problem = candidates.networks.lazy.compactMap(\.problem).first {
        return "a candidate: " + problem
      }
    }
    let layers = architecture.layers.count
    guard weights.count == layers, biases.count == layers
    else { return "one weight matrix and bias vector per layer" }
    let inputs = [architecture.input] + architecture.shapes.dropLast()
    for (index, (kind, shape)) in zip(architecture.layers, inputs).enumerated() {
      let (weightCount, biasCount): (Int, Int)
      switch kind {
      case .convolution(let size, let maps):
        (weightCount, biasCount) = (maps * shape.channels * size * size, maps)
      case .maxPool: (weightCount, biasCount) = (0, 0)
      case .dense(let units, _): (weightCount, biasCount) = (units * shape.count, units)
      }
      if weights[index].count != weightCount || biases[index].count != biasCount {
        return "layer \(index + 1) has parameters of the wrong shape"
      }
    }
    return nil
  }

  /// A network with these parameters; nil when ``problem`` is not nil.
  func network() -> Network? {
    guard problem == nil, let architecture else { return nil }
    // The seed only fills the parameters that are overwritten at once.
    let network = Network(architecture, seed: 0)
    guard network.weights.map(\.count) == weights.map(\.count),
      network.biases.map(\.count) == biases.map(\.count)
    else { return nil }
    network.weights = weights
    network.biases = biases
    network.epochsTrained = epochsTrained
    return network
  }

  /// The SHA-256 of the configuration, every parameter and the trained
  /// flag: equal networks, however they were made, have equal keys.
  var key: String {
    let parameters = (weights + biases).reduce(0) { $0 + $1.count }
    return SHA256Digest.hex(
      of: BinaryEncoder.encode(self, capacity: parameters * 4 + 256))
  }
}
