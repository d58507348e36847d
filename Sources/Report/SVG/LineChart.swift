// A line chart as inline SVG: values to scale, nice ticks on both axes,
// axis titles, one polyline plus markers per series. Colours come from CSS
// classes (`c0`, `c1`, ...) so dark mode and print restyle them.
import NumberFormat


/// One line on a chart.
struct ChartSeries {
  /// Shown in the legend.
  var name: String
  /// (x, y) pairs; points with a non-finite y are not drawn and break
  /// the line.
  var points: [(x: Double, y: Double)]
  /// Colour slot, 0-based, cycled through the palette.
  var colour: Int
  var dashed = false
}

/// A chart of series against epochs.
struct LineChart {
  var label: String
  var xTitle: String
  var yTitle: String
  var series: [ChartSeries]
  /// Multiply y by this for display (100 shows fractions as percent).
  var yFactor: Double = 1
  /// Narrowest y range shown, in display units.
  var yMinimumSpan: Double = 0
  /// Limits of the y axis, in display units (0...100 for percentages).
  var yBounds: ClosedRange<Double>? = nil

  /// A chart of accuracies (fractions) shown as percentages on a y axis
  /// at least 2 points tall and never beyond 0–100 %.
  static func percent(
    label: String, yTitle: String, series: [ChartSeries]
  ) -> LineChart {
    LineChart(
      label: label, xTitle: "epoch", yTitle: yTitle, series: series,
      yFactor: 100, yMinimumSpan: 2, yBounds: 0...100)
  }

  // viewBox geometry, in SVG user units.
  // Small on purpose: the SVG scales to the column, and a narrow viewBox
  // keeps 12-unit text legible on a phone (about 11 px at 330 px wide).
  static let width = 360.0
  static let height = 240.0
  static let left = 58.0, right = 16.0, top = 10.0, bottom = 40.0

  /// Writes `<figure>` with the SVG and, for several series, a legend.
  func write(to html: inout HTMLWriter) {
    html.open("figure", ["class": "chart"])
    html.element("figcaption", text: label)
    writeSVG(to: &html)
    if series.count > 1 {
      html.element("ul", ["class": "legend"]) { html in
        for s in series {
          html.element("li") { html in
            html.element(
              "span",
              ["class": "swatch c\(s.colour % 8)\(s.dashed ? " dashed" : "")",
               "aria-hidden": "true"], text: "")
            html.text(s.name)
          }
        }
      }
    }
    html.close()
  }

  private func writeSVG(to html: inout HTMLWriter) {
    let finite = series.flatMap { $0.points }.filter {
      $0.x.isFinite && ($0.y * yFactor).isFinite
    }
    // Every epoch counts for the x axis, even one whose value is not
    // finite: a run that diverged still ran that long.
    let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
    let ys = finite.map { $0.y * yFactor }
    let xScale = NiceScale(
      minimum: xs.min() ?? 1, maximum: xs.max() ?? 1, target: 6,
      minimumStep: 1)
    let yScale = NiceScale(
      minimum: ys.min() ?? 0, maximum: ys.max() ?? 1,
      minimumSpan: yMinimumSpan, bounds: yBounds)

    let plotW = Self.width - Self.left - Self.right
    let plotH = Self.height - Self.top - Self.bottom
    let xSpan = xScale.upper > xScale.lower ? xScale.upper - xScale.lower : 1
    let ySpan = yScale.upper > yScale.lower ? yScale.upper - yScale.lower : 1
    func px(_ x: Double) -> Double {
      Self.left + (x - xScale.lower) / xSpan * plotW
    }
    func py(_ y: Double) -> Double {
      Self.top + plotH - (y - yScale.lower) / ySpan * plotH
    }
    let n = Format.fixed

    html.open(
      "svg",
      ["viewBox": "0 0 \(n(Self.width, 0)) \(n(Self.height, 0))",
       "role": "img", "aria-label": label,
       "preserveAspectRatio": "xMidYMid meet"])

    // Grid and y ticks.
    html.open("g", ["class": "grid"])
    for tick in yScale.ticks {
      let y = n(py(tick), 1)
      html.empty(
        "line",
        ["x1": n(Self.left, 1), "x2": n(Self.width - Self.right, 1),
         "y1": y, "y2": y])
    }
    html.close()
    html.open("g", ["class": "ticks y"])
    for tick in yScale.ticks {
      html.element(
        "text",
        ["x": n(Self.left - 6, 1), "y": n(py(tick) + 4, 1)],
        text: Format.fixed(tick, yScale.decimals))
    }
    html.close()
    html.open("g", ["class": "ticks x"])
    for tick in xScale.ticks {
      let x = n(px(tick), 1)
      html.empty(
        "line",
        ["x1": x, "x2": x, "y1": n(Self.top + plotH, 1),
         "y2": n(Self.top + plotH + 5, 1)])
      html.element(
        "text", ["x": x, "y": n(Self.top + plotH + 18, 1)],
        text: Format.fixed(tick, xScale.decimals))
    }
    html.close()

    // Axes and their titles.
    html.empty(
      "path",
      ["class": "axis",
       "d": "M\(n(Self.left, 1)) \(n(Self.top, 1))V\(n(Self.top + plotH, 1))"
        + "H\(n(Self.width - Self.right, 1))"])
    html.element(
      "text",
      ["class": "title x", "x": n(Self.left + plotW / 2, 1),
       "y": n(Self.height - 4, 1)], text: xTitle)
    html.element(
      "text",
      ["class": "title y",
       "transform": "translate(13 \(n(Self.top + plotH / 2, 1))) rotate(-90)"],
      text: yTitle)

    if finite.isEmpty {
      html.element(
        "text",
        ["class": "empty", "x": n(Self.left + plotW / 2, 1),
         "y": n(Self.top + plotH / 2, 1)],
        text: "no finite values to plot")
    }

    // Lines, then markers on top.
    let count = series.map(\.points.count).max() ?? 0
    let radius = count > 60 ? 1.2 : count > 25 ? 1.8 : 2.8
    for s in series {
      let slot = "c\(s.colour % 8)"
      var d = ""
      var penDown = false
      for p in s.points {
        let y = p.y * yFactor
        guard p.x.isFinite, y.isFinite else {
          penDown = false
          continue
        }
        d += (penDown ? "L" : "M") + n(px(p.x), 1) + " " + n(py(y), 1)
        penDown = true
      }
      html.open(
        "g",
        ["class": "series \(slot)\(s.dashed ? " dashed" : "")"
          + (count > 40 ? " dense" : ""),
         "aria-label": s.name])
      if !d.isEmpty { html.empty("path", ["class": "line", "d": d]) }
      for p in s.points {
        let y = p.y * yFactor
        guard p.x.isFinite, y.isFinite else { continue }
        html.empty(
          "circle",
          ["class": "dot", "cx": n(px(p.x), 1), "cy": n(py(y), 1),
           "r": n(radius, 1)])
      }
      html.close()
    }
    html.close()
  }
}
