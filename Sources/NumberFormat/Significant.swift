// One rule for every number of a column whose values span powers of ten
// (costs: 590.6 beside 0.0913): the same count of significant digits.

import Foundation

extension Format {
  /// `x` with `digits` significant digits (never fewer than its whole
  /// part has): `590.61` → `590.6`, `3.23519` → `3.235`, `0.091342` →
  /// `0.09134`; beyond a million or below 0.0001 in exponent form
  /// (`1.235e6`, `4.200e-5`). Non-finite values become `NaN`, `∞`, `−∞`.
  public static func significant(_ x: Double, _ digits: Int = 4) -> String {
    guard x.isFinite else { return fixed(x, 0) }
    guard x != 0 else { return "0" }
    let digits = max(1, min(digits, 15))
    let magnitude = abs(x)
    var exponent = Int(log10(magnitude).rounded(.down))
    // log10 can land one off near a power of ten.
    if pow(10, Double(exponent)) > magnitude { exponent -= 1 }
    if pow(10, Double(exponent + 1)) <= magnitude { exponent += 1 }
    if magnitude >= 1e6 || magnitude < 1e-4 {
      var mantissa = x / pow(10, Double(exponent))
      var text = fixed(mantissa, digits - 1)
      // 9.9996e6 rounds to 10.000: one power of ten up.
      if text.hasPrefix("10") || text.hasPrefix("-10") {
        exponent += 1
        mantissa = x / pow(10, Double(exponent))
        text = fixed(mantissa, digits - 1)
      }
      return text + "e\(exponent)"
    }
    var decimals = max(0, digits - 1 - exponent)
    // 9.99996 rounds to 10.000: a digit too many.
    let rounded = Double(fixed(magnitude, decimals)) ?? magnitude
    if decimals > 0, rounded >= pow(10, Double(exponent + 1)) { decimals -= 1 }
    return fixed(x, decimals)
  }
}
