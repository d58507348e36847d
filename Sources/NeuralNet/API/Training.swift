// MARK: - What training takes and reports

/// Hyper-parameters of mini-batch stochastic gradient descent.
public struct TrainingOptions: Sendable, Hashable {
  /// Step size η.
  public var learningRate: Float
  /// Images per mini-batch m; the last batch of an epoch may be smaller.
  public var batchSize: Int
  /// Passes over the training set.
  public var epochs: Int
  /// L2 regularisation λ: weights decay by `1 − ηλ/n` per step.
  public var l2: Float
  /// Momentum μ (0 is plain SGD).
  public var momentum: Float

  /// Creates options; the defaults are Nielsen's chapter-1 run.
  public init(
    learningRate: Float = 3, batchSize: Int = 10, epochs: Int = 30,
    l2: Float = 0, momentum: Float = 0
  ) {
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.momentum = momentum
  }
}

/// What one finished epoch measured.
public struct EpochStats: Sendable, Equatable {
  /// Which epoch, counting from 1.
  public var epoch: Int
  /// Mean over the epoch's mini-batches of the batch's mean cost plus the
  /// L2 term `λ/(2n) Σw²`, each taken before the batch's update. May be
  /// NaN or infinite when training diverges.
  public var meanCost: Double
  /// Wall-clock time of the epoch (shuffle, forward, backward, update).
  public var seconds: Double

  /// Creates the statistics of one epoch.
  public init(epoch: Int, meanCost: Double, seconds: Double) {
    self.epoch = epoch
    self.meanCost = meanCost
    self.seconds = seconds
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

  /// Creates an evaluation result.
  public init(
    correct: Int, total: Int, confusion: [[Int]], predictions: [UInt8]
  ) {
    self.correct = correct
    self.total = total
    self.confusion = confusion
    self.predictions = predictions
  }

  /// `correct / total`, or 0 for an empty set.
  public var accuracy: Double {
    total == 0 ? 0 : Double(correct) / Double(total)
  }
}
