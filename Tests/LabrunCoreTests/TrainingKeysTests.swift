import Foundation
import Notebook
@testable import Report
import Testing

@testable import LabrunCore

/// Chapter 3's `sgd` keys as a notebook uses them: what is measured per
/// epoch, epochs numbered across cells, early stopping, the schedule, L1,
/// and the regularisation term kept apart from the data cost.
@Suite("sgd: monitoring, training control, regularisation")
struct TrainingKeysTests {
  /// Quiet, on the repository's data, without the cache.
  let runner = RunnerTests().runner

  /// A notebook of a small MNIST, a 784-30-10 network and `lines`, one
  /// cell each.
  func cells(_ lines: [String], load: String = "load mnist train=1000 validation=200 test=200")
    -> [CellReport]
  {
    let blocks = ([load + "\nnet 784-30-10"] + lines).map { "```lab\n\($0)\n```\n" }
    return runner.execute(
      Notebook.parse(source: blocks.joined(separator: "\n"), path: "t.md")
    ).cells
  }

  func training(_ cell: CellReport) throws -> TrainingResult {
    guard let training = cell.results.last?.as(TrainingResult.self) else {
      Issue.record("no training in cell: \(cell.diagnostics)")
      throw CancellationError()
    }
    return training
  }

  @Test("by default an epoch measures validation, never the test set")
  func testStaysLocked() throws {
    let cell = try #require(cells(["sgd epochs=2"]).last)
    let run = try training(cell)
    #expect(run.monitor == ["validation"])
    for epoch in run.history {
      #expect(epoch.test == nil)
      #expect(epoch.testAccuracy == nil)
      #expect(epoch.training == nil)
      #expect(epoch.validation?.accuracy != nil)
      #expect(epoch.validation?.dataCost != nil)
    }
    let json = run.json
    guard case .object(let members) = json,
      case .array(let history)? = members["history"],
      case .object(let first)? = history.first
    else { throw CancellationError() }
    #expect(first["testAccuracy"] == .null)
    #expect(first["test"] == .null)
  }

  @Test("monitor= measures accuracy and cost of each named set")
  func monitorNamesSets() throws {
    let cell = try #require(cells(["sgd epochs=2 monitor=training,test"]).last)
    let run = try training(cell)
    #expect(run.monitor == ["training", "test"])
    for epoch in run.history {
      #expect(epoch.validation == nil)
      #expect(epoch.training?.accuracy != nil)
      #expect(epoch.training?.dataCost != nil)
      #expect(epoch.test?.accuracy != nil)
      #expect(epoch.test?.dataCost != nil)
    }
  }

  @Test("monitoring changes no bit of the trained weights")
  func monitoringKeepsBits() throws {
    let plain = try training(try #require(cells(["sgd epochs=2"]).last))
    let all = try training(
      try #require(cells(["sgd epochs=2 monitor=training,validation,test"]).last))
    #expect(plain.parametersSHA256 == all.parametersSHA256)
    #expect(plain.history.map(\.trainingCost) == all.history.map(\.trainingCost))
  }

  @Test("a monitor list is not a comparison, and may sit beside one")
  func monitorIsNotAComparison() throws {
    let cell = try #require(
      cells(["sgd lr=1,3 epochs=1 monitor=training,validation"]).last)
    guard let comparison = cell.results.last?.as(ComparisonResult.self) else {
      Issue.record("expected a comparison: \(cell.diagnostics)")
      return
    }
    #expect(comparison.parameter == "lr")
    #expect(comparison.runs.allSatisfy { $0.monitor == ["training", "validation"] })
  }

  @Test("epoch numbers continue across sgd cells on the same network")
  func epochsContinue() throws {
    let all = cells(["sgd epochs=2", "sgd epochs=3", "net 784-30-10\nsgd epochs=1"])
    #expect(try training(all[1]).history.map(\.epoch) == [1, 2])
    #expect(try training(all[2]).history.map(\.epoch) == [3, 4, 5])
    // A fresh network starts again at 1.
    #expect(try training(all[3]).history.map(\.epoch) == [1])
  }

  @Test("two cells of 2 and 3 epochs end with the weights of one of 5 epochs' numbering")
  func continuationIsCachedCorrectly() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-epochs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let cached = NotebookRunner(
      options: RunOptions(
        dataDirectory: runner.options.dataDirectory,
        cache: CacheSettings(mode: .use, folder: folder.path)),
      console: Console(style: .quiet, write: { _, _ in }))
    let source = ["load mnist train=1000 validation=200 test=200\nnet 784-30-10",
                  "sgd epochs=1", "sgd epochs=2"]
      .map { "```lab\n\($0)\n```\n" }.joined(separator: "\n")
    let first = cached.execute(Notebook.parse(source: source, path: "t.md")).cells
    let second = cached.execute(Notebook.parse(source: source, path: "t.md")).cells
    #expect(try training(second[2]).history.map(\.epoch) == [2, 3])
    #expect(try training(first[2]) == training(second[2]))
    // Editing the first sgd changes where the second one's count starts.
    let edited = source.replacingOccurrences(of: "sgd epochs=1", with: "sgd epochs=2")
    let third = cached.execute(Notebook.parse(source: edited, path: "t.md")).cells
    #expect(try training(third[2]).history.map(\.epoch) == [3, 4])
  }

