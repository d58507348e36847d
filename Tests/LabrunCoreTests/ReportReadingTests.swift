import Foundation
import Notebook
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
}
