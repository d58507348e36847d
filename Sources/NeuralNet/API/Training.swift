// MARK: - What training takes and reports

/// Hyper-parameters of mini-batch stochastic gradient descent, and what
/// training measures and decides after each epoch.
public struct TrainingOptions: Sendable, Hashable {
  /// Step size η.
  public var learningRate: Float
  /// Images per mini-batch m; the last batch of an epoch may be smaller.
  public var batchSize: Int
  /// Passes over the training set (at most: early stopping and the
  /// learning-rate schedule may end training sooner).
  public var epochs: Int
  /// L2 regularisation λ: weights decay by `1 − ηλ/n` per step.
  public var l2: Float
  /// Momentum μ (0 is plain SGD).
  public var momentum: Float
  /// L1 regularisation λ₁: every step moves each weight `ηλ₁/n` towards
  /// zero (`w − ηλ₁/n · sgn w`, with sgn 0 = 0), before its gradient step.
  public var l1: Float
  /// What is measured after every epoch (see ``Monitoring``).
  public var monitor: Monitoring
  /// Early stopping: stop after this many epochs in a row without a new
  /// best validation accuracy, and give the network back the weights of
  /// the best epoch. Nil: no early stopping.
  public var earlyStopping: Int?
  /// Halve η when validation accuracy stalls; stop when it is small.
  public var schedule: LearningRateSchedule?

  /// Creates options; the defaults are Nielsen's chapter-1 run.
  public init(
    learningRate: Float = 3, batchSize: Int = 10, epochs: Int = 30,
    l2: Float = 0, momentum: Float = 0, l1: Float = 0,
    monitor: Monitoring = [], earlyStopping: Int? = nil,
    schedule: LearningRateSchedule? = nil
  ) {
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.momentum = momentum
    self.l1 = l1
    self.monitor = monitor
    self.earlyStopping = earlyStopping
    self.schedule = schedule
  }

  /// Whether training needs the validation set's accuracy every epoch:
  /// for the monitor, early stopping or the schedule.
  public var needsValidationAccuracy: Bool {
    monitor.contains(.validationAccuracy) || earlyStopping != nil
      || schedule != nil
  }

  /// Everything that makes these options unusable; empty when usable.
  ///
  /// - Parameter hasValidation: whether training is given a validation
  ///   set (with at least one image).
  public func problems(hasValidation: Bool) -> [TrainingProblem] {
    var found: [TrainingProblem] = []
    if let patience = earlyStopping, patience < 1 {
      found.append(.nonPositivePatience(patience))
    }
    if let schedule {
      if schedule.patience < 1 {
        found.append(.nonPositivePatience(schedule.patience))
      }
      if schedule.halvings < 1 {
        found.append(.nonPositiveHalvings(schedule.halvings))
      }
    }
    if !hasValidation {
      if earlyStopping != nil { found.append(.needsValidation("early stopping")) }
      if schedule != nil {
        found.append(.needsValidation("the learning-rate schedule"))
      }
      if !monitor.intersection([.validationAccuracy, .validationCost]).isEmpty {
        found.append(.needsValidation("monitoring the validation set"))
      }
    }
    return found
  }
}

/// Which figures training measures after every epoch, on which set.
///
/// Accuracy is the fraction of images classified right; cost is the mean
/// data cost per image plus the regularisation term, reported apart (see
/// ``SetMeasurement``). The test set is measured only when asked: by
/// default it stays locked away until the final evaluation.
public struct Monitoring: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let trainingAccuracy = Monitoring(rawValue: 1 << 0)
  public static let trainingCost = Monitoring(rawValue: 1 << 1)
  public static let validationAccuracy = Monitoring(rawValue: 1 << 2)
  public static let validationCost = Monitoring(rawValue: 1 << 3)
  public static let testAccuracy = Monitoring(rawValue: 1 << 4)
  public static let testCost = Monitoring(rawValue: 1 << 5)

  /// Accuracy and cost of the training set.
  public static let training: Monitoring = [.trainingAccuracy, .trainingCost]
  /// Accuracy and cost of the validation set.
  public static let validation: Monitoring = [
    .validationAccuracy, .validationCost,
  ]
  /// Accuracy and cost of the test set.
  public static let test: Monitoring = [.testAccuracy, .testCost]
}

