// Charts are real charts: one marker per finite value, to scale, on nice
// ticks, with a legend entry per series.

import NumberFormat
import Testing

import Foundation
@testable import Report

@Suite("Charts")
struct ChartTests {
  /// The chart SVGs of a page, in order.
  static func charts(_ html: String) -> [String] {
    Markup.elements("figure", containing: "class=\"chart\"", in: html)
  }

  static func page(_ result: CellResult) -> String {
    HTMLReport.render(
      ReportDocument(
        title: "t", notebookPath: "t.md",
        items: [.cell(Samples.cell(1, line: 1, ["sgd"], seconds: 1,
                                   results: [result]))],
        footer: ReportFooter(
          seed: 1, labrunVersion: "0", dataFiles: [], totalSeconds: 1,
          date: "d")))
  }

  static func training(_ epochs: Int, cost: (Int) -> Double = { 1 / Double($0 + 1) })
    -> TrainingResult
  {
    TrainingResult(
      learningRate: 3, batchSize: 10, epochs: epochs, l2: 0, momentum: 0,
      trainingImages: 100,
      history: (1...epochs).map {
        EpochResult(
          epoch: $0, trainingCost: cost($0),
          validationAccuracy: 0.9 + Double($0) / Double(epochs) * 0.05,
          testAccuracy: 0.89 + Double($0) / Double(epochs) * 0.05, seconds: 1)
      })
  }

  @Test("a training chart has one marker per epoch", arguments: [2, 5, 100])
  func markersPerEpoch(epochs: Int) throws {
    let charts = Self.charts(Self.page(CellResult(Self.training(epochs))))
    try #require(charts.count == 2)
    // Cost: one series; accuracy: validation and test.
    #expect(Markup.count("<circle", in: charts[0]) == epochs)
    #expect(Markup.count("<circle", in: charts[1]) == 2 * epochs)
    #expect(Markup.count("<g class=\"series", in: charts[1]) == 2)
    #expect(Markup.count("<li>", in: charts[1]) == 2)
    // A lone series needs no legend.
    #expect(!charts[0].contains("class=\"legend\""))
    #expect(Markup.parse(charts[0]).error == nil)
  }

