import CKernels

/// A convolutional layer: `maps` filters of size × size, each over every
/// channel of its input, at every valid position with stride 1, then a
/// shared bias per map and the activation.
///
/// Each example's input is unfolded into its taps (one row per tap t =
/// (channel, ky, kx), one column per output position), so that every
/// product is a plain matrix product on the deterministic kernels:
/// z[f][p] is one chain of fused multiply-adds over the taps in ascending
/// order from +0, and each weight's gradient one chain over the batch's
/// examples and positions in order. Rows of an example are its maps one
/// after the other, (maps, positions) row-major, as the next layer (a pool
/// or a fully-connected layer) reads them.
final class ConvolutionLayer: Layer {
  let input: TensorShape
  let size: Int
  let maps: Int
  let activation: Activation

  let inputSize: Int
  let outputSize: Int
  let outputStride: Int
  /// Taps per filter: channels × size × size.
  let taps: Int
  /// Output positions per map, and the floats between maps in the
  /// product's (maps, positions) scratch.
  let positions: Int
  private let positionStride: Int
  private let tapStride: Int

  /// W stored (taps, maps) — tap-major, as a dense layer stores (in, out) —
  /// with rows padded to 16 floats; the public view is (maps, taps).
  let weights: Parameter  // (taps, maps) stored (taps, weights.stride)
  let biases: Parameter  // (1, maps)
  var parameters: [Parameter] { [weights, biases] }
  var takesColumns: Bool { false }

  // Per-example scratch.
  private let unfolded: FloatBuffer  // (taps, positionStride)
  private let product: FloatBuffer  // (maps, positionStride)
  private let filters: FloatBuffer  // Wᵀ, (maps, tapStride)
  private let deltaByPosition: FloatBuffer  // δᵀ, (positions, weights.stride)
  private let tapGradient: FloatBuffer  // (positions, tapStride)
  /// The batch's input as dense rows, when it came as pixels.
  private var dense = FloatBuffer(count: 0)  // (capacity, inputSize)

  private(set) var capacity = 0
  private(set) var z = FloatBuffer(count: 0)  // (capacity, outputStride)
  private(set) var output = FloatBuffer(count: 0)  // (capacity, outputStride)
  private(set) var delta = FloatBuffer(count: 0)  // (capacity, outputStride)

  init(input: TensorShape, size: Int, maps: Int, activation: Activation) {
    self.input = input
    self.size = size
    self.maps = maps
    self.activation = activation
    inputSize = input.count
    taps = input.channels * size * size
    positions = (input.height - size + 1) * (input.width - size + 1)
    positionStride = padded(positions)
    tapStride = padded(taps)
    outputSize = maps * positions
    outputStride = padded(outputSize)
    weights = Parameter(
      rows: taps, columns: maps, decays: true, tracksRows: false)
    biases = Parameter(rows: 1, columns: maps, decays: false, tracksRows: false)
    unfolded = FloatBuffer(count: taps * positionStride)
    product = FloatBuffer(count: maps * positionStride)
    filters = FloatBuffer(count: maps * tapStride)
    deltaByPosition = FloatBuffer(count: positions * weights.stride)
    tapGradient = FloatBuffer(count: positions * tapStride)
  }

  func copy() -> any Layer {
    let other = ConvolutionLayer(
      input: input, size: size, maps: maps, activation: activation)
    other.weights.value.base.update(
      from: weights.value.base, count: weights.value.count)
    other.biases.value.base.update(
      from: biases.value.base, count: biases.value.count)
    return other
  }

  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    z = FloatBuffer(count: rows * outputStride)
    output = FloatBuffer(count: rows * outputStride)
    delta = FloatBuffer(count: rows * outputStride)
  }

  // MARK: - The (maps, taps) view

  /// The filters as (maps, channels, size, size), row-major.
  var weightMatrix: [Float] {
    get { weights.transposedValues }
    set { weights.transposedValues = newValue }
  }

  /// The biases, (maps).
  var biasVector: [Float] {
    get { biases.firstRow }
    set { biases.firstRow = newValue }
  }

  // MARK: - Forward

  /// Wᵀ, (maps, taps), for the forward and input-gradient products.
  private func refreshFilters() {
    lr_transpose(
      Int32(taps), Int32(maps), weights.value.base, weights.stride,
      filters.base, tapStride)
  }

  /// z = W ⊛ x + b and a = f(z), example by example.
  func forward(_ input: BlockColumns, kernels: KernelVariant) {
    let (x, stride) = input.denseRows(scratch: &dense, capacity: capacity)
    refreshFilters()
    for row in 0..<input.rows {
      lr_conv_unfold(
        x + row * stride, Int32(self.input.channels), Int32(self.input.height),
        Int32(self.input.width), Int32(size), unfolded.base, positionStride)
      // (maps, positions) = Wᵀ (maps, taps) · unfolded (taps, positions).
      lr_times(
        kernels.index, Int32(maps), Int32(taps), filters.base, tapStride,
        unfolded.base, positionStride, Int32(positionStride), 0,
        product.base, positionStride)
      lr_map_bias_activate(
        activation.c, product.base, positionStride,
        z.base + row * outputStride, output.base + row * outputStride,
        biases.value.base, Int32(maps), Int32(positions))
    }
  }

  // MARK: - Backward

  /// Adds each filter's gradient (one chain per weight over the examples
  /// and positions in order) and each map's Σδ, and writes ∂C/∂x into
  /// `inputDelta`. The weights always go through the optimiser.
  func backward(
    _ input: BlockColumns, inputDelta: UnsafeMutablePointer<Float>?,
    inputStride: Int, fusedStep: (alpha: Float, beta: Float)?,
    kernels: KernelVariant
  ) {
    let (x, stride) = input.denseRows(scratch: &dense, capacity: capacity)
    if inputDelta != nil { refreshFilters() }
    for row in 0..<input.rows {
      lr_conv_unfold(
        x + row * stride, Int32(self.input.channels), Int32(self.input.height),
        Int32(self.input.width), Int32(size), unfolded.base, positionStride)
      // δᵀ, (positions, maps): the padding columns stay zero.
      lr_transpose(
        Int32(maps), Int32(positions), delta.base + row * outputStride,
        positions, deltaByPosition.base, weights.stride)
      // G (taps, maps) += unfolded (taps, positions) · δᵀ.
      lr_times(
        kernels.index, Int32(taps), Int32(positions), unfolded.base,
        positionStride, deltaByPosition.base, weights.stride,
        Int32(weights.stride), 1, weights.gradient.base, weights.stride)
      lr_column_sums(
        Int32(positions), deltaByPosition.base, weights.stride, Int32(maps),
        biases.gradient.base)
      if let inputDelta {
        // ∂C/∂taps (positions, taps) = δᵀ (positions, maps) · Wᵀ, folded
        // back onto the input.
        lr_times(
          kernels.index, Int32(positions), Int32(maps), deltaByPosition.base,
          weights.stride, filters.base, tapStride, Int32(tapStride), 0,
          tapGradient.base, tapStride)
        lr_conv_fold(
          tapGradient.base, tapStride, Int32(self.input.channels),
          Int32(self.input.height), Int32(self.input.width), Int32(size),
          inputDelta + row * inputStride)
      }
    }
  }

  func applyActivationDerivative(rows: Int) {
    lr_activation_derivative(
      activation.c, delta.base, z.base, output.base, outputStride,
      Int32(rows), Int32(outputSize))
  }
}