/// Nielsen's learning-rate schedule (chapter 3): halve η whenever the
/// validation accuracy has not improved for ``patience`` epochs, and stop
/// once η has been halved ``halvings`` times (η₀/128 for 7).
public struct LearningRateSchedule: Sendable, Hashable {
  /// Epochs without a new best validation accuracy (since the last
  /// improvement or halving) before η is halved.
  public var patience: Int
  /// Halvings after which training stops.
  public var halvings: Int

  /// Creates a schedule; the default stops at η₀/128, as the book proposes.
  public init(patience: Int, halvings: Int = 7) {
    self.patience = patience
    self.halvings = halvings
  }
}

/// Why ``TrainingOptions`` cannot be used.
public enum TrainingProblem: Error, Sendable, Equatable, CustomStringConvertible
{
  /// A patience must be at least one epoch.
  case nonPositivePatience(Int)
  /// The schedule must halve η at least once.
  case nonPositiveHalvings(Int)
  /// The named feature needs a validation set.
  case needsValidation(String)

  public var description: String {
    switch self {
    case .nonPositivePatience(let value):
      return "a patience must be at least 1 epoch, got \(value)"
    case .nonPositiveHalvings(let value):
      return "the schedule must halve the learning rate at least once, "
        + "got \(value)"
    case .needsValidation(let what):
      return "\(what) needs validation images"
    }
  }
}

/// What one finished epoch measured.
public struct EpochStats: Sendable, Equatable {
  /// Which epoch: counting from 1 for ``Network/train(on:images:options:shuffleSeed:observer:)``,
  /// continuing the network's ``Network/epochsTrained`` for
  /// ``Network/train(on:validation:test:options:shuffleSeed:observer:)``.
  public var epoch: Int
  /// Mean over the epoch's mini-batches of the batch's mean cost plus the
  /// regularisation term, each taken before the batch's update. May be
  /// NaN or infinite when training diverges.
  public var meanCost: Double
  /// Wall-clock time of the epoch (shuffle, forward, backward, update),
  /// without the measurements after it.
  public var seconds: Double
  /// The part of ``meanCost`` that is the regularisation term
  /// `λ/(2n) Σw² + λ₁/n Σ|w|` (0 without regularisation); the data cost is
  /// ``meanDataCost``.
  public var meanRegularization: Double
  /// The learning rate the epoch trained with.
  public var learningRate: Float
  /// The training set measured after the epoch, if asked.
  public var training: SetMeasurement?
  /// The validation set measured after the epoch, if asked (or needed by
  /// early stopping or the schedule).
  public var validation: SetMeasurement?
  /// The test set measured after the epoch, if asked.
  public var test: SetMeasurement?

  /// Creates the statistics of one epoch.
  public init(
    epoch: Int, meanCost: Double, seconds: Double,
    meanRegularization: Double = 0, learningRate: Float = 0,
    training: SetMeasurement? = nil, validation: SetMeasurement? = nil,
    test: SetMeasurement? = nil
  ) {
    self.epoch = epoch
    self.meanCost = meanCost
    self.seconds = seconds
    self.meanRegularization = meanRegularization
    self.learningRate = learningRate
    self.training = training
    self.validation = validation
    self.test = test
  }

  /// The data cost alone: ``meanCost`` without the regularisation term.
  public var meanDataCost: Double { meanCost - meanRegularization }
}

/// One data set measured after an epoch with the network as it then was.
public struct SetMeasurement: Sendable, Equatable {
  /// Images measured.
  public var total: Int
  /// Images classified right, if accuracy was asked.
  public var correct: Int?
  /// Mean cost per image without regularisation, if cost was asked.
  public var dataCost: Double?
  /// The regularisation term `λ/(2n) Σw² + λ₁/n Σ|w|` (n the training
  /// set's size, for every set), if cost was asked.
  public var regularization: Double?

  /// Creates a measurement.
  public init(
    total: Int, correct: Int? = nil, dataCost: Double? = nil,
    regularization: Double? = nil
  ) {
    self.total = total
    self.correct = correct
    self.dataCost = dataCost
    self.regularization = regularization
  }

  /// `correct / total`, if accuracy was asked (0 for an empty set).
  public var accuracy: Double? {
    correct.map { total == 0 ? 0 : Double($0) / Double(total) }
  }

