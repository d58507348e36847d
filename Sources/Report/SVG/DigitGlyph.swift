// A greyscale image as a compact SVG: the 0–255 ink is quantised to 15
// levels and each level becomes one <path> of horizontal runs
// (`M x y h3v1h-3z`), background skipped. Ink is `currentColor` at the
// level's opacity, so it is dark on paper and light in dark mode.
import NumberFormat


enum DigitGlyph {
  /// Number of ink levels above background.
  static let levels = 15

  /// Largest side drawn; MNIST is 28. Beyond it the image is cropped, so a
  /// bogus size cannot make the page enormous.
  static let maximumSide = 256

  /// Writes `<svg>` for `image`; an image whose pixel count does not
  /// match its size is drawn from the pixels it has.
  static func write(_ image: DigitImage, to html: inout HTMLWriter) {
    let rows = min(max(1, image.rows), maximumSide)
    let columns = min(max(1, image.columns), maximumSide)
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
    let (offset, overflow) = row.multipliedReportingOverflow(by: image.columns)
    let i = offset &+ column
    guard !overflow, image.columns > 0, i >= 0, i < image.pixels.count
    else { return 0 }
    return (Int(image.pixels[i]) * levels + 127) / 255
  }
}
