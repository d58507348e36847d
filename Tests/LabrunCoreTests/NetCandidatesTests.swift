import Foundation
import Notebook
import Report
import Testing

@testable import LabrunCore

/// `net` with a list on one key (`cost=quadratic,cross-entropy`,
/// `init=normal,scaled`, `net 784-30-10,784-100-10`): candidate networks
/// that the next `sgd` trains and compares, keeping the best.
@Suite("net candidates: comparisons over the network's keys")
struct NetCandidatesTests {
  let runner = RunnerTests().runner
  static let load = "load mnist train=600 validation=200 test=200"

  /// `blocks`, one cell each, after a cell that loads a small MNIST.
  func cells(_ blocks: [String], seed: Int = 3) -> [CellReport] {
    let source = "---\nseed: \(seed)\n---\n"
      + ([Self.load] + blocks).map { "```lab\n\($0)\n```\n" }
      .joined(separator: "\n")
    return runner.execute(Notebook.parse(source: source, path: "t.md")).cells
  }

  func comparison(_ cell: CellReport?) throws -> Report.ComparisonResult {
    guard let comparison = cell?.results.last?.as(Report.ComparisonResult.self) else {
      Issue.record("expected a comparison: \(cell?.diagnostics ?? [])")
      throw CancellationError()
    }
    return comparison
  }

  func training(_ cell: CellReport?) throws -> TrainingResult {
    guard let training = cell?.results.last?.as(TrainingResult.self) else {
      Issue.record("expected a training: \(cell?.diagnostics ?? [])")
      throw CancellationError()
    }
    return training
  }

  /// The digest of the weights a plain `net` line then `sgd` trains.
  func plainDigest(_ net: String, _ sgd: String) throws -> String? {
    try training(cells([net, sgd]).last).parametersSHA256
  }

  // MARK: - Decoding

  @Test("a list on cost, init or the architecture declares one network per value")
  func decoding() throws {
    let language = DirectiveLanguage.labrun
    func net(_ line: String) throws -> Net {
      let notebook = Notebook.parse(
        source: "```lab\n\(line)\n```\n", path: "t.md", language: language)
      let directive = try #require(notebook.cells.first?.directives.first)
      #expect(notebook.diagnostics.isEmpty, "\(notebook.diagnostics)")
      return try #require(try Directives.decode(directive) as? Net)
    }
    let cost = try net("net 784-30-10 cost=quadratic,cross-entropy")
    #expect(cost.comparedParameter == "cost")
    #expect(cost.comparedValues == ["quadratic", "cross-entropy"])
    #expect(cost.architectures.map(\.cost) == [.quadratic, .crossEntropy])
    #expect(cost.architectures.map(\.notation) == ["784-30-10", "784-30-10"])

    let shapes = try net("net 784-30-10,784-100-10 init=scaled")
    #expect(shapes.comparedParameter == "architecture")
    #expect(shapes.comparedValues == ["784-30-10", "784-100-10"])
    #expect(shapes.architectures.allSatisfy { $0.initialization == .scaled })

    // A phrase list may space its items after the commas.
    let conv = try net("net 784-30-10, 28x28 conv5x5x4 pool2 30 10")
    #expect(conv.comparedValues == ["784-30-10", "28x28 conv5x5x4 pool2 30 10"])

    let one = try net("net 784-30-10 cost=cross-entropy")
    #expect(one.comparedParameter == nil)
    #expect(one.architectures.count == 1)
  }

  // MARK: - Training the candidates

