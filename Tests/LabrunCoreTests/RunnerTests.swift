import Datasets
import Foundation
import Notebook
import Report
import HTMLText
import Testing

@testable import LabrunCore

/// The runner's bookkeeping: which cells run, which are skipped and why.
@Suite("Runner")
struct RunnerTests {
  /// A runner that prints nothing and finds the repository's data. It
  /// leaves the cache alone: a cell replayed from `output/.labrun-cache`
  /// would hide what the runner's code computes now.
  let runner = NotebookRunner(
    options: RunOptions(
      dataDirectory: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data").path,
      cache: CacheSettings(mode: .off)),
    console: Console(style: .quiet, write: { _, _ in }))

  func cells(_ source: String) -> [CellReport] {
    runner.execute(Notebook.parse(source: source, path: "t.md")).cells
  }

  func statuses(_ source: String) -> [CellReport.Status] {
    cells(source).map(\.status)
  }

  /// What the first cell of `source` compared, when it ends in a comparison.
  func comparisonResult(of source: String) throws -> Report.ComparisonResult? {
    let cell = try #require(cells(source).first)
    guard let comparison = cell.results.last?.as(ComparisonResult.self) else {
      return nil
    }
    return comparison
  }

  /// The one cell of `source`, which must have failed with a diagnostic.
  func failure(_ source: String) throws -> Diagnostic {
    let cell = try #require(cells(source).first)
    #expect(cell.status == .error)
    return try #require(cell.diagnostics.first)
  }

