// ReportDocument → JSONValue, following docs/report-json.md. Each result
// writes its own entry (`ResultContent.json`, in its section file).

import Diagnostics

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
      "results": .array(cell.results.map(\.content.json)),
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

  /// An unlocated diagnostic has the empty file and null line and column.
  static func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
    .object([
      "severity": .string(diagnostic.severity.rawValue),
      "file": .string(diagnostic.location?.file ?? ""),
      "line": .number(diagnostic.location?.line),
      "column": .number(diagnostic.location?.column),
      "message": .string(diagnostic.message),
      "suggestion": .string(diagnostic.suggestion),
    ])
  }
}
