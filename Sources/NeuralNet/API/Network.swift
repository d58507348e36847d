import CKernels
import Datasets

/// A feed-forward network — fully-connected layers, or convolutional and
/// max-pooling layers before them — trained by mini-batch SGD on labrun's
/// own deterministic kernels.
///
/// The same configuration, seed and data give the same bits — weights,
/// costs, predictions — on every CPU, kernel variant and thread count.
/// The network keeps scratch buffers for its batches, so one instance must
/// not be used from two threads at once: give each concurrent training its
/// own ``copy()``.
public final class Network: @unchecked Sendable {
  /// The layers, activations, cost and initialisation the network was
  /// built with.
  public let architecture: NetworkArchitecture

  /// The shape the network was built with, as sizes: for a fully-connected
  /// network the configuration it was created from (see
  /// ``NetworkArchitecture/configuration`` for any other).
  public var configuration: NetworkConfiguration { architecture.configuration }

  /// The kernels this network's products run on. Any choice gives the
  /// same bits; the default is ``KernelVariant/current``.
  public var kernels: KernelVariant

  /// Epochs of monitored training so far: the next one is numbered
  /// `epochsTrained + 1`, so consecutive trainings continue the count.
  /// Saved in a network file.
  public var epochsTrained = 0

  /// Layers from the first hidden one to the output.
  private(set) var layers: [any Layer] {
    didSet {
      tensors = layers.flatMap(\.parameters)
      spreadThreads()
    }
  }
  /// Every layer's parameter tensors, for the optimiser's step.
  private(set) var tensors: [Parameter] = []

  // MARK: Batch buffers shared by training and evaluation

