import NeuralNet
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
  static let produces: [any ResultContent.Type] = [CheckOutcome.self]
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
    return CellResult(
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

/// The one place that turns a cell's results into the figures checks read:
/// a run records its results as they come (`LabSession`), a batch records
/// the same figures read back from a finished run's JSON report
/// (`ReportReading`); both through these functions.
extension CheckFigures {
  /// A `net`'s layer sizes; a candidate in a comparison of architectures
  /// (`net 784-30-10,784-100-10`) leaves them unknown until `sgd` keeps
  /// one.
  mutating func recordNetwork(sizes: [Int]?, candidateOf parameter: String?) {
    networkSizes = parameter == "architecture" ? nil : sizes
  }

  /// After a comparison of architectures, the kept network's sizes.
  mutating func recordKept(parameter: String, values: [String], chosen: Int) {
    guard parameter == "architecture", values.indices.contains(chosen),
      let kept = try? NetworkArchitecture.parse(values[chosen])
    else { return }
    networkSizes = kept.configuration.sizes
  }

  /// Updates the figures with one result of a directive.
  /// Results of other kinds hold no figure a check reads.
  mutating func record(_ result: CellResult) {
    if let dataset = result.as(DatasetResult.self) {
      recordData(
        train: dataset.training, validation: dataset.validation,
        test: dataset.test)
    } else if let network = result.as(NetworkResult.self) {
      recordNetwork(sizes: network.sizes, candidateOf: network.candidate?.parameter)
    } else if let training = result.as(TrainingResult.self) {
      record(Self.training(training))
    } else if let comparison = result.as(ComparisonResult.self) {
      recordComparison(comparison.runs, chosen: comparison.chosen) {
        Self.training($0)
      }
      recordKept(
        parameter: comparison.parameter, values: comparison.values,
        chosen: comparison.chosen)
    } else if let evaluation = result.as(EvaluationResult.self) {
      recordEvaluation(
        correct: evaluation.correct, total: evaluation.total,
        split: evaluation.split)
    }
  }

  /// A `load` finished with these image counts.
  mutating func recordData(train: Int, validation: Int, test: Int) {
    data = DataCounts(train: train, validation: validation, test: test)
  }

  /// A comparison finished: the run it chose is the last training.
  mutating func recordComparison<Run>(
    _ runs: [Run], chosen: Int, training: (Run) -> Training?
  ) {
    if runs.indices.contains(chosen), let run = training(runs[chosen]) {
      record(run)
    }
  }

  /// An evaluation of the split named `split` (`test` or `validation`).
  mutating func recordEvaluation(correct: Int, total: Int, split: String?) {
    record(
      Evaluation(correct: correct, total: total),
      onTest: split == Split.Name.test.rawValue)
  }

  /// A training as checks see it.
  static func training(_ result: TrainingResult) -> Training {
    training(
      learningRate: result.learningRate, batchSize: result.batchSize,
      epochs: result.epochs, l2: result.l2, momentum: result.momentum,
      costs: result.history.map(\.trainingCost),
      validationAccuracies: result.history.map(\.validationAccuracy),
      testAccuracies: result.history.map(\.testAccuracy),
      diverged: result.divergedAtEpoch != nil)
  }

  /// A training as checks see it, from its parameters and its figures per
  /// epoch recorded: values that are not finite count as missing; a
  /// column with no value at all is empty (the split was not measured);
  /// after a divergence, the epochs not recorded count as not finite.
  static func training(
    learningRate: Double, batchSize: Int, epochs: Int, l2: Double,
    momentum: Double, costs: [Double?], validationAccuracies: [Double?],
    testAccuracies: [Double?], diverged: Bool
  ) -> Training {
    func finite(_ value: Double?) -> Double? {
      value.flatMap { $0.isFinite ? $0 : nil }
    }
    var costs = costs.map(finite)
    if diverged, costs.count < epochs {
      costs += Array(repeating: nil, count: epochs - costs.count)
    }
    func column(_ values: [Double?]) -> [Double?] {
      values.allSatisfy { $0 == nil } ? [] : values.map(finite)
    }
    return Training(
      learningRate: learningRate, batchSize: batchSize, epochs: epochs,
      l2: l2, momentum: momentum, costs: costs,
      validationAccuracies: column(validationAccuracies),
      testAccuracies: column(testAccuracies))
  }
}