  @Test("each candidate trains exactly as its own net and sgd would: same weights, same images")
  func candidatesMatchPlainRuns() throws {
    let sgd = "sgd lr=0.5 batch=10 epochs=2"
    let cost = try comparison(
      cells(["net 784-30-10 cost=quadratic,cross-entropy", sgd]).last)
    #expect(cost.parameter == "cost")
    #expect(cost.values == ["quadratic", "cross-entropy"])
    #expect(cost.runs.map(\.parametersSHA256) == [
      try plainDigest("net 784-30-10", sgd),
      try plainDigest("net 784-30-10 cost=cross-entropy", sgd),
    ])
    // Cross-entropy learns faster from these weights: kept, and said so.
    let accuracies = cost.runs.map { $0.finalEpoch?.validationAccuracy ?? 0 }
    #expect(cost.chosen == (accuracies[1] > accuracies[0] ? 1 : 0))

    let initial = try comparison(
      cells(["net 784-30-10 init=normal,scaled cost=cross-entropy", sgd]).last)
    #expect(initial.parameter == "init")
    #expect(initial.runs.map(\.parametersSHA256) == [
      try plainDigest("net 784-30-10 cost=cross-entropy", sgd),
      try plainDigest("net 784-30-10 init=scaled cost=cross-entropy", sgd),
    ])

    let shapes = try comparison(cells(["net 784-20-10,784-40-10", sgd]).last)
    #expect(shapes.parameter == "architecture")
    #expect(shapes.values == ["784-20-10", "784-40-10"])
    #expect(shapes.runs.map(\.parametersSHA256) == [
      try plainDigest("net 784-20-10", sgd), try plainDigest("net 784-40-10", sgd),
    ])
  }

  @Test("the page names each candidate and the kept one; the JSON says which key varied")
  func pageAndJSON() throws {
    let source = "---\nseed: 3\n---\n```lab\n\(Self.load)\n"
      + "net 784-30-10 cost=quadratic,cross-entropy\n```\n\n"
      + "```lab\nsgd lr=0.5 epochs=1\n```\n"
    let document = runner.execute(Notebook.parse(source: source, path: "t.md"))
    let html = HTMLReport.render(document)
    #expect(html.contains("<h3>Candidate 1 of 2, cost = quadratic: 784-30-10</h3>"))
    #expect(html.contains("<h3>Candidate 2 of 2, cost = cross-entropy: 784-30-10</h3>"))
    #expect(html.contains("The next sgd trains both candidates"))
    #expect(html.contains("<h3>Comparison: cost = quadratic, cross-entropy</h3>"))
    #expect(html.contains("became the current network"))
    let json = try #require(
      try JSONSerialization.jsonObject(
        with: Data(JSONReport.render(document).utf8)) as? [String: Any])
    let cells = try #require(json["cells"] as? [[String: Any]])
    let results = cells.flatMap { $0["results"] as? [[String: Any]] ?? [] }
    let candidates = results.compactMap { $0["candidate"] as? [String: Any] }
    #expect(candidates.map { $0["value"] as? String } == ["quadratic", "cross-entropy"])
    #expect(candidates.allSatisfy {
      $0["parameter"] as? String == "cost" && $0["count"] as? Int == 2
    })
    let comparison = try #require(results.first { $0["kind"] as? String == "comparison" })
    #expect(comparison["parameter"] as? String == "cost")
    #expect(comparison["values"] as? [String] == ["quadratic", "cross-entropy"])
  }

  @Test("the kept network is the current one: evaluate, expect and a later sgd see it")
  func keptNetworkGoesOn() throws {
    let all = cells([
      "net 784-20-10,784-40-10 cost=cross-entropy",
      "sgd lr=0.5 epochs=1",
      "evaluate on=validation\nexpect net.sizes == 784-40-10\nexpect lr == 0.5",
      "sgd lr=0.5 epochs=1",
    ])
    #expect(all[1...2].allSatisfy { $0.status == .ok })
    let compared = try comparison(all[2])
    let kept = try #require(compared.runs[compared.chosen].finalEpoch)
    guard let evaluation = all[3].results.first?.as(EvaluationResult.self) else {
      Issue.record("no evaluation: \(all[3].diagnostics)")
      return
    }
    // The evaluation measures the kept run's weights.
    #expect(
      Double(evaluation.correct) / Double(evaluation.total)
        == kept.validationAccuracy)
    // net.sizes is the kept network's: the check passes only for it.
    let checks = all[3].results.compactMap { $0.as(CheckOutcome.self) }
    #expect(checks.map(\.passed) == [compared.chosen == 1, true])
    // A later sgd numbers on from the kept network's epoch.
    #expect(try training(all[4]).history.first?.epoch == 2)
  }

  @Test("a comparison of candidates gives the same bits with one core or two")
  func deterministic() throws {
    let blocks = ["net 784-30-10 init=normal,scaled", "sgd lr=1 epochs=2"]
    func digests() throws -> [String?] {
      try comparison(cells(blocks).last).runs.map(\.parametersSHA256)
    }
    let first = try digests()
    #expect(first.count == 2 && first[0] != first[1])
    #expect(try digests() == first)
  }

  @Test("the cache replays a comparison of candidates, and a later edit trains the restored candidates to the same bits")
  func cached() throws {
    let cache = CacheRunTests()
    func source(epochs: Int) -> String {
      "---\nseed: 3\n---\n```lab\n\(Self.load)\n"
        + "net 784-30-10 init=normal,scaled\n```\n\n"
        + "```lab\nsgd lr=0.5 epochs=\(epochs)\n```\n\n```lab\nevaluate\n```\n"
    }
    let folder = try cache.temporaryFolder()
    let first = cache.run(source(epochs: 1), in: folder)
    #expect(first.statuses == [.ok, .ok, .ok])
    let second = cache.run(source(epochs: 1), in: folder)
    #expect(second.cached == [true, true, true])
    #expect(second.cells.map(\.results) == first.cells.map(\.results))

    // Editing the sgd replays the net cell, whose candidates come back
    // from its entry: the same bits as a run without the cache.
    let edited = cache.run(source(epochs: 2), in: folder)
    #expect(edited.cached == [true, false, false])
    #expect(edited.statistics?.networkRestores == 1)
    let fresh = cache.run(
      source(epochs: 2), in: try cache.temporaryFolder(), mode: .off)
    #expect(edited.results == fresh.results)
    #expect(try comparison(edited.cells[1]).runs.count == 2)
  }

  // MARK: - Mistakes, each located

  /// The first diagnostic of the cell `index` (0: the load) of `blocks`.
  func error(_ blocks: [String], cell index: Int) throws -> Diagnostic {
    let cell = try #require(cells(blocks).dropFirst(index).first)
    #expect(cell.status == .error)
    return try #require(cell.diagnostics.first)
  }

  // Lines: front matter 1–3, the load's cell 4–6, a blank line, then
  // the first block's fence at 8 and its first line at 9.

  @Test(
    "between the net and its sgd, what needs one network says to train first",
    arguments: ["evaluate", "playground", "show weights", "save a.lrnet"])
  func needsTraining(line: String) throws {
    let d = try error(
      ["net 784-30-10 cost=quadratic,cross-entropy\n" + line], cell: 1)
    #expect(d.location?.line == 10)
    #expect(d.location?.column == 1)
    #expect(d.message.contains(
      "needs one network, but 'net' declared 2 candidates"
        + " (cost=quadratic,cross-entropy) that no 'sgd' has trained yet"))
    #expect(d.suggestion?.contains("an 'sgd' line trains each candidate") == true)
  }

  @Test("a list on net and one on its sgd: an error at the sgd's list naming both")
  func oneListAtATime() throws {
    let d = try error(
      ["net 784-30-10 cost=quadratic,cross-entropy", "sgd epochs=1 lr=0.5,3"],
      cell: 2)
    #expect(d.location?.line == 13)
    #expect(d.location?.column == 17)
    #expect(d.message.contains("already a comparison of cost=quadratic,cross-entropy"))
    #expect(d.message.contains("cannot also compare lr="))
    #expect(d.suggestion?.contains("compare lr in a later 'sgd'") == true)
  }

  @Test("repeat= on candidates is an error at the repeat")
  func repeatOnCandidates() throws {
    let d = try error(
      ["net 784-30-10,784-100-10", "sgd epochs=1 repeat=3"], cell: 2)
    #expect(d.location?.line == 13)
    #expect(d.location?.column == 21)
    #expect(d.message.contains("the architectures 784-30-10, 784-100-10"))
    #expect(d.message.contains("cannot also repeat each"))
  }

  @Test("two lists on one net: an error at the second naming the first")
  func twoListsOnNet() throws {
    let d = try error(
      ["net 784-30-10,784-100-10 cost=quadratic,cross-entropy"], cell: 1)
    #expect(d.location?.line == 9)
    #expect(d.location?.column == 31)
    #expect(d.message.contains(
      "only one parameter of 'net' may hold a list, and the architecture"
        + " already does (line 9, column 5)"))
  }

  @Test("a misspelt value in a list is located at its item with a suggestion")
  func misspeltItem() throws {
    let d = try error(["net 784-30-10 cost=quadratic,cross-entrpy"], cell: 1)
    #expect(d.location?.line == 9)
    #expect(d.location?.column == 30)
    #expect(d.suggestion == "did you mean 'cross-entropy'?")
    let shape = try error(["net 784-30-10, 784-3x-10"], cell: 1)
    #expect(shape.location?.line == 9)
    #expect((16...20).contains(shape.location?.column ?? 0))
  }

  @Test("a candidate that does not fit the data is an error at the architecture")
  func candidateDoesNotFit() throws {
    let d = try error(["net 784-30-10,784-30-9"], cell: 1)
    #expect(d.location?.line == 9)
    #expect(d.location?.column == 5)
    #expect(d.message.contains("the output layer has 9 units"))
  }
}