  @Test("stop=N stops after N epochs without a better validation accuracy and keeps the best weights")
  func earlyStopping() throws {
    let run = try training(
      try #require(cells(["sgd lr=3 epochs=30 stop=2"]).last))
    let accuracies = run.history.compactMap(\.validationAccuracy)
    let best = try #require(accuracies.max())
    let bestEpoch = try #require(run.history.first { $0.validationAccuracy == best }?.epoch)
    #expect(run.bestEpoch == bestEpoch)
    if run.end == .earlyStopping {
      #expect(run.history.last?.epoch == bestEpoch + 2)
      #expect(run.keptEpoch == bestEpoch)
      #expect(run.finalEpoch?.epoch == bestEpoch)
      let ending = try #require(TrainingSummary.ending(run))
      #expect(ending.contains("Stopped early after epoch \(bestEpoch + 2)"))
      #expect(ending.contains("kept the weights of epoch \(bestEpoch)"))
    } else {
      #expect(run.history.count == 30)
    }
  }

  @Test("schedule=N halves η when validation stalls and stops at η/128")
  func schedule() throws {
    let run = try training(
      try #require(cells(["sgd lr=3 epochs=200 schedule=1"]).last))
    #expect(run.end == .schedule)
    #expect(run.learningRateSteps.count == 7)
    #expect(run.learningRateSteps.last?.learningRate == 3.0 / 128)
    #expect(run.history.last?.epoch == run.learningRateSteps.last?.afterEpoch)
    for step in run.learningRateSteps.dropLast() {
      let next = try #require(run.history.first { $0.epoch == step.afterEpoch + 1 })
      #expect(next.learningRate == step.learningRate)
    }
    #expect(TrainingSummary.learningRateChanges(run)?.hasPrefix("η halved to 1.5 after epoch") == true)
  }

  @Test("l1= trains with the L1 term, reported apart from the data cost")
  func l1() throws {
    let plain = try training(try #require(cells(["sgd epochs=2"]).last))
    let l1 = try training(try #require(cells(["sgd epochs=2 l1=5"]).last))
    #expect(l1.l1 == 5)
    #expect(l1.parametersSHA256 != plain.parametersSHA256)
    for epoch in l1.history {
      #expect(epoch.regularization > 0)
      #expect(abs(epoch.trainingDataCost + epoch.regularization - epoch.trainingCost) < 1e-12)
      #expect((epoch.validation?.regularization ?? 0) > 0)
    }
    #expect(plain.history.allSatisfy { $0.regularization == 0 })
  }

  @Test("a regularised run's cost chart plots the data cost and the term apart")
  func regularisationApart() throws {
    let run = try training(try #require(cells(["sgd epochs=2 l2=5"]).last))
    let chart = TrainingCharts.cost(run)
    #expect(chart.series.map(\.name) == ["training (during the epoch)", "validation", "regularisation term"])
    let training = chart.series[0].points.map(\.y)
    #expect(training == run.history.map(\.trainingDataCost))
    #expect(training.allSatisfy { $0 < 1 })
  }

  // MARK: Mistakes

  func error(_ line: String, load: String = "load mnist train=1000 validation=200 test=200")
    throws -> Diagnostic
  {
    let cell = try #require(cells([line], load: load).last)
    #expect(cell.status == .error)
    return try #require(cell.diagnostics.first)
  }

  @Test("an unknown monitor name is located with a suggestion")
  func unknownMonitor() throws {
    let d = try error("sgd monitor=training,validaton")
    #expect(d.location?.line == 7)
    #expect(d.location?.column == 22)
    #expect(d.message.contains("one of training, validation, test"))
    #expect(d.suggestion == "did you mean 'validation'?")
  }

  @Test("stop=0 is an error at its value")
  func stopZero() throws {
    let d = try error("sgd stop=0")
    #expect(d.location?.line == 7)
    #expect(d.location?.column == 10)
    #expect(d.message.contains("an integer from 1 to 10000"))
  }

  @Test(
    "early stopping, the schedule or monitor=validation without validation images is located",
    arguments: [("sgd stop=3", 10), ("sgd epochs=2 schedule=2", 23), ("sgd monitor=validation", 13)])
  func needsValidation(line: String, column: Int) throws {
    let d = try error(line, load: "load mnist train=1000 validation=0 test=200")
    #expect(d.location?.column == column)
    #expect(d.message.contains("needs validation images, but the data set has none"))
    #expect(d.suggestion?.contains("validation=10000") == true)
  }

  @Test("without validation images the default monitor measures nothing")
  func defaultMonitorWithoutValidation() throws {
    let cell = try #require(
      cells(["sgd epochs=1"], load: "load mnist train=1000 validation=0 test=200").last)
    #expect(cell.status == .ok)
    #expect(try training(cell).monitor == [])
  }
}

@Suite("sgd repeat=N: what is noise")
struct RepeatTests {
  let keys = TrainingKeysTests()

  @Test("repeat=3 trains three copies, the first as a plain sgd, and gives mean ± sd")
  func repeats() throws {
    let plain = try keys.training(try #require(keys.cells(["sgd epochs=2"]).last))
    let cell = try #require(keys.cells(["sgd epochs=2 repeat=3"]).last)
    guard let comparison = cell.results.last?.as(ComparisonResult.self) else {
      Issue.record("expected a comparison: \(cell.diagnostics)")
      return
    }
    #expect(comparison.parameter == "repeat")
    #expect(comparison.values == ["1", "2", "3"])
    #expect(comparison.runs[0].parametersSHA256 == plain.parametersSHA256)
    #expect(Set(comparison.runs.map(\.parametersSHA256)).count == 3)
    let finals = comparison.runs.compactMap(\.finalEpoch?.validationAccuracy)
    let mean = finals.reduce(0, +) / 3
    let variance = finals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2
    let spread = try #require(ComparisonSummary.validationSpread(comparison))
    #expect(abs(spread.mean - mean) < 1e-12)
    #expect(abs(spread.standardDeviation - variance.squareRoot()) < 1e-12)
    #expect(ComparisonSummary.spread(comparison)?.contains("over 3 runs") == true)
  }

  /// The final validation cost of each run of the repeat in `lines`'
  /// last cell, and the runs' parameter digests.
  func repeatCosts(_ lines: [String]) throws -> (costs: [Double], digests: [String?]) {
    let cell = try #require(keys.cells(lines).last)
    guard let comparison = cell.results.last?.as(ComparisonResult.self) else {
      Issue.record("expected a comparison: \(cell.diagnostics)")
      throw CancellationError()
    }
    let costs = comparison.runs.compactMap { $0.finalEpoch?.validation?.dataCost }
    try #require(costs.count == comparison.runs.count)
    return (costs, comparison.runs.map(\.parametersSHA256))
  }

  @Test("on a fresh network each copy starts from its own weights, the same ones every time")
  func copiesStartApart() throws {
    // η so small that one epoch barely moves a weight: what separates
    // the copies' costs is where they started, not what they learned.
    let line = "sgd epochs=1 lr=0.000001 repeat=3"
    let first = try repeatCosts([line])
    for other in first.costs.dropFirst() {
      #expect(abs(other - first.costs[0]) > 1e-3 * first.costs[0])
    }
    #expect(Set(first.costs).count == 3)
    let again = try repeatCosts([line])
    #expect(again.digests == first.digests)
  }

  @Test("on a trained network the copies go on from its weights")
  func copiesOfTrainedNetwork() throws {
    let repeated = try repeatCosts([
      "sgd epochs=1", "sgd epochs=1 lr=0.000001 repeat=3",
    ])
    for other in repeated.costs.dropFirst() {
      #expect(abs(other - repeated.costs[0]) < 1e-4 * repeated.costs[0])
    }
  }

  @Test("repeat= beside a compared list is an error at the repeat")
  func repeatWithComparison() throws {
    let d = try keys.error("sgd lr=1,2 repeat=2")
    #expect(d.location?.line == 7)
    #expect(d.location?.column == 19)
    #expect(d.message.contains("cannot be combined with the comparison of lr="))
  }
}
