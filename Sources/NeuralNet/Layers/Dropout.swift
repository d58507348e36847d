/// Dropout on a fully-connected hidden layer: in each training step a
/// fraction `rate` of its units is silenced, each row on its own, and the
/// kept ones are scaled by 1/(1 − rate) ("inverted" dropout), so that
/// evaluation uses the layer as it is, without a mask.
///
/// The layer's own output stays as computed (its activation's derivative
/// reads it); the layer above reads ``masked``. The mask comes from the
/// training's seeded generator, row by row in batch order, so it is the
/// same on every CPU, variant and however a batch is cut.
final class Dropout {
  let rate: Float
  /// Floats per row, as the layer's output.
  let stride: Int
  let width: Int
  private(set) var capacity = 0
  private(set) var mask = FloatBuffer(count: 0)  // (capacity, stride)
  private(set) var masked = FloatBuffer(count: 0)  // (capacity, stride)

  init(rate: Float, width: Int, stride: Int) {
    self.rate = rate
    self.width = width
    self.stride = stride
  }

  func reserve(rows: Int) {
    guard rows > capacity else { return }
    capacity = rows
    mask = FloatBuffer(count: rows * stride)
    masked = FloatBuffer(count: rows * stride)
  }

  /// Draws the mask of `rows` rows, the batch's rows `firstRow...`: unit
  /// j of a row is kept when a uniform draw in [0, 1) (24 bits of a word)
  /// is at least `rate`. Each row's words come from a generator seeded
  /// with `seed` and the row's place in the batch, so a batch cut into
  /// parts gets the same mask. `fixed` (tests) keeps the units whose value
  /// is 1, in every row.
  func draw(rows: Int, firstRow: Int, seed: UInt64, fixed: [Float]?) {
    let scale = 1 / (1 - rate)
    let threshold = UInt64((Double(rate) * 16_777_216).rounded(.up))
    for row in 0..<rows {
      var generator = SeededGenerator(
        seed: seed &+ UInt64(firstRow + row) &* 0x9E37_79B9_7F4A_7C15)
      let m = mask.base + row * stride
      for j in 0..<width {
        let keep =
          fixed.map { $0[j] != 0 } ?? (generator.next() >> 40 >= threshold)
        m[j] = keep ? scale : 0
      }
    }
  }

  /// masked = output ⊙ mask for `rows` rows.
  func apply(_ output: UnsafePointer<Float>, rows: Int) {
    for row in 0..<rows {
      let (a, m, y) = (output + row * stride, mask.base + row * stride, masked.base + row * stride)
      for j in 0..<width { y[j] = a[j] * m[j] }
    }
  }

  /// ∂C/∂output = ∂C/∂masked ⊙ mask, in place, for `rows` rows.
  func backward(_ delta: UnsafeMutablePointer<Float>, rows: Int) {
    for row in 0..<rows {
      let (d, m) = (delta + row * stride, mask.base + row * stride)
      for j in 0..<width { d[j] = d[j] * m[j] }
    }
  }
}
