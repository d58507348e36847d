import Notebook
import Report

/// `expect QUANTITY TEST [points=N] [cell=N | cell="Heading"]`: a check of
/// what the notebook has produced so far — the current network, the last
/// training, the last evaluations, the last data set's counts, the cells'
/// status — in the check language of `Notebook/Checks` (the same lines an
/// instructor's `--checks` file holds). A check that holds shows as passed
/// in its cell; one that fails shows expected and actual values and marks
/// the cell failed, so the run exits with status 1.
struct Expect: LabDirective {
  static let spec = DirectiveSpec(
    verb: "expect",
    summary: "Check a result: 'expect test.accuracy >= 0.9 points=2'.",
    positional: PositionalSpec(
      name: "check", label: "check", type: .check,
      doc: "A quantity, a test and options: 'test.accuracy >= 0.9',"
        + " 'cost decreases', 'net.sizes == 784-30-10 points=2'."))
  // What it looks at is in the session's check figures, which follow the
  // results of every cell; the parts below only keep a check after the
  // cells that made them, and an `expect` cell is never cached.
  static let reads: Set<StatePart> = [.data, .network]
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = []
  static let cacheable = false

  /// The check, as the check language read it.
  var check: Check

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    check = try values.check("")
  }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let result = CheckEvaluator.evaluate(check, in: session.checkState)
    return .check(
      CheckOutcome(
        text: check.text, line: check.location.line,
        column: check.location.column, expected: result.expected,
        actual: result.actual, passed: result.passed,
        message: result.message, points: check.points))
  }
}

// MARK: - The figures checks read, as the run goes

extension LabSession {
  /// What the notebook has produced so far, as checks see it.
  var checkState: CheckState {
    CheckState(
      cells: checkCells, final: checkFigures,
      status: notebookFailed || checkCells.contains { $0.status == .error }
        ? .error : .ok)
  }

  /// A cell finished (run or replayed from the cache).
  func recordForChecks(_ report: CellReport, heading: String?) {
    checkCells.append(
      CheckState.Cell(
        number: report.number, heading: heading,
        status: CheckState.Status(rawValue: report.status.rawValue) ?? .error,
        after: checkFigures))
  }
}

extension CheckFigures {
  /// Updates the figures with one result of a directive.
  mutating func record(_ result: CellResult) {
    switch result {
    case .dataset(let dataset):
      data = DataCounts(
        train: dataset.training, validation: dataset.validation,
        test: dataset.test)
    case .network(let network):
      networkSizes = network.sizes
    case .training(let training):
      record(Self.training(training))
    case .comparison(let comparison):
      if comparison.runs.indices.contains(comparison.chosen) {
        record(Self.training(comparison.runs[comparison.chosen]))
      }
    case .evaluation(let evaluation):
      record(
        Evaluation(correct: evaluation.correct, total: evaluation.total),
        onTest: evaluation.split == Split.Name.test.rawValue)
    case .playground, .weights, .maps, .check:
      break
    }
  }

  /// A training as checks see it; the epochs after a divergence count as
  /// not finite.
  static func training(_ result: TrainingResult) -> Training {
    func finite(_ value: Double?) -> Double? {
      value.flatMap { $0.isFinite ? $0 : nil }
    }
    var costs = result.history.map { finite($0.trainingCost) }
    if result.divergedAtEpoch != nil, costs.count < result.epochs {
      costs += Array(repeating: nil, count: result.epochs - costs.count)
    }
    func column(_ values: [Double?]) -> [Double?] {
      values.allSatisfy { $0 == nil } ? [] : values.map(finite)
    }
    return Training(
      learningRate: result.learningRate, batchSize: result.batchSize,
      epochs: result.epochs, l2: result.l2, momentum: result.momentum,
      costs: costs,
      validationAccuracies: column(result.history.map(\.validationAccuracy)),
      testAccuracies: column(result.history.map(\.testAccuracy)))
  }
}
