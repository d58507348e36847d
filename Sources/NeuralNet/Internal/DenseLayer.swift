/// How one backward pass turns the batch gradient into parameter changes.
///
/// `m` is the batch size and `decay` is `λ/n` (n = training-set size).
enum ParameterStep {
  /// w ← (1 − ηλ/n) w − (η/m) ∇w;  b ← b − (η/m) ∇b.
  case sgd(learningRate: Float, decay: Float)
  /// v ← μ v − η(∇w/m + λ/n w), w ← w + v; biases alike without decay.
  case momentum(learningRate: Float, momentum: Float, decay: Float)
  /// Store ∇w/m + λ/n w and ∇b/m in the gradient buffers; no update.
  case gradient(decay: Float)
}

/// Where the rows of one backward pass sit in their mini-batch.
///
/// A mini-batch larger than the network's block goes through the layers in
/// parts (so per-batch buffers stay small): every part adds its gradient,
/// and only the last one changes the parameters, so the step is the same
/// as for the whole batch at once.
struct BatchPart {
  /// Rows of the whole mini-batch: the m that averages the gradient.
  var batchRows: Int
  /// The first part starts the gradient sum.
  var isFirst: Bool
  /// The last part applies the step.
  var isLast: Bool

  /// The whole mini-batch of `rows` rows in one part.
  static func whole(_ rows: Int) -> BatchPart {
    BatchPart(batchRows: rows, isFirst: true, isLast: true)
  }

  var isWhole: Bool { isFirst && isLast }
}

/// One fully-connected layer: `a = f(x · Wᵀ + b)` for a batch of rows `x`.
///
/// The layer owns its parameters and the per-batch buffers its forward and
/// backward passes share. Batches are row-major: one example per row.
final class DenseLayer {
  let inputs: Int
  let outputs: Int
  let activation: Activation

  let weights: FloatBuffer  // (out, in), row-major
  let biases: FloatBuffer  // (out)

  // Momentum state, allocated on the first training with μ ≠ 0.
  private(set) var weightVelocity: FloatBuffer?  // (out, in), row-major
  private(set) var biasVelocity: FloatBuffer?  // (out)

  // Gradients for `ParameterStep.gradient`, and the gradient sum of an SGD
  // batch taken in parts; allocated on first use.
  private(set) var weightGradient: FloatBuffer?  // (out, in), row-major
  private(set) var biasGradient: FloatBuffer?  // (out)

  /// Rows the batch buffers below can hold.
  private(set) var capacity = 0
  private(set) var z = FloatBuffer(count: 0)  // (capacity, out): x·Wᵀ + b
  private(set) var a = FloatBuffer(count: 0)  // (capacity, out): f(z)
  /// ∂C/∂z for the batch, (capacity, out). The next layer's backward pass
  /// first writes ∂C/∂a here; ``applyActivationDerivative(rows:)`` turns it
  /// into ∂C/∂z.
  private(set) var delta = FloatBuffer(count: 0)
  private(set) var ones = FloatBuffer(count: 0)  // (capacity): all 1

  /// Most rows per sgemm call that keep OpenBLAS on its fast small-matrix
  /// kernels (see ``BLAS/smallProduct``).
  private var forwardBlock: Int {
    min(
      BLAS.smallProduct / (inputs * outputs),
      BLAS.smallForwardOutput / outputs)
  }
  private var backwardBlock: Int { BLAS.smallProduct / (inputs * outputs) }

  init(inputs: Int, outputs: Int, activation: Activation) {
    self.inputs = inputs
    self.outputs = outputs
    self.activation = activation
    weights = FloatBuffer(count: outputs * inputs)
    biases = FloatBuffer(count: outputs)
  }

  /// A layer with the same shape and parameters, and no batch buffers or
  /// optimiser state, allocated on the calling thread.
  func copy() -> DenseLayer {
    let layer = DenseLayer(
      inputs: inputs, outputs: outputs, activation: activation)
    layer.weights.base.update(from: weights.base, count: weights.count)
    layer.biases.base.update(from: biases.base, count: biases.count)
    return layer
  }

