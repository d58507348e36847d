// `evaluate on=test`: the accuracy, the confusion matrix and some
// misclassified images.

import NumberFormat

/// `evaluate on=test`.
public struct EvaluationResult: Sendable, Equatable, Codable {
  /// `test` or `validation`.
  public var split: String
  public var correct: Int
  public var total: Int
  public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
  public var classNames: [String]
  /// confusion[true][predicted] = count.
  public var confusion: [[Int]]
  /// Some misclassified images, with `predicted` set.
  public var misclassified: [DigitImage]
  public init(
    split: String, correct: Int, total: Int, classNames: [String],
    confusion: [[Int]], misclassified: [DigitImage]
  ) {
    self.split = split
    self.correct = correct
    self.total = total
    self.classNames = classNames
    self.confusion = confusion
    self.misclassified = misclassified
  }
}

extension EvaluationResult: ResultContent {
  public static let kind = "evaluation"
  public func write(to html: inout HTMLWriter) {
    EvaluationSection.write(self, to: &html)
  }
  public var json: JSONValue { EvaluationSection.json(self) }
}

enum EvaluationSection {
  static func write(
    _ evaluation: EvaluationResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result evaluation"])
    html.element("h3", text: "Evaluation on the \(evaluation.split) set")
    html.element("p", ["class": "headline"]) { html in
      html.text(
        Format.grouped(evaluation.correct) + " / "
          + Format.grouped(evaluation.total) + " = ")
      html.element("strong", text: Format.percent(evaluation.accuracy))
      html.text(" on the \(evaluation.split) set")
    }
    ConfusionMatrix.write(evaluation, to: &html)
    if !evaluation.misclassified.isEmpty {
      DigitGrid.write(
        evaluation.misclassified,
        caption: "Misclassified images: true → predicted",
        split: evaluation.split, to: &html)
    }
    html.close()
  }

  static func json(_ e: EvaluationResult) -> JSONValue {
    return .object([
      "kind": .string("evaluation"),
      "split": .string(e.split),
      "correct": .int(e.correct),
      "total": .int(e.total),
      "accuracy": .number(e.accuracy),
      "classNames": .array(e.classNames.map(JSONValue.string)),
      "confusion": .array(e.confusion.map { .array($0.map(JSONValue.int)) }),
      "misclassified": .array(
        e.misclassified.map {
          .object([
            "index": .int($0.index), "label": .string($0.label),
            "predicted": .string($0.predicted),
          ])
        }),
    ])
  }
}
