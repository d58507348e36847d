/// A failure that stops a whole notebook run (not one cell).
public enum RunError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The notebook file does not exist or cannot be read.
  case cannotRead(path: String, reason: String)
  /// A report file could not be written; the previous one is untouched.
  case cannotWrite(path: String, reason: String)
  /// The output folder cannot be created.
  case cannotCreateFolder(path: String, reason: String)
  /// The run was cancelled (`RunOptions.isCancelled`) before its report
  /// was written; the previous report is untouched.
  case cancelled(path: String)

  public var description: String {
    switch self {
    case .cannotRead(let path, let reason):
      "\(path): error: cannot read the notebook: \(reason)"
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
