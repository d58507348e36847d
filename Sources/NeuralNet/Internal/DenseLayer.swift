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

  // Gradients for `ParameterStep.gradient`, allocated on first use.
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
  /// applies `step` to the parameters.
  ///
  /// ∂C/∂x is taken before the weights change, as backpropagation needs.
  /// - Parameters:
  ///   - x: the forward pass's input, (rows, in), row-major.
  ///   - inputDelta: receives ∂C/∂x = δ · W, (rows, in), row-major.
  func backward(
    _ x: UnsafePointer<Float>, rows: Int,
    inputDelta: UnsafeMutablePointer<Float>?, step: ParameterStep
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
    let perExample = 1 / Float(rows)
    switch step {
    case .sgd(let eta, let decay):
      // The decay rides on sgemm's beta, the gradient goes straight into W.
      accumulateGradient(
        x, rows: rows, alpha: -eta * perExample, beta: 1 - eta * decay,
        weightsInto: weights, biasesInto: biases)
    case .momentum(let eta, let mu, let decay):
      guard let weightVelocity, let biasVelocity else {
        preconditionFailure("resetVelocity() must precede momentum steps")
      }
      accumulateGradient(
        x, rows: rows, alpha: -eta * perExample, beta: mu,
        weightsInto: weightVelocity, biasesInto: biasVelocity)
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
      if weightGradient == nil {
        weightGradient = FloatBuffer(count: outputs * inputs)
        biasGradient = FloatBuffer(count: outputs)
      }
      guard let weightGradient, let biasGradient else { return }
      accumulateGradient(
        x, rows: rows, alpha: perExample, beta: 0,
        weightsInto: weightGradient, biasesInto: biasGradient)
      if decay != 0 {
        BLAS.axpy(
          count: weights.count, alpha: decay, x: weights.base,
          y: weightGradient.base)
      }
    }
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
