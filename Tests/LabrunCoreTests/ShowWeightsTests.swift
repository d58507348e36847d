import Foundation
import Notebook
import Report
import Testing

@testable import LabrunCore

/// `show weights`: each neuron's incoming weights as an image, on one
/// symmetric scale, for any network (trained or not).
@Suite("show weights")
struct ShowWeightsTests {
  static let data = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

  func cells(_ source: String) -> [CellReport] {
    let runner = NotebookRunner(
      options: RunOptions(
        dataDirectory: Self.data, cache: CacheSettings(mode: .off)),
      console: Console(style: .quiet, write: { _, _ in }))
    return runner.execute(Notebook.parse(source: source, path: "t.md")).cells
  }

  func weights(_ cell: CellReport?) -> [WeightsResult] {
    (cell?.results ?? []).compactMap {
      if case .weights(let weights) = $0 { return weights }
      return nil
    }
  }

  static let notebook = """
    ```lab
    load mnist train=200 validation=0 test=20
    net 784-12-10
    show weights count=5
    sgd lr=3 epochs=1
    show weights
    show weights layer=2
    ```
    """

  @Test("the first layer's neurons as 28×28 images on one symmetric scale")
  func firstLayer() throws {
    let cell = try #require(cells(Self.notebook).first)
    #expect(cell.status == .ok)
    let shown = weights(cell)
    #expect(shown.count == 3)
    let untrained = shown[0]
    #expect(untrained.layer == 1 && untrained.count == 5)
    #expect(untrained.rows == 28 && untrained.columns == 28)
    #expect(untrained.weights.count == 5)
    #expect(untrained.weights.allSatisfy { $0.count == 784 })
    // The scale is the largest magnitude drawn, so ±scale spans them all.
    let largest = untrained.weights.joined().map { Double(abs($0)) }.max()
    #expect(untrained.scale == largest)
    // Only 12 hidden neurons: count=30 draws those 12.
    let trained = shown[1]
    #expect(trained.count == 12 && trained.weights.count == 12)
    // Training moved the weights: the first five are not the same images.
    #expect(Array(trained.weights.prefix(5)) != untrained.weights)
    // The second layer's inputs are 12 neurons, not an image: a strip.
    let second = shown[2]
    #expect(second.layer == 2 && second.count == 10)
    #expect(second.rows == 1 && second.columns == 12)
  }

  @Test("a layer the network lacks is an error at the value; no network says what to add")
  func errors() throws {
    let all = cells(
      """
      ```lab
      show weights
      ```

      ```lab
      net 784-30-10
      show weights layer=3
      ```
      """)
    #expect(all.map(\.status) == [.error, .error])
    let none = try #require(all[0].diagnostics.first)
    #expect(none.line == 2 && none.column == 1)
    #expect(none.suggestion?.contains("net 784-30-10") == true)
    let layer = try #require(all[1].diagnostics.first)
    #expect(layer.line == 7 && layer.column == 20)
    #expect(layer.message.contains("no layer 3"))
    #expect(layer.suggestion == "use layer=1 to layer=2")
  }

  @Test("the page draws it without a script, the JSON gives layer, count and scale")
  func reports() throws {
    // The trained first layer: 12 neurons.
    let result = try #require(weights(cells(Self.notebook).first).dropFirst().first)
    let cell = CellReport(
      number: 1, line: 1, sourceLines: ["show weights"], firstSourceLine: 2,
      directives: [], status: .ok, seconds: 0, results: [.weights(result)])
    let document = ReportDocument(
      title: "w", notebookPath: "w.md", items: [.cell(cell)], notices: [],
      footer: ReportFooter(
        seed: 1, labrunVersion: "t", dataFiles: [], totalSeconds: 0, date: "",
        overrides: []))
    let html = HTMLReport.render(document)
    #expect(html.contains("Weights of layer 1"))
    #expect(html.components(separatedBy: "<svg class=\"weights\"").count == 13)
    #expect(!html.contains("<script"))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(JSONReport.render(document).utf8))
        as? [String: Any])
    let cells = try #require(json["cells"] as? [[String: Any]])
    let shown = try #require((cells.first?["results"] as? [[String: Any]])?.first)
    #expect(shown["kind"] as? String == "weights")
    #expect(shown["layer"] as? Int == 1)
    #expect(shown["count"] as? Int == 12)
    #expect(shown["scale"] as? Double == result.scale)
  }

  @Test("a cached weights result reads back exactly")
  func cached() throws {
    let result = WeightsResult(
      layer: 1, count: 2, rows: 1, columns: 3, scale: 2.5,
      weights: [[1, -2.5, 0], [.leastNonzeroMagnitude, -0.0, 2]])
    let entry = CacheEntry(
      key: String(repeating: "cd", count: 32), seconds: 1,
      results: [.weights(result)], diagnostics: [], data: nil,
      generator: nil, network: nil)
    let decoded = try CacheEntry.decode(entry.encoded(), expectedKey: entry.key)
    #expect(decoded.results == [.weights(result)])
  }
}
