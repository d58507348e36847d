#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Element-wise work around the matrix products: activations, their
/// derivatives, output deltas and costs, loading pixels.
///
/// Each function walks raw row-major buffers in one pass so the compiler can
/// vectorise it; none allocates.
enum Kernels {
  // MARK: - Activations, forward and backward side by side

  /// z ← z + b (per row), then a ← f(z). z and a are (rows, columns).
  static func addBiasAndActivate(
    _ activation: Activation, z: UnsafeMutablePointer<Float>,
    a: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
    rows: Int, columns: Int
  ) {
    for row in 0..<rows {
      let zRow = z + row * columns
      let aRow = a + row * columns
      for j in 0..<columns { zRow[j] += bias[j] }
      switch activation {
      case .sigmoid:
        for j in 0..<columns { aRow[j] = sigmoid(zRow[j]) }
      case .relu:
        for j in 0..<columns { aRow[j] = max(zRow[j], 0) }
      case .tanh:
        for j in 0..<columns { aRow[j] = tanhf(zRow[j]) }
      case .softmax:
        softmax(zRow, into: aRow, count: columns)
      }
    }
  }

  /// δ ← δ ⊙ f′(z) for the hidden activations (softmax's Jacobian is not
  /// diagonal; the output delta handles it).
  static func multiplyByDerivative(
    _ activation: Activation, delta: UnsafeMutablePointer<Float>,
    z: UnsafePointer<Float>, a: UnsafePointer<Float>, count: Int
  ) {
    switch activation {
    case .sigmoid:  // σ′ = σ(1 − σ)
      for i in 0..<count { delta[i] *= a[i] * (1 - a[i]) }
    case .relu:  // 1 where z > 0
      for i in 0..<count where z[i] <= 0 { delta[i] = 0 }
    case .tanh:  // 1 − tanh²
      for i in 0..<count { delta[i] *= 1 - a[i] * a[i] }
    case .softmax:
      preconditionFailure("softmax is an output activation only")
    }
  }

  @inline(__always)
  static func sigmoid(_ z: Float) -> Float { 1 / (1 + exp(-z)) }

  /// eˣ within about 2 ulp, written so that loops over it vectorise (libm's
  /// `expf` is a call per element: 4× slower here) and give the same bits on
  /// every platform. NaN stays NaN; results are clamped to normal floats.
  @inline(__always)
  static func exp(_ x: Float) -> Float {
    var v = x
    v = v < -87.3 ? -87.3 : v  // e^-87.3 is just above the smallest normal
    v = v > 88.3 ? 88.3 : v  // keeps n ≤ 127, so 2ⁿ stays finite
    // n = round(v / ln 2): adding 1.5·2²³ rounds to an integer, which then
    // sits in the low bits of the mantissa.
    let magic: Float = 12_582_912
    let shifted = v * 1.442_695_041 + magic
    let n = shifted - magic
    // r = v − n ln 2 (ln 2 split in two for precision), |r| ≤ ln 2 / 2.
    let r = (v - n * 0.693_145_752) - n * 1.428_606_77e-6
    // e^r by its Taylor polynomial to degree 6 (error below 2⁻²³ here).
    var p: Float = 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // 2ⁿ from its exponent bits, without a (trapping) float→int conversion.
    let twoToN = Float(
      bitPattern: (shifted.bitPattern &- magic.bitPattern &+ 127) &<< 23)
    return p * twoToN
  }

  /// a ← exp(z − max z) / Σ exp(z − max z), for one row.
  static func softmax(
    _ z: UnsafePointer<Float>, into a: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    var largest = -Float.infinity
    for j in 0..<count { largest = max(largest, z[j]) }
    var sum: Float = 0
    for j in 0..<count {
      a[j] = exp(z[j] - largest)
      sum += a[j]
    }
    let scale = 1 / sum
    for j in 0..<count { a[j] *= scale }
  }

  /// log(1 + eˣ) without overflow or loss of precision.
  @inline(__always)
  static func softplus(_ x: Float) -> Float {
    max(x, 0) + log1pf(expf(-abs(x)))
  }

  // MARK: - Output delta and cost

  /// Writes ∂C/∂z of the output layer into `delta` and returns the summed
  /// (not averaged) cost of the batch, accumulated in double precision.
  ///
  /// The targets are one-hot: row r wants 1 at `labels[r]` and 0 elsewhere
  /// (all 0 if the label is not a valid output index).
  /// - Parameters:
  ///   - z, a, delta: (rows, columns), row-major.
  ///   - labels: (rows).
  static func outputDeltaAndCost(
    cost: Cost, activation: Activation, z: UnsafePointer<Float>,
    a: UnsafePointer<Float>, delta: UnsafeMutablePointer<Float>,
    labels: UnsafePointer<Int32>, rows: Int, columns: Int
  ) -> Double {
    var total: Double = 0
    for row in 0..<rows {
      let offset = row * columns
      let zRow = z + offset
      let aRow = a + offset
      let dRow = delta + offset
      let label = Int(labels[row])
      var rowCost: Float = 0
      switch (cost, activation) {
      case (.quadratic, .softmax):
        // ∂C/∂z = Jᵀ(a − y) with J_ij = a_i(δ_ij − a_j):
        // a_j [(a_j − y_j) − Σ_i (a_i − y_i) a_i].
        var weighted: Float = 0
        for j in 0..<columns {
          let error = aRow[j] - (j == label ? 1 : 0)
          rowCost += error * error
          weighted += error * aRow[j]
        }
        for j in 0..<columns {
          let error = aRow[j] - (j == label ? 1 : 0)
          dRow[j] = aRow[j] * (error - weighted)
        }
        rowCost *= 0.5
      case (.quadratic, _):
        for j in 0..<columns {
          let error = aRow[j] - (j == label ? 1 : 0)
          rowCost += error * error
          dRow[j] = error
        }
        rowCost *= 0.5
        multiplyByDerivative(
          activation, delta: dRow, z: zRow, a: aRow, count: columns)
      case (.crossEntropy, .softmax):
        // −ln a_label = log Σ exp(z) − z_label, taken from z so that a
        // vanishing a_label cannot give log(0).
        var largest = -Float.infinity
        for j in 0..<columns { largest = max(largest, zRow[j]) }
        var sum: Float = 0
        for j in 0..<columns { sum += expf(zRow[j] - largest) }
        let logSum = logf(sum) + largest
        rowCost = (0..<columns).contains(label) ? logSum - zRow[label] : 0
        for j in 0..<columns { dRow[j] = aRow[j] - (j == label ? 1 : 0) }
      case (.crossEntropy, _):
        // −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y z.
        for j in 0..<columns {
          let y: Float = j == label ? 1 : 0
          rowCost += softplus(zRow[j]) - y * zRow[j]
          dRow[j] = aRow[j] - y
        }
      }
      total += Double(rowCost)
    }
    return total
  }

  // MARK: - Inputs

  /// Scales `count` pixels to `[0, 1]` into `destination`.
  ///
  /// Multiplies by 1/255 rather than dividing (within 1 ulp of pixel/255):
  /// the division alone doubled the time of this loop, which runs over
  /// every pixel of every epoch.
  @inline(__always)
  static func scalePixels(
    _ source: UnsafePointer<UInt8>,
    into destination: UnsafeMutablePointer<Float>, count: Int
  ) {
    let scale: Float = 1 / 255
    for i in 0..<count { destination[i] = Float(source[i]) * scale }
  }

  /// The index of the largest of `count` values (the first, on ties).
  static func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for j in 1..<max(count, 1) where values[j] > values[best] { best = j }
    return best
  }
}
