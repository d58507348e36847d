import Dispatch
import FileReading
import Foundation
import HTMLText
import Notebook
import Report
import NumberFormat

/// How a run finds its data and where it writes the report.
public struct RunOptions: Sendable {
  /// Folder for `<stem>.html` and `<stem>.json`.
  public var outputDirectory: String
  /// `--data DIR`: tried before every other place.
  public var dataDirectory: String?
  /// `--set verb.key=value` overrides, already validated.
  public var overrides: [Override]
  /// The environment (for `LABRUN_DATA`).
  public var environment: [String: String]
  /// Asked between mini-batches and cells: true stops the run as soon as
  /// possible (watch mode sets it when the notebook is saved again).
  public var isCancelled: @Sendable () -> Bool
  /// The per-cell cache: `--no-cache`, `--rerun`, its folder and size.
  public var cache: CacheSettings

  public init(
    outputDirectory: String = "output", dataDirectory: String? = nil,
    overrides: [Override] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment,
    isCancelled: @escaping @Sendable () -> Bool = { false },
    cache: CacheSettings = CacheSettings()
  ) {
    self.outputDirectory = outputDirectory
    self.dataDirectory = dataDirectory
    self.overrides = overrides
    self.environment = environment
    self.isCancelled = isCancelled
    self.cache = cache
  }
}

/// What a finished run wrote and how it went.
public struct RunSummary: Sendable {
  public var notebookPath: String
  public var htmlPath: String
  public var jsonPath: String
  public var document: ReportDocument
  /// True when a cell, or the notebook itself, had an error.
  public var failed: Bool
  /// The local image files the notebook names: watch mode reruns it when
  /// one is saved.
  public var imageFiles: [String] = []
}

/// Runs notebooks and writes their reports.
public struct NotebookRunner: Sendable {
  /// The seed when neither the front matter nor a `seed` directive sets one.
  public static let defaultSeed: UInt64 = 1

  public var options: RunOptions
  public var console: Console

  public init(options: RunOptions, console: Console) {
    self.options = options
    self.console = console
  }

  /// Reads, runs and reports one notebook.
  ///
  /// A notebook whose cells fail still gets its report (with the errors in
  /// place); only a notebook that cannot be read, or a report that cannot
  /// be written, throws.
  public func run(notebookAt path: String) throws(RunError) -> RunSummary {
    let notebook: Notebook
    do {
      notebook = try Notebook.load(path: path, overrides: options.overrides)
    } catch {
      throw .cannotRead(error)
    }
    // Before the cells run: an output folder that cannot be made fails
    // now, not after minutes of training.
    try makeOutputFolder()
    let document = execute(notebook)
    // A cancelled run's report would be partial: keep the previous one.
    if options.isCancelled() { throw .cancelled(path: path) }
    let (html, json) = try write(document, stem: Self.reportName(for: path))
    return RunSummary(
      notebookPath: path, htmlPath: html, jsonPath: json, document: document,
      failed: document.failed, imageFiles: notebook.imageFiles)
  }

  /// Runs every cell of `notebook` and gathers the report's values.
  public func execute(_ notebook: Notebook) -> ReportDocument {
    let start = DispatchTime.now()
    for diagnostic in notebook.diagnostics {
      console.diagnostic(diagnostic, sourceLine: notebook.line(of: diagnostic))
    }
    let seed = notebook.frontMatter.seed ?? Self.defaultSeed
    let session = LabSession(
      seed: seed, options: options, console: console,
      notebookPath: notebook.path)
    let cache = CellCache(options: options, console: console, session: session)
    session.notebookFailed = notebook.diagnostics.contains {
      $0.severity == .error
    }
    let headings = ReportReading.headings(of: notebook)
    var items: [ReportItem] = []
    for item in notebook.items {
      // Between cells: a cancelled run stops here (its report is dropped).
      if options.isCancelled() { break }
      switch item {
      case .prose(let html):
        items.append(.prose(html: html))
      case .lab(let cell):
        if let error = notebook.frontMatterError {
          let report = Self.skipped(cell, frontMatterError: error)
          session.recordForChecks(report, heading: headings[cell.number])
          announce(report, of: cell, in: notebook)
          items.append(.cell(report))
          continue
        }
        console.beginCell("▸ " + Self.describe(cell))
        let report = cache?.run(cell, in: session) ?? session.run(cell)
        // Not "✓": the cell stopped part-way and its report is dropped.
        if options.isCancelled() { break }
        if report.cached {
          for result in report.results { session.checkFigures.record(result) }
        }
        session.recordForChecks(report, heading: headings[cell.number])
        announce(report, of: cell, in: notebook)
        items.append(.cell(report))
      }
    }
    cache?.finish()
    let footer = ReportFooter(
      seed: seed, labrunVersion: labrunVersion,
      dataFiles: session.dataFiles.map {
        DataFileRecord(name: $0.name, sha256: $0.sha256)
      },
      totalSeconds: seconds(since: start),
      date: ISO8601DateFormatter().string(from: Date()),
      overrides: options.overrides.map(\.text))
    let front = notebook.frontMatter
    return ReportDocument(
      title: notebook.title ?? Self.reportName(for: notebook.path),
      notebookPath: notebook.path, items: items,
      notices: notebook.diagnostics, footer: footer,
      subtitle: front.subtitle, authors: front.authors,
      documentDate: front.date,
      contents: front.tableOfContents ? Self.contents(notebook.headings) : [])
  }

