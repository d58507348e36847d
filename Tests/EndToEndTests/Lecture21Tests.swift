import Foundation
import LabrunTestSupport
import Testing

/// notebooks/lecture21.md (chapter 3) on real MNIST, shortened with
/// `--set` to 4 epochs per training and fewer images: every cell runs, the
/// test set stays locked until the last cell, epochs number on across the
/// cells that train one network, regularisation is reported apart, and the
/// numbers are the recorded bits. The full run's figures are in the README.
@Suite("notebooks/lecture21.md, shortened")
struct Lecture21Tests {
  static let golden = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent(
      "Golden/lecture21-short.txt")
  static let overrides = [
    "--set", "sgd.epochs=4", "--set", "load.train=3000",
    "--set", "load.validation=2000", "--set", "load.test=2000",
  ]

  @Test("runs cleanly, test locked, epochs continue, recorded numbers")
  func lecture() throws {
    let folder = try temporaryFolder()
    let notebook = repositoryRoot.appendingPathComponent(
      "notebooks/lecture21.md")
    let result = try labrun(
      [notebook.path, "--no-cache"] + Self.overrides, in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let all = cells(try reportJSON("lecture21", in: folder))
    #expect(all.allSatisfy { $0["status"] as? String == "ok" })

    let trainings = all.map { results($0, kind: "training") }
    let comparisons = all.flatMap { results($0, kind: "comparison") }
    let runs = trainings.flatMap { $0 }
      + comparisons.flatMap { $0["runs"] as? [[String: Any]] ?? [] }
    func history(_ run: [String: Any]) -> [[String: Any]] {
      run["history"] as? [[String: Any]] ?? []
    }
    func epochs(_ run: [String: Any]) -> [Int] {
      history(run).compactMap { $0["epoch"] as? Int }
    }
    // No epoch of any training looked at the test set.
    #expect(runs.count == 14)
    #expect(runs.allSatisfy { history($0).allSatisfy { $0["test"] is NSNull } })

    // The overfitting cell measured training and validation.
    let overfitting = try #require(trainings[2].first)
    #expect(overfitting["monitor"] as? [String] == ["training", "validation"])
    #expect(history(overfitting).allSatisfy {
      ($0["training"] as? [String: Any])?["accuracy"] is Double
    })
    // The costs and the starts are compared in one cell each (candidate
    // networks of one `net`); the L2 comparison and the L1 run report the
    // term apart.
    #expect(
      comparisons.map { $0["parameter"] as? String }
        == ["cost", "l2", "repeat", "init"])
    #expect(comparisons[2]["validationStandardDeviation"] is Double)
    let l1 = try #require(trainings[5].first)
    #expect(history(l1).allSatisfy { ($0["regularization"] as? Double ?? 0) > 0 })

    // The init comparison keeps the scaled start, and early stopping and
    // the schedule train it on: its 4 epochs, then 5–8 and 9–12 (unless
    // the schedule ends it sooner).
    let starts = try #require(comparisons.last)
    #expect(starts["values"] as? [String] == ["normal", "scaled"])
    #expect(starts["chosen"] as? Int == 1)
    let scaled = try #require((starts["runs"] as? [[String: Any]])?.last)
    let stopping = try #require(trainings[7].first)
    let schedule = try #require(trainings[8].first)
    #expect(epochs(scaled) == [1, 2, 3, 4])
    #expect(epochs(stopping) == [5, 6, 7, 8])
    #expect(stopping["stop"] as? Int == 10)
    #expect(epochs(schedule).first == 9)
    #expect(schedule["schedule"] as? Int == 3)

    let evaluation = try #require(
      all.flatMap { results($0, kind: "evaluation") }.last)
    #expect(evaluation["split"] as? String == "test")
    #expect((evaluation["accuracy"] as? Double ?? 0) > 0.85)

    // Exact: the same bits on every CPU, kernel variant and thread count.
    try LectureTests.compare(LectureTests.numbers(all), with: Self.golden)
  }
}
