// Overlaid curves, the summary table and the choice sentence for
// `sgd lr=0.5,3,10`.
import NumberFormat


enum ComparisonText {
  /// `lr = 0.5` for run i, or `run 3` when the value is missing.
  static func name(_ comparison: ComparisonResult, _ i: Int) -> String {
    i < comparison.values.count && comparison.parameter != "repeat"
      ? PageText.setting(comparison.parameter, comparison.values[i])
      : "run \(i + 1)"
  }

  /// Which run became the current network, and why.
  static func choice(_ comparison: ComparisonResult) -> String? {
    let runs = comparison.runs
    guard runs.indices.contains(comparison.chosen) else { return nil }
    let chosen = comparison.chosen
    let finals = runs.map { $0.finalEpoch?.validationAccuracy }
    let lead = "The run with \(name(comparison, chosen)) became the current "
      + "network"
    guard let best = finals[chosen], best.isFinite else {
      return lead + "; later cells continue from it."
    }
    let tied = finals.enumerated().filter { $0.element == best }.map(\.offset)
    var text = lead + ": it reached the best final validation accuracy ("
      + Format.percent(best) + ")"
    if tied.count > 1 {
      text += ", tied with "
        + tied.filter { $0 != chosen }.map { name(comparison, $0) }
          .joined(separator: ", ")
        + " (ties go to the earlier run)"
    }
    return text + ". Later cells continue from it."
  }
}

/// What repeats of one setting say about noise, for the console and the
/// page.
public enum ComparisonSummary {
  /// The mean and sample standard deviation of the runs' final validation
  /// accuracies (fractions), for `sgd repeat=N`; nil for other
  /// comparisons or without two finite values.
  public static func validationSpread(_ comparison: ComparisonResult)
    -> (mean: Double, standardDeviation: Double)?
  {
    guard comparison.parameter == "repeat" else { return nil }
    let values = comparison.runs.compactMap(\.finalEpoch?.validationAccuracy)
      .filter(\.isFinite)
    guard values.count >= 2 else { return nil }
    let mean = values.reduce(0, +) / Double(values.count)
    let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, (squares / Double(values.count - 1)).squareRoot())
  }

  /// `Final validation accuracy over 3 runs: 95.10 % ± 0.21 points (mean
  /// ± standard deviation).`
  public static func spread(_ comparison: ComparisonResult) -> String? {
    guard let (mean, deviation) = validationSpread(comparison) else {
      return nil
    }
    return "Final validation accuracy over \(comparison.runs.count) runs, "
      + "each with its own image order (and, from an untrained network,"
      + " its own initial weights): " + Format.percent(mean)
      + " ± " + Format.fixed(deviation * 100, 2)
      + " points (mean ± standard deviation)."
  }
}

enum ComparisonCharts {
  /// The training cost of every run; with regularisation its data part
  /// alone, since the regularisation term of a large λ (50 at the start
  /// for λ = 5) would lift its curve and flatten every other.
  static func cost(_ comparison: ComparisonResult) -> LineChart {
    let regularized = comparison.runs.contains(where: \.isRegularized)
    return LineChart(
      label: regularized
        ? "Training data cost per epoch (regularisation term left out)"
        : "Training cost per epoch", xTitle: "epoch",
      yTitle: regularized ? "training data cost" : "training cost",
      series: comparison.runs.enumerated().map { i, run in
        ChartSeries(
          name: ComparisonText.name(comparison, i),
          points: run.history.map {
            (Double($0.epoch), regularized ? $0.trainingDataCost : $0.trainingCost)
          },
          colour: i)
      }, logarithmicWhenWide: true)
  }

  static func validation(_ comparison: ComparisonResult) -> LineChart? {
    let any = comparison.runs.contains {
      $0.history.contains { $0.validationAccuracy != nil }
    }
    guard any else { return nil }
    return LineChart.percent(
      label: "Validation accuracy per epoch",
      yTitle: "validation accuracy (%)",
      series: comparison.runs.enumerated().map { i, run in
        ChartSeries(
          name: ComparisonText.name(comparison, i),
          points: run.history.map {
            (Double($0.epoch), $0.validationAccuracy ?? .nan)
          }, colour: i)
      })
  }
}

enum ComparisonTable {
  static func write(_ comparison: ComparisonResult, to html: inout HTMLWriter)
  {
    let hasTest = comparison.runs.contains {
      $0.history.contains { $0.testAccuracy != nil }
    }
    let rows = comparison.runs.enumerated().map { i, run in
      let last = run.finalEpoch
      var value = i < comparison.values.count
        ? comparison.values[i] : "run \(i + 1)"
      if i == comparison.chosen { value += " ✓" }
      if let epoch = run.divergedAtEpoch { value += " (diverged at \(epoch))" }
      return [
        value, last.map { Format.significant($0.trainingCost) } ?? "–",
        last?.validationAccuracy.map { Format.percent($0) } ?? "–",
      ] + (hasTest ? [last?.testAccuracy.map { Format.percent($0) } ?? "–"] : [])
        + [Format.duration(run.history.map(\.seconds).reduce(0, +))]
    }
    let headers =
      [comparison.parameter, "final training cost", "final validation accuracy"]
      + (hasTest ? ["final test accuracy"] : []) + ["time"]
    Table.write(
      headers: headers, numeric: [false] + headers.dropFirst().map { _ in true },
      rows: rows, highlight: [comparison.chosen], to: &html)
  }
}
