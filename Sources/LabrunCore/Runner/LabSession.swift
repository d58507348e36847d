import Datasets
import Dispatch
import Foundation
import NeuralNet
import Notebook
import Report
import NumberFormat

/// The state a notebook builds up as its cells run, and the code that runs
/// each directive against it.
///
/// One session runs one notebook once, cell by cell, on the calling thread
/// (a comparison fans its runs out over the cores and joins them).
final class LabSession {
  /// Where and how to find data and show progress.
  let options: RunOptions
  let console: Console
  let notebookPath: String

  /// Seeds initialisation and shuffling; `seed N` restarts it. The cache
  /// (`CellCache`) restores these when a cell replayed from it has set
  /// them.
  var generator: CountingGenerator
  var splits: Splits?
  var network: Network?
  /// True once `sgd` has trained the current network (`net` makes an
  /// untrained one); the playground refuses untrained networks.
  var networkIsTrained = false
  /// Data files used so far, for the footer.
  var dataFiles: [DataFile] = []

  /// Resources a failed cell should have made: name → that cell's number.
  private var failed: [Resource: Int] = [:]

  init(seed: UInt64, options: RunOptions, console: Console, notebookPath: String) {
    self.generator = CountingGenerator(seed: seed)
    self.options = options
    self.console = console
    self.notebookPath = notebookPath
  }

  // MARK: - Cells

  /// Runs one cell: its directives in order, stopping at the first failure.
  func run(_ cell: LabCell) -> CellReport {
    let start = DispatchTime.now()
    var report = runDirectives(of: cell)
    report.seconds = seconds(since: start)
    return report
  }

  private func runDirectives(of cell: LabCell) -> CellReport {
    var report = CellReport(
      number: cell.number, line: cell.fence.line,
      sourceLines: cell.sourceLines, firstSourceLine: cell.firstSourceLine,
      directives: cell.directives.map(\.record), status: .ok, seconds: 0,
      diagnostics: cell.diagnostics.map(\.record))

    if cell.hasErrors {
      report.status = .error
      markFailed(producedBy: writtenVerbs(of: cell), cell: cell.number)
      return report
    }
    if let (resource, producer) = blockedDependency(of: cell) {
      report.status = .skipped
      report.skipReason =
        "needs the \(resource.rawValue) from cell \(producer), which failed"
      markFailed(producedBy: cell.directives.map(\.verb), cell: cell.number)
      return report
    }

    for (index, directive) in cell.directives.enumerated() {
      do {
        var warnings: [Diagnostic] = []
        if let result = try run(directive, warnings: &warnings) {
          report.results.append(result)
        }
        report.diagnostics += warnings.map(\.record)
      } catch {
        report.status = .error
        report.diagnostics.append(error.diagnostic.record)
        let rest = cell.directives[index...].map(\.verb)
        markFailed(producedBy: rest, cell: cell.number)
        break
      }
    }
    if report.status == .ok { markSucceeded(cell) }
    return report
  }

  /// Makes the resources `cell` produces good again: it ran, or its
  /// results came from the cache.
  func markSucceeded(_ cell: LabCell) {
    for verb in cell.directives.map(\.verb) {
      for resource in Resource.produced(by: verb) {
        failed[resource] = nil
      }
    }
  }

  /// The first word of every directive line, valid or not.
  private func writtenVerbs(of cell: LabCell) -> [String] {
    cell.sourceLines.compactMap { line in
      let code = line.split(separator: "#", maxSplits: 1,
        omittingEmptySubsequences: false).first ?? ""
      return code.split(whereSeparator: { $0 == " " || $0 == "\t" })
        .first.map(String.init)
    }
  }

  private func markFailed(producedBy verbs: [String], cell: Int) {
    for verb in verbs {
      for resource in Resource.produced(by: verb) where failed[resource] == nil {
        failed[resource] = cell
      }
    }
  }

  /// A resource this cell needs (before making it itself) that a failed
  /// cell should have made.
  func blockedDependency(of cell: LabCell) -> (Resource, Int)? {
    var madeHere: Set<Resource> = []
    for directive in cell.directives {
      for resource in Resource.needed(by: directive.verb)
      where !madeHere.contains(resource) {
        if let producer = failed[resource] { return (resource, producer) }
      }
      madeHere.formUnion(Resource.produced(by: directive.verb))
    }
    return nil
  }

  // MARK: - Directives

