import Notebook
import Report

/// Why a cell stopped: a located message, already in the cell's
/// diagnostics.
struct CellFailure: Error {
  var diagnostic: Diagnostic
}

extension Directive {
  /// The report's plain-value form of this directive.
  /// The positional argument is named as its schema names it (`dataset`,
  /// `sizes`, `value`), so every argument has a key.
  var record: DirectiveRecord {
    let positional = Directives.type(of: verb)?.spec.positional?.name ?? ""
    return DirectiveRecord(
      verb: verb, line: location.line, column: location.column,
      arguments: arguments.map {
        .init(key: $0.key.isEmpty ? positional : $0.key, value: $0.value)
      })
  }
}
