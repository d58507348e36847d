import Notebook
import Report

/// Something a cell makes that later cells use.
enum Resource: String, Sendable, CaseIterable {
  case data = "data set"
  case network

  /// What the directive `verb` makes or changes.
  static func produced(by verb: String) -> [Resource] {
    switch verb {
    case "load": [.data]
    case "net", "sgd": [.network]
    case "seed", "evaluate", "playground": []
    // A verb nobody knows could have been meant as anything.
    default: Resource.allCases
    }
  }

  /// What the directive `verb` needs from earlier directives.
  static func needed(by verb: String) -> [Resource] {
    switch verb {
    case "sgd", "evaluate": [.data, .network]
    case "playground": [.network]
    default: []
    }
  }
}

/// Why a cell stopped: a located message, already in the cell's
/// diagnostics.
struct CellFailure: Error {
  var diagnostic: Diagnostic
}

extension Diagnostic {
  /// The report's plain-value form of this diagnostic.
  var record: DiagnosticRecord {
    DiagnosticRecord(
      severity: DiagnosticRecord.Severity(rawValue: severity.rawValue)
        ?? .error,
      file: location?.file ?? "",
      line: location?.line, column: location?.column,
      message: message, suggestion: suggestion)
  }
}

extension Directive {
  /// The report's plain-value form of this directive.
  var record: DirectiveRecord {
    DirectiveRecord(
      verb: verb, line: location.line, column: location.column,
      arguments: arguments.map { .init(key: $0.key, value: $0.value) })
  }
}
