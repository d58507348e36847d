import CKernels

/// Max-pooling: each map of its input cut into size × size windows side by
/// side, each window giving its largest value. No parameters; the gradient
/// goes to the one input each window chose.
///
/// It passes the activations of the layer below through (max-pooling
/// commutes with a monotonic activation), so its ``activation`` is that
/// layer's and its derivative is the identity.
final class MaxPoolLayer: Layer, SplitsWork {
  let input: TensorShape
  let size: Int
  let activation: Activation
  let inputSize: Int
  let outputSize: Int
  let outputStride: Int
  var parameters: [Parameter] { [] }
  var reads: LayerInput { .rows }

  private(set) var capacity = 0
  private(set) var output = FloatBuffer(count: 0)  // (capacity, outputStride)
  private(set) var delta = FloatBuffer(count: 0)  // (capacity, outputStride)
  /// The input index each output took: (capacity, outputSize).
  private var chosen = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  /// The input's dense rows, when it came as pixels.
  private var dense = FloatBuffer(count: 0)  // (capacity, inputSize)
  var z: FloatBuffer { output }
  /// Threads a batch's examples are split between.
  var threads = 1

  init(input: TensorShape, size: Int, activation: Activation) {
    self.input = input
    self.size = size
    self.activation = activation
    inputSize = input.count
    outputSize = input.channels * (input.height / size) * (input.width / size)
    outputStride = padded(outputSize)
  }

  deinit { chosen.deallocate() }

  func copy() -> any Layer {
    let other = MaxPoolLayer(input: input, size: size, activation: activation)
    other.threads = threads
    return other
  }

  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    output = FloatBuffer(count: rows * outputStride)
    delta = FloatBuffer(count: rows * outputStride)
    chosen.deallocate()
    chosen = .allocate(capacity: rows * outputSize)
  }

  var weightMatrix: [Float] {
    get { [] }
    set { precondition(newValue.isEmpty, "a pool has no weights") }
  }

  var biasVector: [Float] {
    get { [] }
    set { precondition(newValue.isEmpty, "a pool has no biases") }
  }

  func forward(_ input: BlockColumns, kernels: KernelVariant) {
    let x = input.denseRows(scratch: &dense, capacity: capacity)
    let rows = input.rows
    let parts = max(1, min(threads, rows))
    Parts.run(parts) { part in
      let myRows = Parts.range(part, of: parts, rows)
      x.fill(myRows)
      for row in myRows {
        lr_max_pool(
          x.base + row * x.stride, Int32(self.input.channels),
          Int32(self.input.height), Int32(self.input.width), Int32(size),
          output.base + row * outputStride, chosen + row * outputSize)
      }
    }
  }

  func backward(
    _ input: BlockColumns, inputDelta: UnsafeMutablePointer<Float>?,
    inputStride: Int, fusedStep: (alpha: Float, beta: Float)?,
    kernels: KernelVariant
  ) {
    guard let inputDelta else { return }
    let rows = input.rows
    let parts = max(1, min(threads, rows))
    Parts.run(parts) { part in
      for row in Parts.range(part, of: parts, rows) {
        lr_max_pool_backward(
          delta.base + row * outputStride, chosen + row * outputSize,
          Int32(outputSize), inputDelta + row * inputStride, Int32(inputSize))
      }
    }
  }

  func applyActivationDerivative(rows: Int, kernels: KernelVariant) {}
}
