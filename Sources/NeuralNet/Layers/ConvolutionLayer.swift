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
final class ConvolutionLayer: Layer, SplitsWork {
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
  /// Floats per row of ``gradientByMap``: taps + 1 (the bias) padded.
  private let gradientStride: Int

  /// W stored (taps, maps) — tap-major, as a dense layer stores (in, out) —
  /// with rows padded to 16 floats; the public view is (maps, taps).
  let weights: Parameter  // (taps, maps) stored (taps, weights.stride)
  let biases: Parameter  // (1, maps)
  var parameters: [Parameter] { [weights, biases] }
  var reads: LayerInput { .rows }

  /// Wᵀ, (maps, tapStride), for the forward product; read by every thread.
  private let filters: FloatBuffer
  /// The batch's gradient sums while it goes back, Gᵀ: (maps,
  /// gradientStride), the weights' taps then the bias's column.
  private let gradientByMap: FloatBuffer
  /// Per-example scratch, one set per thread.
  private var scratch: [Scratch] = []
  /// Threads a batch's work is split between (see ``SplitsWork``).
  var threads = 1
  /// The gradient's steps between the parts.
  private let relay = Relay()
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
    filters = FloatBuffer(count: maps * tapStride)
    gradientStride = padded(taps + 1)
    gradientByMap = FloatBuffer(count: maps * gradientStride)
  }

  /// One thread's scratch for an example.
  private final class Scratch {
    let unfolded: FloatBuffer  // (taps, positionStride)
    let product: FloatBuffer  // (maps, positionStride)
    /// An example's δ with its maps' rows padded (positionStride floats
    /// apart, +0 between), where positions is not a multiple of 16.
    let paddedDelta: FloatBuffer  // (maps, positionStride)
    let tapGradient: FloatBuffer  // (taps, positionStride)
    /// The inputs unfolded by position, Uᵀ, some of its columns for one or
    /// several examples (see ``ConvolutionLayer/backward``).
    private var byPosition = FloatBuffer(count: 0)

    init(_ layer: ConvolutionLayer) {
      unfolded = FloatBuffer(count: layer.taps * layer.positionStride)
      product = FloatBuffer(count: layer.maps * layer.positionStride)
      paddedDelta = FloatBuffer(count: layer.maps * layer.positionStride)
      tapGradient = FloatBuffer(count: layer.taps * layer.positionStride)
    }

    /// Room for `count` floats of Uᵀ.
    func reserveUnfolded(_ count: Int) {
      if byPosition.count < count { byPosition = FloatBuffer(count: count) }
    }

    /// Uᵀ's floats from `offset` on.
    func unfolded(_ offset: Int) -> UnsafeMutablePointer<Float> {
      byPosition.base + offset
    }
  }

  /// The scratch of `parts` threads.
  private func reserveScratch(_ parts: Int) {
    while scratch.count < parts { scratch.append(Scratch(self)) }
  }

  func copy() -> any Layer {
    let other = ConvolutionLayer(
      input: input, size: size, maps: maps, activation: activation)
    other.weights.value.base.update(
      from: weights.value.base, count: weights.value.count)
    other.biases.value.base.update(
      from: biases.value.base, count: biases.value.count)
    other.threads = threads
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

  /// Wᵀ, (maps, taps), for the forward product.
  private func refreshFilters() {
    lr_transpose(
      Int32(taps), Int32(maps), weights.value.base, weights.stride,
      filters.base, tapStride)
  }

  /// z = W ⊛ x + b and a = f(z), example by example; the examples are
  /// split between the threads (each example's outputs are its own).
  func forward(_ input: BlockColumns, kernels: KernelVariant) {
    let x = input.denseRows(scratch: &dense, capacity: capacity)
    refreshFilters()
    let rows = input.rows
    let parts = max(1, min(threads, rows))
    reserveScratch(parts)
    Parts.run(parts) { part in
      let scratch = self.scratch[part]
      let myRows = Parts.range(part, of: parts, rows)
      x.fill(myRows)
      for row in myRows {
        lr_conv_unfold(
          x.base + row * x.stride, Int32(self.input.channels),
          Int32(self.input.height), Int32(self.input.width), Int32(size),
          scratch.unfolded.base, positionStride)
        // (maps, positions) = Wᵀ (maps, taps) · unfolded (taps, positions).
        lr_times(
          kernels.index, Int32(maps), Int32(taps), filters.base, tapStride,
          scratch.unfolded.base, positionStride, Int32(positionStride), 0,
          scratch.product.base, positionStride)
        lr_map_bias_activate(
          kernels.index, activation.c, scratch.product.base, positionStride,
          z.base + row * outputStride, output.base + row * outputStride,
          biases.value.base, Int32(maps), Int32(positions))
      }
    }
  }

  // MARK: - Backward

  /// Adds each filter's gradient (one chain per weight over the examples
  /// and positions in order) and each map's Σδ, and writes ∂C/∂x into
  /// `inputDelta`. The weights always go through the optimiser.
  ///
  /// The gradients form as Gᵀ (maps, taps + 1) += δ (maps, positions) ·
  /// Uᵀ (positions, taps + 1), example by example, where Uᵀ is the input
  /// unfolded by position with a last column of ones: δ is read as the
  /// layer stores it, and the ones column's chain, fma(δ, 1, s) = s + δ, is
  /// the bias's gradient in its order.
  ///
  /// Split between the threads by examples, as the forward pass and the
  /// layer after it split them, so that each thread reads only the δ it
  /// wrote: every chain of Gᵀ runs through the parts in order (part 0 over
  /// its examples, part 1 on from there, ...), a relay in steps of some of
  /// Gᵀ's columns and maps (``gradientSteps``), the parts working side by
  /// side on different steps. (Split by Gᵀ's columns instead, each thread
  /// read every example's δ, 0.46 MB per batch of chapter 6's network,
  /// half of it written by the other core; where the two share no cache,
  /// clearing δ for the next batch then took twice as long.)
  func backward(
    _ input: BlockColumns, inputDelta: UnsafeMutablePointer<Float>?,
    inputStride: Int, fusedStep: (alpha: Float, beta: Float)?,
    kernels: KernelVariant
  ) {
    // The rows as the forward pass left them (it scaled any images).
    let x = input.denseRows(scratch: &dense, capacity: capacity)
    let rows = input.rows
    let parts = max(1, min(threads, rows))
    let (columns, groups) = gradientSteps(parts: parts)
    reserveScratch(parts)
    for scratch in scratch.prefix(parts) {
      scratch.reserveUnfolded(
        (groups > 1 ? (rows + parts - 1) / parts : 1) * positions * columns)
    }
    if parts > 1 { lr_relay_reset(relay.pointer) }
    Parts.run(parts) { part in
      let scratch = self.scratch[part]
      let myRows = Parts.range(part, of: parts, rows)
      let (begins, ends) = (part == 0, part == parts - 1)
      // ∂C/∂x for my examples: the later parts before their relay steps
      // (they would wait for the first step), part 0 after them.
      if !begins, let inputDelta {
        self.inputGradient(myRows, inputDelta, inputStride, scratch, kernels)
      }
      var step: Int32 = 0
      for first in Swift.stride(from: 0, to: gradientStride, by: columns) {
        let width = min(columns, gradientStride - first)
        if begins { self.loadGradient(columns: first..<first + width) }
        // My examples' Uᵀ for these columns, unfolded once for every group
        // of maps (with one group, each just before its product).
        let unfold = { (k: Int, row: Int) -> UnsafeMutablePointer<Float> in
          let u = scratch.unfolded(k * self.positions * columns)
          lr_conv_unfold_positions(
            kernels.index, x.base + row * x.stride,
            Int32(self.input.channels),
            Int32(self.input.height), Int32(self.input.width),
            Int32(self.size), Int32(first), Int32(width), u, columns)
          return u
        }
        if groups > 1 {
          for (k, row) in myRows.enumerated() { _ = unfold(k, row) }
        }
        for group in 0..<groups {
          let maps = Parts.range(group, of: groups, self.maps)
          step += 1
          lr_relay_wait(relay.pointer, Int32(part), step)
          for (k, row) in myRows.enumerated() {
            let u = groups > 1 ? scratch.unfolded(k * positions * columns)
              : unfold(0, row)
            // Gᵀ (my maps, these columns) += δ (maps, positions) · Uᵀ.
            lr_times(
              kernels.index, Int32(maps.count), Int32(positions),
              delta.base + row * outputStride + maps.lowerBound * positions,
              positions, u, columns, Int32(width), 1,
              gradientByMap.base + maps.lowerBound * gradientStride + first,
              gradientStride)
          }
          lr_relay_pass(relay.pointer, Int32(part), step)
        }
        if ends { self.storeGradient(columns: first..<first + width) }
      }
      if begins, let inputDelta {
        self.inputGradient(myRows, inputDelta, inputStride, scratch, kernels)
      }
    }
  }

  /// Columns of Gᵀ and groups of maps per relay step: the whole of Gᵀ in
  /// one step on one thread; on several, 32 columns (two AVX-512 vectors,
  /// the product tiles' width), or 16 where Gᵀ is narrower than 64 columns
  /// (so that it still cuts into several steps), and the maps in
  /// groups until there are at least 8 steps, so that a part waits for the
  /// one before it an eighth of its work at most.
  private func gradientSteps(parts: Int) -> (columns: Int, groups: Int) {
    guard parts > 1 else { return (gradientStride, 1) }
    let columns = gradientStride >= 64 ? 32 : 16
    let chunks = (gradientStride + columns - 1) / columns
    return (columns, min(maps, max(1, (8 + chunks - 1) / chunks)))
  }

  /// ∂C/∂taps (taps, positions) = W (taps, maps) · δ (maps, positions) for
  /// each example of `rows`, each element the chain over the maps, folded
  /// back onto the input.
  private func inputGradient(
    _ rows: Range<Int>, _ inputDelta: UnsafeMutablePointer<Float>,
    _ inputStride: Int, _ scratch: Scratch, _ kernels: KernelVariant
  ) {
    for row in rows {
      let (d, ld) = paddedDelta(row: row, scratch: scratch)
      lr_times(
        kernels.index, Int32(taps), Int32(maps), weights.value.base,
        weights.stride, d, ld, Int32(positionStride), 0,
        scratch.tapGradient.base, positionStride)
      lr_conv_fold(
        scratch.tapGradient.base, positionStride, Int32(input.channels),
        Int32(input.height), Int32(input.width), Int32(size),
        inputDelta + row * inputStride)
    }
  }

  /// Example `row`'s δ as the input gradient's product reads it: maps'
  /// rows of positionStride floats. They are the layer's own rows when
  /// positions is a multiple of 16, else a copy padded with +0 (the
  /// product reads whole vectors, and a padding column's chain is never
  /// folded back).
  private func paddedDelta(row: Int, scratch: Scratch) -> (
    UnsafePointer<Float>, Int
  ) {
    let d = delta.base + row * outputStride
    guard positionStride != positions else {
      return (UnsafePointer(d), positions)
    }
    let padded = scratch.paddedDelta.base
    for f in 0..<maps {
      (padded + f * positionStride).update(
        from: d + f * positions, count: positions)
      (padded + f * positionStride + positions).update(
        repeating: 0, count: positionStride - positions)
    }
    return (UnsafePointer(padded), positionStride)
  }

  /// Gᵀ's `columns` from the gradient sums: weights' taps, then the bias.
  private func loadGradient(columns: Range<Int>) {
    let tapColumns = columns.clamped(to: 0..<taps)
    if !tapColumns.isEmpty {
      lr_transpose(
        Int32(tapColumns.count), Int32(maps),
        weights.gradient.base + tapColumns.lowerBound * weights.stride,
        weights.stride, gradientByMap.base + tapColumns.lowerBound,
        gradientStride)
    }
    if columns.contains(taps) {
      for f in 0..<maps {
        gradientByMap.base[f * gradientStride + taps] = biases.gradient.base[f]
      }
    }
  }

  /// Gᵀ's `columns` back into the gradient sums.
  private func storeGradient(columns: Range<Int>) {
    let tapColumns = columns.clamped(to: 0..<taps)
    if !tapColumns.isEmpty {
      lr_transpose(
        Int32(maps), Int32(tapColumns.count),
        gradientByMap.base + tapColumns.lowerBound, gradientStride,
        weights.gradient.base + tapColumns.lowerBound * weights.stride,
        weights.stride)
    }
    if columns.contains(taps) {
      for f in 0..<maps {
        biases.gradient.base[f] = gradientByMap.base[f * gradientStride + taps]
      }
    }
  }

  func applyActivationDerivative(rows: Int, kernels: KernelVariant) {
    let parts = max(1, min(threads, rows))
    Parts.run(parts) { part in
      let mine = Parts.range(part, of: parts, rows)
      let first = mine.lowerBound * outputStride
      lr_activation_derivative(
        kernels.index, activation.c, delta.base + first, z.base + first,
        output.base + first, outputStride, Int32(mine.count),
        Int32(outputSize))
    }
  }
}