  @Test("a broken front matter runs no cell: no silent fallback to seed 1")
  func brokenFrontMatterRunsNothing() throws {
    let notebook = Notebook.parse(
      source: """
        ---
        title: Lecture 20: MNIST
        seed: 20
        ---
        ```lab
        seed 3
        ```
        """, path: "t.md")
    let document = runner.execute(notebook)
    let cell = try #require(document.cells.first)
    #expect(cell.status == .skipped)
    #expect(
      cell.skipReason
        == "the front matter has an error (line 2); no cell runs until it is"
        + " fixed, since the seed it sets changes every result")
    #expect(document.failed)
    #expect(document.notices.first?.location?.line == 2)
  }

  @Test("the header's front matter and the contents reach the report")
  func headerReachesReport() {
    let document = runner.execute(
      Notebook.parse(
        source: """
          ---
          subtitle: Sub
          author: [A, B]
          date: today
          toc: true
          ---
          # Title
          ## One
          ### One.a
          """, path: "t.md"))
    #expect(document.subtitle == "Sub")
    #expect(document.authors == ["A", "B"])
    #expect(document.documentDate == "today")
    // The page's title is not listed in its own contents.
    #expect(
      document.contents == [
        SectionHeading(level: 2, id: "one", text: "One"),
        SectionHeading(level: 3, id: "onea", text: "One.a"),
      ])
  }

  @Test("a cell with a typo'd verb taints what it might have made")
  func unknownVerbTaintsEverything() {
    let source = """
      ```lab
      lod mnist
      ```

      ```lab
      sgd lr=3
      ```

      ```lab
      seed 3
      ```
      """
    #expect(statuses(source) == [.error, .skipped, .ok])
  }

  @Test("sgd with no network is an error that says what to add")
  func sgdWithoutNetwork() throws {
    let source = """
      ```lab
      load mnist train=100 validation=10 test=10
      sgd epochs=1
      ```
      """
    let diagnostic = try failure(source)
    #expect(diagnostic.location?.line == 3)
    #expect(diagnostic.location?.column == 1)
    #expect(diagnostic.message.contains("needs a network"))
    #expect(diagnostic.suggestion?.contains("net 784-30-10") == true)
  }

  @Test("a net whose input does not fit the images points at the sizes")
  func inputSizeMismatch() throws {
    let source = """
      ```lab
      load mnist train=100 validation=10 test=10
      net 700-30-10
      ```
      """
    let diagnostic = try failure(source)
    #expect(diagnostic.location?.line == 3)
    #expect(diagnostic.location?.column == 5)
    #expect(diagnostic.message.contains("784"))
  }

  @Test("asking for more images than the file holds is located")
  func tooManyImages() throws {
    let source = """
      ```lab
      load mnist train=55000 validation=10000
      ```
      """
    let diagnostic = try failure(source)
    #expect(diagnostic.location?.line == 2)
    #expect(diagnostic.location?.column == 18)
    #expect(diagnostic.message.contains("60000"))
  }

  @Test(
    "validation images follow the training ones; test images come first",
    arguments: [("validation", 100), ("test", 0)])
  func splitsAreTheFilesImages(split: String, firstImage: Int) throws {
    let source = """
      ```lab
      load mnist train=100 validation=40 test=40
      net 784-30-10
      evaluate on=\(split)
      ```
      """
    let cell = try #require(cells(source).first)
    guard let evaluation = cell.results.last?.as(EvaluationResult.self) else {
      Issue.record("no evaluation in \(cell.results)")
      return
    }
    // The oracle: the files as the data loader reads them, cut by hand.
    let loaded = try DataLoader.locateAndLoad(
      .mnist, explicit: runner.options.dataDirectory)
    let file = split == "validation" ? loaded.training : loaded.test
    let labels = file.labels[firstImage..<firstImage + 40]
    #expect(evaluation.total == 40)
    for digit in 0..<10 {
      #expect(
        evaluation.confusion[digit].reduce(0, +)
          == labels.filter { $0 == digit }.count, "digit \(digit)")
    }
    // An untrained network gets most of them wrong: many images to check.
    #expect(evaluation.misclassified.count >= 10)
    for image in evaluation.misclassified {
      let index = firstImage + image.index
      #expect(image.pixels == Array(file.image(index)))
      #expect(image.label == String(file.labels[index]))
    }
  }

  @Test("a comparison keeps the run with the best validation accuracy")
  func bestRun() {
    func run(_ accuracy: Double?, diverged: Int? = nil) -> TrainingResult {
      TrainingResult(
        learningRate: 1, batchSize: 10, epochs: 1, l2: 0, momentum: 0,
        trainingImages: 10,
        history: [
          EpochResult(
            epoch: 1, trainingCost: 0.1, validationAccuracy: accuracy,
            testAccuracy: nil, seconds: 0)
        ], divergedAtEpoch: diverged)
    }
    #expect(SGD.bestRun([run(0.5), run(0.9), run(0.9)]) == 1)
    #expect(SGD.bestRun([run(0.5), run(0.99, diverged: 1)]) == 0)
  }

  @Test("results carry the settings as written, not their Float roundings")
  func settingsAsWritten() throws {
    let source = """
      ```lab
      load mnist train=100 validation=0 test=100
      net 784-10-10
      sgd lr=0.1,0.3 batch=10 epochs=1 l2=0.1 momentum=0.9
      ```
      """
    let comparison = try #require(try comparisonResult(of: source))
    #expect(comparison.runs.map(\.learningRate) == [0.1, 0.3])
    #expect(comparison.runs.map(\.l2) == [0.1, 0.1])
    #expect(comparison.runs.map(\.momentum) == [0.9, 0.9])
  }

  @Test("comparisons run on both cores give the same numbers as one run")
  func comparisonIsDeterministic() throws {
    let source = """
      ```lab
      load mnist train=500 validation=100 test=100
      net 784-30-10
      sgd lr=1,3 batch=10 epochs=2
      ```
      """
    func histories() throws -> [[EpochResult]] {
      try #require(try comparisonResult(of: source)).runs.map { run in
        run.history.map { var epoch = $0; epoch.seconds = 0; return epoch }
      }
    }
    let first = try histories()
    #expect(first.count == 2)
    #expect(try histories() == first)
  }
}