  @Test("one epoch is shown as its numbers, not a chart of one dot")
  func oneEpoch() throws {
    let html = Self.page(CellResult(Self.training(1, cost: { _ in 0.0913421 })))
    #expect(Self.charts(html).isEmpty)
    #expect(!html.contains("<svg viewBox"))
    let values = Markup.elements(
      "figure", containing: "class=\"chart values\"", in: html)
    try #require(values.count == 2)
    #expect(values[0].contains(
      "<figcaption>Cost after epoch 1</figcaption>"))
    #expect(values[0].contains("<strong>0.09134</strong>"))
    #expect(values[1].contains(
      "<figcaption>Accuracy after epoch 1</figcaption>"))
    #expect(values[1].contains("validation: <strong>95.00\u{A0}%</strong>"))
    #expect(values[1].contains("test: <strong>94.00\u{A0}%</strong>"))
    #expect(Markup.parse(html).error == nil)
  }

  /// The cy of every marker of each series of a chart, by series.
  static func seriesHeights(_ chart: String) -> [[Double]] {
    chart.components(separatedBy: "<g class=\"series").dropFirst().map {
      Markup.attributeValues("cy", in: $0).compactMap(Double.init)
    }
  }

  @Test("a run that diverges puts the cost axis on a log scale, and says so")
  func logarithmicCost() throws {
    // lr = 100 reaches a cost of 590; the others fall from 0.3 to 0.05.
    let costs: [[Double]] = [
      [0.3, 0.12, 0.08, 0.05], [0.25, 0.1, 0.07, 0.06], [12, 240, 590, 410],
    ]
    let comparison = ComparisonResult(
      parameter: "lr", values: ["0.5", "3", "100"],
      runs: costs.map { run in Self.training(4, cost: { run[$0 - 1] }) },
      chosen: 0)
    let html = Self.page(CellResult(comparison))
    let chart = try #require(Self.charts(html).first)
    #expect(chart.contains(
      "<figcaption>Training cost per epoch (log scale)</figcaption>"))
    #expect(chart.contains("powers of ten, so the axis is logarithmic"))
    // Ticks at powers of ten, covering 0.05 to 590.
    let group = try #require(
      Markup.elements("g", containing: "ticks y", in: chart).first)
    #expect(group.contains(">0.01</text>") && group.contains(">1000</text>"))
    // The good runs keep their shape: their fall from 0.3 to 0.05 takes a
    // good part of the plot's height (on a linear axis to 590, under a
    // pixel), and equal ratios are equal steps.
    let heights = Self.seriesHeights(chart)
    try #require(heights.count == 3 && heights[0].count == 4)
    let plot = LineChart.height - LineChart.top - LineChart.bottom
    #expect(heights[0][3] - heights[0][0] > plot / 8)
    let tenfold = (heights[0][3] - heights[0][0]) / log10(0.3 / 0.05)
    let other = (heights[2][2] - heights[2][0]) / log10(12.0 / 590)
    #expect(abs(tenfold - other) < 0.2)
    // Costs within two powers of ten keep a linear axis.
    let calm = ComparisonResult(
      parameter: "lr", values: ["0.5", "3"],
      runs: costs.prefix(2).map { run in Self.training(4, cost: { run[$0 - 1] }) },
      chosen: 0)
    let linear = try #require(Self.charts(Self.page(CellResult(calm))).first)
    #expect(!linear.contains("log scale"))
  }

  @Test("a comparison table's costs all have four significant digits")
  func costDigits() throws {
    let comparison = ComparisonResult(
      parameter: "lr", values: ["0.5", "3", "100"],
      runs: [0.0913421, 3.23519, 590.61].map { cost in
        Self.training(2, cost: { _ in cost })
      }, chosen: 0)
    let html = Self.page(CellResult(comparison))
    for cost in ["0.09134", "3.235", "590.6"] {
      #expect(html.contains("<td class=\"num\">\(cost)</td>"), "\(cost)")
    }
  }

  @Test(
    "significant digits: one rule for numbers of any size",
    arguments: [
      (590.61, "590.6"), (3.23519, "3.235"), (0.0913421, "0.09134"),
      (0.05, "0.05000"), (9.99996, "10.00"), (12_345.6, "12346"),
      (0.000042, "4.200e-5"), (1_234_567, "1.235e6"), (9_999_999, "1.000e7"),
      (-2.5, "-2.500"), (0, "0"), (.nan, "NaN"), (.infinity, "∞"),
    ])
  func significant(value: Double, text: String) {
    #expect(Format.significant(value) == text)
  }

  @Test("rendered tick labels are evenly spaced round numbers")
  func renderedTicks() throws {
    let charts = Self.charts(Self.page(CellResult(Self.training(7))))
    for chart in charts {
      let group = try #require(
        Markup.elements("g", containing: "ticks y", in: chart).first)
      let labels = group.components(separatedBy: "</text>").dropLast().map {
        String($0.split(separator: ">").last ?? "")
      }
      let values = labels.compactMap(Double.init)
      try #require(values.count == labels.count && values.count >= 3)
      let step = values[1] - values[0]
      for (a, b) in zip(values, values.dropFirst()) {
        #expect(abs((b - a) - step) < 1e-9)
      }
      var mantissa = step
      while mantissa >= 10 { mantissa /= 10 }
      while mantissa < 1 { mantissa *= 10 }
      #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-6 })
      // Every label has the same number of decimals.
      let decimals = labels.map { label in
        label.contains(".") ? label.split(separator: ".")[1].count : 0
      }
      #expect(Set(decimals).count == 1)
    }
  }

  @Test("points are drawn to scale")
  func toScale() throws {
    // Costs 0.1, 0.2, ..., 0.5 are evenly spaced: equal steps in cy.
    let chart = try #require(
      Self.charts(
        Self.page(
          CellResult(Self.training(5, cost: { Double($0) / 10 })))).first)
    let ys = Markup.attributeValues("cy", in: chart).compactMap(Double.init)
    let xs = Markup.attributeValues("cx", in: chart).compactMap(Double.init)
    try #require(ys.count == 5 && xs.count == 5)
    let dy = zip(ys, ys.dropFirst()).map { $1 - $0 }
    let dx = zip(xs, xs.dropFirst()).map { $1 - $0 }
    for d in dy { #expect(abs(d - dy[0]) < 0.11 && d < 0) }
    for d in dx { #expect(abs(d - dx[0]) < 0.11 && d > 0) }
  }

  @Test("non-finite costs are skipped and the divergence is said in words")
  func diverged() throws {
    var run = Self.training(5, cost: { [0.5, 2, .infinity, .nan, .nan][$0 - 1] })
    run.divergedAtEpoch = 3
    let html = Self.page(CellResult(run))
    let charts = Self.charts(html)
    #expect(Markup.count("<circle", in: charts[0]) == 2)
    #expect(!charts[0].contains("NaN") && !charts[0].contains("inf"))
    #expect(html.contains(
      "The cost became infinite at epoch 3: the learning rate is probably "
        + "too large"))
    #expect(Markup.parse(html).error == nil)
  }

  @Test("a comparison chart has one series and one legend entry per run")
  func comparison() throws {
    let comparison = ComparisonResult(
      parameter: "lr", values: ["0.5", "3", "10", "30"],
      runs: (0..<4).map { _ in Self.training(4) }, chosen: 2)
    let html = Self.page(CellResult(comparison))
    let charts = Self.charts(html)
    try #require(charts.count == 2)
    for chart in charts {
      #expect(Markup.count("<g class=\"series", in: chart) == 4)
      #expect(Markup.count("<li>", in: chart) == 4)
      #expect(Markup.count("<circle", in: chart) == 16)
      for value in ["0.5", "3", "10", "30"] {
        #expect(chart.contains("</span>lr = \(value)</li>"))
      }
    }
    #expect(html.contains(
      "The run with lr = 10 became the current network"))
    #expect(html.contains("<tr class=\"chosen\"><td>10 ✓</td>"))
  }

  @Test(
    "ticks are 1, 2 or 5 times a power of ten and cover the data",
    arguments: [
      (0.0103, 0.0452), (0.91, 0.9512), (0.0, 1.0), (1.0, 100.0),
      (0.5, 0.5), (0.0, 0.0), (-3.0, 7.0), (12_345.0, 98_765.0),
    ])
  func niceTicks(low: Double, high: Double) {
    let scale = NiceScale(minimum: low, maximum: high)
    var mantissa = scale.step
    while mantissa >= 10 { mantissa /= 10 }
    while mantissa < 1 { mantissa *= 10 }
    #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 })
    #expect(scale.lower <= low && scale.upper >= high)
    #expect(scale.upper > scale.lower)
    #expect((3...12).contains(scale.ticks.count))
    // Every tick is a whole multiple of the step.
    for tick in scale.ticks {
      let k = tick / scale.step
      #expect(abs(k - k.rounded()) < 1e-6)
    }
  }

  @Test("a percentage axis is at least 2 points tall and stays in 0–100")
  func percentAxis() {
    let flat = NiceScale(
      minimum: 89.88, maximum: 90, minimumSpan: 2, bounds: 0...100)
    #expect(flat.upper - flat.lower >= 2)
    #expect(flat.lower <= 89.88 && flat.upper >= 90)
    let top = NiceScale(
      minimum: 99.9, maximum: 99.95, minimumSpan: 2, bounds: 0...100)
    #expect(top.upper == 100 && top.lower <= 98)
    let bottom = NiceScale(
      minimum: 0, maximum: 0.1, minimumSpan: 2, bounds: 0...100)
    #expect(bottom.lower == 0 && bottom.upper >= 2)
  }

  @Test("tick labels read as round numbers")
  func tickLabels() {
    let scale = NiceScale(minimum: 0.0103, maximum: 0.0452)
    #expect(scale.ticks.map { Format.fixed($0, scale.decimals) }
      == ["0.01", "0.02", "0.03", "0.04", "0.05"])
    let epochs = NiceScale(minimum: 1, maximum: 100, target: 6, minimumStep: 1)
    #expect(epochs.ticks.map { Format.fixed($0, epochs.decimals) }
      == ["0", "20", "40", "60", "80", "100"])
  }
}

