// `sgd lr=0.5,3,10`: runs from the same starting weights side by side —
// charts, a table, the spread and which run was kept.

/// `sgd lr=0.5,3,10`: several runs from the same starting weights.
public struct ComparisonResult: Sendable, Equatable, Codable {
  /// The parameter that varies: `lr`, `batch`, `epochs`, `l2`, `momentum`.
  public var parameter: String
  /// The values, as written, in run order.
  public var values: [String]
  public var runs: [TrainingResult]
  /// Index into `runs` of the run that became the current network (best
  /// final validation accuracy; ties go to the earlier run).
  public var chosen: Int
  public init(
    parameter: String, values: [String], runs: [TrainingResult], chosen: Int
  ) {
    self.parameter = parameter
    self.values = values
    self.runs = runs
    self.chosen = chosen
  }
}

extension ComparisonResult: ResultContent {
  public static let kind = "comparison"
  public func write(to html: inout HTMLWriter) {
    ComparisonSection.write(self, to: &html)
  }
  public var json: JSONValue { ComparisonSection.json(self) }
}

enum ComparisonSection {
  static func write(
    _ comparison: ComparisonResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result comparison"])
    html.element(
      "h3",
      text: comparison.parameter == "repeat"
        ? "Repeated \(comparison.runs.count) times, each in its own image order"
        : "Comparison: " + comparison.parameter + " = "
          + comparison.values.joined(separator: ", "))
    html.open("div", ["class": "charts"])
    ComparisonCharts.cost(comparison).write(to: &html)
    ComparisonCharts.validation(comparison)?.write(to: &html)
    html.close()
    for (i, run) in comparison.runs.enumerated() {
      let name = ComparisonText.name(comparison, i)
      if let warning = TrainingText.divergence(run, run: name) {
        html.element("p", ["class": "banner warning"], text: warning)
      }
    }
    ComparisonTable.write(comparison, to: &html)
    if let spread = ComparisonSummary.spread(comparison) {
      html.element("p", ["class": "spread"], text: spread)
    }
    if let sentence = ComparisonText.choice(comparison) {
      html.element("p", ["class": "choice"], text: sentence)
    }
    html.close()
  }

  static func json(_ c: ComparisonResult) -> JSONValue {
    var members: [String: JSONValue] = [
      "kind": .string("comparison"),
      "parameter": .string(c.parameter),
      "values": .array(c.values.map(JSONValue.string)),
      "runs": .array(c.runs.map { TrainingSection.json($0, kind: false) }),
      "chosen": .int(c.chosen),
    ]
    if let (mean, deviation) = ComparisonSummary.validationSpread(c) {
      members["validationMean"] = .number(mean)
      members["validationStandardDeviation"] = .number(deviation)
    }
    return .object(members)
  }
}
