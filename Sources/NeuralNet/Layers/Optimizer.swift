import CKernels

/// Mini-batch gradient descent, with momentum and L2 decay: one step that
/// walks every parameter of every layer (as llm.c's update does), so a
/// layer never writes its own update rule.
struct Optimizer {
  /// η.
  var learningRate: Float
  /// μ (0: plain SGD).
  var momentum: Float
  /// λ/n, the L2 decay per step of the parameters that decay.
  var decay: Float

  /// The step w = fma(α, Σ∇, β·w) of the decaying parameters (weights),
  /// for a layer to apply as it forms Σ∇ — when that is exact.
  ///
  /// A fused step touches only the rows the batch's inputs reach; the
  /// others keep their bits only when β = 1 and α < 0 (then the full step
  /// adds −0 to them), so it exists for plain SGD without L2 decay.
  func fusedStep(batchRows: Int) -> (alpha: Float, beta: Float)? {
    let alpha = -learningRate / Float(batchRows)
    let beta = 1 - learningRate * decay
    guard momentum == 0, beta == 1, alpha < 0 else { return nil }
    return (alpha, beta)
  }

  /// Steps `parameters` by their gradient sums over a batch of `batchRows`
  /// examples, then clears the sums.
  ///
  /// SGD: w = fma(−η/m, Σ∇, (1 − ηλ/n)·w). Momentum: v = fma(−η/m, Σ∇,
  /// fma(−ηλ/n, w, μ·v)), w = w + v (velocities start at zero).
  func step(
    _ parameters: [Parameter], batchRows: Int, kernels: KernelVariant
  ) {
    let variant = kernels.index
    let alpha = -learningRate / Float(batchRows)
    for parameter in parameters {
      let decay = parameter.decays ? decay : 0
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
}
