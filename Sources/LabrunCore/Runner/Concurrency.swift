import Foundation

/// Fixed slots that concurrent runs fill in, one slot each.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Value?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  subscript(index: Int) -> Value? {
    get { lock.withLock { slots[index] } }
    set { lock.withLock { slots[index] = newValue } }
  }

  /// Every slot's value; call after all runs have finished.
  var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

/// One progress bar for all the runs of a comparison: their mean progress.
final class ComparisonProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var fractions: [Double]
  private let label: String
  private let runs: Int
  private let console: Console

  init(label: String, runs: Int, console: Console) {
    self.label = label
    self.runs = runs
    self.fractions = Array(repeating: 0, count: runs)
    self.console = console
  }

  func update(run: Int, fraction: Double) {
    let mean = lock.withLock {
      fractions[run] = fraction
      return fractions.reduce(0, +) / Double(fractions.count)
    }
    // `runs`, not `fractions.count`: the array is only read under the
    // lock (ThreadSanitizer saw this read race another run's write).
    console.progress(label: "\(label) (\(runs) runs)", fraction: mean)
  }
}
