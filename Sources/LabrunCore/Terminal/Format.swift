import Foundation
import Report

/// Number formatting for the terminal, fixed so that output is stable.
enum Format {
  static func number(_ value: Double, digits: Int) -> String {
    if value.isFinite { return String(format: "%.\(digits)f", value) }
    // Not "-nan": a diverged cost reads the same on every platform.
    return value.isNaN ? "NaN" : value > 0 ? "∞" : "-∞"
  }

  static func percent(_ fraction: Double) -> String {
    String(format: "%.2f %%", fraction * 100)
  }

  static func seconds(_ value: Double) -> String {
    value < 10 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
  }

  /// A value as a person would write it: `3`, not `3.0`; `1e12`, not
  /// `1000000000000` (the report's spelling).
  static func plain(_ value: some CustomStringConvertible) -> String {
    if let double = value as? Double { return Report.Format.plain(double) }
    return value.description
  }
}
