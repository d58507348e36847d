import Notebook
import Report

/// `evaluate on=test`: measure the current network — trained or not — on a
/// split: accuracy, confusion matrix, the images it got wrong.
struct Evaluate: LabDirective {
  static let spec = DirectiveSpec(
    verb: "evaluate",
    summary: "Measure the current network's accuracy and cost on a split.",
    parameters: [
      ParameterSpec(
        "on", .choice(Split.Name.allCases.map(\.rawValue)), default: "test",
        aliases: ["split", "set", "data"],
        "The split to measure on.")
    ], maxListLength: 1)
  static let reads: Set<StatePart> = [.data, .network]
  static let needs: Set<StatePart> = [.data, .network]
  static let writes: Set<StatePart> = []
  static let produces: [any ResultContent.Type] = [EvaluationResult.self]

  /// The split to measure on.
  var split: Split.Name

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    split = try values.choice("on", as: Split.Name.self)
  }

  /// The directive written in code.
  init(_ split: Split.Name) { self.split = split }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let (network, splits) = try session.requireNetworkAndData(for: directive)
    let data = splits[split]
    guard data.count > 0 else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "on"),
          "the \(split.rawValue) set is empty",
          suggestion: "load some \(split.rawValue) images, e.g. "
            + "'load \(splits.name.rawValue) \(split.rawValue)=10000'"))
    }
    let evaluation = network.evaluate(on: data.data, images: data.images)
    let names = splits.name.classNames
    let wrong = evaluation.predictions.indices.lazy.filter {
      evaluation.predictions[$0] != data.label($0)
    }.prefix(24)
    let misclassified = wrong.map { index in
      var image = session.digit(data, index, classNames: names)
      image.predicted = LabSession.className(
        Int(evaluation.predictions[index]), names)
      return image
    }
    return CellResult(
      EvaluationResult(
        split: split.rawValue, correct: evaluation.correct,
        total: evaluation.total, classNames: names,
        confusion: evaluation.confusion, misclassified: Array(misclassified)))
  }
}
