import Datasets
import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Network {
  // MARK: - Training

  /// Trains in place by mini-batch SGD and returns the finished epochs,
  /// numbered from 1.
  ///
  /// Every epoch shuffles the image order (Fisher–Yates driven by a
  /// generator seeded with `shuffleSeed`), then steps through mini-batches of
  /// `options.batchSize` images; the last, smaller batch is used too and
  /// averaged over its own size. A batch larger than the data set gives one
  /// batch per epoch (a batch size below 1 counts as 1). Momentum starts
  /// from zero velocity at every call. Training stops early when `observer` answers
  /// `.stop` (after the current batch; an unfinished epoch is not reported)
  /// or when an epoch's mean cost is not finite (that epoch is reported).
  /// This form has no validation or test set: see
  /// ``train(on:validation:test:options:shuffleSeed:observer:)`` for
  /// monitoring, early stopping and the schedule.
  ///
  /// - Parameters:
  ///   - data: images with ``inputSize`` pixels (see
  ///     ``incompatibility(with:)``).
  ///   - images: the images of `data` to train on (all if nil): the same
  ///     as training on `data.slice(images)`, without copying them.
  ///   - observer: called synchronously on the calling thread.
  /// - Precondition: `incompatibility(with: data) == nil`, `images`
  ///   lies within `0..<data.count`, and
  ///   `options.problems(hasValidation: false)` is empty.
  @discardableResult
  public func train(
    on data: Dataset, images: Range<Int>? = nil, options: TrainingOptions,
    shuffleSeed: UInt64,
    observer: (TrainingEvent) -> TrainingDecision = { _ in .continue }
  ) -> [EpochStats] {
    runTraining(
      DataSplit(data, images: images), validation: nil, test: nil,
      options: options, firstEpoch: 1, shuffleSeed: shuffleSeed,
      measuringBeside: false, observer: observer
    ).epochs
  }

  /// Trains in place by mini-batch SGD (as
  /// ``train(on:images:options:shuffleSeed:observer:)``), measuring after
  /// every epoch what `options.monitor` asks and deciding on early
  /// stopping and the learning-rate schedule by the validation accuracy.
  ///
  /// Epochs are numbered on from ``epochsTrained``, which grows by the
  /// epochs that ran: a second training of the same network continues the
  /// count. Measurements run between epochs and change no bit of the
  /// training. A validation accuracy is better only when strictly higher
  /// (the first of equal epochs is the best). With early stopping, training
  /// ends after `earlyStopping` epochs in a row without a better one, and
  /// the network is given back the best epoch's parameters (also when the
  /// epochs run out after a worse one). The schedule halves η after
  /// `patience` epochs without a better one (counting again after each
  /// halving) and ends training when it has halved η `halvings` times.
  ///
  /// With `measuringBeside`, when no decision waits on them (no early
  /// stopping, no schedule), an epoch's measurements run on a copy of the
  /// network on a second thread while the next epoch trains: every figure,
  /// every event and the trained parameters are the same bits, and the
  /// events come in the same order (the next epoch's progress only after
  /// the epoch is reported; a few of its first progress events may be
  /// left out), but the observer must not use the network, which may
  /// already be training the next epoch when it hears of one. When the
  /// observer stops training there, the network is given back the
  /// reported epoch's parameters.
  ///
  /// - Precondition: the sets fit the network (``incompatibility(with:)``)
  ///   and `options.problems(hasValidation:)` is empty.
  @discardableResult
  public func train(
    on training: DataSplit, validation: DataSplit? = nil,
    test: DataSplit? = nil, options: TrainingOptions, shuffleSeed: UInt64,
    measuringBeside: Bool = false,
    observer: (TrainingEvent) -> TrainingDecision = { _ in .continue }
  ) -> TrainingRun {
    let run = runTraining(
      training, validation: validation, test: test, options: options,
      firstEpoch: epochsTrained + 1, shuffleSeed: shuffleSeed,
      measuringBeside: measuringBeside, observer: observer)
    epochsTrained = run.lastEpoch ?? epochsTrained
    return run
  }

  /// The training loop behind both `train` forms.
  private func runTraining(
    _ training: DataSplit, validation: DataSplit?, test: DataSplit?,
    options: TrainingOptions, firstEpoch: Int, shuffleSeed: UInt64,
    measuringBeside: Bool, observer: (TrainingEvent) -> TrainingDecision
  ) -> TrainingRun {
    for split in [training, validation, test].compactMap({ $0 }) {
      precondition(incompatibility(with: split.data) == nil, "images do not fit")
    }
    let problems = options.problems(hasValidation: (validation?.count ?? 0) > 0)
    precondition(
      problems.isEmpty,
      "invalid training: \(problems.map(\.description).joined(separator: "; "))")
    let data = training.data
    let images = training.images
    let count = images.count
    var run = TrainingRun(
      epochs: [], stop: .completed, bestEpoch: nil, learningRateChanges: [],
      restoredBestEpoch: false)
    guard count > 0, options.epochs > 0 else { return run }
    allocateOnThisThread()
    let batchSize = min(max(options.batchSize, 1), count)
    let batches = (count + batchSize - 1) / batchSize
    let progressEvery = max(1, batches / 100)
    var optimizer = Optimizer(
      learningRate: options.learningRate, momentum: options.momentum,
      decay: options.l2 / Float(count), l1: options.l1 / Float(count))
    // The fresh layers start with zero gradients and no velocity: momentum
    // starts from rest at every call.
    reserve(rows: min(batchSize, trainingBlock))

    var generator = SeededGenerator(seed: shuffleSeed)
    // Dropout masks from their own stream, so a network without dropout
    // shuffles exactly as before.
    dropoutGenerator = SeededGenerator(seed: shuffleSeed ^ 0xD509_0A7E)
    let order = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
    defer { order.deallocate() }
    for i in 0..<count { order[i] = Int32(images.lowerBound + i) }

    var control = EpochControl(options: options)
    let monitor = options.monitor
    /// `stats` with the sets measured on `network` as asked, and the
    /// evaluations behind them.
    func measured(
      _ stats: EpochStats, on network: Network, regularization penalty: Double,
      twoThreads: Bool
    ) -> MeasuredEpoch {
      var stats = stats
      var evaluations = SetEvaluations()
      (stats.training, evaluations.training) = network.measure(
        training, accuracy: monitor.contains(.trainingAccuracy),
        cost: monitor.contains(.trainingCost), regularization: penalty,
        twoThreads: twoThreads)
      (stats.validation, evaluations.validation) = network.measure(
        validation, accuracy: options.needsValidationAccuracy,
        cost: monitor.contains(.validationCost), regularization: penalty,
        twoThreads: twoThreads)
      (stats.test, evaluations.test) = network.measure(
        test, accuracy: monitor.contains(.testAccuracy),
        cost: monitor.contains(.testCost), regularization: penalty,
        twoThreads: twoThreads)
      return MeasuredEpoch(stats: stats, evaluations: evaluations)
    }
    // Asked to, and when nothing decides by an epoch's measurements (no
    // early stopping, no schedule), they are taken on a copy of the network
    // on the other core while the next epoch trains: the same bits, since
    // evaluation does not depend on its thread. The epoch is reported
    // before any of the next epoch's progress.
    let measuresAnything =
      [training, validation, test].contains { ($0?.count ?? 0) > 0 }
      && (!monitor.isEmpty || options.needsValidationAccuracy)
    let beside: MeasurementBeside? =
      measuringBeside && options.earlyStopping == nil && options.schedule == nil
        && options.epochs > 1 && measuresAnything && Self.hasSecondCore
      ? MeasurementBeside(copying: self) {
        measured($0, on: $1, regularization: $2, twoThreads: false)
      } : nil
    /// Takes in an epoch's figures; false when training stops after it.
    /// The network has the epoch's parameters (again, when it stops).
    func report(_ epoch: MeasuredEpoch) -> Bool {
      let stats = epoch.stats
      run.epochs.append(stats)
      let evaluations = epoch.evaluations
      run.finalEvaluations =
        evaluations == SetEvaluations() ? nil : evaluations
      if control.recordValidation(stats) { control.best = snapshot() }
      if observer(.epochFinished(stats)) == .stop {
        run.stop = .observer
      }
      if !stats.meanCost.isFinite { run.stop = .diverged }
      return run.stop == .completed
    }
    /// Reports the epoch measured beside training; false (with the
    /// network given back that epoch's parameters, as if the next had not
    /// begun) when training stops after it.
    func reportBeside(_ beside: MeasurementBeside) -> Bool {
      guard let epoch = beside.finish() else { return true }
      if report(epoch) { return true }
      for (parameter, saved) in zip(tensors, beside.network.tensors) {
        parameter.value.base.update(from: saved.value.base, count: saved.value.count)
      }
      return false
    }
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        guard let pixels = pixels.baseAddress,
          let labels = labels.baseAddress, let orderBase = order.baseAddress
        else { return }
        let lastEpoch = firstEpoch + options.epochs - 1
        for epoch in firstEpoch...lastEpoch {
          let start = monotonicSeconds()
          generator.shuffle(order)
          var costSum: Double = 0
          var penaltySum: Double = 0
          for batch in 0..<batches {
            let first = batch * batchSize
            let rows = min(batchSize, count - first)
            let next = first + rows
            // The penalty belongs to the weights this batch's cost sees.
            let penalty = regularizationTerm(optimizer)
            let cost = trainBatch(
              pixels: pixels, labels: labels, indices: orderBase + first,
              rows: rows, optimizer: optimizer,
              next: (
                UnsafePointer(orderBase + next), min(batchSize, count - next)
              ))
            costSum += cost / Double(rows) + penalty
            penaltySum += penalty
            if (batch + 1) % progressEvery == 0 && batch + 1 < batches {
              // No progress of this epoch before the last one is reported.
              if let beside, beside.isBusy {
                guard beside.isFinished else { continue }
                guard reportBeside(beside) else { return }
              }
              let fraction = Double(batch + 1) / Double(batches)
              if observer(.progress(epoch: epoch, fraction: fraction)) == .stop
              {
                run.stop = .observer
                // Part of this epoch is trained: no evaluation fits.
                run.finalEvaluations = nil
                return
              }
            }
          }
          let stats = EpochStats(
            epoch: epoch, meanCost: costSum / Double(batches),
            seconds: monotonicSeconds() - start,
            meanRegularization: penaltySum / Double(batches),
            learningRate: optimizer.learningRate)
          if let beside, beside.isBusy {
            guard reportBeside(beside) else { return }
          }
          let penalty = regularizationTerm(optimizer)
          if let beside, epoch < lastEpoch, stats.meanCost.isFinite {
            // Nothing below depends on this epoch's measurements.
            beside.start(stats, of: self, regularization: penalty)
            continue
          }
          guard
            report(
              measured(stats, on: self, regularization: penalty, twoThreads: true))
          else { return }
          if let stop = control.decide(after: epoch, optimizer: &optimizer) {
            run.stop = stop
            return
          }
        }
      }
    }
    run.bestEpoch = control.bestEpoch
    run.learningRateChanges = control.changes
    if let best = control.best, control.bestEpoch != run.lastEpoch {
      restore(best)
      run.restoredBestEpoch = true
      run.finalEvaluations = nil
    }
    return run
  }

  /// One set measured as asked, and its evaluation; nils when nothing is
  /// asked of it.
  private func measure(
    _ split: DataSplit?, accuracy: Bool, cost: Bool, regularization: Double,
    twoThreads: Bool
  ) -> (SetMeasurement?, Evaluation?) {
    guard let split, split.count > 0, accuracy || cost else { return (nil, nil) }
    let evaluation = evaluate(
      on: split.data, images: split.images, cost: cost, twoThreads: twoThreads)
    return (
      SetMeasurement(
        total: evaluation.total, correct: accuracy ? evaluation.correct : nil,
        dataCost: cost ? evaluation.meanCost : nil,
        regularization: cost ? regularization : nil),
      evaluation
    )
  }

  /// The regularisation term `λ/(2n) Σw² + λ₁/n Σ|w|` of the current
  /// weights, with the optimiser's λ/n and λ₁/n.
  private func regularizationTerm(_ optimizer: Optimizer) -> Double {
    let l2 =
      optimizer.decay == 0
      ? 0 : Double(optimizer.decay) / 2 * sumOfSquaredWeights()
    guard optimizer.l1 != 0 else { return l2 }
    return l2 + Double(optimizer.l1) * sumOfAbsoluteWeights()
  }

  /// Σ |w| over every weight (biases excluded), in a fixed order: eight
  /// strided partial sums in double, combined in order.
  func sumOfAbsoluteWeights() -> Double {
    var sum: Double = 0
    for layer in layers {
      for parameter in layer.parameters where parameter.decays {
        let values = parameter.value.base
        var partial = [Double](repeating: 0, count: 8)
        let whole = parameter.value.count / 8 * 8
        for i in stride(from: 0, to: whole, by: 8) {
          for lane in 0..<8 { partial[lane] += Double(abs(values[i + lane])) }
        }
        for i in whole..<parameter.value.count {
          partial[i - whole] += Double(abs(values[i]))
        }
        for value in partial { sum += value }
      }
    }
    return sum
  }

  /// Every parameter's values (padded buffers), in ``tensors`` order.
  private func snapshot() -> [[Float]] {
    tensors.map(\.value.copied)
  }

  /// Puts back the values of a ``snapshot()``.
  private func restore(_ values: [[Float]]) {
    for (parameter, saved) in zip(tensors, values) {
      parameter.value.base.update(from: saved, count: saved.count)
    }
  }

  // MARK: - Gradients, for tests

  /// The mean cost (with the L2 term) and its gradient for the images
  /// `indices` of `data`, leaving the parameters unchanged.
  ///
  /// `trainingSetSize` is the n in `λ/n`. Gradients are per layer, weights
  /// (out, in) row-major and biases (out).
  func costAndGradients(
    on data: Dataset, indices: [Int], l2: Float = 0, l1: Float = 0,
    trainingSetSize: Int? = nil
  ) -> (cost: Double, weights: [[Float]], biases: [[Float]]) {
    let rows = indices.count
    precondition(rows > 0 && incompatibility(with: data) == nil)
    let decay = l2 / Float(trainingSetSize ?? data.count)
    let shrink = l1 / Float(trainingSetSize ?? data.count)
    reserve(rows: min(rows, trainingBlock))
    let order = indices.map { Int32($0) }
    var cost: Double = 0
    for parameter in tensors { parameter.clearGradient() }
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        order.withUnsafeBufferPointer { order in
          guard let pixels = pixels.baseAddress,
            let labels = labels.baseAddress, let order = order.baseAddress
          else { return }
          let penalty = regularizationTerm(
            Optimizer(learningRate: 0, momentum: 0, decay: decay, l1: shrink))
          cost =
            trainBatch(
              pixels: pixels, labels: labels, indices: order, rows: rows,
              optimizer: nil, next: (order, 0))
            / Double(rows) + penalty
        }
      }
    }
    // ∇ = Σ∇/m + λ/n w + λ₁/n sgn w, in the (out, in) layout of
    // ``weights``.
    let perExample = 1 / Float(rows)
    var weightGradients: [[Float]] = []
    var biasGradients: [[Float]] = []
    for layer in layers {
      guard layer.parameters.count == 2 else {  // a pool
        weightGradients.append([])
        biasGradients.append([])
        continue
      }
      let (w, b) = (layer.parameters[0], layer.parameters[1])
      var matrix = [Float](repeating: 0, count: w.rows * w.columns)
      for k in 0..<w.rows {
        for j in 0..<w.columns {
          let index = k * w.stride + j
          let value = w.value.base[index]
          let sign: Float = value > 0 ? 1 : value < 0 ? -1 : 0
          matrix[j * w.rows + k] =
            w.gradient.base[index] * perExample + decay * value + shrink * sign
        }
      }
      weightGradients.append(matrix)
      biasGradients.append((0..<b.columns).map { b.gradient.base[$0] * perExample })
    }
    for parameter in tensors { parameter.clearGradient() }
    return (cost, weightGradients, biasGradients)
  }
}

