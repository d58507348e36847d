import Datasets
import Diagnostics
import HTMLText

// The values a report is made of. The runner fills them in; `HTMLReport`
// and `JSONReport` turn the same values into the page and the machine file.
// Nothing here knows about networks or Markdown: only numbers and strings.

/// One executed notebook, ready to be rendered.
public struct ReportDocument: Sendable, Equatable {
  /// Page title: the front matter's `title`, else the first heading.
  public var title: String
  /// The notebook's path as the user gave it, e.g. `notebooks/lecture20.md`.
  public var notebookPath: String
  /// Prose and cells, in notebook order.
  public var items: [ReportItem]
  /// Problems of the notebook as a whole (front matter, encoding, fences),
  /// shown above the first cell.
  public var notices: [Diagnostic]
  public var footer: ReportFooter
  /// Front matter `subtitle`, shown under the title.
  public var subtitle: String?
  /// Front matter `author`: the names, in order.
  public var authors: [String]
  /// Front matter `date`, as written: the lecture's date, not the run's.
  public var documentDate: String?
  /// The table of contents (`toc: true`); empty for none.
  public var contents: [SectionHeading]

  public init(
    title: String, notebookPath: String, items: [ReportItem],
    notices: [Diagnostic] = [], footer: ReportFooter,
    subtitle: String? = nil, authors: [String] = [],
    documentDate: String? = nil, contents: [SectionHeading] = []
  ) {
    self.title = title
    self.notebookPath = notebookPath
    self.items = items
    self.notices = notices
    self.footer = footer
    self.subtitle = subtitle
    self.authors = authors
    self.documentDate = documentDate
    self.contents = contents
  }

  /// True when a cell or the notebook itself has an error.
  public var failed: Bool {
    notices.contains { $0.severity == .error }
      || cells.contains { $0.status == .error }
  }

  /// The cells alone, in order.
  public var cells: [CellReport] {
    items.compactMap { if case .cell(let cell) = $0 { cell } else { nil } }
  }
}

/// A piece of the page.
public enum ReportItem: Sendable, Equatable {
  /// Prose already rendered to safe HTML by libcmark.
  case prose(html: String)
  /// An executed (or failed, or skipped) `lab` block.
  case cell(CellReport)
}

/// Reproducibility facts shown at the bottom of the page.
public struct ReportFooter: Sendable, Equatable, Codable {
  /// Seed in force at the start of the notebook.
  public var seed: UInt64
  public var labrunVersion: String
  /// Data files used, by file name, with their SHA-256 in hex.
  public var dataFiles: [DataFileRecord]
  /// Wall-clock time of the whole run, in seconds.
  public var totalSeconds: Double
  /// When the run finished, ISO 8601 in UTC, e.g. `2026-11-25T10:00:00Z`.
  public var date: String
  /// Command-line overrides in force, e.g. `sgd.epochs=1`.
  public var overrides: [String]

  public init(
    seed: UInt64, labrunVersion: String, dataFiles: [DataFileRecord],
    totalSeconds: Double, date: String, overrides: [String] = []
  ) {
    self.seed = seed
    self.labrunVersion = labrunVersion
    self.dataFiles = dataFiles
    self.totalSeconds = totalSeconds
    self.date = date
    self.overrides = overrides
  }
}

public struct DataFileRecord: Sendable, Equatable, Codable {
  public var name: String
  public var sha256: String
  public init(name: String, sha256: String) {
    self.name = name
    self.sha256 = sha256
  }
}

// MARK: - Cells

/// What happened to one `lab` block.
public struct CellReport: Sendable, Equatable {
  public enum Status: String, Sendable, Codable { case ok, error, skipped }

  /// 1-based cell number, as shown in the report.
  public var number: Int
  /// Line of the opening fence in the notebook.
  public var line: Int
  /// The block's text, one entry per line, without the fences.
  public var sourceLines: [String]
  /// Line number of `sourceLines[0]` in the notebook.
  public var firstSourceLine: Int
  /// The directives the block holds, as written (after parsing).
  public var directives: [DirectiveRecord]
  public var status: Status
  /// Wall-clock seconds this run spent on the cell.
  public var seconds: Double
  /// True when the results came from the cache.
  public var cached: Bool
  /// For a cached cell, how long the original computation took.
  public var originalSeconds: Double?
  /// Errors and warnings located in the notebook: the values the
  /// terminal prints, and that the cache stores.
  public var diagnostics: [Diagnostic]
  /// Why the cell was skipped (status `.skipped`), in words.
  public var skipReason: String?
  /// What the cell produced, in directive order.
  public var results: [CellResult]

  public init(
    number: Int, line: Int, sourceLines: [String], firstSourceLine: Int,
    directives: [DirectiveRecord], status: Status, seconds: Double,
    cached: Bool = false, originalSeconds: Double? = nil,
    diagnostics: [Diagnostic] = [], skipReason: String? = nil,
    results: [CellResult] = []
  ) {
    self.number = number
    self.line = line
    self.sourceLines = sourceLines
    self.firstSourceLine = firstSourceLine
    self.directives = directives
    self.status = status
    self.seconds = seconds
    self.cached = cached
    self.originalSeconds = originalSeconds
    self.diagnostics = diagnostics
    self.skipReason = skipReason
    self.results = results
  }
}

/// A directive as written: `sgd lr=3 batch=10` → verb `sgd`,
/// arguments `[("lr","3"), ("batch","10")]`. The positional argument has
/// its schema's name as key (`load mnist` → `("dataset","mnist")`).
public struct DirectiveRecord: Sendable, Equatable, Codable {
  public struct Argument: Sendable, Equatable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }
  public var verb: String
  public var line: Int
  public var column: Int
  public var arguments: [Argument]
  public init(verb: String, line: Int, column: Int, arguments: [Argument]) {
    self.verb = verb
    self.line = line
    self.column = column
    self.arguments = arguments
  }
}

// MARK: - Results

/// A greyscale image with its label, for grids of digits.
public struct DigitImage: Sendable, Equatable, Codable {
  public var rows: Int
  public var columns: Int
  /// (rows, columns), row-major, 0 = background, 255 = full ink.
  public var pixels: [UInt8]
  /// Index of the image in its split.
  public var index: Int
  /// True label, as shown under the image (e.g. "7" or "Sneaker").
  public var label: String
  /// What the network predicted, for misclassified digits.
  public var predicted: String?
  public init(
    rows: Int, columns: Int, pixels: [UInt8], index: Int, label: String,
    predicted: String? = nil
  ) {
    self.rows = rows
    self.columns = columns
    self.pixels = pixels
    self.index = index
    self.label = label
    self.predicted = predicted
  }
}
