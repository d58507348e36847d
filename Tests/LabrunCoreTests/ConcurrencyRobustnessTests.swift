import Dispatch
import Foundation
import Testing

@testable import LabrunCore

/// The shared state of a comparison's parallel runs. Run the suite under
/// `swift test --sanitize=thread` to have every access checked: a read of
/// the progress array outside its lock was found that way.
@Suite("Robustness: comparison runs on several threads")
struct ConcurrencyRobustnessTests {
  /// Collects what the console is told, from any thread.
  final class Labels: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [(String, Double)] = []
    func add(_ label: String, _ fraction: Double) {
      lock.withLock { seen.append((label, fraction)) }
    }
    var all: [(String, Double)] { lock.withLock { seen } }
  }

  @Test("progress from 8 runs at once: one label, a mean within 0…1")
  func progress() {
    let labels = Labels()
    let console = Console(
      style: .quiet, write: { _, _ in },
      onProgress: { labels.add($0, $1) })
    let progress = ComparisonProgress(
      label: "comparing lr", runs: 8, console: console)
    DispatchQueue.concurrentPerform(iterations: 8) { run in
      for step in 0...200 {
        progress.update(run: run, fraction: Double(step) / 200)
      }
    }
    let all = labels.all
    #expect(all.count == 8 * 201)
    #expect(Set(all.map(\.0)) == ["comparing lr (8 runs)"])
    #expect(all.allSatisfy { (0...1).contains($0.1) })
    // Every run finished, so the last mean is 1.
    progress.update(run: 0, fraction: 1)
    #expect(labels.all.last?.1 == 1)
  }

  @Test("result slots filled from 8 threads hold every value, in order")
  func slots() {
    let slots = ResultSlots<Int>(count: 64)
    DispatchQueue.concurrentPerform(iterations: 64) { slots[$0] = $0 * $0 }
    #expect(slots.values == (0..<64).map { $0 * $0 })
  }
}
