import Datasets

/// A fully-connected feed-forward network trained by mini-batch SGD.
///
/// Parameters are `Float`; every matrix product goes through OpenBLAS
/// `cblas_sgemm` on one thread. The network keeps scratch buffers for its
/// batches, so one instance must not be used from two threads at once: give
/// each concurrent training its own ``copy()``.
public final class Network: @unchecked Sendable {
  /// The shape the network was built with.
  public let configuration: NetworkConfiguration

  /// Layers from the first hidden one to the output.
  private(set) var layers: [DenseLayer]

  // MARK: Batch buffers shared by training and evaluation

  /// Rows the input buffer can hold.
  private var inputCapacity = 0
  private var input = FloatBuffer(count: 0)  // (capacity, sizes[0]), pixels/255
  private var labels = UnsafeMutablePointer<Int32>.allocate(capacity: 1)  // (capacity)

  /// A parameter copy that evaluates half of a large set on a second thread.
  var cachedTwin: Network?

  /// Most rows a training step pushes through the layers at once; larger
  /// mini-batches go in parts of this size (see ``trainBatch``), so the
  /// batch buffers stay a few megabytes even for a full-batch step.
  var trainingBlock = Network.defaultTrainingBlock

  /// ``trainingBlock``'s default. Measured on 784-30-10 (CPU seconds per
  /// 50,000-image epoch at batch 50,000): whole batch 0.096, parts of
  /// 128–256 rows 0.068–0.070, 500 0.08, 1000 0.08, 2000 0.10. A part of
  /// 256 rows of 784 inputs (0.8 MB) is still in the core's 1 MB L2 cache
  /// when the backward pass reads it again.
  static let defaultTrainingBlock = 256

  // MARK: - Creating

  /// Creates a network with parameters drawn from a generator seeded with
  /// `seed`.
  ///
  /// Layer by layer, all weights are drawn (row-major) and then all biases.
  /// - Precondition: `configuration.problems` is empty.
  public init(_ configuration: NetworkConfiguration, seed: UInt64) {
    let problems = configuration.problems
    precondition(
      problems.isEmpty,
      "invalid network: \(problems.map(\.description).joined(separator: "; "))")
    self.configuration = configuration
    var generator = SeededGenerator(seed: seed)
    let sizes = configuration.sizes
    layers = (1..<sizes.count).map { index in
      let layer = DenseLayer(
        inputs: sizes[index - 1], outputs: sizes[index],
        activation: index == sizes.count - 1
          ? configuration.output : configuration.hidden)
      let scale: Float =
        switch configuration.initialization {
        case .normal: 1
        case .scaled: 1 / Float(sizes[index - 1]).squareRoot()
        }
      for i in 0..<layer.weights.count {
        layer.weights.base[i] = generator.nextNormal() * scale
      }
      for i in 0..<layer.biases.count {
        layer.biases.base[i] = generator.nextNormal()
      }
      return layer
    }
  }

  private init(copying other: Network) {
    configuration = other.configuration
    layers = other.layers.map { $0.copy() }
  }

  deinit { labels.deallocate() }

  /// A network with the same configuration and parameters and its own
  /// scratch buffers, safe to train on another thread.
  public func copy() -> Network { Network(copying: self) }

  // MARK: - Parameters

  /// Weights per layer, each (out, in) row-major.
  ///
  /// Setting requires the same shapes (a programmer error otherwise).
  public var weights: [[Float]] {
    get { layers.map(\.weights.array) }
    set {
      precondition(newValue.count == layers.count, "one matrix per layer")
      for (layer, values) in zip(layers, newValue) {
        layer.weights.assign(values)
      }
    }
  }

  /// Biases per layer, each (out).
  ///
  /// Setting requires the same shapes (a programmer error otherwise).
  public var biases: [[Float]] {
    get { layers.map(\.biases.array) }
    set {
      precondition(newValue.count == layers.count, "one vector per layer")
      for (layer, values) in zip(layers, newValue) {
        layer.biases.assign(values)
      }
    }
  }

  /// Number of inputs the network takes.
  public var inputSize: Int { configuration.sizes[0] }
  /// Number of outputs (classes) the network gives.
  public var outputSize: Int { configuration.sizes[configuration.sizes.count - 1] }

  // MARK: - Using

