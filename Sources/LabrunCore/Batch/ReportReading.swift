import Foundation
import HTMLText
import Notebook

/// What a batch needs from a finished run's JSON report
/// (docs/report-json.md): its title and status, its errors, and the state
/// checks are evaluated against. Reading the public report keeps the
/// instructor's checks out of the child process, and so out of the
/// student's files.
struct ReportReading {
  var title: String?
  var failed: Bool
  var errors: Int
  var firstError: String?
  var state: CheckState
  /// The notebook's own `expect` checks: passed or not, and their points.
  var ownChecks: [(passed: Bool, points: Double)] = []
  /// The first of them that failed, for a summary's message.
  var firstFailedCheck: String?

  /// Reads the report at `path`; nil when it is missing or not a report.
  /// `headings` gives each cell's heading by cell number (for checks that
  /// name a section).
  init?(jsonAt path: String, headings: [Int: String] = [:]) {
    guard let data = FileManager.default.contents(atPath: path),
      let top = (try? JSONSerialization.jsonObject(with: data))
        as? [String: Any],
      let cells = top["cells"] as? [[String: Any]]
    else { return nil }
    title = top["title"] as? String
    failed = (top["status"] as? String) != "ok"
    var errors = 0
    var firstError: String?
    func count(_ diagnostics: Any?) {
      for diagnostic in diagnostics as? [[String: Any]] ?? []
      where diagnostic["severity"] as? String == "error" {
        errors += 1
        if firstError == nil, let message = diagnostic["message"] as? String {
          let line = (diagnostic["line"] as? Int).map { "line \($0): " } ?? ""
          firstError = line + message
        }
      }
    }
    count(top["notices"])
    var figures = CheckFigures()
    var own: [(passed: Bool, points: Double)] = []
    var firstFailedCheck: String?
    var states: [CheckState.Cell] = []
    for cell in cells {
      count(cell["diagnostics"])
      for result in cell["results"] as? [[String: Any]] ?? [] {
        Self.apply(result, to: &figures)
        if result["kind"] as? String == "check" {
          if firstFailedCheck == nil, result["outcome"] as? String != "passed",
            let message = result["message"] as? String
          {
            let line = (result["line"] as? Int).map { "line \($0): " } ?? ""
            firstFailedCheck = line + "check failed: " + message
          }
          own.append(
            (result["outcome"] as? String == "passed",
             (result["points"] as? NSNumber)?.doubleValue ?? 1))
        }
      }
      let number = cell["number"] as? Int ?? states.count + 1
      states.append(
        CheckState.Cell(
          number: number, heading: headings[number],
          status: CheckState.Status(
            rawValue: cell["status"] as? String ?? "") ?? .error,
          after: figures))
    }
    self.errors = errors
    ownChecks = own
    self.firstFailedCheck = firstFailedCheck
    self.firstError = firstError
    state = CheckState(
      cells: states, final: figures, status: failed ? .error : .ok)
  }

  /// Updates the figures with one result of a cell, as the run did
  /// (``CheckFigures/record(_:)``), from the result's JSON.
  private static func apply(_ result: [String: Any], to figures: inout CheckFigures)
  {
    switch result["kind"] as? String {
    case "dataset":
      figures.recordData(
        train: result["training"] as? Int ?? 0,
        validation: result["validation"] as? Int ?? 0,
        test: result["test"] as? Int ?? 0)
    case "network":
      figures.recordNetwork(
        sizes: result["sizes"] as? [Int],
        candidateOf: (result["candidate"] as? [String: Any])?["parameter"]
          as? String)
    case "training":
      if let training = training(result) { figures.record(training) }
    case "comparison":
      figures.recordComparison(
        result["runs"] as? [[String: Any]] ?? [],
        chosen: result["chosen"] as? Int ?? 0, training: training)
      figures.recordKept(
        parameter: result["parameter"] as? String ?? "",
        values: result["values"] as? [String] ?? [],
        chosen: result["chosen"] as? Int ?? 0)
    case "evaluation":
      figures.recordEvaluation(
        correct: result["correct"] as? Int ?? 0,
        total: result["total"] as? Int ?? 0, split: result["split"] as? String)
    default:
      break
    }
  }

  /// A training's figures from its JSON (a number the report could not
  /// write, such as a NaN cost, is null there).
  private static func training(_ result: [String: Any]) -> CheckFigures.Training?
  {
    let history = result["history"] as? [[String: Any]] ?? []
    func column(_ key: String) -> [Double?] {
      history.map { ($0[key] as? NSNumber)?.doubleValue }
    }
    return CheckFigures.training(
      learningRate: (result["learningRate"] as? NSNumber)?.doubleValue ?? 0,
      batchSize: result["batchSize"] as? Int ?? 0,
      epochs: result["epochs"] as? Int ?? history.count,
      l2: (result["l2"] as? NSNumber)?.doubleValue ?? 0,
      momentum: (result["momentum"] as? NSNumber)?.doubleValue ?? 0,
      costs: column("trainingCost"),
      validationAccuracies: column("validationAccuracy"),
      testAccuracies: column("testAccuracy"),
      diverged: result["divergedAtEpoch"] as? Int != nil)
  }

  /// The heading above each cell of the notebook at `path`, by cell
  /// number (the nearest heading before it, of any level); empty when the
  /// notebook cannot be read.
  static func headings(ofNotebookAt path: String) -> [Int: String] {
    guard let notebook = try? Notebook.load(path: path) else { return [:] }
    return headings(of: notebook)
  }

  /// The heading above each cell of `notebook`, by cell number.
  static func headings(of notebook: Notebook) -> [Int: String] {
    // Headings come in document order; each prose item holds some of them.
    var next = 0
    var current: String?
    var result: [Int: String] = [:]
    for item in notebook.items {
      switch item {
      case .prose(let html):
        let count = ["<h1", "<h2", "<h3", "<h4", "<h5", "<h6"].reduce(0) {
          $0 + html.components(separatedBy: $1).count - 1
        }
        for _ in 0..<count where next < notebook.headings.count {
          current = notebook.headings[next].text
          next += 1
        }
      case .lab(let cell):
        result[cell.number] = current
      }
    }
    return result
  }
}
