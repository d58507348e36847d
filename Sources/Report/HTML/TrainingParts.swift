// Words, charts and the per-epoch table for one training run.
import NumberFormat


enum TrainingText {
  /// `lr = 3, batch = 10, 5 epochs`.
  static func settings(_ training: TrainingResult) -> String {
    var parts = [
      PageText.setting("lr", Format.plain(training.learningRate)),
      PageText.setting("batch", String(training.batchSize)),
      training.epochs == 1 ? "1 epoch" : "\(training.epochs) epochs",
    ]
    if training.l2 != 0 {
      parts.append(PageText.setting("l2", Format.plain(training.l2)))
    }
    if training.momentum != 0 {
      parts.append(
        PageText.setting("momentum", Format.plain(training.momentum)))
    }
    return parts.joined(separator: ", ")
  }

  /// `50,000 training images per epoch · 5,000 mini-batches · 12.3 s`.
  static func facts(_ training: TrainingResult) -> String {
    var parts = [
      Format.grouped(training.trainingImages) + " training images per epoch"
    ]
    if training.batchSize > 0 {
      let (whole, rest) = training.trainingImages.quotientAndRemainder(
        dividingBy: training.batchSize)
      let batches = whole + (rest > 0 ? 1 : 0)
      parts.append(Format.grouped(batches) + " mini-batches of "
        + String(training.batchSize))
    }
    let seconds = training.history.map(\.seconds).filter(\.isFinite)
    if !seconds.isEmpty {
      parts.append(
        Format.duration(seconds.reduce(0, +)) + " of training")
    }
    return parts.joined(separator: " · ")
  }

  /// The divergence warning, in words, when the cost blew up; `run` names
  /// the run inside a comparison (`lr = 100`).
  static func divergence(_ training: TrainingResult, run: String? = nil)
    -> String?
  {
    guard let epoch = training.divergedAtEpoch else { return nil }
    let cost = training.history.first { $0.epoch == epoch }?.trainingCost
    let what = cost.map { $0.isNaN ? "NaN (not a number)" : "infinite" }
      ?? "infinite or NaN"
    let subject = run.map { "With \($0), the cost" } ?? "The cost"
    return subject + " became \(what) at epoch \(epoch): the learning rate is "
      + "probably too large (lr = \(Format.plain(training.learningRate))). "
      + "Try a smaller one, e.g. lr = "
      + Format.plain(training.learningRate / 10) + "."
  }

  /// `After 5 epochs: 95.10 % on validation, 95.02 % on test.`
  static func finalScores(_ training: TrainingResult) -> String? {
    guard let last = training.history.last else { return nil }
    var parts: [String] = []
    if let v = last.validationAccuracy, v.isFinite {
      parts.append(Format.percent(v) + " on validation")
    }
    if let t = last.testAccuracy, t.isFinite {
      parts.append(Format.percent(t) + " on test")
    }
    guard !parts.isEmpty else { return nil }
    let epochs = last.epoch == 1 ? "1 epoch" : "\(last.epoch) epochs"
    return "After \(epochs): " + parts.joined(separator: ", ") + "."
  }
}

enum TrainingCharts {
  static func cost(_ training: TrainingResult) -> LineChart {
    LineChart(
      label: "Training cost per epoch", xTitle: "epoch",
      yTitle: "training cost",
      series: [
        ChartSeries(
          name: "training cost",
          points: training.history.map { (Double($0.epoch), $0.trainingCost) },
          colour: 0)
      ], logarithmicWhenWide: true)
  }

  /// Validation and test accuracy on the same axes; nil when the run has
  /// neither.
  static func accuracy(_ training: TrainingResult) -> LineChart? {
    var series: [ChartSeries] = []
    let history = training.history
    if history.contains(where: { $0.validationAccuracy != nil }) {
      series.append(
        ChartSeries(
          name: "validation",
          points: history.map {
            (Double($0.epoch), $0.validationAccuracy ?? .nan)
          }, colour: 0))
    }
    if history.contains(where: { $0.testAccuracy != nil }) {
      series.append(
        ChartSeries(
          name: "test",
          points: history.map { (Double($0.epoch), $0.testAccuracy ?? .nan) },
          colour: 1, dashed: true))
    }
    guard !series.isEmpty else { return nil }
    let title = series.count == 1
      ? series[0].name + " accuracy (%)" : "accuracy (%)"
    return LineChart.percent(
      label: "Accuracy per epoch", yTitle: title, series: series)
  }
}

enum TrainingTable {
  static func write(_ training: TrainingResult, to html: inout HTMLWriter) {
    let rows = training.history.map { epoch in
      [
        String(epoch.epoch), Format.significant(epoch.trainingCost),
        epoch.validationAccuracy.map { Format.percent($0) } ?? "–",
        epoch.testAccuracy.map { Format.percent($0) } ?? "–",
        Format.duration(epoch.seconds),
      ]
    }
    Table.write(
      headers: [
        "epoch", "training cost", "validation accuracy", "test accuracy",
        "time",
      ], numeric: [true, true, true, true, true], rows: rows,
      tall: rows.count > 12, to: &html)
  }
}