  private func run(
    _ directive: Directive, warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    switch directive.kind {
    case .seed(let seed):
      generator = CountingGenerator(seed: seed)
      return nil
    case .load(let load):
      return .dataset(try run(load, at: directive))
    case .net(let net):
      return .network(try run(net, at: directive))
    case .sgd(let sgd):
      return try run(sgd, at: directive, warnings: &warnings)
    case .evaluate(let evaluate):
      return .evaluation(try run(evaluate, at: directive))
    case .playground:
      return .playground(
        try runPlayground(at: directive, warnings: &warnings))
    }
  }

  private func run(_ load: Load, at directive: Directive) throws(CellFailure)
    -> DatasetResult
  {
    guard let name = Datasets.DatasetName(rawValue: load.dataset.rawValue) else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: ""),
          "unknown data set '\(load.dataset.rawValue)'"))
    }
    let data: LoadedData
    do {
      let directory = try DataLocator.locate(
        name, explicit: options.dataDirectory,
        environment: options.environment)
      data = try DataLoader.load(name, from: directory)
    } catch {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: ""), "\(error.path): \(error.message)",
          suggestion: error.hint))
    }
    let available = data.training.count
    if load.train + load.validation > available {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "train"),
          "the \(name.displayName) training file holds \(available) images, "
            + "but train=\(load.train) and validation=\(load.validation) "
            + "ask for \(load.train + load.validation)",
          suggestion: "keep train + validation at most \(available), "
            + "e.g. train=\(available - load.validation)"))
    }
    if load.test > data.test.count {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "test"),
          "the \(name.displayName) test file holds \(data.test.count) "
            + "images, but test=\(load.test) asks for more",
          suggestion: "use test=\(data.test.count) or fewer"))
    }
    let splits = Splits(
      data, training: load.train, validation: load.validation,
      test: load.test)
    self.splits = splits
    for file in data.files where !dataFiles.contains(file) {
      dataFiles.append(file)
    }
    let sampleCount = min(24, splits.training.count)
    let samples = (0..<sampleCount).map { index in
      digit(splits.training, index, classNames: name.classNames)
    }
    return DatasetResult(
      name: name.rawValue, training: splits.training.count,
      validation: splits.validation.count, test: splits.test.count,
      rows: data.training.rows, columns: data.training.columns,
      classNames: name.classNames, samples: samples)
  }

  private func run(_ net: Net, at directive: Directive) throws(CellFailure)
    -> NetworkResult
  {
    if let splits {
      let pixels = splits.training.pixelsPerImage
      if net.sizes.first != pixels {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the input layer has \(net.sizes.first ?? 0) units, but "
              + "\(splits.name.displayName) images have \(pixels) pixels "
              + "(\(splits.training.rows)×\(splits.training.columns))",
            suggestion: "start the sizes with \(pixels), e.g. "
              + "'net \(([pixels] + net.sizes.dropFirst()).map(String.init).joined(separator: "-"))'"))
      }
      let classes = splits.name.classNames.count
      if net.sizes.last != classes {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the output layer has \(net.sizes.last ?? 0) units, but "
              + "\(splits.name.displayName) has \(classes) classes",
            suggestion: "end the sizes with \(classes)"))
      }
    }
    let configuration = NetworkConfiguration(
      sizes: net.sizes,
      hidden: Activation(rawValue: net.hidden.rawValue) ?? .sigmoid,
      output: Activation(rawValue: net.output.rawValue) ?? .sigmoid,
      cost: Cost(rawValue: net.cost.rawValue) ?? .quadratic,
      initialization: Initialization(rawValue: net.initialization.rawValue)
        ?? .normal)
    network = Network(configuration, seed: generator.next())
    networkIsTrained = false
    let layers = zip(net.sizes, net.sizes.dropFirst()).enumerated().map {
      index, pair in
      NetworkResult.Layer(
        inputs: pair.0, outputs: pair.1,
        activation: index == net.sizes.count - 2
          ? net.output.rawValue : net.hidden.rawValue)
    }
    return NetworkResult(
      sizes: net.sizes, layers: layers, cost: net.cost.rawValue,
      initialization: net.initialization.rawValue)
  }

  /// The network and data that `directive` needs, or a located error that
  /// says which directive to add.
  private func requireNetworkAndData(for directive: Directive)
    throws(CellFailure) -> (Network, Splits)
  {
    guard let splits else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(directive.verb)' needs a data set, but none is loaded",
          suggestion: "add 'load mnist' in a cell before this one"))
    }
    guard let network else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(directive.verb)' needs a network, but none exists yet",
          suggestion: "add 'net 784-30-10' in a cell before this one"))
    }
    return (network, splits)
  }

  private func run(_ evaluate: Evaluate, at directive: Directive)
    throws(CellFailure) -> EvaluationResult
  {
    let (network, splits) = try requireNetworkAndData(for: directive)
    let data = splits.split(evaluate.split.rawValue)
    guard data.count > 0 else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "on"),
          "the \(evaluate.split.rawValue) set is empty",
          suggestion: "load some \(evaluate.split.rawValue) images, e.g. "
            + "'load \(splits.name.rawValue) \(evaluate.split.rawValue)=10000'"))
    }
    let evaluation = network.evaluate(on: data.data, images: data.images)
    let names = splits.name.classNames
    let wrong = evaluation.predictions.indices.lazy.filter {
      evaluation.predictions[$0] != data.label($0)
    }.prefix(24)
    let misclassified = wrong.map { index in
      var image = self.digit(data, index, classNames: names)
      image.predicted = self.className(Int(evaluation.predictions[index]), names)
      return image
    }
    return EvaluationResult(
      split: evaluate.split.rawValue, correct: evaluation.correct,
      total: evaluation.total, classNames: names,
      confusion: evaluation.confusion, misclassified: Array(misclassified))
  }

  // MARK: - Playground

  /// The trained network's parameters for the page's drawing area.
  private func runPlayground(
    at directive: Directive, warnings: inout [Diagnostic]
  ) throws(CellFailure) -> PlaygroundResult {
    guard let network, networkIsTrained else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          self.network == nil
            ? "'playground' needs a trained network, but none exists yet"
            : "'playground' needs a trained network, but the current one "
              + "has not been trained",
          suggestion: self.network == nil
            ? "add 'net 784-30-10' and 'sgd' in cells before this one"
            : "add 'sgd' after 'net' in a cell before this one"))
    }
    let sizes = network.configuration.sizes
    // Drawings are square images; the loaded data set says their size.
    let rows = splits?.training.rows ?? 28
    let columns = splits?.training.columns ?? 28
    guard rows * columns == network.inputSize else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "the playground draws \(rows)×\(columns) images, but the network "
            + "takes \(network.inputSize) inputs",
          suggestion: "train a network whose input layer has "
            + "\(rows * columns) units, e.g. 'net \(rows * columns)-30-10'"))
    }
    let names = splits?.name.classNames ?? []
    if let warning = PlaygroundProbe.answer(
      network, cell: directive.location, environment: options.environment)
    {
      warnings.append(warning)
    }
    return PlaygroundResult(
      sizes: sizes, hidden: network.configuration.hidden.rawValue,
      output: network.configuration.output.rawValue, rows: rows,
      columns: columns,
      classNames: names.count == network.outputSize
        ? names : (0..<network.outputSize).map(String.init),
      parameters: network.parameters)
  }

  // MARK: - Training

  private func run(
    _ sgd: SGD, at directive: Directive, warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult {
    let (start, splits) = try requireNetworkAndData(for: directive)
    let shuffleSeed = generator.next()
    let plans = TrainingPlan.plans(for: sgd)

    if plans.count == 1 {
      let plan = plans[0]
      let network = start
      let result = Self.train(
        network, plan: plan, splits: splits, shuffleSeed: shuffleSeed,
        label: "", console: console, options: options)
      warnings += divergenceWarnings([result], plans: plans, at: directive)
      warnings += ChanceWarning.warnings(
        [result], networks: [network], plans: plans, splits: splits,
        at: directive)
      networkIsTrained = true
      return .training(result)
    }

    // A comparison: every run starts from the same weights and sees the
    // images in the same order, so only the compared parameter differs.
    let networks = plans.map { _ in start.copy() }
    let results = ResultSlots<TrainingResult>(count: plans.count)
    let console = self.console
    let options = self.options
    let progress = ComparisonProgress(
      label: "comparing \(sgd.comparedParameter ?? "runs")", runs: plans.count,
      console: console)
    DispatchQueue.concurrentPerform(iterations: plans.count) { index in
      let plan = plans[index]
      let result = Self.train(
        networks[index], plan: plan, splits: splits,
        shuffleSeed: shuffleSeed, label: plan.label, console: console,
        options: options,
        progress: { progress.update(run: index, fraction: $0) })
      results[index] = result
    }
    let runs = results.values
    let chosen = Self.bestRun(runs)
    network = networks[chosen]
    networkIsTrained = true
    warnings += divergenceWarnings(runs, plans: plans, at: directive)
    warnings += ChanceWarning.warnings(
      runs, networks: networks, plans: plans, splits: splits, at: directive)
    return .comparison(
      ComparisonResult(
        parameter: sgd.comparedParameter ?? "",
        values: plans.map(\.value), runs: runs, chosen: chosen))
  }

  /// The run with the best final validation accuracy (the earlier one on a
  /// tie); without a validation set, the lowest final training cost.
  static func bestRun(_ runs: [TrainingResult]) -> Int {
    func score(_ run: TrainingResult) -> Double {
      guard let last = run.history.last, run.divergedAtEpoch == nil else {
        return -.infinity
      }
      if let accuracy = last.validationAccuracy { return accuracy }
      return last.trainingCost.isFinite ? -last.trainingCost : -.infinity
    }
    var best = 0
    for index in runs.indices.dropFirst()
    where score(runs[index]) > score(runs[best]) {
      best = index
    }
    return best
  }

  private func divergenceWarnings(
    _ runs: [TrainingResult], plans: [TrainingPlan], at directive: Directive
  ) -> [Diagnostic] {
    zip(runs, plans).compactMap { run, plan in
      guard let epoch = run.divergedAtEpoch else { return nil }
      let which = plan.label.isEmpty ? "training" : "the run with \(plan.label)"
      return .warning(
        at: directive.location(of: "lr"),
        "\(which) diverged: the cost became infinite or NaN in epoch "
          + "\(epoch), so it stopped there",
        suggestion: "try a smaller learning rate than lr="
          + Format.plain(plan.written.learningRate))
    }
  }

  /// Trains `network` in place, measuring validation and test accuracy
  /// after every epoch.
  private static func train(
    _ network: Network, plan: TrainingPlan, splits: Splits,
    shuffleSeed: UInt64, label: String, console: Console,
    options: RunOptions,
    progress: ((Double) -> Void)? = nil
  ) -> TrainingResult {
    let epochs = plan.options.epochs
    var history: [EpochResult] = []
    var diverged: Int?
    let prefix = label.isEmpty ? "" : "\(label): "
    let isCancelled = options.isCancelled
    network.train(
      on: splits.training.data, images: splits.training.images,
      options: plan.options, shuffleSeed: shuffleSeed
    ) { event in
      if isCancelled() { return .stop }
      switch event {
      case .progress(let epoch, let fraction):
        let overall = (Double(epoch - 1) + fraction) / Double(epochs)
        if let progress {
          progress(overall)
        } else {
          console.progress(
            label: "\(prefix)epoch \(epoch)/\(epochs)", fraction: overall)
        }
      case .epochFinished(let stats):
        let validation = accuracy(network, splits.validation)
        let test = accuracy(network, splits.test)
        history.append(
          EpochResult(
            epoch: stats.epoch, trainingCost: stats.meanCost,
            validationAccuracy: validation, testAccuracy: test,
            seconds: stats.seconds))
        console.line(
          "  \(prefix)epoch \(stats.epoch)/\(epochs): cost "
            + Format.fixed(stats.meanCost, 4)
            + (validation.map { ", validation " + Format.percent($0) } ?? "")
            + (test.map { ", test " + Format.percent($0) } ?? "")
            + " (" + Format.duration(stats.seconds) + ")")
        if !stats.meanCost.isFinite {
          diverged = stats.epoch
          return .stop
        }
      }
      return .continue
    }
    return TrainingResult(
      learningRate: plan.written.learningRate,
      batchSize: plan.options.batchSize, epochs: epochs,
      l2: plan.written.l2, momentum: plan.written.momentum,
      trainingImages: splits.training.count, history: history,
      divergedAtEpoch: diverged,
      parametersSHA256: SHA256Digest.hex(of: network.parameterBytes))
  }

  private static func accuracy(_ network: Network, _ split: Split) -> Double? {
    guard split.count > 0 else { return nil }
    let evaluation = network.evaluate(on: split.data, images: split.images)
    return Double(evaluation.correct) / Double(evaluation.total)
  }

  // MARK: - Images

  private func digit(_ split: Split, _ index: Int, classNames: [String])
    -> DigitImage
  {
    DigitImage(
      rows: split.rows, columns: split.columns,
      pixels: Array(split.image(index)), index: index,
      label: className(Int(split.label(index)), classNames))
  }

  private func className(_ label: Int, _ names: [String]) -> String {
    names.indices.contains(label) ? names[label] : String(label)
  }
}

func seconds(since start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