/// Seconds on a clock that only moves forward.
func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

extension Network {
  /// Whether another core can measure an epoch while the next one trains.
  static let hasSecondCore = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1
}

/// An epoch's figures with the evaluations they came from.
private struct MeasuredEpoch {
  var stats: EpochStats
  var evaluations: SetEvaluations
}

/// An epoch's measurements, taken on a copy of the network on a thread of
/// their own while the next epoch trains; one at a time.
private final class MeasurementBeside: @unchecked Sendable {
  /// The copy: the parameters of the epoch being measured.
  let network: Network
  private let measure: (EpochStats, Network, Double) -> MeasuredEpoch
  private let queue = DispatchQueue(label: "labrun.measure-beside")
  private let group = DispatchGroup()
  private var allocated = false
  private var stats: EpochStats?
  private var regularization: Double = 0
  private var result: MeasuredEpoch?
  /// Whether an epoch has been started and not yet finished.
  private(set) var isBusy = false

  init(
    copying network: Network,
    measure: @escaping (EpochStats, Network, Double) -> MeasuredEpoch
  ) {
    self.network = network.copy()
    // Beside training, which has the other core.
    self.network.threads = 1
    self.measure = measure
  }

  /// Measures `stats`'s epoch with `source`'s current parameters.
  func start(_ stats: EpochStats, of source: Network, regularization: Double) {
    precondition(!isBusy, "one measurement at a time")
    for (target, parameter) in zip(network.tensors, source.tensors) {
      target.value.base.update(from: parameter.value.base, count: parameter.value.count)
    }
    self.stats = stats
    self.regularization = regularization
    isBusy = true
    queue.async(group: group) { [self] in
      if !allocated {
        // Its buffers in this thread's heap arena, away from training's.
        network.allocateOnThisThread()
        allocated = true
      }
      result = measure(self.stats!, network, self.regularization)
    }
  }