  /// The data cost plus the regularisation term, if cost was asked.
  public var cost: Double? {
    dataCost.map { $0 + (regularization ?? 0) }
  }
}

/// Why a training ended.
public enum TrainingStop: Sendable, Equatable {
  /// Every epoch asked for ran.
  case completed
  /// Early stopping: the validation accuracy had not improved for the
  /// patience's number of epochs.
  case earlyStopping
  /// The schedule had halved the learning rate as often as it allows.
  case learningRateSchedule
  /// An epoch's mean cost was NaN or infinite.
  case diverged
  /// The observer answered `.stop`.
  case observer
}

/// A learning-rate change of the schedule.
public struct LearningRateChange: Sendable, Equatable {
  /// The epoch after which η changed (epochs from the next one on use it).
  public var afterEpoch: Int
  /// The new learning rate.
  public var learningRate: Float

  public init(afterEpoch: Int, learningRate: Float) {
    self.afterEpoch = afterEpoch
    self.learningRate = learningRate
  }
}

/// What a monitored training did.
public struct TrainingRun: Sendable, Equatable {
  /// Every finished epoch, in order.
  public var epochs: [EpochStats]
  /// Why training ended.
  public var stop: TrainingStop
  /// The epoch with the best validation accuracy (the first of equals),
  /// if validation accuracy was measured.
  public var bestEpoch: Int?
  /// When the schedule changed η.
  public var learningRateChanges: [LearningRateChange]
  /// Whether the network was given back the best epoch's weights (early
  /// stopping, when a later epoch was worse).
  public var restoredBestEpoch: Bool
  /// The evaluations behind the last epoch's figures, when the network
  /// ends with that epoch's parameters: what evaluating those sets again
  /// would give, without running their images once more. Nil when the
  /// network ends with other parameters (the best epoch's given back, or
  /// part of an unreported epoch trained) or nothing was measured.
  public var finalEvaluations: SetEvaluations?

  public init(
    epochs: [EpochStats], stop: TrainingStop, bestEpoch: Int?,
    learningRateChanges: [LearningRateChange], restoredBestEpoch: Bool,
    finalEvaluations: SetEvaluations? = nil
  ) {
    self.epochs = epochs
    self.stop = stop
    self.bestEpoch = bestEpoch
    self.learningRateChanges = learningRateChanges
    self.restoredBestEpoch = restoredBestEpoch
    self.finalEvaluations = finalEvaluations
  }

  /// The last epoch that ran, if any.
  public var lastEpoch: Int? { epochs.last?.epoch }
}

/// The evaluations of an epoch's monitored sets, each of the images
/// training was given for it (nil for a set not measured).
public struct SetEvaluations: Sendable, Equatable {
  public var training: Evaluation?
  public var validation: Evaluation?
  public var test: Evaluation?

  public init(
    training: Evaluation? = nil, validation: Evaluation? = nil,
    test: Evaluation? = nil
  ) {
    self.training = training
    self.validation = validation
    self.test = test
  }
}

/// Something the training loop tells its observer.
public enum TrainingEvent: Sendable {
  /// Part of an epoch is done; sent about every 1% of an epoch.
  case progress(epoch: Int, fraction: Double)
  /// An epoch is done.
  case epochFinished(EpochStats)
}

/// The observer's answer: carry on, or stop after the current batch.
public enum TrainingDecision: Sendable {
  case `continue`, stop
}

/// How well a network classifies a data set.
public struct Evaluation: Sendable, Equatable {
  /// Images whose predicted class equals the label.
  public var correct: Int
  /// Images evaluated.
  public var total: Int
  /// Counts indexed `[true label][predicted class]`; square, with a side of
  /// the output size (or one more than the largest label, if larger).
  public var confusion: [[Int]]
  /// Predicted class of every image, in data-set order.
  public var predictions: [UInt8]
  /// Mean data cost per image (no regularisation), when asked for.
  public var meanCost: Double?

  /// Creates an evaluation result.
  public init(
    correct: Int, total: Int, confusion: [[Int]], predictions: [UInt8],
    meanCost: Double? = nil
  ) {
    self.correct = correct
    self.total = total
    self.confusion = confusion
    self.predictions = predictions
    self.meanCost = meanCost
  }

  /// `correct / total`, or 0 for an empty set.
  public var accuracy: Double {
    total == 0 ? 0 : Double(correct) / Double(total)
  }
}