  /// Each layer's input, block by block: the batch's pixels for the first,
  /// the layer below's output for the others.
  private var inputColumns: [BlockColumns]
  /// Rows the label buffer holds.
  private var labelCapacity = 0
  private var labels = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity)

  /// Per layer, its dropout (hidden dense layers with a rate), else nil.
  private var dropouts: [Dropout?] = []
  private var hasDropout = false
  /// Whether the batches now going through are training steps: dropout
  /// silences units only then.
  var isTraining = false
  /// Draws each batch's dropout seed; ``train`` seeds it from its
  /// shuffle seed.
  var dropoutGenerator = SeededGenerator(seed: 0)
  /// The current batch's dropout seed, and the batch row the current part
  /// starts at: what each row's mask is drawn from.
  private var dropoutSeed: UInt64 = 0
  private var partFirstRow = 0
  /// Tests: a fixed keep mask (1 kept, 0 dropped) per layer index, used
  /// for every row instead of random draws.
  var fixedDropoutMasks: [Int: [Float]] = [:]

  /// A parameter copy that evaluates half of a large set on a second thread.
  var cachedTwin: Network?

  /// Threads a batch's convolution and pooling work is split between
  /// (each output element computed by one of them in the one-thread
  /// order): any count gives the same bits. Two where the machine has a
  /// second core.
  public var threads = Network.defaultThreads {
    didSet { spreadThreads() }
  }

  /// ``threads``' default: 2 where a second core is online, else 1.
  public static let defaultThreads = hasSecondCore ? 2 : 1

  /// Gives the layers that split their work the network's thread count.
  private func spreadThreads() {
    for case let layer as any SplitsWork in layers {
      layer.threads = max(threads, 1)
    }
  }

  /// Most rows a training step pushes through the layers at once; larger
  /// mini-batches go in parts of this size (see ``trainBatch``), so the
  /// batch buffers stay a few megabytes even for a full-batch step. Every
  /// element's sum runs in one fixed order however the batch is cut, so
  /// the part size changes no bit.
  var trainingBlock = Network.defaultTrainingBlock

  /// ``trainingBlock``'s default: 256 rows of 784 inputs (0.8 MB of
  /// listed pixels) stay in a core's L2 cache for the backward pass.
  static let defaultTrainingBlock = 256

  // MARK: - Creating

  /// Creates a fully-connected network with parameters drawn from a
  /// generator seeded with `seed` (see ``init(_:seed:)-architecture``).
  /// - Precondition: `configuration.problems` is empty.
  public convenience init(_ configuration: NetworkConfiguration, seed: UInt64) {
    let problems = configuration.problems
    precondition(
      problems.isEmpty,
      "invalid network: \(problems.map(\.description).joined(separator: "; "))")
    self.init(NetworkArchitecture(configuration), seed: seed)
  }

  /// Creates a network with parameters drawn from a generator seeded with
  /// `seed`.
  ///
  /// Layer by layer, all weights are drawn in the (out, in) row-major
  /// order of ``weights`` and then all biases (a convolution's in the
  /// order (map, channel, row, column)).
  /// - Precondition: `architecture.problems` is empty.
  public init(_ architecture: NetworkArchitecture, seed: UInt64) {
    let problems = architecture.problems
    precondition(
      problems.isEmpty,
      "invalid network: \(problems.map(\.message).joined(separator: "; "))")
    self.architecture = architecture
    inputSize = architecture.inputCount
    outputSize = architecture.outputCount
    kernels = .current
    var generator = SeededGenerator(seed: seed)
    var shape = architecture.input
    var built: [any Layer] = []
    for (index, kind) in architecture.layers.enumerated() {
      let activation =
        index == architecture.layers.count - 1
        ? architecture.output : architecture.hidden
      let layer: any Layer
      let fanIn: Int
      switch kind {
      case .dense(let units, _):
        layer = DenseLayer(
          inputs: shape.count, outputs: units, activation: activation)
        fanIn = shape.count
      case .convolution(let size, let maps):
        layer = ConvolutionLayer(
          input: shape, size: size, maps: maps, activation: activation)
        fanIn = shape.channels * size * size
      case .maxPool(let size):
        layer = MaxPoolLayer(
          input: shape, size: size,
          activation: built.last?.activation ?? .relu)
        fanIn = 0
      }
      if !layer.parameters.isEmpty {
        let scale: Float =
          switch architecture.initialization {
          case .normal: 1
          case .scaled: 1 / Float(fanIn).squareRoot()
          }
        layer.weightMatrix = (0..<layer.weightMatrix.count).map { _ in
          generator.nextNormal() * scale
        }
        layer.biasVector = (0..<layer.biasVector.count).map { _ in
          generator.nextNormal()
        }
      }
      built.append(layer)
      shape = kind.output(for: shape)
    }
    layers = built
    inputColumns = built.map { BlockColumns(width: $0.inputSize) }
    tensors = layers.flatMap(\.parameters)
    dropouts = Self.dropouts(architecture, built)
    hasDropout = dropouts.contains { $0 != nil }
    spreadThreads()
  }

  /// The dropouts of `architecture`'s layers.
  private static func dropouts(
    _ architecture: NetworkArchitecture, _ layers: [any Layer]
  ) -> [Dropout?] {
    zip(architecture.layers, layers).map { kind, layer in
      guard case .dense(_, let rate) = kind, rate > 0 else { return nil }
      return Dropout(
        rate: Float(rate), width: layer.outputSize, stride: layer.outputStride)
    }
  }

  private init(copying other: Network) {
    architecture = other.architecture
    inputSize = other.inputSize
    outputSize = other.outputSize
    kernels = other.kernels
    epochsTrained = other.epochsTrained
    layers = other.layers.map { $0.copy() }
    inputColumns = other.inputColumns.map { BlockColumns(width: $0.width) }
    tensors = layers.flatMap(\.parameters)
    dropouts = Self.dropouts(architecture, layers)
    hasDropout = other.hasDropout
    fixedDropoutMasks = other.fixedDropoutMasks
    threads = other.threads
    spreadThreads()
  }

  deinit { labels.deallocate() }

  /// A network with the same configuration, parameters and kernels and its
  /// own scratch buffers, safe to train on another thread.
  public func copy() -> Network { Network(copying: self) }

  // MARK: - Parameters

  /// Weights per layer, each (out, in) row-major.
  ///
  /// Setting requires the same shapes (a programmer error otherwise).
  public var weights: [[Float]] {
    get { layers.map(\.weightMatrix) }
    set {
      precondition(newValue.count == layers.count, "one matrix per layer")
      for (layer, values) in zip(layers, newValue) {
        layer.weightMatrix = values
      }
    }
  }

  /// Biases per layer, each (out).
  ///
  /// Setting requires the same shapes (a programmer error otherwise).
  public var biases: [[Float]] {
    get { layers.map(\.biasVector) }
    set {
      precondition(newValue.count == layers.count, "one vector per layer")
      for (layer, values) in zip(layers, newValue) {
        layer.biasVector = values
      }
    }
  }

  /// Every weight and bias in the one documented order: layer by layer,
  /// the weights (out, in) row-major, then the biases (out). The page's
  /// playground and the report's parameter digest read this order.
  public var parameters: [Float] {
    var values: [Float] = []
    values.reserveCapacity(architecture.parameterCount)
    for layer in layers { values += layer.weightMatrix + layer.biasVector }
    return values
  }

  /// ``parameters`` as little-endian IEEE float32 bytes: what a trained
  /// network's SHA-256 in the report is taken of.
  public var parameterBytes: [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(architecture.parameterCount * 4)
    for value in parameters {
      withUnsafeBytes(of: value.bitPattern.littleEndian) {
        bytes.append(contentsOf: $0)
      }
    }
    return bytes
  }

  /// Number of inputs the network takes.
  public let inputSize: Int
  /// Number of outputs (classes) the network gives.
  public let outputSize: Int

  // MARK: - Using

  /// The output activations for one input of values in `[0, 1]`.
  ///
  /// The same kernels as a batch, so the result has the same bits as the
  /// input's row in any batch.
  /// - Precondition: `input.count == configuration.sizes[0]`.
  public func feedforward(_ input: [Float]) -> [Float] {
    precondition(input.count == inputSize, "expected \(inputSize) inputs")
    reserve(rows: 1)
    input.withUnsafeBufferPointer { input in
      present(input.baseAddress!, stride: inputSize, rows: 1, to: 0)
      forwardBatch(rows: 1)
    }
    let output = layers[layers.count - 1]
    return Array(UnsafeBufferPointer(start: output.output.base, count: outputSize))
  }

  /// Why `data` cannot be used with this network, or nil if it can.
  ///
  /// Labels outside the output range are allowed (they can never be
  /// predicted) but images must have exactly ``inputSize`` pixels.
  public func incompatibility(with data: Dataset) -> String? {
    if data.pixelsPerImage != inputSize {
      return "the network takes \(inputSize) inputs but the images have "
        + "\(data.rows)×\(data.columns) = \(data.pixelsPerImage) pixels"
    }
    return nil
  }

  // MARK: - Batches

  /// Allocates the layers and batch buffers anew on the calling thread,
  /// parameters unchanged.
  ///
  /// Networks created one after another on one thread (the copies of a
  /// comparison) have small objects and buffers side by side in memory,
  /// some in the same cache line. Trained at the same time on two cores,
  /// every batch's writes then bounce those lines between the cores;
  /// allocated by the training thread, they sit in that thread's own heap
  /// arena instead.
  func allocateOnThisThread() {
    layers = layers.map { $0.copy() }
    inputColumns = inputColumns.map { BlockColumns(width: $0.width) }
    labelCapacity = 0
    labels.deallocate()
    labels = .allocate(capacity: 1)
  }

  /// Makes the input lists and every layer's buffers hold `rows` examples.
  func reserve(rows: Int) {
    if rows > labelCapacity {
      labelCapacity = rows
      labels.deallocate()
      labels = .allocate(capacity: rows)
    }
    for columns in inputColumns { columns.reserve(rows: rows) }
    for layer in layers { layer.reserve(rows: rows) }
    for dropout in dropouts { dropout?.reserve(rows: rows) }
  }

  /// Lists the pixels of the images `indices` of `pixels` as the first
  /// layer's input (or refers to them, for a layer that reads dense rows)
  /// and their labels into the label buffer.
  func loadBatch(
    pixels: UnsafePointer<UInt8>, labels source: UnsafePointer<UInt8>,
    indices: UnsafePointer<Int32>, rows: Int
  ) {
    if layers[0].reads == .rows {
      inputColumns[0].refer(pixels: pixels, images: indices, rows: rows)
    } else {
      inputColumns[0].load(
        pixels: pixels, images: indices, rows: rows, kernels: kernels)
    }
    loadLabels(source, indices: indices, rows: rows)
  }

  /// Copies the labels of the images `indices` into the label buffer.
  func loadLabels(
    _ source: UnsafePointer<UInt8>, indices: UnsafePointer<Int32>, rows: Int
  ) {
    for row in 0..<rows { labels[row] = Int32(source[Int(indices[row])]) }
  }

  /// Starts fetching the pixels of the images `indices` into cache.
  ///
  /// Shuffled images sit anywhere in the 39 MB training set, so without
  /// this, loading a batch waits on main memory image by image.
  func prefetchBatch(
    pixels: UnsafePointer<UInt8>, indices: UnsafePointer<Int32>, rows: Int
  ) {
    for row in 0..<rows {
      lr_prefetch(pixels + Int(indices[row]) * inputSize, inputSize)
    }
  }

  /// Gives the layer `index` the rows of `matrix` as its input: listed,
  /// or referred to for a layer that lists them itself or reads rows.
  private func present(
    _ matrix: UnsafePointer<Float>, stride: Int, rows: Int, to index: Int
  ) {
    if layers[index].reads == .columns {
      inputColumns[index].load(matrix, stride: stride, rows: rows)
    } else {
      inputColumns[index].refer(to: matrix, stride: stride, rows: rows)
    }
  }

  /// Runs the loaded batch forward through every layer (from the layer
  /// `first`, when the ones before have their outputs already).
  func forwardBatch(rows: Int, from first: Int = 0) {
    for index in first..<layers.count {
      let layer = layers[index]
      if index > 0 {
        let below = layers[index - 1]
        let dropout = isTraining && hasDropout ? dropouts[index - 1] : nil
        let values = dropout?.masked.base ?? below.output.base
        present(values, stride: below.outputStride, rows: rows, to: index)
      }
      layer.forward(inputColumns[index], kernels: kernels)
      if isTraining && hasDropout, let dropout = dropouts[index] {
        dropout.draw(
          rows: rows, firstRow: partFirstRow,
          seed: dropoutSeed ^ UInt64(index) << 48,
          fixed: fixedDropoutMasks[index])
        dropout.apply(layer.output.base, rows: rows)
      }
    }
  }

  /// One training step on the images `indices` of `pixels`: forward and
  /// backward in parts of at most ``trainingBlock`` rows, then one
  /// optimiser step. Returns the batch's summed cost (without L2).
  ///
  /// While a part is computed, the images of the next one (or of `next`,
  /// the following batch's first rows) are fetched into cache.
  /// - Precondition: ``reserve(rows:)`` for `min(rows, trainingBlock)`.
  func trainBatch(
    pixels: UnsafePointer<UInt8>, labels: UnsafePointer<UInt8>,
    indices: UnsafePointer<Int32>, rows: Int, optimizer: Optimizer?,
    next: (indices: UnsafePointer<Int32>, rows: Int)
  ) -> Double {
    isTraining = true
    defer { isTraining = false }
    if hasDropout { dropoutSeed = dropoutGenerator.next() }
    let block = max(trainingBlock, 1)
    let parts = (rows + block - 1) / block
    var cost: Double = 0
    var first = 0
    for part in 0..<parts {
      // Near-equal parts: 257 rows go as 129 + 128, not 256 + 1.
      let count = rows / parts + (part < rows % parts ? 1 : 0)
      loadBatch(
        pixels: pixels, labels: labels, indices: indices + first,
        rows: count)
      if part + 1 < parts {
        prefetchBatch(
          pixels: pixels, indices: indices + first + count,
          rows: min(block, rows - first - count))
      } else {
        prefetchBatch(
          pixels: pixels, indices: next.indices,
          rows: min(block, next.rows))
      }
      partFirstRow = first
      forwardBatch(rows: count)
      // One step as the gradient forms, when the batch is one block.
      let fuse = parts == 1 && rows <= BlockColumns.blockRows
      cost += backwardBatch(
        rows: count,
        fusedStep: fuse ? optimizer?.fusedStep(batchRows: rows) : nil)
      first += count
    }
    optimizer?.step(tensors, batchRows: rows, kernels: kernels)
    return cost
  }

  /// The summed data cost of the loaded rows (after
  /// ``forwardBatch(rows:)``); overwrites the output layer's δ.
  func outputCost(rows: Int) -> Double {
    let output = layers[layers.count - 1]
    return lr_output_delta_cost(
      configuration.cost.c, output.activation.c, output.z.base,
      output.output.base, output.delta.base, output.outputStride, labels,
      Int32(rows), Int32(output.outputSize))
  }

  /// Backpropagates the loaded rows (after ``forwardBatch(rows:)``), adds
  /// their gradients to the parameters' sums (or steps the weights at once,
  /// with `fusedStep`) and returns their summed cost (without L2).
  func backwardBatch(
    rows: Int, fusedStep: (alpha: Float, beta: Float)? = nil
  ) -> Double {
    let cost = outputCost(rows: rows)
    for index in layers.indices.reversed() {
      let layer = layers[index]
      let below = index > 0 ? layers[index - 1] : nil
      layer.backward(
        inputColumns[index], inputDelta: below?.delta.base,
        inputStride: below?.outputStride ?? 0, fusedStep: fusedStep,
        kernels: kernels)
      if hasDropout, let below, let dropout = dropouts[index - 1] {
        dropout.backward(below.delta.base, rows: rows)
      }
      below?.applyActivationDerivative(rows: rows, kernels: kernels)
    }
    return cost
  }

  /// Σ w² over every weight (biases excluded), in a fixed order.
  func sumOfSquaredWeights() -> Double {
    var sum: Double = 0
    for layer in layers {
      for parameter in layer.parameters where parameter.decays {
        sum += lr_sum_squares(parameter.value.base, parameter.value.count)
      }
    }
    return sum
  }
}
