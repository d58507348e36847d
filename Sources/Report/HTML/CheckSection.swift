// `expect …`: one check of the notebook's own, passed or failed, with what
// it expected and what the notebook produced, shown in its cell.

/// How one `expect` line came out.
public struct CheckOutcome: Sendable, Equatable, Codable {
  /// The line as written (trimmed).
  public var text: String
  /// Where `expect` starts in the notebook.
  public var line: Int
  public var column: Int
  /// What the check asks, e.g. `>= 0.9`.
  public var expected: String
  /// What the notebook produced, e.g. `0.9512`; `none` when it produced
  /// nothing of the kind.
  public var actual: String
  public var passed: Bool
  /// One sentence: `test.accuracy is 0.91, expected >= 0.95`.
  public var message: String
  /// What a pass is worth (`points=2`; default 1).
  public var points: Double

  public init(
    text: String, line: Int, column: Int, expected: String, actual: String,
    passed: Bool, message: String, points: Double
  ) {
    self.text = text
    self.line = line
    self.column = column
    self.expected = expected
    self.actual = actual
    self.passed = passed
    self.message = message
    self.points = points
  }

  /// Points earned: `points` when it passed, else 0.
  public var earned: Double { passed ? points : 0 }
}

/// A notebook's own checks, totalled.
public struct CheckTotals: Sendable, Equatable {
  public var passed = 0
  public var failed = 0
  /// Points earned, and the most there were to earn.
  public var points: Double = 0
  public var possible: Double = 0

  public init(_ outcomes: [CheckOutcome]) {
    for outcome in outcomes {
      if outcome.passed { passed += 1 } else { failed += 1 }
      points += outcome.earned
      possible += outcome.points
    }
  }
}

extension ReportDocument {
  /// Every `expect` of the notebook, in order.
  public var checkOutcomes: [CheckOutcome] {
    cells.flatMap { cell in
      cell.results.compactMap { $0.as(CheckOutcome.self) }
    }
  }
}

extension CheckOutcome: ResultContent {
  public static let kind = "check"
  public func write(to html: inout HTMLWriter) {
    CheckSection.write(self, to: &html)
  }
  public var json: JSONValue { CheckSection.json(self) }
}

enum CheckSection {
  static func write(_ outcome: CheckOutcome, to html: inout HTMLWriter) {
    let verdict = outcome.passed ? "passed" : "failed"
    html.open("div", ["class": "result check check-\(verdict)"])
    html.element("p") { html in
      html.element("strong", ["class": "check-verdict"], text:
        (outcome.passed ? "✓ passed" : "✗ failed"))
      html.text(" ")
      html.element("code", text: outcome.text)
      html.text(" — " + pointsText(outcome))
    }
    html.element(
      "p", ["class": "facts"],
      text: "expected \(outcome.expected); actual \(outcome.actual)."
        // "none" alone would not say why.
        + (outcome.actual == "none" ? " " + outcome.message : ""))
    html.close()
  }

  static func pointsText(_ outcome: CheckOutcome) -> String {
    "\(number(outcome.earned)) of \(number(outcome.points))"
      + (outcome.points == 1 ? " point" : " points")
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15
      ? String(Int(value)) : String(value)
  }

  static func json(_ outcome: CheckOutcome) -> JSONValue {
    .object([
      "kind": .string("check"),
      "text": .string(outcome.text),
      "line": .int(outcome.line),
      "column": .int(outcome.column),
      "expected": .string(outcome.expected),
      "actual": .string(outcome.actual),
      "outcome": .string(outcome.passed ? "passed" : "failed"),
      "message": .string(outcome.message),
      "points": .number(outcome.points),
      "earned": .number(outcome.earned),
    ])
  }

  /// The notebook's totals, for the JSON's top level.
  static func totals(_ document: ReportDocument) -> JSONValue {
    let totals = CheckTotals(document.checkOutcomes)
    return .object([
      "passed": .int(totals.passed),
      "failed": .int(totals.failed),
      "points": .number(totals.points),
      "possible": .number(totals.possible),
    ])
  }
}
