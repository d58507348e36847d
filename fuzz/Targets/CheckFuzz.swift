// libFuzzer target: the check language (`expect …` lines, a grading file).
//
// Against the Notebook module built with -enable-testing (see fuzz/run);
// its entry point is in Entry.swift.
// Every input is read as a file of checks; each check read is evaluated
// against a small state, and every mistake must be located inside the file
// with a printable message.

@testable import Notebook

func fuzzChecks(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private let state: CheckState = {
  var figures = CheckFigures()
  figures.data = .init(train: 100, validation: 10, test: 10)
  figures.networkSizes = [784, 30, 10]
  figures.record(
    CheckFigures.Training(
      learningRate: 3, batchSize: 10, epochs: 2, costs: [0.1, nil],
      validationAccuracies: [0.5, 0.6]))
  figures.record(.init(correct: 7, total: 10), onTest: true)
  return CheckState(
    cells: [.init(number: 1, heading: "A", status: .ok, after: figures)],
    final: figures, status: .error)
}()

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  let text = String(
    decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let lineCount = text.unicodeScalars.split(
    separator: "\n", omittingEmptySubsequences: false
  ).count
  let (checks, diagnostics) = CheckFile.parse(text, file: "fuzz.md")
  for diagnostic in diagnostics {
    if let location = diagnostic.location {
      precondition(location.line >= 1 && location.line <= lineCount)
      precondition(location.column >= 1)
    }
    _ = diagnostic.description
  }
  for check in checks {
    precondition(check.location.line >= 1 && check.location.line <= lineCount)
    let result = CheckEvaluator.evaluate(check, in: state)
    precondition(result.points >= 0)
    _ = result.message
  }
}