@Suite("Robustness")
struct RobustnessTests {
  @Test("absurd numbers and sizes render without trapping")
  func absurdValues() {
    let huge = Double.greatestFiniteMagnitude
    var run = ChartTests.training(3, cost: { [huge, -huge, 1e-300][$0 - 1] })
    run.history[0].seconds = huge
    run.history[1].validationAccuracy = -huge
    run.trainingImages = .max
    let image = DigitImage(
      rows: Int.max, columns: Int.max, pixels: [255, 0, 255], index: -1,
      label: "")
    let evaluation = EvaluationResult(
      split: "test", correct: -1, total: 0, classNames: [],
      confusion: [[Int.max, 1], [], [1, Int.max, Int.max]],
      misclassified: [image])
    let comparison = ComparisonResult(
      parameter: "lr", values: [], runs: [run, run], chosen: 99)
    let page = ChartTests.page(CellResult(run))
      + ChartTests.page(CellResult(evaluation))
      + ChartTests.page(CellResult(comparison))
      + ChartTests.page(
        CellResult(
          DatasetResult(
            name: "", training: Int.min, validation: Int.max, test: 0,
            rows: -3, columns: 0, classNames: [], samples: [image])))
    #expect(page.contains("<svg"))
    let json = JSONReport.render(
      ReportDocument(
        title: "", notebookPath: "", items: [], footer: ReportFooter(
          seed: .max, labrunVersion: "", dataFiles: [],
          totalSeconds: -.infinity, date: "")))
    #expect(json.contains("\"seed\": \"18446744073709551615\""))
    #expect(json.contains("\"totalSeconds\": null"))
  }
}
