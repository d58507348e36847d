import CKernels
import Foundation
import Testing

/// labrun's own element-wise maths against the C library's double
/// precision, the independent oracle: how many units in the last place
/// each function may be off.
@Suite struct MathTests {
  /// Distance in floats between `value` and `reference` rounded to float.
  static func ulps(_ value: Float, _ reference: Double) -> Int64 {
    func ordered(_ x: Float) -> Int64 {
      let bits = Int64(Int32(bitPattern: x.bitPattern))
      return bits < 0 ? Int64(Int32.min) - bits : bits
    }
    return abs(ordered(value) - ordered(Float(reference)))
  }

  static func ulps(_ value: Double, _ reference: Double) -> Int64 {
    func ordered(_ x: Double) -> Int64 {
      let bits = Int64(bitPattern: x.bitPattern)
      return bits < 0 ? Int64.min - bits : bits
    }
    return abs(ordered(value) &- ordered(reference))
  }

  /// Evenly spaced floats over `range`, `count` of them.
  static func sweep(_ range: ClosedRange<Float>, _ count: Int) -> [Float] {
    (0..<count).map {
      range.lowerBound + (range.upperBound - range.lowerBound)
        * Float($0) / Float(count - 1)
    }
  }

  /// The largest error over `inputs`, with the input where it occurs.
  static func worst(
    _ inputs: [Float], _ function: (Float) -> Float,
    _ reference: (Double) -> Double
  ) -> (ulps: Int64, at: Float) {
    var worst: (ulps: Int64, at: Float) = (0, 0)
    for x in inputs {
      let error = ulps(function(x), reference(Double(x)))
      if error > worst.ulps { worst = (error, x) }
    }
    return worst
  }

  @Test func expIsWithinThreeUlps() {
    // Below −87.3 the result is clamped to a normal float (see the header).
    let result = Self.worst(Self.sweep(-87.3...88.3, 400_000), lr_expf, Foundation.exp)
    #expect(result.ulps <= 3, "\(result.ulps) ulp at \(result.at)")
    #expect(lr_expf(0) == 1)
    #expect(lr_expf(.nan).isNaN)
    #expect(lr_expf(-1000) > 0 && lr_expf(1000).isFinite)
  }

  @Test func sigmoidIsWithinThreeUlps() {
    let result = Self.worst(
      Self.sweep(-87...90, 400_000), lr_sigmoidf, { 1 / (1 + Foundation.exp(-$0)) })
    #expect(result.ulps <= 3, "\(result.ulps) ulp at \(result.at)")
    #expect(lr_sigmoidf(0) == 0.5)
  }

  @Test func tanhLogAndSoftplusAreWithinOneUlp() {
    let inputs = Self.sweep(-30...30, 300_000) + [1e-6, -1e-9, 1e-30, 0]
    let tanh = Self.worst(inputs, lr_tanhf, Foundation.tanh)
    #expect(tanh.ulps <= 1, "tanh: \(tanh.ulps) ulp at \(tanh.at)")
    let softplus = Self.worst(
      Self.sweep(-100...100, 300_000), lr_softplusf,
      { max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) })
    #expect(softplus.ulps <= 1, "softplus: \(softplus.ulps) ulp at \(softplus.at)")
    let positive = Self.sweep(1e-6...1e6, 300_000) + [1e-38, 3e38, 1, 2]
    let log = Self.worst(positive, lr_logf, Foundation.log)
    #expect(log.ulps <= 1, "log: \(log.ulps) ulp at \(log.at)")
    #expect(lr_logf(0) == -.infinity && lr_logf(-1).isNaN)
    #expect(lr_tanhf(.infinity) == 1 && lr_tanhf(-.infinity) == -1)
  }

  @Test func doubleExpAndLogAreWithinTwoUlps() {
    var worstExp: Int64 = 0
    var worstLog: Int64 = 0
    for i in 0..<200_000 {
      let x = -700 + 1409 * Double(i) / 200_000
      worstExp = max(worstExp, Self.ulps(lr_exp(x), Foundation.exp(x)))
      let y = Foundation.exp(x)  // 1e-304 … 1e306
      worstLog = max(worstLog, Self.ulps(lr_log(y), Foundation.log(y)))
    }
    #expect(worstExp <= 2, "exp: \(worstExp) ulp")
    #expect(worstLog <= 2, "log: \(worstLog) ulp")
    #expect(lr_log(5e-324).isFinite)  // subnormal input
  }

  @Test func polarFactorIsTheFormula() {
    for s in stride(from: 0.001, to: 1, by: 0.001) {
      let expected = (-2 * Foundation.log(s) / s).squareRoot()
      #expect(abs(lr_polar_factor(s) - expected) <= 4e-16 * expected)
    }
  }
}
