import Foundation
import Notebook

/// What labrun prints while it runs: one line per cell, training progress,
/// and located diagnostics on standard error.
///
/// On a terminal, training shows a live progress bar redrawn in place; when
/// standard output is a file or a pipe (CI, an autograder), every epoch is a
/// plain line with no carriage returns. Safe to call from several threads
/// (the runs of a comparison report progress at once).
public final class Console: @unchecked Sendable {
  public enum Style: Sendable {
    /// Live progress bar, for a person at a terminal.
    case interactive
    /// Plain lines only.
    case plain
    /// Nothing on standard output (diagnostics still go to standard error).
    case quiet
  }

  public let style: Style
  /// Whether diagnostics on standard error are drawn in colour.
  public let colour: Bool
  private let lock = NSLock()
  /// Width of the progress line currently drawn, to erase it.
  private var barWidth = 0
  private var lastDraw = Date.distantPast
  private let write: @Sendable (String, Bool) -> Void
  private let onProgress: (@Sendable (String, Double) -> Void)?

  /// - Parameters:
  ///   - write: receives text and whether it goes to standard error; tests
  ///     capture it, the CLI prints it.
  ///   - onProgress: also told every progress update (label, fraction),
  ///     whatever the style; watch mode forwards it to the live preview.
  ///   - colour: colours in diagnostics (`automaticColour()` for the CLI).
  public init(
    style: Style,
    write: @escaping @Sendable (String, Bool) -> Void = Console.standardWrite,
    onProgress: (@Sendable (String, Double) -> Void)? = nil,
    colour: Bool = false
  ) {
    self.style = style
    self.colour = colour
    self.write = write
    self.onProgress = onProgress
  }

  /// The style that suits standard output: interactive on a terminal.
  public static func automaticStyle() -> Style {
    isatty(STDOUT_FILENO) != 0 ? .interactive : .plain
  }

  /// Colour when standard error is a terminal and `NO_COLOR` is not set
  /// (https://no-color.org): never in a pipe, a file or a CI log.
  public static func automaticColour(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Bool {
    isatty(STDERR_FILENO) != 0 && (environment["NO_COLOR"] ?? "").isEmpty
      && environment["TERM"] != "dumb"
  }

  public static let standardWrite: @Sendable (String, Bool) -> Void = {
    text, toError in
    // `try?`: a reader that went away (EPIPE) must not stop the run.
    try? FileHandle(fileDescriptor: toError ? STDERR_FILENO : STDOUT_FILENO)
      .write(contentsOf: Data(text.utf8))
  }

  /// The header of the cell now running, printed before the first line
  /// the cell prints (an epoch), so that a log reads in order: the cell,
  /// its epochs, then its status line.
  private var pendingHeader: String?

  /// A line on standard output (clears a progress bar first).
  public func line(_ text: String) {
    guard style != .quiet else { return }
    lock.withLock {
      clearBar()
      if let header = pendingHeader {
        pendingHeader = nil
        write(Self.plainSpaces(header) + "\n", false)
      }
      write(Self.plainSpaces(text) + "\n", false)
    }
  }

  /// `text` with ordinary spaces for the no-break ones that `Format` puts
  /// before units (`95.12 %`, `3.25 s`): a log is searched with plain ones.
  static func plainSpaces(_ text: String) -> String {
    text.replacing("\u{A0}", with: " ")
  }

  /// Starts a cell: `header` ("▸ cell 3 (line 20) sgd …") is printed only
  /// if the cell prints lines of its own, before the first of them.
  public func beginCell(_ header: String) {
    lock.withLock { pendingHeader = header }
  }

  /// Ends the cell begun last with its status line ("✓ cell 3 …").
  public func endCell(_ status: String) {
    lock.withLock { pendingHeader = nil }
    line(status)
  }

  /// A diagnostic on standard error, drawn the one way labrun draws them
  /// (`Diagnostic.rendered`): its location, the line it points at with
  /// carets under the offending text, and the hint.
  ///
  /// - Parameter sourceLine: the text of the line the diagnostic names.
  public func diagnostic(_ diagnostic: Diagnostic, sourceLine: String?) {
    self.diagnostic(diagnostic.rendered(sourceLine: sourceLine, colour: colour))
  }

  /// A message on standard error.
  public func diagnostic(_ text: String) {
    lock.withLock {
      clearBar()
      write(Self.plainSpaces(text) + "\n", true)
    }
  }

  /// Redraws the progress bar (interactive style only, at most 20 times a
  /// second so that the terminal is not the bottleneck).
  public func progress(label: String, fraction: Double) {
    onProgress?(label, fraction)
    guard style == .interactive else { return }
    lock.withLock {
      let now = Date()
      guard now.timeIntervalSince(lastDraw) > 0.05 || fraction >= 1 else {
        return
      }
      lastDraw = now
      let width = 24
      let clamped = min(max(fraction, 0), 1)
      let filled = Int((clamped * Double(width)).rounded())
      let bar =
        String(repeating: "█", count: filled)
        + String(repeating: "·", count: width - filled)
      let text = "  \(label) \(bar) \(Int((clamped * 100).rounded()))%"
      let pad = max(0, barWidth - text.count)
      write("\r" + text + String(repeating: " ", count: pad), false)
      barWidth = text.count
    }
  }

  private func clearBar() {
    guard barWidth > 0 else { return }
    write("\r" + String(repeating: " ", count: barWidth) + "\r", false)
    barWidth = 0
  }
}
