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
      if let weights = $0.as(WeightsResult.self) { return weights }
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
    #expect(none.location?.line == 2 && none.location?.column == 1)
    #expect(none.suggestion?.contains("net 784-30-10") == true)
    let layer = try #require(all[1].diagnostics.first)
    #expect(layer.location?.line == 7 && layer.location?.column == 20)
    #expect(layer.message.contains("no layer 3"))
    #expect(layer.suggestion == "use layer=1 to layer=2")
  }

  @Test("the page draws it without a script, the JSON gives layer, count and scale")
  func reports() throws {
    // The trained first layer: 12 neurons.
    let result = try #require(weights(cells(Self.notebook).first).dropFirst().first)
    let cell = CellReport(
      number: 1, line: 1, sourceLines: ["show weights"], firstSourceLine: 2,
      directives: [], status: .ok, seconds: 0, results: [CellResult(result)])
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
      results: [CellResult(result)], diagnostics: [], data: nil,
      generator: nil, network: nil)
    let decoded = try CacheEntry.decode(entry.encoded(), expectedKey: entry.key)
    #expect(decoded.results == [CellResult(result)])
  }
}

/// `show filters` and `show weights` on a convolutional network: the
/// filters as small images.
@Suite("show filters")
struct ShowFiltersTests {
  let runner = ShowWeightsTests()

  @Test("the first convolution's filters as 5×5 images; show weights of a convolution gives the same")
  func filters() throws {
    let cell = try #require(
      runner.cells(
        """
        ```lab
        load mnist train=200 validation=0 test=20
        net 28x28 conv5x5x6 pool2 conv3x3x4 10
        show filters count=4
        show weights
        show weights layer=3
        show weights layer=4 count=2
        ```
        """
      ).first)
    #expect(cell.status == .ok, "\(cell.diagnostics)")
    let shown = runner.weights(cell)
    #expect(shown.count == 4)
    let filters = shown[0]
    #expect(filters.isFilters && filters.channels == 1)
    #expect(filters.notation == "conv5x5x6" && filters.layer == 1)
    #expect(filters.count == 4 && filters.rows == 5 && filters.columns == 5)
    #expect(filters.weights.allSatisfy { $0.count == 25 })
    // `show weights` of a conv layer is its filters: the same images.
    #expect(shown[1].weights.prefix(4).elementsEqual(filters.weights))
    #expect(shown[1].count == 6)
    let scale = filters.weights.joined().map { Double(abs($0)) }.max()
    #expect(filters.scale == scale)
    // The second convolution's filters span the 6 pooled maps.
    let second = shown[2]
    #expect(second.channels == 6 && second.rows == 3 && second.count == 4)
    #expect(second.weights.allSatisfy { $0.count == 6 * 9 })
    // The dense layer after it reads 4 maps of 10×10: neurons, drawn as
    // one square per map.
    let dense = shown[3]
    #expect(!dense.isFilters && dense.channels == 4)
    #expect(dense.rows == 10 && dense.columns == 10 && dense.count == 2)
    #expect(dense.weights.allSatisfy { $0.count == 400 })
  }

  @Test("no convolution, a pool's weights, a key of another view: located errors")
  func errors() throws {
    let all = runner.cells(
      """
      ```lab
      load mnist train=100 validation=0 test=10
      net 784-30-10
      show filters
      ```

      ```lab
      net 28x28 conv5x5x6 pool2 10
      show weights layer=2
      ```

      ```lab
      show filters image=3
      ```
      """)
    #expect(all.map(\.status) == [.error, .error, .error])
    let none = try #require(all[0].diagnostics.first)
    #expect(none.location?.line == 4 && none.location?.column == 6)
    #expect(none.message.contains("no convolutional layer"))
    #expect(none.suggestion?.contains("show weights") == true)
    let pool = try #require(all[1].diagnostics.first)
    #expect(pool.location?.line == 9 && pool.location?.column == 20)
    #expect(pool.message.contains("'pool2', which has no weights"))
    #expect(pool.suggestion == "use a layer with weights: layer=1 (conv5x5x6), layer=3 (10)")
    let key = try #require(all[2].diagnostics.first)
    #expect(key.location?.line == 13 && key.location?.column == 20)
    #expect(key.message.contains("'image=' belongs to 'show maps'"))
  }

  @Test("the page draws filters with their captions; the JSON says filters")
  func reports() throws {
    let result = WeightsResult(
      layer: 1, count: 2, rows: 2, columns: 2, scale: 1,
      weights: [[1, -1, 0, 0.5], [0, 0, 0, -1]], channels: 1,
      notation: "conv2x2x2")
    let wide = WeightsResult(
      layer: 3, count: 1, rows: 2, columns: 2, scale: 1,
      weights: [[1, -1, 0, 0.5, 1, 1, 1, 1]], channels: 2,
      notation: "conv2x2x1")
    let (html, json) = render([CellResult(result), CellResult(wide)])
    #expect(html.contains("Filters of layer 1 (conv2x2x2): 2 of 2"))
    #expect(html.contains(">filter 2<"))
    // Two channels side by side with a white column between: 5 wide.
    #expect(html.contains("viewBox=\"0 0 5 2\""))
    #expect(json.first?["kind"] as? String == "filters")
    #expect(json.first?["channels"] as? Int == 1)
    #expect(json.last?["notation"] as? String == "conv2x2x1")
  }

  /// The page and the JSON results of one cell holding `results`.
  func render(_ results: [CellResult]) -> (String, [[String: Any]]) {
    let cell = CellReport(
      number: 1, line: 1, sourceLines: ["show filters"], firstSourceLine: 2,
      directives: [], status: .ok, seconds: 0, results: results)
    let document = ReportDocument(
      title: "w", notebookPath: "w.md", items: [.cell(cell)], notices: [],
      footer: ReportFooter(
        seed: 1, labrunVersion: "t", dataFiles: [], totalSeconds: 0, date: "",
        overrides: []))
    let json = try? JSONSerialization.jsonObject(
      with: Data(JSONReport.render(document).utf8)) as? [String: Any]
    let cells = json?["cells"] as? [[String: Any]]
    return (
      HTMLReport.render(document),
      cells?.first?["results"] as? [[String: Any]] ?? []
    )
  }
}
