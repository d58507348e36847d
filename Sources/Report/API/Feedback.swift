// The instructor's feedback on hidden checks, added to a student's report
// after the batch has graded it (`labrun --checks FILE --feedback`): for
// each check, passed or failed, its message and points — never the
// check's text, which stays in the instructor's files.

/// One hidden check as the student may see it.
public struct FeedbackItem: Sendable, Equatable {
  public var passed: Bool
  /// One sentence: `test.accuracy is 0.49, expected >= 0.9`.
  public var message: String
  /// What a pass is worth.
  public var points: Double

  public init(passed: Bool, message: String, points: Double) {
    self.passed = passed
    self.message = message
    self.points = points
  }

  var outcome: CheckOutcome {
    CheckOutcome(
      text: "", line: 0, column: 0, expected: "", actual: "",
      passed: passed, message: message, points: points)
  }
}

public enum Feedback {
  /// The report page with a "Feedback" section added at the end of its
  /// main column; nil when `page` is not a labrun report.
  public static func adding(_ items: [FeedbackItem], toPage page: String)
    -> String?
  {
    guard let end = page.range(of: "</main>", options: .backwards) else {
      return nil
    }
    var html = HTMLWriter()
    html.open("section", ["class": "feedback", "id": "feedback"])
    html.element("h2", text: "Feedback")
    for item in items {
      let outcome = item.outcome
      html.open(
        "div", ["class": "result check check-\(item.passed ? "passed" : "failed")"])
      html.element("p") { html in
        html.element(
          "strong", ["class": "check-verdict"],
          text: item.passed ? "✓ passed" : "✗ failed")
        html.text(" " + item.message + " — " + CheckSection.pointsText(outcome))
      }
      html.close()
    }
    html.close()
    return page.replacingCharacters(
      in: end.lowerBound..<end.lowerBound, with: html.output + "\n")
  }

  /// The report's JSON with a top-level `feedback` array added
  /// (docs/report-json.md); nil when `json` is not a labrun report.
  public static func adding(_ items: [FeedbackItem], toJSON json: String)
    -> String?
  {
    guard let end = json.range(of: "\n}", options: .backwards) else {
      return nil
    }
    let array = JSONValue.array(
      items.map { item in
        .object([
          "outcome": .string(item.passed ? "passed" : "failed"),
          "message": .string(item.message),
          "points": .number(item.points),
          "earned": .number(item.outcome.earned),
        ])
      })
    let text = array.pretty.dropLast()  // its final newline
      .replacingOccurrences(of: "\n", with: "\n  ")
    return json.replacingCharacters(
      in: end.lowerBound..<end.lowerBound,
      with: ",\n  \"feedback\": " + text)
  }
}
