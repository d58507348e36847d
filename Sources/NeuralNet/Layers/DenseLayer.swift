import CKernels

/// One fully-connected layer: `a = f(x · W + b)` for a batch of rows `x`.
///
/// W is stored (in, out) — input-major, the transpose of the book's
/// (out, in) — with rows padded to 16 floats, so the forward product
/// broadcasts one input value across a contiguous row of W. The public
/// (out, in) view is ``weightMatrix``.
///
/// A wide layer (``splitsFrom``) splits a batch between ``threads``
/// threads by W's rows (the layer's inputs), forward and backward alike:
/// the forward chains relayed from thread to thread, δ·Wᵀ's columns and
/// W's gradient rows each a thread's own, so each thread reads and steps
/// only its own rows of W (and lists only their columns of its input);
/// every element keeps its one chain.
final class DenseLayer: Layer, SplitsWork {
  let inputSize: Int
  let outputSize: Int
  let outputStride: Int
  let activation: Activation

  let weights: Parameter  // (in, out) stored (in, outputStride)
  let biases: Parameter  // (1, out)
  var parameters: [Parameter] { [weights, biases] }

  /// The non-zero columns of the batch's δ, for δ · Wᵀ.
  private var deltaColumns: BlockColumns
  /// The forward product's steps between the parts.
  private let relay = Relay()
  /// Threads a batch's work may be split between (see ``SplitsWork``).
  var threads = 1
  /// Multiply-adds per example (inputs × padded outputs) from which the
  /// layer splits its work: below, handing parts to another thread costs
  /// more than it saves (lecture 20's 784 × 30 and lecture 22's 640 × 100
  /// stay whole; the 2880 × 100 after chapter 6's convolution splits).
  var splitsFrom = 1 << 17

  private(set) var capacity = 0
  private(set) var z = FloatBuffer(count: 0)  // (capacity, outputStride)
  private(set) var output = FloatBuffer(count: 0)  // (capacity, outputStride)
  private(set) var delta = FloatBuffer(count: 0)  // (capacity, outputStride)

  init(inputs: Int, outputs: Int, activation: Activation) {
    inputSize = inputs
    outputSize = outputs
    outputStride = padded(outputs)
    self.activation = activation
    weights = Parameter(
      rows: inputs, columns: outputs, decays: true, tracksRows: true)
    biases = Parameter(
      rows: 1, columns: outputs, decays: false, tracksRows: false)
    deltaColumns = BlockColumns(width: outputs)
  }

  private init(copying other: DenseLayer) {
    inputSize = other.inputSize
    outputSize = other.outputSize
    outputStride = other.outputStride
    activation = other.activation
    weights = other.weights.copy()
    biases = other.biases.copy()
    deltaColumns = BlockColumns(width: other.outputSize)
    threads = other.threads
    splitsFrom = other.splitsFrom
  }

  /// Columns of z the bias and activation go over: a hidden-style
  /// activation takes the padding too, so that it runs in whole vectors
  /// (30 outputs as two vectors of 16, not one and 14 single values). The
  /// padding of z is +0 (W's and b's padding columns are zero) and no one
  /// reads that of the output; softmax normalises over the outputs alone.
  private var activatedColumns: Int {
    activation == .softmax ? outputSize : outputStride
  }

  /// The threads this layer's batch work goes on now.
  private var parts: Int {
    inputSize * outputStride >= splitsFrom
      ? max(1, min(threads, inputSize)) : 1
  }

  /// A layer whose work splits lists its input's blocks itself, each
  /// thread the columns of its rows of W (``forward(_:kernels:)``).
  var reads: LayerInput { parts == 1 ? .columns : .columnsInParts }

