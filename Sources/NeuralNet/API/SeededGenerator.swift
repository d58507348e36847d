import CKernels

/// A seeded pseudo-random generator: xoshiro256** seeded by SplitMix64.
///
/// Written here rather than taken from the standard library so that the same
/// seed gives the same weights and the same shuffles on every platform and
/// every Swift version.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  // xoshiro256** state; never all zero (SplitMix64 output cannot be).
  private var s0, s1, s2, s3: UInt64

  /// Creates a generator whose whole sequence is fixed by `seed`.
  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotate(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotate(s3, 45)
    return result
  }

  /// A uniform double in `[0, 1)` with 53 random bits.
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform integer in `0..<bound` without modulo bias (Lemire's method).
  ///
  /// - Precondition: `bound > 0`.
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "nextInt(below:) needs a positive bound")
    let range = UInt64(bound)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      // Reject the few low words that would over-represent small results.
      let threshold = (0 &- range) % range
      while product.low < threshold {
        product = next().multipliedFullWidth(by: range)
      }
    }
    return Int(product.high)
  }

  /// A standard normal sample, N(0, 1), by Marsaglia's polar method.
  ///
  /// Built from IEEE operations and labrun's own logarithm (not the C
  /// library's, whose last bits differ between platforms), so a seed gives
  /// the same weights everywhere. Draws pairs of uniforms until one falls
  /// inside the unit circle and keeps no spare, so the sequence depends
  /// only on the seed and the number of calls.
  public mutating func nextNormal() -> Float {
    while true {
      let u = 2 * nextUniform() - 1
      let v = 2 * nextUniform() - 1
      let s = u * u + v * v
      if s > 0 && s < 1 { return Float(u * lr_polar_factor(s)) }
    }
  }

  /// Shuffles `buffer` in place (Fisher–Yates, from the back).
  public mutating func shuffle<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
    var i = buffer.count - 1
    while i > 0 {
      let j = nextInt(below: i + 1)
      buffer.swapAt(i, j)
      i -= 1
    }
  }

  private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }
}
