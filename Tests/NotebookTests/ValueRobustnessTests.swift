import Testing

import LabrunCore
@testable import Notebook

/// Values a student might type that the engine could not represent: each
/// is refused at its column, with a message that says why.
@Suite("Robustness: values beyond what the engine can hold")
struct ValueRobustnessTests {
  /// The diagnostics of a one-cell notebook with `line` in it.
  private func problems(_ line: String) -> [Diagnostic] {
    Notebook.parse(source: "```lab\n\(line)\n```\n", path: "nb.md")
      .cells.first?.diagnostics ?? []
  }

  @Test(
    "numbers beyond float32 are refused, not trained with as infinity",
    arguments: [
      ("sgd lr=1e300", 8, "'1e300' is too large for 'lr'"),
      ("sgd lr=3 l2=4e38", 13, "'4e38' is too large for 'l2'"),
      ("sgd lr=0.5,1e39", 12, "'1e39' is too large for 'lr'"),
    ])
  func tooLargeForFloat(line: String, column: Int, start: String) throws {
    let found = problems(line)
    let problem = try #require(found.first)
    #expect(found.count == 1)
    #expect(problem.location?.column == column)
    #expect(problem.message.hasPrefix(start), "\(problem.message)")
    #expect(problem.message.contains("32-bit"))
  }

  @Test("a positive number that float32 rounds to zero is refused")
  func tooSmallForFloat() throws {
    let problem = try #require(problems("sgd lr=1e-50").first)
    #expect(problem.location?.column == 8)
    #expect(
      problem.message
        == "'1e-50' is too small for 'lr': in 32-bit floating point it"
        + " would be 0")
    // Zero is fine where zero is allowed, however it is spelled.
    #expect(problems("sgd l2=1e-60 momentum=0").isEmpty)
    #expect(problems("sgd lr=3.4e38").isEmpty)
  }

  @Test(
    "NaN, infinities, negative, zero and oversized values",
    arguments: [
      ("sgd lr=nan", 8), ("sgd lr=inf", 8), ("sgd lr=-inf", 8),
      ("sgd lr=-3", 8), ("sgd lr=0", 8), ("sgd batch=0", 11),
      ("sgd batch=-10", 11), ("sgd epochs=1e300", 12),
      ("sgd batch=99999999999999999999", 11),
      ("load mnist train=1e19", 18), ("load mnist test=-1", 17),
      ("net 784-0-10", 9), ("net 784-nan-10", 9), ("net 784-1e400-10", 9),
      ("seed 18446744073709551616", 6), ("seed -1", 6),
    ])
  func refused(line: String, column: Int) throws {
    let found = problems(line)
    #expect(found.count == 1, "\(found)")
    #expect(found.first?.location?.column == column)
    #expect(found.first?.isError == true)
  }

  @Test("a network too big for memory is refused with the size it needs")
  func networkTooBig() throws {
    // A layer beyond 10,000 units is refused at its own word.
    let wide = try #require(problems("net 784-1000000-10").first)
    #expect(wide.message == "1000000 is too large: sizes go up to 10000")
    #expect(wide.location?.column == 9)
    let problem = try #require(problems("net 784-10000-10000-10000-10000-10").first)
    #expect(
      problem.message
        == "network 784-10000-10000-10000-10000-10 has 307,980,010 parameters"
        + " and would need about 3.7 GB of memory (float32 weights,"
        + " gradients and velocities); at most 250,000,000 parameters are"
        + " allowed")
  }
}
