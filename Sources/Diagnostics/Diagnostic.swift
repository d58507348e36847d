// labrun's one diagnostic: what the parser finds, what a directive reports
// while it runs, what the page and the JSON report show, what the cache
// stores and what the terminal prints are all this value. It lives in a
// target of its own so that Notebook (which finds most of them), Report
// (which shows them) and the runner (which prints and caches them) share
// it without depending on each other.

// MARK: - Source locations

/// A position in a notebook file.
///
/// Lines and columns are 1-based. A column counts Unicode scalars (code
/// points), so a tab, an `é` or a `✓` each count as one column, whatever
/// their width or UTF-8 length.
public struct SourceLocation: Hashable, Comparable, Sendable, Codable,
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
public struct Diagnostic: Error, Equatable, Sendable, Codable,
  CustomStringConvertible
{
  /// How bad a problem is.
  public enum Severity: String, Sendable, Codable {
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
  /// How many columns the offending text spans from `location`, when it is
  /// known (the printer underlines them all); nil underlines one column.
  public var length: Int?

  /// Creates a diagnostic.
  public init(
    _ severity: Severity, at location: SourceLocation?, _ message: String,
    suggestion: String? = nil, length: Int? = nil
  ) {
    self.severity = severity
    self.location = location
    self.message = message
    self.suggestion = suggestion
    self.length = length
  }

  /// Creates a diagnostic, with labels for every field.
  public init(
    severity: Severity, location: SourceLocation?, message: String,
    suggestion: String? = nil, length: Int? = nil
  ) {
    self.init(
      severity, at: location, message, suggestion: suggestion, length: length)
  }

  /// Creates an error.
  public static func error(
    at location: SourceLocation?, _ message: String, suggestion: String? = nil,
    length: Int? = nil
  ) -> Diagnostic {
    Diagnostic(
      .error, at: location, message, suggestion: suggestion, length: length)
  }

  /// Creates a warning.
  public static func warning(
    at location: SourceLocation?, _ message: String, suggestion: String? = nil,
    length: Int? = nil
  ) -> Diagnostic {
    Diagnostic(
      .warning, at: location, message, suggestion: suggestion, length: length)
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

// MARK: - Printing

extension Diagnostic {
  /// The diagnostic as a person reads it in a terminal, in the style of
  /// rustc and swift-format: the `file:line:column: severity: message`
  /// line, then (when the line's text is known) the line itself with a run
  /// of carets under the offending text, then the hint.
  ///
  /// ```
  /// broken.md:8:22: error: unknown value 'sigmod' for 'hidden'
  ///   |
  /// 8 | net 784-30-10 hidden=sigmod
  ///   |                      ^
  ///   = help: did you mean 'sigmoid'?
  /// ```
  ///
  /// - Parameters:
  ///   - sourceLine: The text of the line `location` names, if known.
  ///   - colour: ANSI colours (for a terminal that shows them).
  public func rendered(sourceLine: String?, colour: Bool = false) -> String {
    let paint = Painter(enabled: colour)
    let tint: Painter.Colour =
      switch severity {
      case .error: .red
      case .warning: .yellow
      case .note: .cyan
      }
    var text = ""
    if let location { text += paint.bold("\(location): ") }
    text += paint(tint, severity.rawValue + ":") + " " + paint.bold(message)
    let gutterNumber = location.map { String($0.line) } ?? ""
    let gutter = String(repeating: " ", count: gutterNumber.count)
    if let location, let sourceLine {
      // The line without its end: a `\r` would send the caret home.
      let full = Array(
        (sourceLine.hasSuffix("\r") ? String(sourceLine.dropLast()) : sourceLine)
          .unicodeScalars)
      // A long line is shown around the column, not echoed whole.
      let column = min(max(0, location.column - 1), full.count)
      let start = full.count > Self.shownWidth ? max(0, column - 40) : 0
      let end = min(full.count, start + Self.shownWidth)
      let line =
        (start > 0 ? "…" : "") + String(String.UnicodeScalarView(full[start..<end]))
        + (end < full.count ? "…" : "")
      let before = full[start..<min(column, end)]
      // Tabs stay tabs, so that the carets line up however tabs render.
      let indent =
        (start > 0 ? " " : "")
        + String(String.UnicodeScalarView(before.map { $0 == "\t" ? "\t" : " " }))
      let remaining = end - before.endIndex
      let carets = max(1, min(length ?? 1, max(1, remaining)))
      text += "\n" + paint(.blue, "\(gutter) |")
      text += "\n" + paint(.blue, "\(gutterNumber) |") + " " + line
      text += "\n" + paint(.blue, "\(gutter) |") + " " + indent
        + paint(tint, String(repeating: "^", count: carets))
    }
    if let suggestion {
      text += "\n" + paint(.blue, "\(gutter) =") + " "
        + paint.bold("help:") + " " + suggestion
    }
    return text
  }
}

extension Diagnostic {
  /// The most columns of a source line that `rendered` shows.
  static let shownWidth = 120
}

/// ANSI escape sequences, or nothing when colour is off.
private struct Painter {
  enum Colour: String {
    case red = "31", yellow = "33", blue = "34", cyan = "36"
  }

  var enabled: Bool

  func callAsFunction(_ colour: Colour, _ text: String) -> String {
    enabled ? "\u{1B}[1;\(colour.rawValue)m\(text)\u{1B}[0m" : text
  }

  func bold(_ text: String) -> String {
    enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
  }
}
