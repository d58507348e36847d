// Words, charts and the per-epoch table for one training run.
import NumberFormat


enum TrainingText {
  /// `lr = 3, batch = 10, 5 epochs, stop = 10`.
  static func settings(_ training: TrainingResult) -> String {
    var parts = [
      PageText.setting("lr", Format.plain(training.learningRate)),
      PageText.setting("batch", String(training.batchSize)),
      training.epochs == 1 ? "1 epoch" : "\(training.epochs) epochs",
    ]
    if training.l2 != 0 {
      parts.append(PageText.setting("l2", Format.plain(training.l2)))
    }
    if training.l1 != 0 {
      parts.append(PageText.setting("l1", Format.plain(training.l1)))
    }
    if training.momentum != 0 {
      parts.append(
        PageText.setting("momentum", Format.plain(training.momentum)))
    }
    if let patience = training.stopPatience {
      parts.append(PageText.setting("stop", String(patience)))
    }
    if let patience = training.schedulePatience {
      parts.append(PageText.setting("schedule", String(patience)))
    }
    return parts.joined(separator: ", ")
  }

  /// `50,000 training images per epoch · 5,000 mini-batches · 12.3 s ·
  /// measured per epoch: validation`.
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
    let measured = [
      ("training", { (e: EpochResult) in e.training }),
      ("validation", { $0.validation }), ("test", { $0.test }),
    ].filter { name, set in training.history.contains { set($0) != nil } }
      .map(\.0)
    parts.append(
      "measured after each epoch: "
        + (measured.isEmpty ? "nothing" : measured.joined(separator: ", ")))
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

  /// `After epoch 5: 95.10 % on validation.` — the epoch whose weights
  /// the network kept.
  static func finalScores(_ training: TrainingResult) -> String? {
    guard let last = training.finalEpoch else { return nil }
    var parts: [String] = []
    if let a = last.training?.accuracy, a.isFinite {
      parts.append(Format.percent(a) + " on training")
    }
    if let v = last.validationAccuracy, v.isFinite {
      parts.append(Format.percent(v) + " on validation")
    }
    if let t = last.testAccuracy, t.isFinite {
      parts.append(Format.percent(t) + " on test")
    }
    guard !parts.isEmpty else { return nil }
    return "After epoch \(last.epoch): " + parts.joined(separator: ", ") + "."
  }
}

/// How a training ended and when η changed, in words for the console and
/// the page.
public enum TrainingSummary {
  /// The figures of one epoch for a console line: `cost 0.4321,
  /// validation 95.10 %`; with regularisation the cost is split.
  public static func scores(_ epoch: EpochResult) -> String {
    var text = "cost " + Format.fixed(epoch.trainingCost, 4)
    if epoch.regularization != 0, epoch.trainingCost.isFinite {
      text += " (data " + Format.fixed(epoch.trainingDataCost, 4)
        + " + regularisation " + Format.fixed(epoch.regularization, 4) + ")"
    }
    for (name, set) in [
      ("training", epoch.training), ("validation", epoch.validation),
      ("test", epoch.test),
    ] {
      if let accuracy = set?.accuracy {
        text += ", \(name) " + Format.percent(accuracy)
      }
    }
    return text
  }

  /// Where training stopped and which epoch's weights the network kept,
  /// or nil when it simply ran every epoch asked for.
  public static func ending(_ training: TrainingResult) -> String? {
    guard let last = training.history.last?.epoch else { return nil }
    var sentences: [String] = []
    switch training.end {
    case .earlyStopping:
      let patience = training.stopPatience ?? 0
      sentences.append(
        "Stopped early after epoch \(last): validation accuracy had not "
          + "improved for \(patience) epoch\(patience == 1 ? "" : "s").")
    case .schedule:
      let halvings = training.learningRateSteps.count
      let final = training.learningRateSteps.last.map {
        Format.plain($0.learningRate)
      } ?? ""
      sentences.append(
        "Stopped after epoch \(last): the schedule had halved η "
          + "\(halvings) times, to \(final) (η/\(1 << min(halvings, 62))).")
    case .completed, .diverged, .interrupted:
      break
    }
    if let kept = training.keptEpoch,
      let epoch = training.history.first(where: { $0.epoch == kept })
    {
      let score = epoch.validationAccuracy.map {
        " (" + Format.percent($0) + " on validation)"
      } ?? ""
      sentences.append(
        "The network kept the weights of epoch \(kept), the best\(score).")
    }
    return sentences.isEmpty ? nil : sentences.joined(separator: " ")
  }

  /// `η halved to 0.25 after epoch 17, to 0.125 after epoch 21.`, or nil.
  public static func learningRateChanges(_ training: TrainingResult)
    -> String?
  {
    guard !training.learningRateSteps.isEmpty else { return nil }
    return "η halved to "
      + training.learningRateSteps.map {
        Format.plain($0.learningRate) + " after epoch \($0.afterEpoch)"
      }.joined(separator: ", to ") + "."
  }
}

extension TrainingResult {
  /// The epoch whose weights the network has: the kept one after early
  /// stopping, otherwise the last.
  public var finalEpoch: EpochResult? {
    if let kept = keptEpoch, let epoch = history.first(where: { $0.epoch == kept }) {
      return epoch
    }
    return history.last
  }