  /// A cell not run because the front matter is broken: what it sets (the
  /// seed above all) is unknown, and a run with the default seed would
  /// give other numbers than the instructor's.
  static func skipped(_ cell: LabCell, frontMatterError error: Diagnostic)
    -> CellReport
  {
    let line = error.location.map { " (line \($0.line))" } ?? ""
    return CellReport(
      number: cell.number, line: cell.fence.line,
      sourceLines: cell.sourceLines, firstSourceLine: cell.firstSourceLine,
      directives: cell.directives.map(\.record), status: .skipped,
      seconds: 0, diagnostics: cell.diagnostics,
      skipReason: "the front matter has an error\(line); no cell runs until"
        + " it is fixed, since the seed it sets changes every result")
  }

  /// The table of contents: every heading, less the page's title (a
  /// notebook's only level-1 heading, when it comes first).
  static func contents(_ headings: [SectionHeading]) -> [SectionHeading] {
    if headings.first?.level == 1,
      headings.filter({ $0.level == 1 }).count == 1
    {
      return Array(headings.dropFirst())
    }
    return headings
  }

  /// Prints the cell's diagnostics on standard error, then its status
  /// line.
  private func announce(
    _ report: CellReport, of cell: LabCell, in notebook: Notebook
  ) {
    for diagnostic in cell.diagnostics {
      console.diagnostic(diagnostic, sourceLine: notebook.line(of: diagnostic))
    }
    // Diagnostics the run added (after the parser's).
    for diagnostic in report.diagnostics.dropFirst(cell.diagnostics.count) {
      console.diagnostic(diagnostic, sourceLine: notebook.line(of: diagnostic))
    }
    // Failed checks, located, with what was expected and found.
    for outcome in report.results.compactMap({ $0.as(CheckOutcome.self) })
    where !outcome.passed
    {
      let diagnostic = Diagnostic.error(
        at: SourceLocation(
          file: notebook.path, line: outcome.line, column: outcome.column),
        "check failed: \(outcome.message)")
      console.diagnostic(diagnostic, sourceLine: notebook.line(of: diagnostic))
    }
    let mark: String
    switch report.status {
    case .ok: mark = "✓"
    case .error: mark = "✗"
    case .skipped: mark = "–"
    }
    var text = "\(mark) " + Self.describe(cell)
    switch report.status {
    case .ok:
      text += "  " + Format.duration(report.seconds)
      if report.cached, let original = report.originalSeconds {
        text += " (cached; computed in \(Format.duration(original)))"
      }
    case .error: text += "  failed"
    case .skipped: text += "  skipped: " + (report.skipReason ?? "")
    }
    console.endCell(text)
  }

  /// "cell 3 (line 20) sgd lr=3 … (+1)": the cell's number, place and
  /// first directive, as its terminal lines name it.
  static func describe(_ cell: LabCell) -> String {
    let first =
      cell.sourceLines.first {
        !$0.trimmingCharacters(in: .whitespaces).isEmpty
          && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#")
      }?.trimmingCharacters(in: .whitespaces).prefix(60) ?? ""
    var text = "cell \(cell.number) (line \(cell.fence.line)) \(first)"
    if cell.directives.count > 1 {
      text += " … (+\(cell.directives.count - 1))"
    }
    return text
  }

  /// Writes both files atomically; returns their paths.
  private func write(_ document: ReportDocument, stem: String)
    throws(RunError) -> (String, String)
  {
    let directory = options.outputDirectory
    try makeOutputFolder()
    StaleTemporaries.remove(in: directory)
    let html = directory + "/" + stem + ".html"
    let json = directory + "/" + stem + ".json"
    try AtomicFile.write(JSONReport.render(document), to: json)
    try AtomicFile.write(HTMLReport.render(document), to: html)
    return (html, json)
  }

  /// Creates the output folder (and its parents) if it is missing.
  private func makeOutputFolder() throws(RunError) {
    let directory = options.outputDirectory
    if directory.isEmpty {
      throw .cannotCreateFolder(
        path: "''", reason: "the folder name is empty; give --output a folder")
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(
      atPath: directory, isDirectory: &isDirectory)
    {
      if isDirectory.boolValue { return }
      throw .cannotCreateFolder(
        path: directory,
        reason: "a file of that name is in the way; "
          + "choose another folder with --output")
    }
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      // Foundation's error prints as a dictionary dump; the system's
      // reason is what a person can act on.
      let posix = (error as NSError).userInfo[NSUnderlyingErrorKey]
        as? NSError
      let reason = posix.map { String(cString: strerror(Int32($0.code))) }
      throw .cannotCreateFolder(
        path: directory, reason: reason ?? error.localizedDescription)
    }
  }

  /// The name a notebook's reports take: `lecture20` for
  /// `notebooks/lecture20.md` (then `lecture20.html` and `lecture20.json`).
  public static func reportName(for path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  }
}
