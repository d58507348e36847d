import Foundation
import Testing

@testable import Notebook

// MARK: - A notebook's state to check against

/// A run of four cells: load 5,000/1,000/10,000 images, net 784-30-10 under
/// "The network", sgd for 3 epochs (costs falling, accuracies rising)
/// under "Training", evaluate on the test set (9,483 of 10,000).
private func sampleState() -> CheckState {
  var figures = CheckFigures()
  figures.data = .init(train: 5000, validation: 1000, test: 10000)
  let afterLoad = figures
  figures.networkSizes = [784, 30, 10]
  let afterNet = figures
  figures.record(
    CheckFigures.Training(
      learningRate: 3, batchSize: 10, epochs: 3, costs: [0.09, 0.05, 0.04],
      validationAccuracies: [0.91, 0.93, 0.94]))
  let afterTraining = figures
  figures.record(.init(correct: 9483, total: 10000), onTest: true)
  return CheckState(
    cells: [
      .init(number: 1, heading: nil, status: .ok, after: afterLoad),
      .init(number: 2, heading: "The network", status: .ok, after: afterNet),
      .init(number: 3, heading: "Training", status: .ok, after: afterTraining),
      .init(number: 4, heading: "Training", status: .ok, after: figures),
    ], final: figures, status: .ok)
}

private func parse(_ text: String) throws -> Check {
  try CheckParser(file: "g.md").parse(text, line: 7).get()
}

/// The one diagnostic of a line that is not a check: (column, message).
private func mistake(_ text: String) -> (column: Int, text: String)? {
  guard case .failure(let errors) = CheckParser(file: "g.md").parse(
    text, line: 7)
  else { return nil }
  let first = errors.diagnostics[0]
  #expect(first.location?.line == 7)
  #expect(first.location?.file == "g.md")
  return (first.location?.column ?? 0, first.description)
}

private func outcome(_ text: String, _ state: CheckState = sampleState())
  throws -> CheckResult
{
  CheckEvaluator.evaluate(try parse(text), in: state)
}

// MARK: - Every form, passing and failing

@Suite struct CheckFormTests {
  /// (check, passes on the sample state).
  static let cases: [(String, Bool)] = [
    ("expect test.accuracy >= 0.9", true),
    ("expect test.accuracy >= 0.95", false),
    ("expect test.accuracy > 0.9483", false),
    ("expect test.accuracy < 0.95", true),
    ("expect test.accuracy <= 0.9482", false),
    ("expect test.accuracy == 0.9483", true),
    ("expect test.accuracy == 0.948", true),  // ± 0.0005
    ("expect test.accuracy == 0.9484", false),
    ("expect test.accuracy == 0.95 ± 0.002", true),
    ("expect test.accuracy == 0.95 ± 0.001", false),
    ("expect test.accuracy == 0.95 +- 0.002", true),
    ("expect test.accuracy == 0.95 tol=0.002", true),
    ("expect test.accuracy >= 0.95 tol=0.002", true),
    ("expect test.accuracy != 0.9483", false),
    ("expect test.accuracy != 0.95", false),  // within ± 0.005
    ("expect test.accuracy != 0.96", true),
    ("expect validation.accuracy between 0.93 0.97", true),
    ("expect validation.accuracy between 0.95 0.97", false),
    ("expect validation.accuracy increases", true),
    ("expect validation.accuracy decreases", false),
    ("expect cost decreases", true),
    ("expect cost increases", false),
    ("expect cost < 0.05", true),
    ("expect cost <= 0.039", false),
    ("expect test.correct == 9483", true),
    ("expect test.correct >= 9500", false),
    ("expect net.sizes == 784-30-10", true),
    ("expect net.sizes == 784-100-10", false),
    ("expect net.sizes != 784-100-10", true),
    ("expect net.layers == 2", true),
    ("expect net.parameters == 23860", true),
    ("expect epochs <= 10", true),
    ("expect epochs between 4 10", false),
    ("expect lr == 3", true),
    ("expect batch == 10", true),
    ("expect l2 == 0", true),
    ("expect momentum > 0", false),
    ("expect data.train == 5000", true),
    ("expect data.validation == 1000", true),
    ("expect data.test < 10000", false),
    ("expect status == ok", true),
    ("expect status == error", false),
    ("expect cells.failed == 0", true),
    ("expect net.sizes == 784-30-10 cell=2", true),
    ("expect epochs == 3 cell=2", false),  // no training yet after cell 2
    ("expect test.accuracy >= 0.9 cell=\"Training\"", true),
    ("expect validation.accuracy >= 0.94 cell=\"training\"", true),
    ("expect status == ok cell=\"The network\"", true),
  ]

