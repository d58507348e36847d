import Datasets
import Dispatch
import NeuralNet
import Notebook
import NumberFormat
import Report

/// `sgd lr=… batch=… epochs=… l2=… l1=… momentum=… monitor=… stop=…
/// schedule=…`: train the current network by mini-batch stochastic gradient
/// descent. Every numeric parameter is a list; at most one holds more than
/// one value, and then the directive trains once per value from the same
/// weights, to compare them. Epochs are numbered on from the network's
/// earlier training, and the test set is measured per epoch only when
/// `monitor` names it.
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
        "l1",
        .number(min: 0, minInclusive: true, max: nil, maxInclusive: false),
        default: "0", list: true, aliases: ["lasso", "l1_regularization"],
        "L1 regularisation strength λ₁."),
      ParameterSpec(
        "momentum",
        .number(min: 0, minInclusive: true, max: 1, maxInclusive: false),
        default: "0", list: true, aliases: ["mu", "beta", "μ"],
        "Momentum coefficient μ."),
      ParameterSpec(
        "monitor", .choice(MonitoredSet.allCases.map(\.rawValue)),
        default: "validation", set: true,
        aliases: ["measure", "watch", "track", "evaluate"],
        "What is measured after every epoch, accuracy and cost for each; the"
          + " test set stays locked until 'evaluate' unless named here."),
      ParameterSpec(
        "stop", .integer(min: 1, max: 10_000), default: "",
        aliases: ["early_stopping", "earlystopping", "early-stopping",
                  "patience", "early_stop"],
        "Early stopping: stop after this many epochs without a better"
          + " validation accuracy, keeping the best epoch's weights."),
      ParameterSpec(
        "schedule", .integer(min: 1, max: 10_000), default: "",
        aliases: ["lr_schedule", "decay", "halve", "anneal"],
        "Halve η after this many epochs without a better validation"
          + " accuracy; stop at η/128."),
      ParameterSpec(
        "repeat", .integer(min: 2, max: DirectiveLanguage.maxListLength),
        default: "", aliases: ["repeats", "runs", "seeds", "trials", "times"],
        "Train this many copies of the network, each seeing the images in"
          + " its own order and, on a network not trained yet, starting from"
          + " its own random weights; the report gives the mean ± standard"
          + " deviation of their final validation accuracies."),
    ], atMostOneList: true)
  static let reads: Set<StatePart> = [.data, .network, .generator]
  static let needs: Set<StatePart> = [.data, .network]
  static let writes: Set<StatePart> = [.network, .generator]
  static let produces: [any ResultContent.Type] = [
    TrainingResult.self, ComparisonResult.self,
  ]

  /// `lr`: the learning rate η, as written (reports show `0.1`, not the
  /// Float nearest to it).
  var learningRate: [Double]
  /// `batch`: images per mini-batch.
  var batchSize: [Int]
  /// `epochs`: passes over the training images.
  var epochs: [Int]
  /// `l2`: the L2 regularisation strength λ.
  var l2: [Double]
  /// `l1`: the L1 regularisation strength λ₁.
  var l1: [Double]
  /// `momentum`: the momentum coefficient μ.
  var momentum: [Double]
  /// `monitor`: the sets measured after every epoch, in the order written.
  var monitor: [MonitoredSet]
  /// `stop`: early stopping's patience in epochs, nil without.
  var stopPatience: Int?
  /// `schedule`: the learning-rate schedule's patience, nil without.
  var schedulePatience: Int?
  /// `repeat`: how many copies train, each in its own image order and,
  /// from an untrained network, its own initial weights (1 without).
  var repeats: Int
  /// The key whose list holds more than one value, or nil for a single
  /// training.
  var comparedParameter: String?

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    learningRate = try values.numbers("lr")
    batchSize = try values.integers("batch")
    epochs = try values.integers("epochs")
    l2 = try values.numbers("l2")
    l1 = try values.numbers("l1")
    momentum = try values.numbers("momentum")
    // The spec's choice lists exactly these words.
    monitor = try values.words("monitor").compactMap(MonitoredSet.init)
    stopPatience = try values.optionalInteger("stop")
    schedulePatience = try values.optionalInteger("schedule")
    repeats = try values.optionalInteger("repeat") ?? 1
    comparedParameter = values.listedKey(excluding: ["monitor"])
  }

  /// A training request written in code (tests, tools): the same value a
  /// notebook line with these settings decodes to.
  init(
    learningRate: [Double] = [3], batchSize: [Int] = [10],
    epochs: [Int] = [5], l2: [Double] = [0], l1: [Double] = [0],
    momentum: [Double] = [0], monitor: [MonitoredSet] = [.validation],
    stop: Int? = nil, schedule: Int? = nil, repeats: Int = 1
  ) {
    self.repeats = repeats
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.l1 = l1
    self.momentum = momentum
    self.monitor = monitor
    stopPatience = stop
    schedulePatience = schedule
    let lists = [
      ("batch", batchSize.count), ("epochs", epochs.count), ("l1", l1.count),
      ("l2", l2.count), ("lr", learningRate.count),
      ("momentum", momentum.count),
    ]
    comparedParameter = lists.first { $0.1 > 1 }?.0
  }

  /// A set `monitor=` may name.
  enum MonitoredSet: String, CaseIterable, Sendable {
    case training, validation, test

    /// What the engine measures for it: accuracy and cost.
    var measurements: Monitoring {
      switch self {
      case .training: .training
      case .validation: .validation
      case .test: .test
      }
    }
  }

  // MARK: Plans

  /// One training run the directive asks for.
  struct Plan: Sendable {
    /// The settings as the engine uses them (Float).
    var options: TrainingOptions
    /// The real-valued settings as the notebook wrote them.
    var learningRate: Double
    var l2: Double
    var l1: Double
    var momentum: Double
    /// The compared parameter with its value, e.g. `lr = 0.5`; empty for a
    /// single run.
    var label = ""
    /// The compared value as written, e.g. `0.5`.
    var value = ""
    /// How warnings name the run: `training`, `the run with lr = 0.5`,
    /// `run 2` (of a repeat).
    var subject = "training"
  }

  /// One plan per value of the compared parameter (one when nothing is
  /// compared): a single value applies to every run.
  var plans: [Plan] {
    let count = max(
      learningRate.count, batchSize.count, epochs.count, l2.count, l1.count,
      momentum.count)
    func pick<T>(_ values: [T], _ index: Int) -> T {
      values.count > index ? values[index] : values[values.count - 1]
    }
    return (0..<count).map { index in
      let lr = pick(learningRate, index)
      let l2 = pick(self.l2, index)
      let l1 = pick(self.l1, index)
      let momentum = pick(self.momentum, index)
      var plan = Plan(
        options: TrainingOptions(
          learningRate: Float(lr), batchSize: pick(batchSize, index),
          epochs: pick(epochs, index), l2: Float(l2),
          momentum: Float(momentum), l1: Float(l1),
          monitor: monitor.reduce(into: []) { $0.formUnion($1.measurements) },
          earlyStopping: stopPatience,
          schedule: schedulePatience.map { LearningRateSchedule(patience: $0) }),
        learningRate: lr, l2: l2, l1: l1, momentum: momentum)
      if let key = comparedParameter {
        let texts: [String: String] = [
          "lr": Format.plain(lr), "batch": Format.plain(plan.options.batchSize),
          "epochs": Format.plain(plan.options.epochs), "l2": Format.plain(l2),
          "l1": Format.plain(l1), "momentum": Format.plain(momentum),
        ]
        plan.value = texts[key] ?? ""
        plan.label = "\(key) = \(plan.value)"
        plan.subject = "the run with \(plan.label)"
      }
      return plan
    }
  }

  // MARK: Running

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    if let candidates = session.candidates {
      return try trainCandidates(
        candidates, in: session, at: directive, warnings: &warnings)
    }
    let (start, splits) = try session.requireNetworkAndData(for: directive)
    let plans = try checkedPlans(splits: splits, at: directive)
    // One order of the images for every run of a comparison; one of its
    // own for every repeat (drawn only when repeating, so that later
    // cells draw as before).
    let shuffleSeeds = [session.generator.next()]
      + (1..<repeats).map { _ in session.generator.next() }

    if plans.count == 1 {
      let trained = Self.train(
        start, plan: plans[0], splits: splits, shuffleSeed: shuffleSeeds[0],
        console: session.console, options: session.options)
      warnings += Self.divergenceWarnings(
        [trained.result], plans: plans, at: directive)
      warnings += ChanceWarning.warnings(
        [trained], networks: [start], plans: plans, splits: splits,
        at: directive)
      session.networkIsTrained = true
      return CellResult(trained.result)
    }
    // A comparison: every run starts from the same weights and sees the
    // images in the same order, so only the compared parameter differs.
    let networks = plans.indices.map { index in
      Self.repeatCopy(
        of: start, run: index,
        shuffleSeed: shuffleSeeds[repeats > 1 ? index : 0],
        fresh: repeats > 1 && !session.networkIsTrained)
    }
    return CellResult(
      Self.compare(
        networks, plans: plans,
        parameter: repeats > 1 ? "repeat" : comparedParameter ?? "",
        shuffleSeeds: repeats > 1 ? shuffleSeeds : [shuffleSeeds[0]],
        splits: splits, in: session, at: directive, warnings: &warnings))
  }

  /// Trains every candidate a `net` with a list declared, with this
  /// directive's one setting and one order of the images, and keeps the
  /// best by validation accuracy as the network.
  private func trainCandidates(
    _ candidates: NetworkCandidates, in session: LabSession,
    at directive: Directive, warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult {
    let splits = try session.requireData(for: directive)
    for network in candidates.networks {
      try session.require(network, fits: splits, for: directive)
    }
    if let key = comparedParameter ?? (repeats > 1 ? "repeat" : nil) {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: key),
          "the network is already a comparison of \(candidates.written) (its 'net'"
            + " declared \(candidates.networks.count) candidates), so"
            + " 'sgd' cannot also "
            + (key == "repeat" ? "repeat each" : "compare \(key)=")
            + ": one list at a time",
          suggestion: key == "repeat"
            ? "train the candidates in one 'sgd' line, then repeat the kept"
              + " network in another"
            : "give \(key)= one value here, and compare \(key) in a later"
              + " 'sgd' on the network this one keeps"))
    }
    // No list and no repeat: exactly one plan.
    let plan = try checkedPlans(splits: splits, at: directive)[0]
    let plans = candidates.values.map { value in
      var copy = plan
      copy.value = value
      copy.label = "\(candidates.parameter) = \(value)"
      copy.subject = "the run with \(copy.label)"
      return copy
    }
    let shuffleSeed = session.generator.next()
    let result = Self.compare(
      candidates.networks, plans: plans, parameter: candidates.parameter,
      shuffleSeeds: [shuffleSeed], splits: splits, in: session,
      at: directive, warnings: &warnings)
    session.candidates = nil
    return CellResult(result)
  }

  /// Trains `networks[i]` with `plans[i]`, all at once, each on its own
  /// shuffle seed (or all on the one given); the best by validation
  /// accuracy becomes the session's network.
  private static func compare(
    _ networks: [Network], plans: [Plan], parameter: String,
    shuffleSeeds: [UInt64], splits: Splits, in session: LabSession,
    at directive: Directive, warnings: inout [Diagnostic]
  ) -> ComparisonResult {
    let console = session.console
    let options = session.options
    let results = ResultSlots<Trained>(count: plans.count)
    let progress = ComparisonProgress(
      label: parameter == "repeat" ? "repeating" : "comparing \(parameter)",
      runs: plans.count,
      console: console)
    // The runs already fill the cores side by side: each trains its layers
    // on one thread (the thread count never changes a bit).
    for network in networks { network.threads = 1 }
    DispatchQueue.concurrentPerform(iterations: plans.count) { index in
      results[index] = Self.train(
        networks[index], plan: plans[index], splits: splits,
        shuffleSeed: shuffleSeeds[min(index, shuffleSeeds.count - 1)],
        console: console, options: options,
        progress: { progress.update(run: index, fraction: $0) })
    }
    let trained = results.values
    let runs = trained.map(\.result)
    let chosen = Self.bestRun(runs)
    networks[chosen].threads = Network.defaultThreads
    session.network = networks[chosen]
    session.networkIsTrained = true
    warnings += Self.divergenceWarnings(runs, plans: plans, at: directive)
    warnings += ChanceWarning.warnings(
      trained, networks: networks, plans: plans, splits: splits,
      at: directive)
    let comparison = ComparisonResult(
      parameter: parameter, values: plans.map(\.value), runs: runs,
      chosen: chosen)
    if let spread = ComparisonSummary.spread(comparison) {
      console.line("  " + spread)
    }
    return comparison
  }

  /// The network run `run` of a comparison or repeat starts from.
  ///
  /// Every run starts from `start`'s weights, except the later copies of a
  /// repeat on a network no `sgd` has trained yet (`fresh`): those draw
  /// their own initial weights, with `start`'s architecture, from a seed
  /// derived from their shuffle seed, so the spread of the copies shows the
  /// noise of the initialisation as well as of the order, and no extra
  /// number is drawn from the session's generator (later cells draw as
  /// without the repeat). The first copy stays the plain `sgd` run.
  static func repeatCopy(
    of start: Network, run: Int, shuffleSeed: UInt64, fresh: Bool
  ) -> Network {
    guard fresh, run > 0 else { return start.copy() }
    let network = Network(
      start.architecture, seed: shuffleSeed ^ 0x5EED_1A17_0F_C0B1E5)
    network.kernels = start.kernels
    return network
  }

  /// The run with the best final validation accuracy (the earlier one on a
  /// tie); without a validation set, the lowest final training cost.
  static func bestRun(_ runs: [TrainingResult]) -> Int {
    func score(_ run: TrainingResult) -> Double {
      guard let last = run.finalEpoch, run.divergedAtEpoch == nil else {
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
      return .warning(
        at: directive.location(of: "lr"),
        "\(plan.subject) diverged: the cost became infinite or NaN in epoch "
          + "\(epoch), so it stopped there",
        suggestion: "try a smaller learning rate than lr="
          + Format.plain(plan.learningRate))
    }
  }

  /// The plans, each measuring only the sets that hold images; a
  /// located error when the notebook asks for a set that is empty, or for
  /// early stopping or the schedule without validation images.
  private func checkedPlans(splits: Splits, at directive: Directive)
    throws(CellFailure) -> [Plan]
  {
    let written = Set(directive.arguments.map(\.key))
    let hasValidation = splits.validation.count > 0
    var missing: [(key: String, what: String)] = []
    if !hasValidation {
      if written.contains("monitor"), monitor.contains(.validation) {
        missing.append(("monitor", "monitor=validation"))
      }
      if stopPatience != nil { missing.append(("stop", "early stopping (stop=)")) }
      if schedulePatience != nil {
        missing.append(("schedule", "the learning-rate schedule (schedule=)"))
      }
    }
    if let (key, what) = missing.first {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: key),
          "\(what) needs validation images, but the data set has none",
          suggestion: "load it with validation images, e.g."
            + " 'load mnist train=50000 validation=10000'"))
    }
    if splits.test.count == 0, monitor.contains(.test) {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "monitor"),
          "monitor=test needs test images, but the data set has none",
          suggestion: "load it with test images, or leave 'test' out of"
            + " monitor="))
    }
    if repeats > 1, let compared = comparedParameter {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "repeat"),
          "repeat= trains one setting several times, so it cannot be"
            + " combined with the comparison of \(compared)=",
          suggestion: "compare \(compared) in one 'sgd' line and repeat in"
            + " another"))
    }
    var unmeasured: Monitoring = []
    if !hasValidation { unmeasured.formUnion(.validation) }
    let measured = plans.map { plan in
      var plan = plan
      plan.options.monitor.subtract(unmeasured)
      return plan
    }
    guard repeats > 1, let plan = measured.first else { return measured }
    return (1...repeats).map { run in
      var copy = plan
      copy.value = String(run)
      copy.label = "run \(run)"
      copy.subject = copy.label
      return copy
    }
  }

  /// A run's figures, with the evaluations its last epoch took when the
  /// network kept that epoch's parameters (see
  /// ``TrainingRun/finalEvaluations``).
  struct Trained: Sendable {
    var result: TrainingResult
    var evaluations: SetEvaluations?
  }

  /// Trains `network` in place, numbering epochs on from its earlier
  /// training and measuring after every epoch what the plan monitors.
  private static func train(
    _ network: Network, plan: Plan, splits: Splits, shuffleSeed: UInt64,
    console: Console, options: RunOptions,
    progress: ((Double) -> Void)? = nil
  ) -> Trained {
    let epochs = plan.options.epochs
    let first = network.epochsTrained + 1
    let last = network.epochsTrained + epochs
    var history: [EpochResult] = []
    let prefix = plan.label.isEmpty ? "" : "\(plan.label): "
    let isCancelled = options.isCancelled
    var learningRate = plan.options.learningRate
    // η as the notebook wrote it, halved as often as the engine's Float
    // was (halving is exact in both).
    func written(_ rate: Float) -> Double {
      var value = plan.learningRate
      var engine = plan.options.learningRate
      while engine > rate && engine > 0 {
        engine *= 0.5
        value *= 0.5
      }
      return value
    }
    func split(_ split: Split) -> DataSplit {
      DataSplit(split.data, images: split.images)
    }
    let run: TrainingRun = network.train(
      on: split(splits.training), validation: split(splits.validation),
      test: split(splits.test), options: plan.options,
      shuffleSeed: shuffleSeed,
      // One run alone leaves the second core free for the measurements;
      // a comparison keeps both busy with its runs.
      measuringBeside: progress == nil
    ) { event in
      if isCancelled() { return .stop }
      switch event {
      case .progress(let epoch, let fraction):
        let overall = (Double(epoch - first) + fraction) / Double(epochs)
        if let progress {
          progress(overall)
        } else {
          console.progress(
            label: "\(prefix)epoch \(epoch)/\(last)", fraction: overall)
        }
      case .epochFinished(let stats):
        if stats.learningRate != learningRate {
          learningRate = stats.learningRate
          console.line(
            "  \(prefix)η halved to " + Format.plain(written(learningRate))
              + " after epoch \(stats.epoch - 1)")
        }
        let epoch = epochResult(stats, learningRate: written(stats.learningRate))
        history.append(epoch)
        console.line(
          "  \(prefix)epoch \(stats.epoch)/\(last): "
            + TrainingSummary.scores(epoch) + " ("
            + Format.duration(stats.seconds) + ")")
      }
      return .continue
    }
    var result = TrainingResult(
      learningRate: plan.learningRate,
      batchSize: plan.options.batchSize, epochs: epochs,
      l2: plan.l2, momentum: plan.momentum,
      trainingImages: splits.training.count, history: history,
      divergedAtEpoch: run.stop == .diverged ? run.lastEpoch : nil,
      parametersSHA256: SHA256Digest.hex(of: network.parameterBytes))
    result.l1 = plan.l1
    result.monitor = MonitoredSet.allCases.filter {
      !plan.options.monitor.intersection($0.measurements).isEmpty
    }.map(\.rawValue)
    result.stopPatience = plan.options.earlyStopping
    result.schedulePatience = plan.options.schedule?.patience
    result.bestEpoch = run.bestEpoch
    result.keptEpoch = run.restoredBestEpoch ? run.bestEpoch : nil
    result.learningRateSteps = run.learningRateChanges.map {
      LearningRateStep(
        afterEpoch: $0.afterEpoch, learningRate: written($0.learningRate))
    }
    switch run.stop {
    case .completed: result.end = .completed
    case .earlyStopping: result.end = .earlyStopping
    case .learningRateSchedule: result.end = .schedule
    case .diverged: result.end = .diverged
    case .observer: result.end = .interrupted
    }
    if let change = run.learningRateChanges.last,
      change.afterEpoch == run.lastEpoch
    {
      console.line(
        "  \(prefix)η halved to " + Format.plain(written(change.learningRate))
          + " after epoch \(change.afterEpoch)")
    }
    if let text = TrainingSummary.ending(result) {
      console.line("  \(prefix)" + text)
    }
    return Trained(result: result, evaluations: run.finalEvaluations)
  }

  /// An epoch's figures as the report keeps them.
  private static func epochResult(_ stats: EpochStats, learningRate: Double)
    -> EpochResult
  {
    func scores(_ measured: SetMeasurement?) -> SetScores? {
      measured.map {
        SetScores(
          accuracy: $0.accuracy, dataCost: $0.dataCost,
          regularization: $0.regularization)
      }
    }
    return EpochResult(
      epoch: stats.epoch, trainingCost: stats.meanCost,
      regularization: stats.meanRegularization,
      learningRate: learningRate,
      training: scores(stats.training), validation: scores(stats.validation),
      test: scores(stats.test), seconds: stats.seconds)
  }
}
