// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten, so tick
// labels read 0.90, 0.92, 0.94 rather than 0.9013, 0.9207, ...

import Foundation

/// An axis range widened to whole tick steps, with the ticks inside it.
struct NiceScale: Equatable {
  var lower: Double
  var upper: Double
  var step: Double
  /// Digits after the point that the tick labels need.
  var decimals: Int

  /// The tick values from `lower` to `upper`, both included.
  var ticks: [Double] {
    let steps = ((upper - lower) / step).rounded()
    // Only absurd inputs (spans near Double.greatestFiniteMagnitude) get
    // here without a small whole number of steps.
    guard steps.isFinite, steps >= 0, steps <= 100 else { return [lower, upper] }
    return (0...Int(steps)).map { lower + Double($0) * step }
  }

  /// A scale covering `[minimum, maximum]` with about `target` ticks.
  /// A single value (constant series, one epoch) gets a small range around
  /// it; non-finite bounds give the unit range.
  /// - Parameters:
  ///   - minimumStep: e.g. 1 for epochs, which are integers.
  ///   - minimumSpan: the narrowest range shown, centred on the data, so
  ///     that noise of 0.1 % in a flat accuracy curve does not fill the
  ///     chart.
  ///   - bounds: limits no value can pass (0...100 for a percentage).
  init(
    minimum: Double, maximum: Double, target: Int = 5,
    minimumStep: Double = 0, minimumSpan: Double = 0,
    bounds: ClosedRange<Double>? = nil
  ) {
    var low = minimum
    var high = maximum
    if !low.isFinite || !high.isFinite || low > high || !(high - low).isFinite
    {
      (low, high) = (0, 1)
    }
    if high - low < minimumSpan {
      let middle = (low + high) / 2
      (low, high) = (middle - minimumSpan / 2, middle + minimumSpan / 2)
      if let bounds, low < bounds.lowerBound {
        (low, high) = (bounds.lowerBound, bounds.lowerBound + minimumSpan)
      }
      if let bounds, high > bounds.upperBound {
        (low, high) = (bounds.upperBound - minimumSpan, bounds.upperBound)
      }
    }
    if high - low < max(abs(high), abs(low), 1e-300) * 1e-9 {
      // A flat series: open a window of ±10 % (or ±1 at zero).
      let pad = low == 0 ? 1 : abs(low) * 0.1
      (low, high) = (low - pad, high + pad)
    }
    let rough = (high - low) / Double(max(1, target))
    var step = NiceScale.niceStep(atLeast: rough)
    if step < minimumStep { step = minimumStep }
    // Flat series around zero would otherwise dip below zero for costs
    // and accuracies, which never do.
    let lowerTick = (low / step).rounded(.down) * step
    let upperTick = (high / step).rounded(.up) * step
    var lower = minimum >= 0 && lowerTick < 0 ? 0 : lowerTick
    var upper = upperTick
    if let bounds {
      lower = max(lower, bounds.lowerBound)
      upper = min(upper, bounds.upperBound)
    }
    self.lower = lower
    self.upper = upper
    self.step = step
    self.decimals = NiceScale.decimals(for: step)
  }

  /// A scale of exponents for a logarithmic axis: whole powers of ten
  /// from below `minimum` to above `maximum` (both exponents), a tick on
  /// every one, or on every second or fifth when there are many.
  static func decades(minimum: Double, maximum: Double) -> NiceScale {
    var low = minimum.isFinite ? minimum.rounded(.down) : 0
    var high = maximum.isFinite ? maximum.rounded(.up) : 1
    if high <= low { (low, high) = (low, low + 1) }
    let step: Double = high - low > 12 ? 5 : high - low > 6 ? 2 : 1
    low = (low / step).rounded(.down) * step
    high = (high / step).rounded(.up) * step
    var scale = NiceScale(minimum: 0, maximum: 1)
    (scale.lower, scale.upper, scale.step, scale.decimals) = (low, high, step, 0)
    return scale
  }

  /// The smallest of 1, 2, 5 × 10^k that is at least `rough`.
  static func niceStep(atLeast rough: Double) -> Double {
    guard rough.isFinite, rough > 0 else { return 1 }
    let power = pow(10, log10(rough).rounded(.down))
    for factor in [1.0, 2, 5, 10] where factor * power >= rough * (1 - 1e-9) {
      return factor * power
    }
    return 10 * power
  }

  /// Digits after the point for labels on multiples of `step`.
  static func decimals(for step: Double) -> Int {
    guard step.isFinite, step > 0, step < 1 else { return 0 }
    return min(12, Int((-log10(step) - 1e-9).rounded(.up)))
  }
}