  @Test(arguments: cases)
  func form(_ text: String, _ passes: Bool) throws {
    let result = try outcome(text)
    #expect(result.passed == passes, "\(text): \(result.message)")
    #expect(result.points == (passes ? 1 : 0))
  }

  @Test func expectedAndActualAreReported() throws {
    let failed = try outcome("expect test.accuracy >= 0.95 points=2")
    #expect(failed.expected == ">= 0.95")
    #expect(failed.actual == "0.9483")
    #expect(failed.message == "test.accuracy is 0.9483, expected >= 0.95")
    #expect(failed.points == 0)
    #expect(failed.check.points == 2)
    let passed = try outcome("expect test.accuracy == 0.9483 points=2.5")
    #expect(passed.expected == "== 0.9483 ± 5e-05")
    #expect(passed.points == 2.5)
    let sizes = try outcome("expect net.sizes == 784-100-10")
    #expect(sizes.actual == "784-30-10")
    #expect(sizes.expected == "== 784-100-10")
  }

  @Test func trendsNameTheEpochThatBrokeThem() throws {
    var state = sampleState()
    state.final.training?.costs = [0.09, 0.05, 0.06]
    let rose = try outcome("expect cost decreases", state)
    #expect(!rose.passed)
    #expect(
      rose.message
        == "cost went from 0.05 in epoch 2 to 0.06 in epoch 3; expected "
        + "each epoch lower than the one before")
    state.final.training?.costs = [0.09, nil, nil]
    let diverged = try outcome("expect cost decreases", state)
    #expect(!diverged.passed)
    #expect(diverged.message.contains("not finite in epoch 2"))
    state.final.training?.costs = [0.09]
    #expect(try !outcome("expect cost decreases", state).passed)
  }

  @Test func missingFiguresFailWithTheReason() throws {
    let empty = CheckState(cells: [], final: CheckFigures(), status: .ok)
    let accuracy = try outcome("expect test.accuracy >= 0.9", empty)
    #expect(!accuracy.passed)
    #expect(accuracy.actual == "none")
    #expect(accuracy.message.contains("no 'evaluate on=test'"))
    #expect(try outcome("expect epochs <= 10", empty).message
      .contains("no sgd cell ran"))
    #expect(try outcome("expect net.sizes == 784-30-10", empty).message
      .contains("no net cell ran"))
    let cell = try outcome("expect status == ok cell=9")
    #expect(!cell.passed)
    #expect(cell.message == "the notebook has no cell 9 (it has 4)")
    let section = try outcome("expect status == ok cell=\"Trainng\"")
    #expect(!section.passed)
    #expect(section.message.contains("did you mean 'Training'?"))
  }

  @Test func aFailedCellFailsItsSectionAndTheNotebook() throws {
    var state = sampleState()
    state.cells[3].status = .error
    state.status = .error
    #expect(try !outcome("expect status == ok", state).passed)
    #expect(try outcome("expect cells.failed == 1", state).passed)
    #expect(try !outcome("expect status == ok cell=\"Training\"", state).passed)
    #expect(try outcome("expect status == ok cell=3", state).passed)
  }
}

// MARK: - Reading checks

@Suite struct CheckParserTests {
  @Test func readsEveryPart() throws {
    let check = try parse(
      "  expect validation.accuracy between 0.93 0.97 points=2 cell=3 # note")
    #expect(check.quantity == .validationAccuracy)
    #expect(check.test == .between(0.93, 0.97))
    #expect(check.points == 2)
    #expect(check.scope == .cell(3))
    #expect(check.location == SourceLocation(file: "g.md", line: 7, column: 3))
    let tolerance = try parse("expect test.accuracy==0.95±0.01")
    #expect(tolerance.test == .compare(.equal, .number(0.95, decimals: 2)))
    #expect(tolerance.tolerance == 0.01)
    let section = try parse("expect status == ok cell=\"Learning rate\"")
    #expect(section.scope == .section("Learning rate"))
  }