  /// Whether the started measurement is done (without waiting).
  var isFinished: Bool { group.wait(timeout: .now()) == .success }

  /// The measured epoch, waiting for it; nil when none was started.
  func finish() -> MeasuredEpoch? {
    guard isBusy else { return nil }
    group.wait()
    isBusy = false
    return result
  }
}

/// Early stopping's and the schedule's bookkeeping between epochs.
private struct EpochControl {
  let options: TrainingOptions
  /// The epoch with the most correct validation images, and how many.
  var bestEpoch: Int?
  var bestCorrect = -1
  /// The best epoch's parameters, kept for early stopping.
  var best: [[Float]]?
  /// Epochs since the best one (early stopping).
  var sinceBest = 0
  /// Epochs since the best one or the last halving (the schedule).
  var sinceChange = 0
  var changes: [LearningRateChange] = []

  init(options: TrainingOptions) { self.options = options }

  /// Takes in the epoch's validation accuracy; true when it is a new best
  /// whose parameters early stopping needs kept.
  mutating func recordValidation(_ stats: EpochStats) -> Bool {
    guard let correct = stats.validation?.correct else { return false }
    if correct > bestCorrect {
      bestCorrect = correct
      bestEpoch = stats.epoch
      sinceBest = 0
      sinceChange = 0
      return options.earlyStopping != nil
    }
    sinceBest += 1
    sinceChange += 1
    return false
  }

  /// Why training stops after `epoch`, if it does; halves η when the
  /// schedule says so.
  mutating func decide(after epoch: Int, optimizer: inout Optimizer)
    -> TrainingStop?
  {
    if let patience = options.earlyStopping, sinceBest >= patience {
      return .earlyStopping
    }
    if let schedule = options.schedule, sinceChange >= schedule.patience {
      optimizer.learningRate *= 0.5
      changes.append(
        LearningRateChange(
          afterEpoch: epoch, learningRate: optimizer.learningRate))
      sinceChange = 0
      if changes.count >= schedule.halvings { return .learningRateSchedule }
    }
    return nil
  }
}
