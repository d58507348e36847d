// ReportDocument → JSONValue, following docs/report-json.md. Sample and
// misclassified pixels are left out: index and labels identify the images.

enum JSONMapping {
  static func document(_ document: ReportDocument) -> [String: JSONValue] {
    let footer = document.footer
    return [
      "labrun": .string(footer.labrunVersion),
      "notebook": .string(document.notebookPath),
      "title": .string(document.title),
      "subtitle": .string(document.subtitle),
      "authors": .array(document.authors.map(JSONValue.string)),
      "documentDate": .string(document.documentDate),
      "status": .string(document.failed ? "error" : "ok"),
      "notices": .array(document.notices.map(diagnostic)),
      // A UInt64 seed may exceed Int.max; keep it exact as a string then.
      "seed": footer.seed <= UInt64(Int.max)
        ? .int(Int(footer.seed)) : .string(String(footer.seed)),
      "totalSeconds": .number(footer.totalSeconds),
      "date": .string(footer.date),
      "overrides": .array(footer.overrides.map(JSONValue.string)),
      "dataFiles": .array(
        footer.dataFiles.map {
          .object(["name": .string($0.name), "sha256": .string($0.sha256)])
        }),
      "cells": .array(document.cells.map(cell)),
      "checks": CheckSection.totals(document),
    ]
  }

  // MARK: - Cells

  static func cell(_ cell: CellReport) -> JSONValue {
    .object([
      "number": .int(cell.number),
      "line": .int(cell.line),
      "status": .string(cell.status.rawValue),
      "seconds": .number(cell.seconds),
      "cached": .bool(cell.cached),
      "originalSeconds": .number(cell.originalSeconds),
      "directives": .array(cell.directives.map(directive)),
      "diagnostics": .array(cell.diagnostics.map(diagnostic)),
      "skipReason": .string(cell.skipReason),
      "results": .array(cell.results.map(result)),
    ])
  }

  /// Arguments are always an object `{name: value}`, the positional
  /// argument under its schema's name (`load mnist` → `{"dataset":
  /// "mnist"}`); a directive that passed the parser has each key once.
  static func directive(_ directive: DirectiveRecord) -> JSONValue {
    let arguments = JSONValue.object(
      Dictionary(
        directive.arguments.map { ($0.key, JSONValue.string($0.value)) },
        uniquingKeysWith: { _, last in last }))
    return .object([
      "verb": .string(directive.verb),
      "line": .int(directive.line),
      "column": .int(directive.column),
      "arguments": arguments,
    ])
  }

  static func diagnostic(_ diagnostic: DiagnosticRecord) -> JSONValue {
    .object([
      "severity": .string(diagnostic.severity.rawValue),
      "file": .string(diagnostic.file),
      "line": .number(diagnostic.line),
      "column": .number(diagnostic.column),
      "message": .string(diagnostic.message),
      "suggestion": .string(diagnostic.suggestion),
    ])
  }

  // MARK: - Results