  /// (line, column of the error, words of the message).
  static let mistakes: [(String, Int, String)] = [
    ("expect", 7, "expected a quantity after 'expect'"),
    ("expect test.acuracy >= 0.9", 8, "did you mean 'test.accuracy'?"),
    ("expect accuracy >= 0.9", 8, "did you mean 'test.accuracy'?"),
    ("expect loss decreases", 8, "did you mean 'cost'?"),
    ("expect test.accuracy", 21, "expected ==, !=, <, <=, >, >=, between, decreases or increases"),
    ("expect test.accuracy = 0.9", 22, "did you mean '=='?"),
    ("expect test.accuracy => 0.9", 22, "did you mean '>='?"),
    ("expect cost decrease", 13, "did you mean 'decreases'?"),
    ("expect epochs decreases", 15, "'decreases' needs one value per epoch"),
    ("expect test.accuracy >= 90", 25, "write 0.9 for 90%"),
    ("expect test.accuracy >= 90%", 25, "write accuracies as fractions"),
    ("expect test.accuracy >=", 24, "expected a fraction between 0 and 1"),
    ("expect epochs <= 2.5", 18, "is a whole number"),
    ("expect net.sizes == 784-x-10", 21, "expected layer sizes such as 784-30-10"),
    ("expect net.sizes < 784-30-10", 18, "has no order"),
    ("expect status == done", 18, "expected ok, error or skipped"),
    ("expect validation.accuracy between 0.97 0.93", 36, "the lower bound comes first"),
    ("expect validation.accuracy between 0.9", 39, "expected a number after 'between 0.9'"),
    ("expect epochs == 3 ± 1", 20, "compared exactly"),
    ("expect epochs == 3 tol=1", 20, "compared exactly"),
    ("expect test.accuracy == 0.9 ± x", 31, "expected a tolerance"),
    ("expect test.accuracy >= 0.9 pionts=2", 29, "did you mean 'points'?"),
    ("expect test.accuracy >= 0.9 points=-1", 36, "at least 0"),
    ("expect test.accuracy >= 0.9 points=1 points=2", 38, "given twice"),
    ("expect test.accuracy >= 0.9 cell=Training", 34, "cell=\"Training\""),
    ("expect test.accuracy >= 0.9 extra", 29, "unexpected 'extra'"),
    ("assert test.accuracy >= 0.9", 1, "a check starts with 'expect'"),
    ("expect test.accuracy >= nan", 25, "expected a number"),
  ]

  @Test(arguments: mistakes)
  func mistakeIsLocated(_ text: String, _ column: Int, _ words: String) {
    guard let found = mistake(text) else {
      Issue.record("\(text) was accepted")
      return
    }
    #expect(found.column == column, "\(found.text)")
    #expect(found.text.contains(words), "\(found.text)")
    #expect(found.text.hasPrefix("g.md:7:\(column): error: "))
  }

  @Test func longJunkIsQuotedShort() {
    let junk = String(repeating: "x", count: 100_000)
    let found = mistake("expect \(junk) >= 0.9")
    #expect(found != nil)
    #expect((found?.text.count ?? .max) < 300)
  }
}

// MARK: - A file of checks

@Suite struct CheckFileTests {
  @Test func markdownBlocksHoldTheChecks() {
    let text = """
      # Grading lab 3

      Prose for the instructor: expect nothing here.

      ```lab
      expect test.accuracy >= 0.9 points=2
      # a comment
      expect cost decreases
      ```

      ```python
      not a check
      ```
      """
    let (checks, diagnostics) = CheckFile.parse(text, file: "grading.md")
    #expect(diagnostics.isEmpty)
    #expect(checks.map(\.quantity) == [.testAccuracy, .cost])
    #expect(checks.map(\.location.line) == [6, 8])
  }

  @Test func aPlainListAndItsMistakes() {
    let text = "expect epochs <= 10\r\n\r\nexpect test.acuracy >= 0.9\n"
    let (checks, diagnostics) = CheckFile.parse(text, file: "g.txt")
    #expect(checks.count == 1)
    #expect(
      diagnostics.map(\.description) == [
        "g.txt:3:8: error: unknown quantity 'test.acuracy'; did you mean "
          + "'test.accuracy'?"
      ])
    let none = CheckFile.parse("# only a heading\n", file: "g.md")
    #expect(none.checks.isEmpty)
    #expect(none.diagnostics.first?.message == "no check in the file")
  }

  /// Every seed of the fuzz target reads without trapping, and each
  /// mistake is inside its file.
  @Test func fuzzSeedsRead() throws {
    let folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().appendingPathComponent(
        "../../fuzz/corpus/checks"
      ).standardizedFileURL
    let names = try FileManager.default.contentsOfDirectory(
      atPath: folder.path)
    #expect(names.count >= 5)
    for name in names {
      let data = try Data(contentsOf: folder.appendingPathComponent(name))
      let text = String(decoding: data, as: UTF8.self)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let (_, diagnostics) = CheckFile.parse(text, file: name)
      for diagnostic in diagnostics {
        let line = diagnostic.location?.line ?? 0
        #expect(line >= 1 && line <= lines.count, "\(name)")
      }
    }
  }
}
