import Foundation
import NeuralNet
import Notebook
import Report
import Testing

@testable import LabrunCore

/// `show maps`: one test image through a convolutional network, each
/// convolutional and pooling layer's maps as the engine computes them.
@Suite("show maps")
struct ShowMapsTests {
  /// Runs `source` in a session and returns the cells and the session (its
  /// network and data, for the oracle).
  func run(_ source: String, overrides: [Override] = [])
    -> ([CellReport], LabSession)
  {
    let notebook = Notebook.parse(
      source: source, path: "maps.md", overrides: overrides)
    let session = LabSession(
      seed: 3,
      options: RunOptions(
        dataDirectory: ShowWeightsTests.data,
        cache: CacheSettings(mode: .off)),
      console: Console(style: .quiet, write: { _, _ in }),
      notebookPath: notebook.path)
    return (notebook.cells.map { session.run($0) }, session)
  }

  func maps(_ cell: CellReport?) -> [MapsResult] {
    (cell?.results ?? []).compactMap {
      if let maps = $0.as(MapsResult.self) { return maps }
      return nil
    }
  }

  @Test("the shown maps are the engine's activations for that test image")
  func values() throws {
    let (cells, session) = run(
      """
      ```lab
      load mnist train=300 validation=0 test=50
      net 28x28 conv5x5x4 pool2 conv3x3x3 30 10 hidden=relu output=softmax
      sgd lr=0.1 epochs=1
      show maps digit=9
      show maps image=1
      ```
      """)
    let cell = try #require(cells.first)
    #expect(cell.status == .ok, "\(cell.diagnostics)")
    let shown = maps(cell)
    #expect(shown.count == 2)
    // MNIST's test set begins 7 2 1 0 4 1 4 9: the first 9 is image 7.
    #expect(shown[0].image.index == 7 && shown[0].image.label == "9")
    #expect(shown[1].image.index == 1 && shown[1].image.label == "2")
    let network = try #require(session.network)
    let test = try #require(session.splits).test
    for result in shown {
      let input = test.image(result.image.index).map { Float($0) / 255 }
      #expect(result.image.pixels == Array(test.image(result.image.index)))
      let engine = network.layerActivations(input)
      // The conv, pool and conv layers (1, 2, 3), not the dense ones.
      #expect(result.layers.map(\.notation) == ["conv5x5x4", "pool2", "conv3x3x3"])
      #expect(result.layers.map(\.layer) == [1, 2, 3])
      #expect(result.layers.map(\.rows) == [24, 12, 10])
      #expect(result.layers.map { $0.maps.count } == [4, 4, 3])
      for layer in result.layers {
        #expect(Array(layer.maps.joined()) == engine[layer.layer - 1])
        let largest = layer.maps.joined().map { Double(abs($0)) }.max()
        #expect(layer.scale == largest)
      }
      // (layerActivations against a Double oracle: LayerActivationTests.)
      // The prediction is the engine's.
      let output = network.feedforward(input)
      let best = output.indices.max { output[$0] < output[$1] || (output[$0] == output[$1] && $0 > $1) }!
      #expect(result.predicted == String(best))
    }
  }

  @Test("no convolution, an image or class the test set lacks, both keys: located errors")
  func errors() throws {
    let (cells, _) = run(
      """
      ```lab
      load mnist train=100 validation=0 test=10
      net 784-30-10
      show maps
      ```

      ```lab
      net 28x28 conv5x5x2 pool2 10
      show maps image=10
      ```

      ```lab
      show maps digit=10
      ```

      ```lab
      show maps digit=7 image=1
      ```
      """)
    #expect(cells.map(\.status) == [.error, .error, .error, .error])
    let none = try #require(cells[0].diagnostics.first)
    #expect(none.location?.line == 4 && none.location?.column == 6)
    #expect(none.message.contains("no convolutional or pooling layer"))
    let image = try #require(cells[1].diagnostics.first)
    #expect(image.location?.line == 9 && image.location?.column == 17)
    #expect(image.message.contains("numbered 0 to 9, so there is no image 10"))
    #expect(image.suggestion == "use image=0 to image=9")
    let digit = try #require(cells[2].diagnostics.first)
    #expect(digit.location?.line == 13 && digit.location?.column == 17)
    #expect(digit.suggestion == "use digit=0 to digit=9")
    let both = try #require(cells[3].diagnostics.first)
    #expect(both.location?.line == 17 && both.message.contains("not both"))
  }

  @Test("--set show.count=2 reaches the filters, and the maps view lets it be")
  func override() throws {
    let count = try Override.parse("show.count=2").get()
    let (cells, _) = run(
      """
      ```lab
      load mnist train=100 validation=0 test=10
      net 28x28 conv5x5x3 pool2 10
      show filters
      show maps
      ```
      """, overrides: [count])
    let cell = try #require(cells.first)
    #expect(cell.status == .ok, "\(cell.diagnostics)")
    let filters = cell.results.compactMap {
      if let weights = $0.as(WeightsResult.self) { return weights }
      return nil
    }
    #expect(filters.first?.count == 2)
    #expect(maps(cell).count == 1)
  }

  @Test("the page draws the input and each layer's maps; the JSON gives their shapes")
  func reports() throws {
    let result = MapsResult(
      image: DigitImage(
        rows: 2, columns: 2, pixels: [0, 255, 128, 0], index: 4, label: "4"),
      predicted: "9",
      layers: [
        FeatureMaps(
          layer: 1, notation: "conv1x1x2", rows: 2, columns: 2, scale: 2,
          maps: [[0, 1, 2, 0], [-1, 0, 0, 0]])
      ])
    let (html, json) = ShowFiltersTests().render([CellResult(result)])
    #expect(html.contains("Feature maps of test image 4 (4)"))
    #expect(html.contains("reads it as 9"))
    #expect(html.contains("Layer 1, conv1x1x2: 2 maps of 2\u{A0}×\u{A0}2"))
    #expect(html.components(separatedBy: "<svg class=\"weights\"").count == 3)
    #expect(!html.contains("<script"))
    let shown = try #require(json.first)
    #expect(shown["kind"] as? String == "maps")
    #expect(shown["image"] as? Int == 4 && shown["predicted"] as? String == "9")
    let layers = try #require(shown["layers"] as? [[String: Any]])
    #expect(layers.first?["maps"] as? Int == 2)
    #expect(layers.first?["shown"] as? Int == 2)
    // A wide layer draws its first maps and says how many it has.
    var wide = result
    wide.layers[0].total = 100
    #expect(ShowFiltersTests().render([CellResult(wide)]).0.contains(
      "conv1x1x2: the first 2 of 100 maps"))
    #expect(layers.first?["notation"] as? String == "conv1x1x2")
  }
}