  static func result(_ result: CellResult) -> JSONValue {
    switch result {
    case .dataset(let d):
      var fields: [String: JSONValue] = [
        "kind": .string("dataset"),
        "name": .string(d.name),
        "training": .int(d.training),
        "validation": .int(d.validation),
        "test": .int(d.test),
        "rows": .int(d.rows),
        "columns": .int(d.columns),
        "classNames": .array(d.classNames.map(JSONValue.string)),
        "samples": .array(
          d.samples.map {
            .object(["index": .int($0.index), "label": .string($0.label)])
          }),
      ]
      // Only an expanded set has it, so older readers see what they knew.
      if let original = d.expandedFrom { fields["expandedFrom"] = .int(original) }
      return .object(fields)
    case .network(let n):
      var fields: [String: JSONValue] = [
        "kind": .string("network"),
        "sizes": .array(n.sizes.map(JSONValue.int)),
        "layers": .array(
          n.layers.map { layer in
            var fields: [String: JSONValue] = [
              "inputs": .int(layer.inputs), "outputs": .int(layer.outputs),
              "activation": .string(layer.activation),
              "parameters": .int(layer.parameters),
            ]
            if let kind = layer.kind { fields["layer"] = .string(kind) }
            if let shape = layer.inputShape { fields["inputShape"] = .string(shape) }
            if let shape = layer.outputShape { fields["outputShape"] = .string(shape) }
            return .object(fields)
          }),
        "parameters": .int(n.parameters),
        "cost": .string(n.cost),
        "initialization": .string(n.initialization),
      ]
      if let architecture = n.architecture {
        fields["architecture"] = .string(architecture)
      }
      if let candidate = n.candidate {
        fields["candidate"] = .object([
          "parameter": .string(candidate.parameter),
          "value": .string(candidate.value), "index": .int(candidate.index),
          "count": .int(candidate.count),
        ])
      }
      return .object(fields)
    case .training(let t):
      return training(t, kind: true)
    case .comparison(let c):
      var members: [String: JSONValue] = [
        "kind": .string("comparison"),
        "parameter": .string(c.parameter),
        "values": .array(c.values.map(JSONValue.string)),
        "runs": .array(c.runs.map { training($0, kind: false) }),
        "chosen": .int(c.chosen),
      ]
      if let (mean, deviation) = ComparisonSummary.validationSpread(c) {
        members["validationMean"] = .number(mean)
        members["validationStandardDeviation"] = .number(deviation)
      }
      return .object(members)
    case .evaluation(let e):
      return .object([
        "kind": .string("evaluation"),
        "split": .string(e.split),
        "correct": .int(e.correct),
        "total": .int(e.total),
        "accuracy": .number(e.accuracy),
        "classNames": .array(e.classNames.map(JSONValue.string)),
        "confusion": .array(e.confusion.map { .array($0.map(JSONValue.int)) }),
        "misclassified": .array(
          e.misclassified.map {
            .object([
              "index": .int($0.index), "label": .string($0.label),
              "predicted": .string($0.predicted),
            ])
          }),
      ])
    case .playground(let p):
      return .object([
        "kind": .string("playground"),
        "sizes": .array(p.sizes.map(JSONValue.int)),
        "architecture": .string(p.notation),
        "parameters": .int(p.parameters.count),
        "bytes": .int(p.bytes),
      ])
    case .weights(let w):
      return WeightsSection.json(w)
    case .networkFile(let file):
      return NetworkFileSection.json(file)
    case .maps(let m):
      return MapsSection.json(m)
    case .check(let outcome):
      return CheckSection.json(outcome)
    }
  }

  /// A training run; comparison runs leave out `kind`.
  static func training(_ t: TrainingResult, kind: Bool) -> JSONValue {
    var members: [String: JSONValue] = [
      "learningRate": .number(t.learningRate),
      "batchSize": .int(t.batchSize),
      "epochs": .int(t.epochs),
      "l2": .number(t.l2),
      "l1": .number(t.l1),
      "momentum": .number(t.momentum),
      "monitor": .array(t.monitor.map(JSONValue.string)),
      "stop": .number(t.stopPatience),
      "schedule": .number(t.schedulePatience),
      "end": .string(t.end.rawValue),
      "bestEpoch": .number(t.bestEpoch),
      "keptEpoch": .number(t.keptEpoch),
      "learningRateChanges": .array(
        t.learningRateSteps.map {
          .object([
            "afterEpoch": .int($0.afterEpoch),
            "learningRate": .number($0.learningRate),
          ])
        }),
      "trainingImages": .int(t.trainingImages),
      "divergedAtEpoch": .number(t.divergedAtEpoch),
      "history": .array(t.history.map(epoch)),
    ]
    if let digest = t.parametersSHA256 {
      members["parametersSHA256"] = .string(digest)
    }
    if kind { members["kind"] = .string("training") }
    return .object(members)
  }

  /// One epoch: the flat accuracies (null when not measured) and, per
  /// monitored set, its accuracy and cost.
  static func epoch(_ e: EpochResult) -> JSONValue {
    func scores(_ s: SetScores?) -> JSONValue {
      guard let s else { return .null }
      return .object([
        "accuracy": .number(s.accuracy),
        "cost": .number(s.cost),
        "dataCost": .number(s.dataCost),
        "regularization": .number(s.regularization),
      ])
    }
    return .object([
      "epoch": .int(e.epoch),
      "trainingCost": .number(e.trainingCost),
      "regularization": .number(e.regularization),
      "learningRate": .number(e.learningRate),
      "validationAccuracy": .number(e.validationAccuracy),
      "testAccuracy": .number(e.testAccuracy),
      "training": scores(e.training),
      "validation": scores(e.validation),
      "test": scores(e.test),
      "seconds": .number(e.seconds),
    ])
  }
}
