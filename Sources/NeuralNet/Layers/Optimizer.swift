import CKernels

/// Mini-batch gradient descent, with momentum, L2 decay and L1 shrinkage:
/// one step that walks every parameter of every layer (as llm.c's update
/// does), so a layer never writes its own update rule.
struct Optimizer {
  /// η.
  var learningRate: Float
  /// μ (0: plain SGD).
  var momentum: Float
  /// λ/n, the L2 decay per step of the parameters that decay.
  var decay: Float
  /// λ₁/n, the L1 term's gradient λ₁/n · sgn w of the parameters that
  /// decay.
  var l1: Float = 0

  /// The step w = fma(α, Σ∇, β·w) of the decaying parameters (weights),
  /// for a layer to apply as it forms Σ∇ — when that is exact.
  ///
  /// A fused step touches only the rows the batch's inputs reach; the
  /// others keep their bits only when β = 1 and α < 0 (then the full step
  /// adds −0 to them), so it exists for plain SGD without L2 decay.
  func fusedStep(batchRows: Int) -> (alpha: Float, beta: Float)? {
    let alpha = -learningRate / Float(batchRows)
    let beta = 1 - learningRate * decay
    guard momentum == 0, l1 == 0, beta == 1, alpha < 0 else { return nil }
    return (alpha, beta)
  }

  /// Steps `parameters` by their gradient sums over a batch of `batchRows`
  /// examples, then clears the sums.
  ///
  /// SGD: w = fma(−η/m, Σ∇, (1 − ηλ/n)·w). Momentum: v = fma(−η/m, Σ∇,
  /// fma(−ηλ/n, w, μ·v)), w = w + v (velocities start at zero).
  ///
  /// With L1, SGD first moves each weight towards zero, w = w − (ηλ₁/n)·sgn w
  /// (the book's rule, sgn 0 = 0), and momentum adds m·λ₁/n·sgn w to Σ∇, so
  /// the velocity takes the L1 term's gradient. Element by element, in
  /// IEEE arithmetic (the product by sgn w is exact): the same bits on
  /// every CPU and variant.
  func step(
    _ parameters: [Parameter], batchRows: Int, kernels: KernelVariant
  ) {
    let variant = kernels.index
    let alpha = -learningRate / Float(batchRows)
    for parameter in parameters {
      let decay = parameter.decays ? decay : 0
      if parameter.decays && l1 != 0 {
        if momentum != 0 {
          Self.addSigns(
            of: parameter.value, times: Float(batchRows) * l1,
            to: parameter.gradient)
        } else {
          Self.addSigns(
            of: parameter.value, times: -(learningRate * l1),
            to: parameter.value)
        }
        // Every row moves now, not only those the batch touched.
        parameter.touched?.update(repeating: 1, count: parameter.rows)
      }
      let rows = Int32(parameter.rows)
      let width = Int32(parameter.stride)
      if momentum != 0 {
        let velocity =
          parameter.velocity ?? FloatBuffer(count: parameter.value.count)
        parameter.velocity = velocity
        lr_step_momentum(
          variant, rows, width, alpha, momentum, -learningRate * decay,
          parameter.value.base, parameter.stride, velocity.base,
          parameter.stride, parameter.gradient.base, parameter.stride,
          parameter.touched)
      } else {
        lr_step(
          variant, rows, width, alpha, 1 - learningRate * decay,
          parameter.value.base, parameter.stride, parameter.gradient.base,
          parameter.stride, parameter.touched)
      }
    }
  }

  /// target = target + scale · sgn(source), element by element (sgn 0 =
  /// 0, sgn NaN = NaN); padding elements are zero and stay so.
  static func addSigns(
    of source: FloatBuffer, times scale: Float, to target: FloatBuffer
  ) {
    let (w, t) = (source.base, target.base)
    for i in 0..<source.count {
      let x = w[i]
      let sign: Float = x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x
      t[i] = t[i] + scale * sign
    }
  }
}