  func copy() -> any Layer { DenseLayer(copying: self) }

  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    z = FloatBuffer(count: rows * outputStride)
    output = FloatBuffer(count: rows * outputStride)
    delta = FloatBuffer(count: rows * outputStride)
    deltaColumns.reserve(rows: rows)
  }

  // MARK: - The (out, in) view

  /// The weights as the book writes them: (out, in), row-major.
  var weightMatrix: [Float] {
    get { weights.transposedValues }
    set { weights.transposedValues = newValue }
  }

  /// The biases, (out).
  var biasVector: [Float] {
    get { biases.firstRow }
    set { biases.firstRow = newValue }
  }

  // MARK: - Forward

  /// z = x · W + b and a = f(z) for the rows of `input`.
  ///
  /// Split between threads by W's rows, as the backward pass is, so that
  /// a row of W stays in the cache of the core that steps it: every
  /// element's chain runs through the parts in order, part 0 over the
  /// terms of its rows, part 1 on from where part 0 left it in z, and so
  /// on — a relay in steps of ``relayColumns`` columns, so that the parts
  /// work side by side on different columns. (Split by output columns
  /// instead, each thread read every row of W, half of them just stepped
  /// by the other: after chapter 6's convolution 1.3 MB went between the
  /// cores per batch, and where the two share no cache the fused step
  /// took five times as long.)
  func forward(_ input: BlockColumns, kernels: KernelVariant) {
    let parts = self.parts
    let softmax = activation == .softmax
    let stepColumns = parts > 1 ? Self.relayColumns : outputStride
    if parts > 1 { lr_relay_reset(relay.pointer) }
    // Rows only referred to (see `reads`): each part lists the columns of
    // its rows of W itself, so the blocks it reads are its own, and no
    // thread lists the whole batch while the others wait.
    let lists = input.listedParts == 0
    if lists { input.beginListing(parts: parts) }
    Parts.run(parts) { part in
      if lists { input.list(part: part) }
      let (begins, ends) = (part == 0, part == parts - 1)
      var step: Int32 = 0
      input.forEachBlock(part: part, of: parts) {
        first, rows, list, values, count in
        for j in stride(from: 0, to: outputStride, by: stepColumns) {
          let n = min(stepColumns, outputStride - j)
          let zBlock = z.base + first * outputStride + j
          step += 1
          lr_relay_wait(relay.pointer, Int32(part), step)
          lr_block_times_stretch(
            kernels.index, rows, list, count, values, weights.value.base + j,
            outputStride, Int32(n), 1, begins ? 1 : 0, ends ? 1 : 0,
            zBlock, outputStride)
          lr_relay_pass(relay.pointer, Int32(part), step)
          let activated = min(j + n, activatedColumns) - j
          if ends && !softmax && activated > 0 {
            lr_bias_activate(
              kernels.index, activation.c, zBlock,
              output.base + first * outputStride + j, outputStride,
              biases.value.base + j, rows, Int32(activated))
          }
        }
      }
    }
    if softmax {
      lr_bias_activate(
        kernels.index, activation.c, z.base, output.base, outputStride,
        biases.value.base, Int32(input.rows), Int32(outputSize))
    }
  }

  /// Columns of z per step of the forward relay: two AVX-512 vectors, the
  /// product tiles' width (a narrower step would run narrower tiles), and
  /// 2880 × 100's 112 columns in 4 steps.
  static let relayColumns = 32

  /// ``forward(_:kernels:)`` for the images `images[0..<rows]` of
  /// `pixels` (``inputSize`` bytes each, scaled to [0, 1]), every row over
  /// its own inked pixels instead of its block's: the same bits when the
  /// weights are finite (``weightsAreFinite``), fewer terms.
  ///
  /// `scratch` holds two rows' terms of ``inputSize`` columns.
  func forward(
    pixels: UnsafePointer<UInt8>, images: UnsafePointer<Int32>, rows: Int,
    scratch: PixelTerms, kernels: KernelVariant
  ) {
    precondition(scratch.width >= inputSize)
    lr_pixel_rows_times(
      kernels.index, Int32(rows), pixels, images, Int32(inputSize),
      scratch.list, scratch.values, weights.value.base, outputStride,
      Int32(outputStride), z.base, outputStride)
    lr_bias_activate(
      kernels.index, activation.c, z.base, output.base, outputStride,
      biases.value.base, Int32(rows), Int32(activatedColumns))
  }

  /// Whether every weight is finite: then a row's chain over its block's
  /// columns and over its own non-zero inputs agree bit for bit.
  var weightsAreFinite: Bool {
    lr_all_finite(weights.value.base, weights.value.count) != 0
  }

  // MARK: - Backward

  /// Adds xᵀ·δ to the weights' gradient and Σδ to the biases', and writes
  /// δ · Wᵀ (with the weights before this batch's step) into `inputDelta`,
  /// each element one chain over δ's listed columns in order.
  /// With `fusedStep`, the weights take their step at once instead.
  ///
  /// Split between threads by W's rows (the layer's inputs): a thread
  /// forms δ·Wᵀ's columns for its rows, then their gradient (or step),
  /// so no thread reads a row of W another one steps.
  func backward(
    _ input: BlockColumns, inputDelta: UnsafeMutablePointer<Float>?,
    inputStride: Int, fusedStep: (alpha: Float, beta: Float)?,
    kernels: KernelVariant
  ) {
    let rows = input.rows
    precondition(
      fusedStep == nil || rows <= BlockColumns.blockRows,
      "a fused step needs the batch in one block")
    if inputDelta != nil {
      deltaColumns.load(delta.base, stride: outputStride, rows: rows)
    }
    let parts = self.parts
    Parts.run(parts) { part in
      let mine = Parts.range(part, of: parts, inputSize)
      if let inputDelta {
        // δ · Wᵀ straight from W's (in, out) rows: no transposed copy to
        // form for every batch.
        deltaColumns.forEachBlock { first, rows, list, values, count in
          lr_block_times_bt(
            kernels.index, rows, list, count, values,
            weights.value.base + mine.lowerBound * outputStride,
            outputStride, Int32(mine.count), 1,
            inputDelta + first * inputStride + mine.lowerBound, inputStride)
        }
      }
      input.forEachBlock(part: part, of: parts) {
        first, rows, list, values, count in
        let d = delta.base + first * outputStride
        if let fusedStep {
          lr_block_gradient(
            kernels.index, rows, list, count, values, d, outputStride,
            Int32(outputStride), nil, 0, nil, fusedStep.alpha, fusedStep.beta,
            weights.value.base, outputStride)
        } else {
          lr_block_gradient(
            kernels.index, rows, list, count, values, d, outputStride,
            Int32(outputStride), weights.gradient.base, outputStride,
            weights.touched, 0, 0, nil, 0)
        }
      }
    }
    // The padding columns, +0 as the product would give them.
    if let inputDelta, inputStride > inputSize {
      for row in 0..<rows {
        (inputDelta + row * inputStride + inputSize).update(
          repeating: 0, count: inputStride - inputSize)
      }
    }
    lr_column_sums(
      Int32(rows), delta.base, outputStride, Int32(outputStride),
      biases.gradient.base)
  }

  func applyActivationDerivative(rows: Int, kernels: KernelVariant) {
    lr_activation_derivative(
      kernels.index, activation.c, delta.base, z.base, output.base,
      outputStride, Int32(rows), Int32(outputSize))
  }
}

extension Activation {
  var c: lr_activation {
    switch self {
    case .sigmoid: LR_SIGMOID
    case .relu: LR_RELU
    case .tanh: LR_TANH
    case .softmax: LR_SOFTMAX
    }
  }
}

extension Cost {
  var c: lr_cost {
    switch self {
    case .quadratic: LR_QUADRATIC
    case .crossEntropy: LR_CROSS_ENTROPY
    }
  }
}

/// Scratch for ``DenseLayer/forward(pixels:images:rows:scratch:kernels:)``:
/// two rows' column lists and values (each `width` + 8 entries: the
/// listing stores eight at a time).
final class PixelTerms {
  let width: Int
  let list: UnsafeMutablePointer<Int32>
  let values: UnsafeMutablePointer<Float>

  init(width: Int) {
    self.width = width
    list = .allocate(capacity: 2 * (width + 8))
    values = .allocate(capacity: 2 * (width + 8))
  }

  deinit {
    list.deallocate()
    values.deallocate()
  }
}
