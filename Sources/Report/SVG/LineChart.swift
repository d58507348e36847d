// A line chart as inline SVG: values to scale, nice ticks on both axes,
// axis titles, one polyline plus markers per series. Colours come from CSS
// classes (`c0`, `c1`, ...) so dark mode and print restyle them.
import NumberFormat


import Foundation

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

/// A vertical line across a chart at an x value, with a short label at
/// its top: where η changed, which epoch's weights were kept.
struct ChartMarker {
  var x: Double
  var label: String
  /// Solid for an epoch, dashed for a change between two epochs.
  var solid = false
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
  /// Costs: a y axis that becomes logarithmic when the values span more
  /// than two decades, so that a run that diverges (a cost of 590) does
  /// not press every other curve (costs near 0.05) onto the axis.
  var logarithmicWhenWide = false
  /// Vertical lines drawn behind the series.
  var markers: [ChartMarker] = []

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

  /// Writes `<figure>` with the SVG and, for several series, a legend; a
  /// chart of a single epoch is its numbers instead, since one dot on an
  /// axis says less than the value.
  func write(to html: inout HTMLWriter) {
    if let epoch = singleEpoch {
      writeValues(epoch: epoch, to: &html)
      return
    }
    let decades = logarithmicWhenWide ? Self.decades(spannedBy: displayed) : 0
    let logarithmic = decades > 2
    html.open("figure", ["class": "chart"])
    html.element("figcaption", text: label + (logarithmic ? " (log scale)" : ""))
    writeSVG(logarithmic: logarithmic, to: &html)
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
    if logarithmic {
      html.element(
        "p", ["class": "chart-note"],
        text: "The values span more than \(Int(decades.rounded(.down))) "
          + "powers of ten, so the axis is logarithmic: its grid lines are "
          + "powers of ten.")
    }
    html.close()
  }

  /// The y values that can be drawn, in display units.
  private var displayed: [Double] {
    series.flatMap(\.points).filter { $0.x.isFinite }.map { $0.y * yFactor }
      .filter(\.isFinite)
  }

  /// The number of powers of ten between the smallest and the largest
  /// positive value (0 when there are none).
  static func decades(spannedBy values: [Double]) -> Double {
    let positive = values.filter { $0 > 0 && $0.isFinite }
    guard let low = positive.min(), let high = positive.max() else { return 0 }
    return log10(high) - log10(low)
  }

  /// The epoch of a chart whose every series has at most one point (a
  /// training of one epoch), or nil.
  private var singleEpoch: Double? {
    guard series.allSatisfy({ $0.points.count <= 1 }),
      let first = series.lazy.compactMap(\.points.first).first,
      first.x.isFinite
    else { return nil }
    return first.x
  }

  /// The values of a one-epoch chart, as text: one number, or one per
  /// series with its colour.
  private func writeValues(epoch: Double, to html: inout HTMLWriter) {
    let what = label.hasSuffix(" per epoch")
      ? String(label.dropLast(" per epoch".count)) : label
    html.open("figure", ["class": "chart values"])
    html.element(
      "figcaption", text: what + " after epoch " + Format.plain(epoch))
    func value(_ s: ChartSeries) -> String {
      guard let y = s.points.first?.y else { return "–" }
      return yFactor == 100 ? Format.percent(y) : Format.significant(y * yFactor)
    }
    html.open("ul", ["class": "values"])
    for s in series {
      html.element("li") { html in
        if series.count > 1 {
          html.element(
            "span",
            ["class": "swatch c\(s.colour % 8)\(s.dashed ? " dashed" : "")",
             "aria-hidden": "true"], text: "")
          html.text(s.name + ": ")
        }
        html.element("strong", text: value(s))
      }
    }
    html.close()
    html.close()
  }

  private func writeSVG(logarithmic: Bool, to html: inout HTMLWriter) {
    // On a logarithmic axis a value is drawn at its power of ten; one that
    // is not positive cannot be.
    func axisValue(_ y: Double) -> Double {
      logarithmic ? (y > 0 ? log10(y) : .nan) : y
    }
    let finite = series.flatMap { $0.points }.filter {
      $0.x.isFinite && axisValue($0.y * yFactor).isFinite
    }
    // Every epoch counts for the x axis, even one whose value is not
    // finite: a run that diverged still ran that long.
    let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
    let ys = finite.map { axisValue($0.y * yFactor) }
    let xScale = NiceScale(
      minimum: xs.min() ?? 1, maximum: xs.max() ?? 1, target: 6,
      minimumStep: 1)
    let yScale = logarithmic
      ? NiceScale.decades(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1)
      : NiceScale(
        minimum: ys.min() ?? 0, maximum: ys.max() ?? 1,
        minimumSpan: yMinimumSpan, bounds: yBounds)
    func tickLabel(_ tick: Double) -> String {
      logarithmic
        ? Format.plain(Double("1e\(Int(tick.rounded()))") ?? 0)
        : Format.fixed(tick, yScale.decimals)
    }

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
        text: tickLabel(tick))
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
      text: yTitle + (logarithmic ? " (log)" : ""))

    if finite.isEmpty {
      html.element(
        "text",
        ["class": "empty", "x": n(Self.left + plotW / 2, 1),
         "y": n(Self.top + plotH / 2, 1)],
        text: "no finite values to plot")
    }

    // Events (η changes, the kept epoch) behind the lines; a label that
    // would run into the one before it is left to the marker's tooltip.
    var labelEnd = -Double.infinity
    for marker in markers
    where marker.x >= xScale.lower && marker.x <= xScale.upper {
      let x = n(px(marker.x), 1)
      html.open(
        "g", ["class": "marker" + (marker.solid ? " solid" : "")])
      html.element("title", text: marker.label)
      html.empty(
        "line",
        ["x1": x, "x2": x, "y1": n(Self.top, 1), "y2": n(Self.top + plotH, 1)])
      // About 6 units per character at the markers' 10-unit font.
      let width = Double(marker.label.count) * 6
      if px(marker.x) + 2 >= labelEnd + 2,
        px(marker.x) + 2 + width <= Self.width
      {
        html.element(
          "text", ["x": n(px(marker.x) + 2, 1), "y": n(Self.top + 9, 1)],
          text: marker.label)
        labelEnd = px(marker.x) + 2 + width
      }
      html.close()
    }

    // Lines, then markers on top.
    let count = series.map(\.points.count).max() ?? 0
    let radius = count > 60 ? 1.2 : count > 25 ? 1.8 : 2.8
    for s in series {
      let slot = "c\(s.colour % 8)"
      var d = ""
      var penDown = false
      for p in s.points {
        let y = axisValue(p.y * yFactor)
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
        let y = axisValue(p.y * yFactor)
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
