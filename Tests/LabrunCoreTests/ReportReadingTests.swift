import Foundation
import Notebook
import Report
import Testing

@testable import LabrunCore

/// Hidden checks see a run through its JSON report (docs/report-json.md):
/// the state read back must be the figures the report holds.
@Suite struct ReportReadingTests {
  func reading(_ json: String) throws -> ReportReading {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-reading-\(UUID().uuidString).json").path
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return try #require(ReportReading(jsonAt: path, headings: [2: "Training"]))
  }

  @Test func figuresInNotebookOrder() throws {
    let read = try reading(
      """
      {"title": "Lab", "status": "error", "notices": [],
       "cells": [
        {"number": 1, "status": "ok", "diagnostics": [], "results": [
          {"kind": "dataset", "training": 5000, "validation": 1000, "test": 10000},
          {"kind": "network", "sizes": [784, 30, 10]}]},
        {"number": 2, "status": "ok", "diagnostics": [], "results": [
          {"kind": "comparison", "chosen": 1, "runs": [
            {"learningRate": 0.5, "batchSize": 10, "epochs": 1, "l2": 0,
             "momentum": 0, "divergedAtEpoch": null, "history": [
               {"trainingCost": 0.2, "validationAccuracy": 0.8, "testAccuracy": null}]},
            {"learningRate": 3, "batchSize": 10, "epochs": 3, "l2": 0,
             "momentum": 0.9, "divergedAtEpoch": 2, "history": [
               {"trainingCost": 0.1, "validationAccuracy": 0.9, "testAccuracy": null}]}]},
          {"kind": "evaluation", "split": "test", "correct": 9483, "total": 10000}]},
        {"number": 3, "status": "error", "diagnostics": [
          {"severity": "error", "line": 12, "message": "unknown verb 'evaluat'"},
          {"severity": "warning", "line": 13, "message": "a warning"}],
         "results": []}]}
      """)
    #expect(read.title == "Lab")
    #expect(read.failed)
    #expect(read.errors == 1)
    #expect(read.firstError == "line 12: unknown verb 'evaluat'")
    let final = read.state.final
    #expect(final.data == .init(train: 5000, validation: 1000, test: 10000))
    #expect(final.networkSizes == [784, 30, 10])
    // The comparison's chosen run, its epochs after the divergence not
    // finite.
    #expect(final.training?.learningRate == 3)
    #expect(final.training?.momentum == 0.9)
    #expect(final.training?.costs == [0.1, nil, nil])
    #expect(final.testAccuracy == 0.9483)
    #expect(final.validationAccuracy == 0.9)
    #expect(read.state.cells.map(\.status) == [.ok, .ok, .error])
    #expect(read.state.cells.map(\.heading) == [nil, "Training", nil])
    #expect(read.state.cells[0].after.training == nil)
    let check = try CheckParser(file: "g.md").parse(
      "expect cost decreases cell=\"Training\"", line: 1).get()
    let result = CheckEvaluator.evaluate(check, in: read.state)
    #expect(!result.passed)
    #expect(result.message.contains("not finite in epoch 2"))
  }

  @Test func notAReport() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-reading-\(UUID().uuidString).json").path
    try "[1, 2]".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(ReportReading(jsonAt: path) == nil)
    #expect(ReportReading(jsonAt: path + ".missing") == nil)
  }

  /// What a run records for its own checks, cell by cell, and what a batch
  /// reads back from the same run's JSON report are the same figures: one
  /// computation (``CheckFigures/record(_:)`` and the rules it shares with
  /// ``ReportReading``), whatever the results hold — a comparison, a
  /// later training, evaluations of both splits. (Divergence, where the
  /// JSON leaves epochs out, is `figuresInNotebookOrder`.)
  @Test func readBackEqualsRecorded() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-reading-\(UUID().uuidString)").path
    let notebook = folder + "/lab.md"
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    try """
      # Lab

      ```lab
      load mnist train=300 validation=100 test=100
      net 784-10-10
      sgd lr=0.5,3 batch=10 epochs=2
      evaluate on=validation
      ```

      ## Again

      ```lab
      sgd lr=1 batch=20 epochs=3
      evaluate
      ```

      ```lab
      net 784-10-10,784-20-10 cost=cross-entropy
      ```

      ```lab
      sgd lr=0.5 epochs=1
      ```
      """.write(toFile: notebook, atomically: true, encoding: .utf8)
    let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("data").path
    let runner = NotebookRunner(
      options: RunOptions(
        outputDirectory: folder + "/out", dataDirectory: data,
        cache: CacheSettings(mode: .off)),
      console: Console(style: .quiet, write: { _, _ in }))
    let summary = try runner.run(notebookAt: notebook)
    var recorded = CheckFigures()
    var after: [CheckFigures] = []
    for item in summary.document.items {
      guard case .cell(let cell) = item else { continue }
      for result in cell.results { recorded.record(result) }
      after.append(recorded)
    }
    let read = try #require(ReportReading(jsonAt: summary.jsonPath))
    #expect(
      read.state.cells.map { Self.costsRounded($0.after) }
        == after.map(Self.costsRounded))
    #expect(Self.costsRounded(read.state.final) == Self.costsRounded(recorded))
    // The notebook gave what this test is about.
    #expect(after[1].training?.learningRate == 1)
    #expect(after[1].training?.costs.count == 3)
    #expect(after[0].training?.learningRate == 3)  // the comparison's choice
    // Candidate shapes: no one network until the sgd keeps one.
    #expect(after[2].networkSizes == nil)
    let kept = summary.document.items.compactMap { item -> Report.ComparisonResult? in
      guard case .cell(let cell) = item,
        let comparison = cell.results.last?.as(Report.ComparisonResult.self),
        comparison.parameter == "architecture"
      else { return nil }
      return comparison
    }.first
    #expect(
      recorded.networkSizes
        == (kept?.chosen == 1 ? [784, 20, 10] : [784, 10, 10]))
    #expect(recorded.training?.learningRate == 0.5)
    #expect(recorded.validationEvaluation != nil)
    #expect(recorded.testEvaluation != nil)
  }

  /// `figures` with the training costs to 15 significant digits: the JSON
  /// report writes costs with 16, which can lose the last bit of a Double.
  static func costsRounded(_ figures: CheckFigures) -> CheckFigures {
    var figures = figures
    if var training = figures.training {
      training.costs = training.costs.map {
        $0.map { Double(String(format: "%.14e", $0))! }
      }
      figures.training = training
    }
    return figures
  }
}
