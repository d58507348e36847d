import Foundation
import Testing

/// What labrun prints: the README's error example, diagnostics drawn with
/// their source line, the order of a cell's lines in a pipe, and the
/// chance-level warning.
@Suite("Terminal output", .serialized)
struct TerminalOutputTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// The README's example error, between its introduction and the fence
  /// that closes it.
  private func readmeExample() throws -> String {
    let readme = try String(
      contentsOf: repositoryRoot.appendingPathComponent("README.md"),
      encoding: .utf8)
    let intro = try #require(readme.range(of: "Errors point at the offending token"))
    let open = try #require(readme.range(of: "```\n", range: intro.upperBound..<readme.endIndex))
    let close = try #require(readme.range(of: "\n```", range: open.upperBound..<readme.endIndex))
    return String(readme[open.upperBound..<close.lowerBound])
  }

  /// Runs `cells` (lab blocks, each a list of directives) as the notebook
  /// `name` under a `# Title` line, with fresh results.
  private func run(_ name: String, _ cells: [[String]]) throws -> (ProcessResult, URL) {
    let folder = try temporaryFolder()
    let blocks = cells.map { "```lab\n" + $0.joined(separator: "\n") + "\n```" }
    try write("# \(name)\n\n" + blocks.joined(separator: "\n\n") + "\n", as: name + ".md", in: folder)
    let result = try labrun([name + ".md", "--data", dataFolder, "--no-cache"], in: folder)
    return (result, folder)
  }

  @Test("the README's error example is what labrun prints for it")
  func readmeError() throws {
    // Line 8 is the net of the second block.
    let (result, _) = try run(
      "broken", [["load mnist train=500 validation=100 test=100"], ["net 784-30-10 hidden=sigmod"]])
    #expect(result.status == 1)
    let example = try readmeExample()
    #expect(example.hasPrefix("broken.md:8:22: error:"))
    #expect(result.stderr.contains(example + "\n"), "\(result.stderr)")
    // A pipe gets no colour.
    #expect(!result.stderr.contains("\u{1B}["))
  }

  @Test("in a pipe, a cell's epochs come after its header and before its status")
  func orderInPipe() throws {
    let (result, _) = try run(
      "order",
      [["load mnist train=500 validation=100 test=100"], ["net 784-30-10", "sgd lr=3 batch=10 epochs=2"]])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let kinds = lines.map { line -> String in
      if line.hasPrefix("▸ cell 2 (line 7) net 784-30-10 … (+1)") { return "header" }
      if line.hasPrefix("  epoch ") { return "epoch" }
      if line.hasPrefix("✓ cell 1 ") { return "status 1" }
      if line.hasPrefix("✓ cell 2 (line 7) net 784-30-10 … (+1)") { return "status 2" }
      return line.hasPrefix("report") ? "report" : "other: \(line)"
    }
    // Cell 1 prints nothing of its own, so it has no header.
    #expect(kinds == ["status 1", "header", "epoch", "epoch", "status 2", "report"], "\(lines)")
  }

  @Test("training that ends at chance level warns, naming the class, in the terminal and the JSON")
  func chanceLevel() throws {
    let (result, folder) = try run(
      "chance",
      [
        [
          "load mnist train=2000 validation=500 test=500",
          "net 784-30-10 hidden=relu output=softmax", "sgd lr=100 batch=10 epochs=2",
        ],
        ["net 784-30-10", "sgd lr=3 batch=10 epochs=2"],
      ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains("chance.md:6:8: warning: training ended at chance level:"),
      "\(result.stderr)")
    #expect(result.stderr.contains("of the validation images right, and it predicts '"))
    #expect(result.stderr.contains("6 | sgd lr=100 batch=10 epochs=2\n  |        ^\n"))
    let json = try reportJSON("chance", in: folder)
    let first = try #require(cells(json).first)
    let diagnostics = try #require(first["diagnostics"] as? [[String: Any]])
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?["severity"] as? String == "warning")
    #expect((diagnostics.first?["message"] as? String)?.contains("predicts '") == true)
    #expect(first["status"] as? String == "ok")
    // A network that learned gets no such word.
    let second = try #require(cells(json).last)
    #expect((second["diagnostics"] as? [Any])?.isEmpty ?? true)
  }
}
