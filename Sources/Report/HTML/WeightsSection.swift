// `show weights`: each neuron's incoming weights as a small image, in a
// diverging colour map — red for positive, blue for negative, white at
// zero — on one symmetric scale (±`scale`, the largest magnitude shown), so
// that images compare. Inline SVG: each colour level is one <path> of
// horizontal runs, as in DigitGlyph; no script, no request.

import NumberFormat

/// What `show weights` found: the incoming weights of the first `count`
/// neurons of `layer`, each `rows` × `columns`.
public struct WeightsResult: Sendable, Equatable, Codable {
  /// The layer (from 1: the first hidden layer).
  public var layer: Int
  /// The number of neurons drawn.
  public var count: Int
  /// The shape each neuron's weights are drawn in (28 × 28 for the first
  /// layer of an MNIST network; 1 × inputs otherwise).
  public var rows: Int
  public var columns: Int
  /// The colour scale's end: the largest |weight| drawn. White is 0, full
  /// red +scale, full blue −scale.
  public var scale: Double
  /// Each neuron's incoming weights, row-major.
  public var weights: [[Float]]

  public init(
    layer: Int, count: Int, rows: Int, columns: Int, scale: Double,
    weights: [[Float]]
  ) {
    self.layer = layer
    self.count = count
    self.rows = rows
    self.columns = columns
    self.scale = scale
    self.weights = weights
  }
}

enum WeightsSection {
  /// Colour levels on each side of zero.
  static let levels = 8
  static let positive = "#b2182b"
  static let negative = "#2166ac"

  static func write(_ result: WeightsResult, to html: inout HTMLWriter) {
    html.open("div", ["class": "result weights"])
    html.element(
      "h3",
      text: "Weights of layer \(result.layer): \(result.count) neurons")
    html.element(
      "p", ["class": "facts"],
      text: "Each image is one neuron's incoming weights; red is positive,"
        + " blue negative, white zero, on one scale for all:"
        + " ±\(Format.fixed(result.scale, 3)).")
    html.open("div", ["class": "digit-grid weight-grid"])
    for (index, weights) in result.weights.enumerated() {
      html.open("figure", ["class": "digit-card"])
      glyph(weights, rows: result.rows, columns: result.columns,
            scale: result.scale, to: &html)
      html.element(
        "figcaption", ["class": "digit-label"], text: "neuron \(index + 1)")
      html.close()
    }
    html.close()
    html.close()
  }

  /// One neuron's weights as an SVG of coloured runs on white.
  static func glyph(
    _ weights: [Float], rows: Int, columns: Int, scale: Double,
    to html: inout HTMLWriter
  ) {
    // Level −levels…levels of one weight; missing weights are zero.
    func level(_ row: Int, _ column: Int) -> Int {
      let index = row * columns + column
      guard index < weights.count, scale > 0, weights[index].isFinite else {
        return 0
      }
      let fraction = Double(weights[index]) / scale
      return Int((fraction * Double(levels)).rounded())
    }
    var paths = [String: String]()
    for row in 0..<rows {
      var column = 0
      while column < columns {
        let here = level(row, column)
        var end = column + 1
        while end < columns && level(row, end) == here { end += 1 }
        if here != 0 {
          paths[String(here), default: ""] +=
            "M\(column) \(row)h\(end - column)v1h-\(end - column)z"
        }
        column = end
      }
    }
    html.open(
      "svg",
      ["class": "weights", "viewBox": "0 0 \(columns) \(rows)",
       "shape-rendering": "crispEdges", "aria-hidden": "true",
       // Images at the digits' size; a 1-row strip as a wide band.
       "width": rows > 1 ? "56" : "112", "height": rows > 1 ? "56" : "8",
       "preserveAspectRatio": "none"])
    html.empty(
      "rect", ["width": "\(columns)", "height": "\(rows)", "fill": "#fff"])
    for value in (-levels...levels) where value != 0 {
      guard let path = paths[String(value)] else { continue }
      html.empty(
        "path",
        ["fill": value > 0 ? positive : negative,
         "fill-opacity": Format.fixed(Double(abs(value)) / Double(levels), 3),
         "d": path])
    }
    html.close()
  }

  /// The JSON result: the layer, the count, the shape and the scale (the
  /// weights themselves are left out, as pixels are).
  static func json(_ result: WeightsResult) -> JSONValue {
    .object([
      "kind": .string("weights"),
      "layer": .int(result.layer),
      "count": .int(result.count),
      "rows": .int(result.rows),
      "columns": .int(result.columns),
      "scale": .number(result.scale),
    ])
  }
}