  /// The output activations for one input of values in `[0, 1]`.
  ///
  /// - Precondition: `input.count == configuration.sizes[0]`.
  public func feedforward(_ input: [Float]) -> [Float] {
    precondition(input.count == inputSize, "expected \(inputSize) inputs")
    var activations = input
    for layer in layers {
      var z = [Float](repeating: 0, count: layer.outputs)  // (out)
      var a = [Float](repeating: 0, count: layer.outputs)  // (out)
      activations.withUnsafeBufferPointer { x in
        z.withUnsafeMutableBufferPointer { z in
          a.withUnsafeMutableBufferPointer { a in
            guard let x = x.baseAddress, let zBase = z.baseAddress,
              let aBase = a.baseAddress
            else { return }
            BLAS.gemv(
              transpose: false, rows: layer.outputs, columns: layer.inputs,
              alpha: 1, a: layer.weights.base, lda: layer.inputs, x: x,
              beta: 0, y: zBase)
            Kernels.addBiasAndActivate(
              layer.activation, z: zBase, a: aBase, bias: layer.biases.base,
              rows: 1, columns: layer.outputs)
          }
        }
      }
      activations = a
    }
    return activations
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
  /// every batch's writes (parameter updates, reference counts) then bounce
  /// those lines between the cores: measured, each training needed up to
  /// 60 % more CPU time than alone. Allocated by the training thread, they
  /// sit in that thread's own heap arena instead.
  func allocateOnThisThread() {
    layers = layers.map { $0.copy() }
    inputCapacity = 0
    input = FloatBuffer(count: 0)
    labels.deallocate()
    labels = .allocate(capacity: 1)
  }

  /// Makes the input and every layer's buffers hold `rows` examples.
  func reserve(rows: Int) {
    if rows > inputCapacity {
      inputCapacity = rows
      input = FloatBuffer(count: rows * inputSize)
      labels.deallocate()
      labels = .allocate(capacity: rows)
    }
    for layer in layers { layer.reserve(rows: rows) }
  }

  /// Scales the images `indices` of `pixels` into the input buffer and
  /// their labels into the label buffer.
  func loadBatch(
    pixels: UnsafePointer<UInt8>, labels source: UnsafePointer<UInt8>,
    indices: UnsafePointer<Int32>, rows: Int
  ) {
    let width = inputSize
    for row in 0..<rows {
      let image = Int(indices[row])
      Kernels.scalePixels(
        pixels + image * width, into: input.base + row * width, count: width)
      labels[row] = Int32(source[image])
    }
  }

  /// Starts fetching the pixels of the images `indices` into cache.
  ///
  /// Shuffled images sit anywhere in the 39 MB training set, so without
  /// this, loading a batch waits on main memory image by image.
  func prefetchBatch(
    pixels: UnsafePointer<UInt8>, indices: UnsafePointer<Int32>, rows: Int
  ) {
    for row in 0..<rows {
      BLAS.prefetch(
        pixels + Int(indices[row]) * inputSize, count: inputSize)
    }
  }

  /// Runs the loaded batch forward through every layer.
  func forwardBatch(rows: Int) {
    var x = UnsafePointer(input.base)
    for layer in layers {
      layer.forward(x, rows: rows)
      x = UnsafePointer(layer.a.base)
    }
  }

  /// One training step on the images `indices` of `pixels`: forward,
  /// backward and `step`, in parts of at most ``trainingBlock`` rows.
  /// Returns the batch's summed cost (without L2).
  ///
  /// While a part is computed, the images of the next one (or of `next`,
  /// the following batch's first rows) are fetched into cache.
  /// - Precondition: ``reserve(rows:)`` for `min(rows, trainingBlock)`.
  func trainBatch(
    pixels: UnsafePointer<UInt8>, labels: UnsafePointer<UInt8>,
    indices: UnsafePointer<Int32>, rows: Int, step: ParameterStep,
    next: (indices: UnsafePointer<Int32>, rows: Int)
  ) -> Double {
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
      forwardBatch(rows: count)
      cost += backwardBatch(
        rows: count, step: step,
        part: BatchPart(
          batchRows: rows, isFirst: part == 0, isLast: part == parts - 1))
      first += count
    }
    return cost
  }

  /// Backpropagates the loaded rows (after ``forwardBatch(rows:)``), applies
  /// `step` if they are the batch's last part and returns their summed
  /// cost (without L2).
  func backwardBatch(
    rows: Int, step: ParameterStep, part: BatchPart
  ) -> Double {
    guard let output = layers.last else { return 0 }
    let cost = Kernels.outputDeltaAndCost(
      cost: configuration.cost, activation: output.activation,
      z: output.z.base, a: output.a.base, delta: output.delta.base,
      labels: labels, rows: rows, columns: output.outputs)
    for index in layers.indices.reversed() {
      let layer = layers[index]
      let previous = index > 0 ? layers[index - 1] : nil
      let x = previous.map { UnsafePointer($0.a.base) } ?? UnsafePointer(input.base)
      layer.backward(
        x, rows: rows, inputDelta: previous?.delta.base, step: step,
        part: part)
      previous?.applyActivationDerivative(rows: rows)
    }
    return cost
  }

  /// Σ w² over every weight (biases excluded).
  func sumOfSquaredWeights() -> Double {
    layers.reduce(0) {
      $0 + BLAS.sumOfSquares(count: $1.weights.count, x: $1.weights.base)
    }
  }
}
