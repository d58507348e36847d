import Foundation
import Notebook
import Report
import Testing

@testable import LabrunCore

/// `playground` in the runner: it needs a network (trained or not), embeds exactly
/// that network, and answers the browser tests' probe.
@Suite("Playground cell")
struct PlaygroundRunnerTests {
  static let data = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

  func cells(_ source: String, environment: [String: String] = [:])
    -> [CellReport]
  {
    let runner = NotebookRunner(
      options: RunOptions(
        dataDirectory: Self.data, environment: environment,
        cache: CacheSettings(mode: .off)),
      console: Console(style: .quiet, write: { _, _ in }))
    return runner.execute(Notebook.parse(source: source, path: "t.md")).cells
  }

  static let trained = """
    ```lab
    load mnist train=200 validation=0 test=0
    net 784-12-10 hidden=tanh output=softmax
    sgd lr=0.5 epochs=1
    ```

    ```lab
    playground
    ```
    """

  static let fashion = "/usr/share/datasets"
  static let hasFashion = FileManager.default.fileExists(
    atPath: fashion + "/fashion-mnist/t10k-labels-idx1-ubyte.gz")

  @Test("after load mnist the page asks for a digit, prepared as MNIST's")
  func mnistDrawing() throws {
    guard
      let playground = cells(Self.trained).last?.results.last?
        .as(PlaygroundResult.self)
    else {
      Issue.record("no playground result")
      return
    }
    #expect(playground.subject == "a digit")
    #expect(playground.preparation == .digitBoxCentreOfMass)
  }

  @Test(
    "after load fashion-mnist it asks for clothing, prepared as Fashion-MNIST's",
    .enabled(if: hasFashion, "needs Debian's dataset-fashion-mnist"))
  func fashionDrawing() throws {
    let runner = NotebookRunner(
      options: RunOptions(
        dataDirectory: Self.fashion, cache: CacheSettings(mode: .off)),
      console: Console(style: .quiet, write: { _, _ in }))
    let source = """
      ```lab
      load fashion-mnist train=100 validation=0 test=0
      net 784-10-10
      playground
      ```
      """
    let cell = try #require(
      runner.execute(Notebook.parse(source: source, path: "t.md")).cells
        .first)
    guard let playground = cell.results.last?.as(PlaygroundResult.self) else {
      Issue.record("no playground result: \(cell.diagnostics)")
      return
    }
    #expect(playground.subject == "a piece of clothing")
    #expect(playground.preparation == .fillFrameCentred)
    #expect(playground.classNames.last == "Ankle boot")
  }

  @Test("with no network it is an error that says what to add")
  func noNetwork() throws {
    let cell = try #require(cells("```lab\nplayground\n```\n").first)
    #expect(cell.status == .error)
    let diagnostic = try #require(cell.diagnostics.first)
    #expect(diagnostic.location?.line == 2 && diagnostic.location?.column == 1)
    #expect(diagnostic.message.contains("needs a trained network"))
    #expect(diagnostic.suggestion?.contains("net 784-30-10") == true)
    #expect(diagnostic.suggestion?.contains("sgd") == true)
  }

  @Test("an untrained network is shown as it is: random weights guess")
  func untrained() throws {
    let all = cells(
      """
      ```lab
      load mnist train=100 validation=0 test=50
      net 784-10-10
      playground
      ```

      ```lab
      evaluate
      ```
      """)
    #expect(all.map(\.status) == [.ok, .ok])
    #expect(all.first?.diagnostics.filter { $0.severity == .error } == [])
    guard let playground = all.first?.results.last?.as(PlaygroundResult.self) else {
      Issue.record("no playground result")
      return
    }
    #expect(playground.sizes == [784, 10, 10])
    guard let evaluation = all.last?.results.first?.as(EvaluationResult.self) else {
      Issue.record("no evaluation of the untrained network")
      return
    }
    #expect(evaluation.total == 50)
  }

  @Test("after training it embeds that network, layer by layer")
  func embeds() throws {
    let all = cells(Self.trained)
    #expect(all.map(\.status) == [.ok, .ok])
    guard let playground = all.last?.results.first?.as(PlaygroundResult.self) else {
      Issue.record("no playground result")
      return
    }
    #expect(playground.sizes == [784, 12, 10])
    #expect(playground.hidden == "tanh" && playground.output == "softmax")
    #expect(playground.rows == 28 && playground.columns == 28)
    #expect(playground.classNames == (0..<10).map(String.init))
    #expect(playground.parameters.count == 784 * 12 + 12 + 12 * 10 + 10)
    #expect(playground.parameters.allSatisfy { $0.isFinite })
  }

  @Test("the probe: the engine's outputs for given images, per playground")
  func probe() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("probe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let probe = folder.appendingPathComponent("in.u8").path
    // A blank image and a vertical bar.
    var bytes = [UInt8](repeating: 0, count: 2 * 784)
    for row in 4..<24 { bytes[784 + row * 28 + 14] = 255 }
    try Data(bytes).write(to: URL(fileURLWithPath: probe))

    let all = cells(
      Self.trained, environment: ["LABRUN_PLAYGROUND_PROBE": probe])
    #expect(all.allSatisfy { $0.diagnostics.isEmpty })
    let answer = try #require(
      FileManager.default.contents(atPath: probe + ".line8.json"))
    let object = try #require(
      try JSONSerialization.jsonObject(with: answer) as? [String: Any])
    let outputs = try #require(object["outputs"] as? [[Double]])
    let predictions = try #require(object["predictions"] as? [Int])
    #expect(outputs.count == 2 && predictions.count == 2)
    for (output, predicted) in zip(outputs, predictions) {
      #expect(output.count == 10)
      // Softmax: a distribution, and the prediction is its largest entry.
      #expect(abs(output.reduce(0, +) - 1) < 1e-5)
      #expect(output[predicted] == output.max())
    }

    // A file that is not whole images is a warning, not a failure.
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: probe))
    let warned = cells(
      Self.trained, environment: ["LABRUN_PLAYGROUND_PROBE": probe])
    #expect(warned.map(\.status) == [.ok, .ok])
    #expect(
      warned.last?.diagnostics.first?.message.contains("784-byte images")
        == true)
  }

  @Test("a convolutional network is embedded with its layers, parameters in the engine's order")
  func convolutional() throws {
    let all = cells(
      """
      ```lab
      load mnist train=200 validation=0 test=0
      net 28x28 conv5x5x3 pool2 20 dropout0.5 10 hidden=relu output=softmax
      sgd lr=0.1 epochs=1
      playground
      ```

      ```lab
      net 28x28x1 conv5x5x3 10
      playground
      ```
      """)
    #expect(all.map(\.status) == [.ok, .ok], "\(all.map(\.diagnostics))")
    guard let playground = all.first?.results.last?.as(PlaygroundResult.self) else {
      Issue.record("no playground result")
      return
    }
    #expect(
      playground.layers == [
        .convolution(size: 5, maps: 3), .maxPool(size: 2), .dense(units: 20),
        .dense(units: 10),
      ])
    #expect(playground.sizes == [784, 3 * 24 * 24, 3 * 12 * 12, 20, 10])
    #expect(playground.notation == "28x28 conv5x5x3 pool2 20 10")
    #expect(playground.parameters.count == 3 * 26 + 433 * 20 + 21 * 10)
  }
}
