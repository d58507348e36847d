// `show maps`: one image on its way through a convolutional network — the
// image itself, then the maps of each convolutional and max-pooling layer,
// each map a small image in the diverging colour map of `show weights`
// (red positive, blue negative, white zero) on one scale per layer. Inline
// SVG, no script.

import NumberFormat

/// What `show maps` found: one test image and the activations of each
/// convolutional and pooling layer for it.
public struct MapsResult: Sendable, Equatable, Codable {
  /// The image, with its index in the test split and its true class.
  public var image: DigitImage
  /// The class the network gives it.
  public var predicted: String
  /// Each convolutional and pooling layer's maps, first layer first.
  public var layers: [FeatureMaps]

  public init(image: DigitImage, predicted: String, layers: [FeatureMaps]) {
    self.image = image
    self.predicted = predicted
    self.layers = layers
  }
}

/// The maps one layer made of the image.
public struct FeatureMaps: Sendable, Equatable, Codable {
  /// The layer (from 1), and its notation (`conv5x5x20`, `pool2`).
  public var layer: Int
  public var notation: String
  /// Each map's size.
  public var rows: Int
  public var columns: Int
  /// The colour scale's end: the largest |activation| in the layer.
  public var scale: Double
  /// The maps drawn (the first of the layer's), each (rows, columns)
  /// row-major: the layer's activations.
  public var maps: [[Float]]
  /// How many maps the layer has (more than drawn for a wide layer).
  public var total: Int

  public init(
    layer: Int, notation: String, rows: Int, columns: Int, scale: Double,
    maps: [[Float]], total: Int? = nil
  ) {
    self.layer = layer
    self.notation = notation
    self.rows = rows
    self.columns = columns
    self.scale = scale
    self.maps = maps
    self.total = total ?? maps.count
  }
}

extension MapsResult: ResultContent {
  public static let kind = "maps"
  public func write(to html: inout HTMLWriter) {
    MapsSection.write(self, to: &html)
  }
  public var json: JSONValue { MapsSection.json(self) }
}

enum MapsSection {
  static func write(_ result: MapsResult, to html: inout HTMLWriter) {
    html.open("div", ["class": "result maps"])
    html.element(
      "h3",
      text: "Feature maps of test image \(result.image.index)"
        + " (\(result.image.label))")
    html.element(
      "p", ["class": "facts"],
      text: "The image, then what each convolutional and pooling layer"
        + " makes of it: one small image per map, its activations in red"
        + " (positive) and blue (negative) on white, on one scale per"
        + " layer. The network reads it as \(result.predicted).")
    html.open("div", ["class": "digit-grid maps-input"])
    html.open("figure", ["class": "digit-card"])
    DigitGlyph.write(result.image, to: &html)
    html.element(
      "figcaption", ["class": "digit-label"],
      text: "input, \(result.image.rows)\u{A0}×\u{A0}\(result.image.columns)")
    html.close()
    html.close()
    for layer in result.layers {
      html.element(
        "h4",
        text: "Layer \(layer.layer), \(layer.notation): "
          + (layer.total > layer.maps.count
            ? "the first \(layer.maps.count) of \(layer.total)" : "\(layer.total)")
          + " maps of \(layer.rows)\u{A0}×\u{A0}\(layer.columns), scale"
          + " ±\(Format.fixed(layer.scale, 3))")
      html.open("div", ["class": "digit-grid weight-grid"])
      for (index, map) in layer.maps.enumerated() {
        html.open("figure", ["class": "digit-card"])
        WeightsSection.glyph(
          map, rows: layer.rows, columns: layer.columns, scale: layer.scale,
          to: &html)
        html.element(
          "figcaption", ["class": "digit-label"], text: "map \(index + 1)")
        html.close()
      }
      html.close()
    }
    html.close()
  }

  /// The JSON result: the image, the prediction, and each layer's shape
  /// and scale (the activations themselves are left out, as pixels are).
  static func json(_ result: MapsResult) -> JSONValue {
    .object([
      "kind": .string("maps"),
      "image": .int(result.image.index),
      "label": .string(result.image.label),
      "predicted": .string(result.predicted),
      "layers": .array(
        result.layers.map {
          .object([
            "layer": .int($0.layer), "notation": .string($0.notation),
            "maps": .int($0.total), "shown": .int($0.maps.count),
            "rows": .int($0.rows),
            "columns": .int($0.columns), "scale": .number($0.scale),
          ])
        }),
    ])
  }
}
