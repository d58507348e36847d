// MARK: - Source locations

/// A position in a notebook file.
///
/// Lines and columns are 1-based. A column counts Unicode scalars (code
/// points), so a tab, an `é` or a `✓` each count as one column, whatever
/// their width or UTF-8 length.
public struct SourceLocation: Hashable, Comparable, Sendable,
  CustomStringConvertible
{
  /// The file's path as given to the parser.
  public var file: String
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, in Unicode scalars.
  public var column: Int

  /// Creates a location.
  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// `file:line:column`, the form editors and terminals link to.
  public var description: String { "\(file):\(line):\(column)" }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.file, a.line, a.column) < (b.file, b.line, b.column)
  }
}

/// A range of text in a notebook, from its first position up to the position
/// after its last character.
public typealias SourceRange = Range<SourceLocation>

// MARK: - Diagnostics

/// A problem found in a notebook (or in a command-line override), with the
/// place it was found.
///
/// `description` prints one line in the compiler format
/// `notebook.md:12:5: error: unknown key 'lrate'; did you mean 'lr'?`.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
  /// How bad a problem is.
  public enum Severity: String, Sendable {
    /// The notebook (or the cell) cannot run.
    case error
    /// The notebook runs, but probably not as the author meant.
    case warning
    /// Extra information attached to another diagnostic.
    case note
  }

  /// How bad the problem is.
  public var severity: Severity
  /// Where the problem is, or nil when it has no place in a file (for
  /// example a bad command-line override).
  public var location: SourceLocation?
  /// What is wrong and what was expected, without the location.
  public var message: String
  /// A proposed fix, e.g. `did you mean 'lr'?`.
  public var suggestion: String?

  /// Creates a diagnostic.
  public init(
    _ severity: Severity, at location: SourceLocation?, _ message: String,
    suggestion: String? = nil
  ) {
    self.severity = severity
    self.location = location
    self.message = message
    self.suggestion = suggestion
  }

  /// Creates a diagnostic, with labels for every field.
  public init(
    severity: Severity, location: SourceLocation?, message: String,
    suggestion: String? = nil
  ) {
    self.init(severity, at: location, message, suggestion: suggestion)
  }

  /// Creates an error.
  public static func error(
    at location: SourceLocation?, _ message: String, suggestion: String? = nil
  ) -> Diagnostic {
    Diagnostic(.error, at: location, message, suggestion: suggestion)
  }

  /// Creates a warning.
  public static func warning(
    at location: SourceLocation?, _ message: String, suggestion: String? = nil
  ) -> Diagnostic {
    Diagnostic(.warning, at: location, message, suggestion: suggestion)
  }

  /// True for `.error`.
  public var isError: Bool { severity == .error }

  /// `message; suggestion`: what went wrong and what to do, without the
  /// place or the severity (for callers that print those their own way).
  public var explanation: String {
    suggestion.map { "\(message); \($0)" } ?? message
  }

  /// `file:line:column: severity: message; suggestion` on one line.
  public var description: String {
    var text = ""
    if let location { text += "\(location): " }
    return text + "\(severity.rawValue): \(explanation)"
  }
}
