import Datasets
import Dispatch
import NeuralNet
import Notebook
import NumberFormat
import Report

/// `sgd lr=… batch=… epochs=… l2=… momentum=…`: train the current network
/// by mini-batch stochastic gradient descent. Every parameter is a list; at
/// most one holds more than one value, and then the directive trains once
/// per value from the same weights, to compare them.
struct SGD: LabDirective {
  static let spec = DirectiveSpec(
    verb: "sgd",
    summary: "Train the network by mini-batch stochastic gradient descent.",
    parameters: [
      ParameterSpec(
        "lr",
        .number(min: 0, minInclusive: false, max: nil, maxInclusive: false),
        default: "3", list: true,
        aliases: ["eta", "rate", "learning_rate", "learningrate",
                  "learning-rate", "η"],
        "Learning rate η."),
      ParameterSpec(
        "batch", .integer(min: 1, max: Int.max), default: "10", list: true,
        aliases: ["batch_size", "batchsize", "batch-size", "minibatch",
                  "mini_batch_size"],
        "Images per mini-batch."),
      ParameterSpec(
        "epochs", .integer(min: 1, max: 10_000), default: "5", list: true,
        aliases: ["epoch", "iterations"],
        "Passes over the training images."),
      ParameterSpec(
        "l2",
        .number(min: 0, minInclusive: true, max: nil, maxInclusive: false),
        default: "0", list: true,
        aliases: ["lambda", "lmbda", "weight_decay", "regularization",
                  "regularisation", "λ"],
        "L2 regularisation strength λ."),
      ParameterSpec(
        "momentum",
        .number(min: 0, minInclusive: true, max: 1, maxInclusive: false),
        default: "0", list: true, aliases: ["mu", "beta", "μ"],
        "Momentum coefficient μ."),
    ], atMostOneList: true)
  static let reads: Set<StatePart> = [.data, .network, .generator]
  static let needs: Set<StatePart> = [.data, .network]
  static let writes: Set<StatePart> = [.network, .generator]

