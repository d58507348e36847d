// A greyscale image as a compact SVG: the 0–255 ink is quantised to 15
// levels and each level becomes one <path> of horizontal runs
// (`M x y h3v1h-3z`), background skipped. Ink is `currentColor` at the
// level's opacity, so it is dark on paper and light in dark mode.

enum DigitGlyph {
  /// Number of ink levels above background.
  static let levels = 15

  /// Writes `<svg>` for `image`; an image whose pixel count does not
  /// match its size is drawn from the pixels it has.
  static func write(_ image: DigitImage, to html: inout HTMLWriter) {
    let rows = max(1, image.rows)
    let columns = max(1, image.columns)
    var paths = [String](repeating: "", count: levels + 1)
    for row in 0..<rows {
      var column = 0
      while column < columns {
        let level = quantised(image, row, column)
        var end = column + 1
        while end < columns && quantised(image, row, end) == level { end += 1 }
        if level > 0 {
          paths[level] += "M\(column) \(row)h\(end - column)v1h-\(end - column)z"
        }
        column = end
      }
    }
    html.open(
      "svg",
      ["class": "digit", "viewBox": "0 0 \(columns) \(rows)",
       "fill": "currentColor", "shape-rendering": "crispEdges",
       "aria-hidden": "true"])
    html.empty(
      "rect", ["class": "paper", "width": "\(columns)", "height": "\(rows)"])
    for level in 1...levels where !paths[level].isEmpty {
      let opacity = Format.fixed(Double(level) / Double(levels), 3)
      html.empty("path", ["fill-opacity": opacity, "d": paths[level]])
    }
    html.close()
  }

  /// The ink level 0...levels of one pixel; missing pixels are background.
  private static func quantised(_ image: DigitImage, _ row: Int, _ column: Int)
    -> Int
  {
    let i = row * image.columns + column
    guard image.columns > 0, i >= 0, i < image.pixels.count else { return 0 }
    return (Int(image.pixels[i]) * levels + 127) / 255
  }
}
