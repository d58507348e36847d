// `show weights` and `show filters`: each neuron's incoming weights (or
// each convolutional filter) as a small image, in a
// diverging colour map — red for positive, blue for negative, white at
// zero — on one symmetric scale (±`scale`, the largest magnitude shown), so
// that images compare. Inline SVG: each colour level is one <path> of
// horizontal runs, as in DigitGlyph; no script, no request.

import NumberFormat

/// What `show weights` found: the incoming weights of the first `count`
/// neurons of `layer`, each `rows` × `columns`; or what `show filters`
/// found: the first `count` filters of a convolutional layer, each
/// `channels` × `rows` × `columns`.
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
  /// Each neuron's incoming weights, row-major; each filter's weights
  /// (channel, row, column).
  public var weights: [[Float]]
  /// The input maps each filter (or each neuron after a pool or
  /// convolution) reads, drawn side by side, (channel, row, column); nil
  /// for weights that read one image or a vector.
  public var channels: Int?
  /// The layer in the notebook's notation (`conv5x5x20`), for filters.
  public var notation: String?

  public init(
    layer: Int, count: Int, rows: Int, columns: Int, scale: Double,
    weights: [[Float]], channels: Int? = nil, notation: String? = nil,
    filters: Bool? = nil
  ) {
    self.layer = layer
    self.count = count
    self.rows = rows
    self.columns = columns
    self.scale = scale
    self.weights = weights
    self.channels = channels
    self.notation = notation
    self.isFilters = filters ?? (channels != nil)
  }

  /// Whether these are a convolution's filters (else neurons' weights).
  public var isFilters: Bool
}

extension WeightsResult: ResultContent {
  /// The cache's tag; the JSON's `kind` is `filters` for filters.
  public static let kind = "weights"
  public func write(to html: inout HTMLWriter) {
    WeightsSection.write(self, to: &html)
  }
  public var json: JSONValue { WeightsSection.json(self) }
}

enum WeightsSection {
  /// Colour levels on each side of zero.
  static let levels = 8
  static let positive = "#b2182b"
  static let negative = "#2166ac"

  static func write(_ result: WeightsResult, to html: inout HTMLWriter) {
    html.open("div", ["class": "result weights"])
    let channels = max(1, result.channels ?? 1)
    if result.isFilters {
      let layer = result.notation.map { " (\($0))" } ?? ""
      html.element(
        "h3",
        text: "Filters of layer \(result.layer)\(layer): \(result.count)"
          + " of \(result.rows)\u{A0}×\u{A0}\(result.columns)")
      html.element(
        "p", ["class": "facts"],
        text: "Each image is one filter: the weights it multiplies the"
          + " \(result.rows)\u{A0}×\u{A0}\(result.columns) patch under it by,"
          + (channels > 1 ? " one square per input map," : "")
          + " at every position of its input. Red is positive, blue"
          + " negative, white zero, on one scale for all:"
          + " ±\(Format.fixed(result.scale, 3)).")
    } else {
      html.element(
        "h3",
        text: "Weights of layer \(result.layer): \(result.count) neurons")
      html.element(
        "p", ["class": "facts"],
        text: "Each image is one neuron's incoming weights"
          + (channels > 1 ? ", one square per map it reads" : "")
          + "; red is positive, blue negative, white zero, on one scale for all:"
          + " ±\(Format.fixed(result.scale, 3)).")
    }
    // Filters over many maps are wide strips: one per line.
    html.open(
      "div",
      ["class": channels > 1 ? "weight-rows" : "digit-grid weight-grid"])
    for (index, weights) in result.weights.enumerated() {
      html.open("figure", ["class": "digit-card"])
      if channels > 1 {
        // The channels side by side, a white column between them.
        let side = result.rows * result.columns
        var tiled = [Float]()
        let width = channels * (result.columns + 1) - 1
        for row in 0..<result.rows {
          for channel in 0..<channels {
            if channel > 0 { tiled.append(0) }
            let start = channel * side + row * result.columns
            for column in 0..<result.columns {
              tiled.append(
                start + column < weights.count ? weights[start + column] : 0)
            }
          }
        }
        glyph(tiled, rows: result.rows, columns: width,
              scale: result.scale, side: 28, to: &html)
      } else {
        glyph(weights, rows: result.rows, columns: result.columns,
              scale: result.scale, to: &html)
      }
      html.element(
        "figcaption", ["class": "digit-label"],
        text: (result.isFilters ? "filter " : "neuron ") + "\(index + 1)")
      html.close()
    }
    html.close()
    html.close()
  }

  /// One neuron's weights as an SVG of coloured runs on white.
  static func glyph(
    _ weights: [Float], rows: Int, columns: Int, scale: Double,
    side: Int = 56, to html: inout HTMLWriter
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
       // Images `side` pixels tall, in their own proportions (a digit's
       // size by default); a 1-row strip as a wide band.
       "width": rows > 1 ? "\(side * columns / rows)" : "112",
       "height": rows > 1 ? "\(side)" : "8",
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
  /// weights themselves are left out, as pixels are); filters add their
  /// channels and the layer's notation.
  static func json(_ result: WeightsResult) -> JSONValue {
    var members: [String: JSONValue] = [
      "kind": .string(result.isFilters ? "filters" : "weights"),
      "layer": .int(result.layer),
      "count": .int(result.count),
      "rows": .int(result.rows),
      "columns": .int(result.columns),
      "scale": .number(result.scale),
    ]
    if let channels = result.channels { members["channels"] = .int(channels) }
    if let notation = result.notation { members["notation"] = .string(notation) }
    return .object(members)
  }
}