  /// Whether any epoch paid a regularisation term.
  var isRegularized: Bool { history.contains { $0.regularization != 0 } }

  /// Where η changed and which epoch's weights were kept, for charts.
  var chartMarkers: [ChartMarker] {
    var markers = learningRateSteps.map {
      ChartMarker(
        x: Double($0.afterEpoch) + 0.5,
        label: "η " + Format.plain($0.learningRate))
    }
    if let kept = keptEpoch {
      markers.append(ChartMarker(x: Double(kept), label: "kept", solid: true))
    }
    return markers
  }
}

enum TrainingCharts {
  /// The data cost per image of every measured set, with the
  /// regularisation term as its own curve, so that a large λ does not lift
  /// and flatten the others.
  static func cost(_ training: TrainingResult) -> LineChart {
    let history = training.history
    func points(_ value: (EpochResult) -> Double?) -> [(x: Double, y: Double)] {
      history.map { (Double($0.epoch), value($0) ?? .nan) }
    }
    var series: [ChartSeries] = []
    if history.contains(where: { $0.training?.dataCost != nil }) {
      series.append(
        ChartSeries(
          name: "training", points: points { $0.training?.dataCost },
          colour: 0))
    } else {
      series.append(
        ChartSeries(
          name: "training (during the epoch)",
          points: points { $0.trainingDataCost }, colour: 0))
    }
    if history.contains(where: { $0.validation?.dataCost != nil }) {
      series.append(
        ChartSeries(
          name: "validation", points: points { $0.validation?.dataCost },
          colour: 1))
    }
    if history.contains(where: { $0.test?.dataCost != nil }) {
      series.append(
        ChartSeries(
          name: "test", points: points { $0.test?.dataCost }, colour: 2,
          dashed: true))
    }
    let regularized = training.isRegularized
    if regularized {
      series.append(
        ChartSeries(
          name: "regularisation term", points: points { $0.regularization },
          colour: 3, dashed: true))
    }
    return LineChart(
      label: "Cost per epoch", xTitle: "epoch",
      yTitle: regularized ? "cost per image, parts" : "cost per image",
      series: series, logarithmicWhenWide: true,
      markers: training.chartMarkers)
  }

  /// Training, validation and test accuracy on the same axes, as
  /// measured; nil when the run measured none.
  static func accuracy(_ training: TrainingResult) -> LineChart? {
    var series: [ChartSeries] = []
    let history = training.history
    let sets: [(String, (EpochResult) -> SetScores?, Bool)] = [
      ("training", { $0.training }, false),
      ("validation", { $0.validation }, false),
      ("test", { $0.test }, true),
    ]
    for (index, (name, set, dashed)) in sets.enumerated()
    where history.contains(where: { set($0)?.accuracy != nil }) {
      series.append(
        ChartSeries(
          name: name,
          points: history.map {
            (Double($0.epoch), set($0)?.accuracy ?? .nan)
          }, colour: index, dashed: dashed))
    }
    guard !series.isEmpty else { return nil }
    let title = series.count == 1
      ? series[0].name + " accuracy (%)" : "accuracy (%)"
    var chart = LineChart.percent(
      label: "Accuracy per epoch", yTitle: title, series: series)
    chart.markers = training.chartMarkers
    return chart
  }
}

enum TrainingTable {
  static func write(_ training: TrainingResult, to html: inout HTMLWriter) {
    let history = training.history
    var headers = ["epoch", "cost (during the epoch)"]
    var columns: [(EpochResult) -> String] = [
      { String($0.epoch) }, { Format.significant($0.trainingCost) },
    ]
    if training.isRegularized {
      headers.append("of which regularisation")
      columns.append { Format.significant($0.regularization) }
    }
    let sets: [(String, (EpochResult) -> SetScores?)] = [
      ("training", { $0.training }), ("validation", { $0.validation }),
      ("test", { $0.test }),
    ]
    for (name, set) in sets {
      if history.contains(where: { set($0)?.accuracy != nil }) {
        headers.append("\(name) accuracy")
        columns.append { set($0)?.accuracy.map { Format.percent($0) } ?? "–" }
      }
      if history.contains(where: { set($0)?.dataCost != nil }) {
        headers.append("\(name) data cost")
        columns.append { set($0)?.dataCost.map { Format.significant($0) } ?? "–" }
      }
    }
    if training.schedulePatience != nil {
      headers.append("η")
      columns.append { epoch in
        let rate = epoch.learningRate.map { Format.plain($0) } ?? "–"
        let halved = training.learningRateSteps.contains {
          $0.afterEpoch + 1 == epoch.epoch
        }
        return halved ? rate + " (halved)" : rate
      }
    }
    headers.append("time")
    columns.append { Format.duration($0.seconds) }
    let rows = history.map { epoch in columns.map { $0(epoch) } }
    let numeric = headers.map { _ in true }
    let kept = training.keptEpoch ?? (training.stopPatience != nil
      ? training.bestEpoch : nil)
    let highlight = Set(
      history.indices.filter { kept != nil && history[$0].epoch == kept })
    Table.write(
      headers: headers, numeric: numeric, rows: rows, highlight: highlight,
      tall: rows.count > 12,
      caption: kept.map { "The highlighted epoch \($0) is the one whose weights the network kept." },
      to: &html)
  }
}
