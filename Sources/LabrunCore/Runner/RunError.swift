import Notebook

/// A failure that stops a whole notebook run (not one cell).
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The notebook file does not exist or cannot be read (the diagnostic
  /// says where, for a file that is not valid UTF-8).
  case cannotRead(Diagnostic)
  /// A report file could not be written; the previous one is untouched.
  case cannotWrite(path: String, reason: String)
  /// The output folder cannot be created.
  case cannotCreateFolder(path: String, reason: String)
  /// The run was cancelled (`RunOptions.isCancelled`) before its report
  /// was written; the previous report is untouched.
  case cancelled(path: String)

  public var description: String {
    switch self {
    case .cannotRead(let diagnostic):
      // A located problem (bad UTF-8) says what it stopped; the others
      // already say "cannot read 'file'".
      Diagnostic(
        diagnostic.severity, at: diagnostic.location,
        (diagnostic.location == nil ? "" : "cannot read the notebook: ")
          + diagnostic.message,
        suggestion: diagnostic.suggestion
      ).rendered(sourceLine: nil)
    case .cannotWrite(let path, let reason):
      "\(path): error: cannot write the report: \(reason); "
        + "the previous report, if any, is unchanged"
    case .cannotCreateFolder(let path, let reason):
      "\(path): error: cannot create the output folder: \(reason)"
    case .cancelled(let path):
      "\(path): run cancelled; the previous report, if any, is unchanged"
    }
  }
}