  /// `lr`: the learning rate η, as written (reports show `0.1`, not the
  /// Float nearest to it).
  var learningRate: [Double]
  /// `batch`: images per mini-batch.
  var batchSize: [Int]
  /// `epochs`: passes over the training images.
  var epochs: [Int]
  /// `l2`: the L2 regularisation strength λ.
  var l2: [Double]
  /// `momentum`: the momentum coefficient μ.
  var momentum: [Double]
  /// The key whose list holds more than one value, or nil for a single
  /// training.
  var comparedParameter: String?

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    learningRate = try values.numbers("lr")
    batchSize = try values.integers("batch")
    epochs = try values.integers("epochs")
    l2 = try values.numbers("l2")
    momentum = try values.numbers("momentum")
    comparedParameter = values.listedKey
  }

  /// A training request written in code (tests, tools): the same value a
  /// notebook line with these settings decodes to.
  init(
    learningRate: [Double] = [3], batchSize: [Int] = [10],
    epochs: [Int] = [5], l2: [Double] = [0], momentum: [Double] = [0]
  ) {
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.momentum = momentum
    let lists = [
      ("batch", batchSize.count), ("epochs", epochs.count), ("l2", l2.count),
      ("lr", learningRate.count), ("momentum", momentum.count),
    ]
    comparedParameter = lists.first { $0.1 > 1 }?.0
  }

  // MARK: Plans

  /// One training run the directive asks for.
  struct Plan: Sendable {
    /// The settings as the engine uses them (Float).
    var options: TrainingOptions
    /// The real-valued settings as the notebook wrote them.
    var learningRate: Double
    var l2: Double
    var momentum: Double
    /// The compared parameter with its value, e.g. `lr = 0.5`; empty for a
    /// single run.
    var label = ""
    /// The compared value as written, e.g. `0.5`.
    var value = ""
  }

  /// One plan per value of the compared parameter (one when nothing is
  /// compared): a single value applies to every run.
  var plans: [Plan] {
    let count = max(
      learningRate.count, batchSize.count, epochs.count, l2.count,
      momentum.count)
    func pick<T>(_ values: [T], _ index: Int) -> T {
      values.count > index ? values[index] : values[values.count - 1]
    }
    return (0..<count).map { index in
      let lr = pick(learningRate, index)
      let l2 = pick(self.l2, index)
      let momentum = pick(self.momentum, index)
      var plan = Plan(
        options: TrainingOptions(
          learningRate: Float(lr), batchSize: pick(batchSize, index),
          epochs: pick(epochs, index), l2: Float(l2),
          momentum: Float(momentum)),
        learningRate: lr, l2: l2, momentum: momentum)
      if let key = comparedParameter {
        let texts: [String: String] = [
          "lr": Format.plain(lr), "batch": Format.plain(plan.options.batchSize),
          "epochs": Format.plain(plan.options.epochs), "l2": Format.plain(l2),
          "momentum": Format.plain(momentum),
        ]
        plan.value = texts[key] ?? ""
        plan.label = "\(key) = \(plan.value)"
      }
      return plan
    }
  }

  // MARK: Running

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let (start, splits) = try session.requireNetworkAndData(for: directive)
    let shuffleSeed = session.generator.next()
    let plans = self.plans
    let console = session.console
    let options = session.options

    if plans.count == 1 {
      let result = Self.train(
        start, plan: plans[0], splits: splits, shuffleSeed: shuffleSeed,
        console: console, options: options)
      warnings += Self.divergenceWarnings([result], plans: plans, at: directive)
      warnings += ChanceWarning.warnings(
        [result], networks: [start], plans: plans, splits: splits,
        at: directive)
      session.networkIsTrained = true
      return .training(result)
    }

    // A comparison: every run starts from the same weights and sees the
    // images in the same order, so only the compared parameter differs.
    let networks = plans.map { _ in start.copy() }
    let results = ResultSlots<TrainingResult>(count: plans.count)
    let progress = ComparisonProgress(
      label: "comparing \(comparedParameter ?? "runs")", runs: plans.count,
      console: console)
    DispatchQueue.concurrentPerform(iterations: plans.count) { index in
      results[index] = Self.train(
        networks[index], plan: plans[index], splits: splits,
        shuffleSeed: shuffleSeed, console: console, options: options,
        progress: { progress.update(run: index, fraction: $0) })
    }
    let runs = results.values
    let chosen = Self.bestRun(runs)
    session.network = networks[chosen]
    session.networkIsTrained = true
    warnings += Self.divergenceWarnings(runs, plans: plans, at: directive)
    warnings += ChanceWarning.warnings(
      runs, networks: networks, plans: plans, splits: splits, at: directive)
    return .comparison(
      ComparisonResult(
        parameter: comparedParameter ?? "",
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

  private static func divergenceWarnings(
    _ runs: [TrainingResult], plans: [Plan], at directive: Directive
  ) -> [Diagnostic] {
    zip(runs, plans).compactMap { run, plan in
      guard let epoch = run.divergedAtEpoch else { return nil }
      let which = plan.label.isEmpty ? "training" : "the run with \(plan.label)"
      return .warning(
        at: directive.location(of: "lr"),
        "\(which) diverged: the cost became infinite or NaN in epoch "
          + "\(epoch), so it stopped there",
        suggestion: "try a smaller learning rate than lr="
          + Format.plain(plan.learningRate))
    }
  }

  /// Trains `network` in place, measuring validation and test accuracy
  /// after every epoch.
  private static func train(
    _ network: Network, plan: Plan, splits: Splits, shuffleSeed: UInt64,
    console: Console, options: RunOptions,
    progress: ((Double) -> Void)? = nil
  ) -> TrainingResult {
    let epochs = plan.options.epochs
    var history: [EpochResult] = []
    var diverged: Int?
    let prefix = plan.label.isEmpty ? "" : "\(plan.label): "
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
      learningRate: plan.learningRate,
      batchSize: plan.options.batchSize, epochs: epochs,
      l2: plan.l2, momentum: plan.momentum,
      trainingImages: splits.training.count, history: history,
      divergedAtEpoch: diverged,
      parametersSHA256: SHA256Digest.hex(of: network.parameterBytes))
  }

  private static func accuracy(_ network: Network, _ split: Split) -> Double? {
    guard split.count > 0 else { return nil }
    let evaluation = network.evaluate(on: split.data, images: split.images)
    return Double(evaluation.correct) / Double(evaluation.total)
  }
}
