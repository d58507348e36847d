// The outputs of one directive: tables, charts and digit grids.
import NumberFormat


enum ResultSection {
  static func write(_ result: CellResult, to html: inout HTMLWriter) {
    switch result {
    case .dataset(let dataset): writeDataset(dataset, to: &html)
    case .network(let network): writeNetwork(network, to: &html)
    case .training(let training): writeTraining(training, to: &html)
    case .comparison(let comparison): writeComparison(comparison, to: &html)
    case .evaluation(let evaluation): writeEvaluation(evaluation, to: &html)
    case .playground(let playground):
      PlaygroundSection.write(playground, to: &html)
    case .weights(let weights): WeightsSection.write(weights, to: &html)
    case .networkFile(let file): NetworkFileSection.write(file, to: &html)
    case .maps(let maps): MapsSection.write(maps, to: &html)
    case .check(let outcome): CheckSection.write(outcome, to: &html)
    }
    html.newline()
  }

  // MARK: - Data set

  private static func writeDataset(
    _ dataset: DatasetResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result dataset"])
    html.element("h3", text: "Data set: " + dataset.name)
    Table.write(
      headers: ["training", "validation", "test", "image size", "classes"],
      numeric: [true, true, true, true, true],
      rows: [[
        Format.grouped(dataset.training), Format.grouped(dataset.validation),
        Format.grouped(dataset.test),
        "\(dataset.rows)\u{A0}×\u{A0}\(dataset.columns)",
        String(dataset.classNames.count),
      ]], to: &html)
    if let original = dataset.expandedFrom {
      html.element(
        "p", ["class": "expansion"],
        text: "Training images expanded: each of the "
          + "\(Format.grouped(original)) from the file is followed by its "
          + "four one-pixel shifts (up, down, left, right), "
          + "\(Format.grouped(dataset.training)) in all; validation and "
          + "test images are not shifted.")
    }
    if !dataset.classNames.isEmpty {
      html.element("p", ["class": "classes"]) { html in
        html.text("Classes: ")
        for (i, name) in dataset.classNames.enumerated() {
          if i > 0 { html.text(", ") }
          html.element("span", ["class": "class-name"], text: name)
        }
      }
    }
    if !dataset.samples.isEmpty {
      DigitGrid.write(
        dataset.samples, caption: "Sample training images with their labels",
        split: "training", to: &html)
    }
    html.close()
  }

  // MARK: - Network

  private static func writeNetwork(
    _ network: NetworkResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result network"])
    let notation = network.architecture
      ?? network.sizes.map(String.init).joined(separator: "-")
    html.element(
      "h3",
      text: network.candidate.map {
        "Candidate \($0.index + 1) of \($0.count), "
          + PageText.setting($0.parameter, $0.value) + ": " + notation
      } ?? "Network: " + notation)
    html.open("div", ["class": "network-layout"])
    if network.architecture == nil {
      let rows = network.layers.enumerated().map { i, layer in
        [String(i + 1), "\(layer.inputs) → \(layer.outputs)", layer.activation,
         Format.grouped(layer.parameters)]
      }
      html.element("div") { html in
        Table.write(
          headers: ["layer", "inputs → outputs", "activation", "parameters"],
          numeric: [true, false, false, true], rows: rows,
          footer: ["total", "", "", Format.grouped(network.parameters)],
          to: &html)
      }
    } else {
      // Convolutions and pools: each layer's notation and shapes.
      let rows = network.layers.enumerated().map { i, layer in
        [String(i + 1), layer.kind ?? String(layer.outputs),
         "\(layer.inputShape ?? String(layer.inputs)) → "
           + (layer.outputShape ?? String(layer.outputs)),
         layer.activation, Format.grouped(layer.parameters)]
      }
      html.element("div") { html in
        Table.write(
          headers: ["layer", "kind", "shape in → out", "activation", "parameters"],
          numeric: [true, false, false, false, true], rows: rows,
          footer: ["total", "", "", "", Format.grouped(network.parameters)],
          to: &html)
      }
    }
    // The diagram draws neurons joined all to all: fully connected only.
    if network.architecture == nil { NetworkDiagram.write(network, to: &html) }
    html.close()
    html.element("p", ["class": "facts"]) { html in
      html.element("span", text: "Cost: " + network.cost)
      html.text(" · ")
      html.element("span", text: "Initialisation: " + network.initialization)
    }
    if let candidate = network.candidate, candidate.index == candidate.count - 1 {
      html.element(
        "p", ["class": "choice"],
        text: "The next sgd trains "
          + (candidate.count == 2 ? "both" : "all \(candidate.count)")
          + " candidates on the same order of images and keeps the one with the best"
          + " validation accuracy as the network.")
    }
    html.close()
  }

  // MARK: - Training

  private static func writeTraining(
    _ training: TrainingResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result training"])
    html.element("h3", text: "Training: " + TrainingText.settings(training))
    html.element("p", ["class": "facts"], text: TrainingText.facts(training))
    if let warning = TrainingText.divergence(training) {
      html.element("p", ["class": "banner warning"], text: warning)
    }
    if let summary = TrainingText.finalScores(training) {
      html.element("p", ["class": "headline"], text: summary)
    }
    if let ending = TrainingSummary.ending(training) {
      html.element("p", ["class": "ending"], text: ending)
    }
    if let changes = TrainingSummary.learningRateChanges(training) {
      html.element("p", ["class": "schedule"], text: changes)
    }
    html.open("div", ["class": "charts"])
    TrainingCharts.cost(training).write(to: &html)
    TrainingCharts.accuracy(training)?.write(to: &html)
    html.close()
    TrainingTable.write(training, to: &html)
    html.close()
  }

  // MARK: - Comparison

  private static func writeComparison(
    _ comparison: ComparisonResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result comparison"])
    html.element(
      "h3",
      text: comparison.parameter == "repeat"
        ? "Repeated \(comparison.runs.count) times, each in its own image order"
        : "Comparison: " + comparison.parameter + " = "
          + comparison.values.joined(separator: ", "))
    html.open("div", ["class": "charts"])
    ComparisonCharts.cost(comparison).write(to: &html)
    ComparisonCharts.validation(comparison)?.write(to: &html)
    html.close()
    for (i, run) in comparison.runs.enumerated() {
      let name = ComparisonText.name(comparison, i)
      if let warning = TrainingText.divergence(run, run: name) {
        html.element("p", ["class": "banner warning"], text: warning)
      }
    }
    ComparisonTable.write(comparison, to: &html)
    if let spread = ComparisonSummary.spread(comparison) {
      html.element("p", ["class": "spread"], text: spread)
    }
    if let sentence = ComparisonText.choice(comparison) {
      html.element("p", ["class": "choice"], text: sentence)
    }
    html.close()
  }

  // MARK: - Evaluation

  private static func writeEvaluation(
    _ evaluation: EvaluationResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result evaluation"])
    html.element("h3", text: "Evaluation on the \(evaluation.split) set")
    html.element("p", ["class": "headline"]) { html in
      html.text(
        Format.grouped(evaluation.correct) + " / "
          + Format.grouped(evaluation.total) + " = ")
      html.element("strong", text: Format.percent(evaluation.accuracy))
      html.text(" on the \(evaluation.split) set")
    }
    ConfusionMatrix.write(evaluation, to: &html)
    if !evaluation.misclassified.isEmpty {
      DigitGrid.write(
        evaluation.misclassified,
        caption: "Misclassified images: true → predicted",
        split: evaluation.split, to: &html)
    }
    html.close()
  }
}