  /// Makes the batch buffers hold at least `rows` examples.
  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    z = FloatBuffer(count: rows * outputs)
    a = FloatBuffer(count: rows * outputs)
    delta = FloatBuffer(count: rows * outputs)
    ones = FloatBuffer(count: rows)
    ones.fill(1)
  }

  /// Sets the momentum state to zero, allocating it if needed.
  func resetVelocity() {
    if weightVelocity == nil {
      weightVelocity = FloatBuffer(count: outputs * inputs)
      biasVelocity = FloatBuffer(count: outputs)
    }
    weightVelocity?.fill(0)
    biasVelocity?.fill(0)
  }

  // MARK: - Forward

  /// z ← x · Wᵀ + b and a ← f(z) for the first `rows` examples.
  ///
  /// - Parameter x: (rows, in), row-major.
  func forward(_ x: UnsafePointer<Float>, rows: Int) {
    // Row blocks of (block, in) · (in, out) → (block, out).
    BLAS.forEachRowBlock(rows: rows, limit: forwardBlock) { first, count in
      BLAS.gemm(
        transposeA: false, transposeB: true, m: count, n: outputs, k: inputs,
        alpha: 1, a: x + first * inputs, lda: inputs, b: weights.base,
        ldb: inputs, beta: 0, c: z.base + first * outputs, ldc: outputs)
    }
    Kernels.addBiasAndActivate(
      activation, z: z.base, a: a.base, bias: biases.base,
      rows: rows, columns: outputs)
  }

  // MARK: - Backward

  /// From ∂C/∂z in ``delta``: writes ∂C/∂x into `inputDelta` (if given) and
  /// applies `step` to the parameters once `part` is the batch's last.
  ///
  /// ∂C/∂x is taken before the weights change, as backpropagation needs.
  /// - Parameters:
  ///   - x: the forward pass's input, (rows, in), row-major.
  ///   - inputDelta: receives ∂C/∂x = δ · W, (rows, in), row-major.
  func backward(
    _ x: UnsafePointer<Float>, rows: Int,
    inputDelta: UnsafeMutablePointer<Float>?, step: ParameterStep,
    part: BatchPart
  ) {
    if let inputDelta {
      // Row blocks of (block, out) · (out, in) → (block, in).
      BLAS.forEachRowBlock(rows: rows, limit: backwardBlock) {
        first, count in
        BLAS.gemm(
          transposeA: false, transposeB: false, m: count, n: inputs,
          k: outputs, alpha: 1, a: delta.base + first * outputs,
          lda: outputs, b: weights.base, ldb: inputs, beta: 0,
          c: inputDelta + first * inputs, ldc: inputs)
      }
    }
    let perExample = 1 / Float(part.batchRows)
    // Later parts of a batch add to what the earlier ones summed.
    let sumBeta: Float = part.isFirst ? 0 : 1
    switch step {
    case .sgd(let eta, let decay) where part.isWhole:
      // The decay rides on sgemm's beta, the gradient goes straight into W.
      accumulateGradient(
        x, rows: rows, alpha: -eta * perExample, beta: 1 - eta * decay,
        weightsInto: weights, biasesInto: biases)
    case .sgd(let eta, let decay):
      // The later parts still need the old weights: sum the gradient
      // aside and step once, after the last part.
      let (weightSum, biasSum) = gradientBuffers()
      accumulateGradient(
        x, rows: rows, alpha: 1, beta: sumBeta,
        weightsInto: weightSum, biasesInto: biasSum)
      guard part.isLast else { return }
      BLAS.axpby(
        count: weights.count, alpha: -eta * perExample, x: weightSum.base,
        beta: 1 - eta * decay, y: weights.base)
      BLAS.axpy(
        count: outputs, alpha: -eta * perExample, x: biasSum.base,
        y: biases.base)
    case .momentum(let eta, let mu, let decay):
      guard let weightVelocity, let biasVelocity else {
        preconditionFailure("resetVelocity() must precede momentum steps")
      }
      // The weights change only after the last part, so the parts can
      // sum straight into the velocity (the first one scales it by μ).
      accumulateGradient(
        x, rows: rows, alpha: -eta * perExample,
        beta: part.isFirst ? mu : 1,
        weightsInto: weightVelocity, biasesInto: biasVelocity)
      guard part.isLast else { return }
      if decay != 0 {
        BLAS.axpy(
          count: weights.count, alpha: -eta * decay, x: weights.base,
          y: weightVelocity.base)
      }
      BLAS.axpy(
        count: weights.count, alpha: 1, x: weightVelocity.base,
        y: weights.base)
      BLAS.axpy(
        count: outputs, alpha: 1, x: biasVelocity.base, y: biases.base)
    case .gradient(let decay):
      let (weightGradient, biasGradient) = gradientBuffers()
      accumulateGradient(
        x, rows: rows, alpha: perExample, beta: sumBeta,
        weightsInto: weightGradient, biasesInto: biasGradient)
      if part.isLast && decay != 0 {
        BLAS.axpy(
          count: weights.count, alpha: decay, x: weights.base,
          y: weightGradient.base)
      }
    }
  }

  /// The gradient buffers, allocated on first use.
  private func gradientBuffers() -> (FloatBuffer, FloatBuffer) {
    if let weightGradient, let biasGradient {
      return (weightGradient, biasGradient)
    }
    let buffers = (
      FloatBuffer(count: outputs * inputs), FloatBuffer(count: outputs)
    )
    (weightGradient, biasGradient) = buffers
    return buffers
  }

  /// W′ ← alpha · δᵀ · x + beta · W′ and b′ ← alpha · δᵀ · 1 + b′ (or
  /// `mu · b′` for velocities).
  private func accumulateGradient(
    _ x: UnsafePointer<Float>, rows: Int, alpha: Float, beta: Float,
    weightsInto w: FloatBuffer, biasesInto b: FloatBuffer
  ) {
    // (out, rows) · (rows, in) → (out, in), summed over blocks of rows:
    // only the first block scales the old contents by beta.
    BLAS.forEachRowBlock(rows: rows, limit: backwardBlock) {
      first, count in
      BLAS.gemm(
        transposeA: true, transposeB: false, m: outputs, n: inputs, k: count,
        alpha: alpha, a: delta.base + first * outputs, lda: outputs,
        b: x + first * inputs, ldb: inputs, beta: first == 0 ? beta : 1,
        c: w.base, ldc: inputs)
    }
    // Biases are not decayed: beta is 1 for SGD, μ for velocities, 0 for
    // plain gradients.
    let biasBeta: Float = (b === biases) ? 1 : beta
    // (rows, out)ᵀ · (rows) → (out)
    BLAS.gemv(
      transpose: true, rows: rows, columns: outputs, alpha: alpha,
      a: delta.base, lda: outputs, x: ones.base, beta: biasBeta, y: b.base)
  }

  /// ∂C/∂a → ∂C/∂z in ``delta``: multiplies by f′(z) (hidden layers).
  func applyActivationDerivative(rows: Int) {
    Kernels.multiplyByDerivative(
      activation, delta: delta.base, z: z.base, a: a.base,
      count: rows * outputs)
  }
}
