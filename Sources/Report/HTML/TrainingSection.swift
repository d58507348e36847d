// `sgd lr=3 batch=10 epochs=5`: one training run — its settings, the
// cost and accuracy per epoch (charts and a table), how it ended. The
// sentences, charts and table are in TrainingParts.swift, shared with
// comparisons.
import NumberFormat

/// One data set measured after an epoch (`monitor=training,validation`).
public struct SetScores: Sendable, Equatable, Codable {
  /// Fraction in [0, 1] classified right.
  public var accuracy: Double?
  /// Mean data cost per image, without the regularisation term.
  public var dataCost: Double?
  /// The regularisation term `λ/(2n) Σw² + λ₁/n Σ|w|` of the weights
  /// after the epoch (0 without regularisation), when cost was measured.
  public var regularization: Double?
  public init(
    accuracy: Double? = nil, dataCost: Double? = nil,
    regularization: Double? = nil
  ) {
    self.accuracy = accuracy
    self.dataCost = dataCost
    self.regularization = regularization
  }
  /// The data cost plus the regularisation term, if cost was measured.
  public var cost: Double? { dataCost.map { $0 + (regularization ?? 0) } }
}

/// One epoch of training.
public struct EpochResult: Sendable, Equatable, Codable {
  /// 1-based, counting on across `sgd` cells that train the same network.
  public var epoch: Int
  /// Mean cost over the epoch's mini-batches, the regularisation term
  /// included (may be NaN or infinite when training diverged; JSON writes
  /// those as null).
  public var trainingCost: Double
  /// The part of ``trainingCost`` that is the regularisation term (0
  /// without regularisation).
  public var regularization: Double
  /// The learning rate η the epoch trained with (the schedule changes it).
  public var learningRate: Double?
  /// The training set measured after the epoch (`monitor=training`).
  public var training: SetScores?
  /// The validation set measured after the epoch (`monitor=validation`,
  /// the default, or what early stopping and the schedule need).
  public var validation: SetScores?
  /// The test set measured after the epoch (only with `monitor=test`).
  public var test: SetScores?
  /// Seconds of training in this epoch (evaluation excluded).
  public var seconds: Double
  public init(
    epoch: Int, trainingCost: Double, regularization: Double = 0,
    learningRate: Double? = nil, training: SetScores? = nil,
    validation: SetScores? = nil, test: SetScores? = nil, seconds: Double
  ) {
    self.epoch = epoch
    self.trainingCost = trainingCost
    self.regularization = regularization
    self.learningRate = learningRate
    self.training = training
    self.validation = validation
    self.test = test
    self.seconds = seconds
  }
  /// An epoch that measured accuracies only.
  public init(
    epoch: Int, trainingCost: Double, validationAccuracy: Double?,
    testAccuracy: Double?, seconds: Double
  ) {
    self.init(
      epoch: epoch, trainingCost: trainingCost,
      validation: validationAccuracy.map { SetScores(accuracy: $0) },
      test: testAccuracy.map { SetScores(accuracy: $0) }, seconds: seconds)
  }
  /// Sets a set's accuracy; a set with neither accuracy nor cost is nil.
  private static func set(accuracy: Double?, of scores: inout SetScores?) {
    if accuracy == nil && scores?.dataCost == nil {
      scores = nil
    } else {
      scores = scores ?? SetScores()
      scores?.accuracy = accuracy
    }
  }
  /// The data cost of the epoch's mini-batches, without the
  /// regularisation term.
  public var trainingDataCost: Double { trainingCost - regularization }
  /// Fraction in [0, 1], nil when the validation set was not measured.
  public var validationAccuracy: Double? {
    get { validation?.accuracy }
    set { Self.set(accuracy: newValue, of: &validation) }
  }
  /// Fraction in [0, 1], nil unless the test set was monitored.
  public var testAccuracy: Double? {
    get { test?.accuracy }
    set { Self.set(accuracy: newValue, of: &test) }
  }
}

/// Why a training ended, in the words the report and JSON use.
public enum TrainingEnd: String, Sendable, Equatable, Codable {
  /// Every epoch asked for ran.
  case completed
  /// `stop=N`: validation accuracy had not improved for N epochs.
  case earlyStopping = "early-stopping"
  /// `schedule=N`: η had been halved to η/128.
  case schedule
  /// The cost became NaN or infinite.
  case diverged
  /// The run was cancelled.
  case interrupted
}

/// A change of the learning rate by `schedule=`.
public struct LearningRateStep: Sendable, Equatable, Codable {
  /// The epoch after which η changed.
  public var afterEpoch: Int
  /// The new η.
  public var learningRate: Double
  public init(afterEpoch: Int, learningRate: Double) {
    self.afterEpoch = afterEpoch
    self.learningRate = learningRate
  }
}

/// `sgd lr=3 batch=10 epochs=5`: one training run.
public struct TrainingResult: Sendable, Equatable, Codable {
  public var learningRate: Double
  public var batchSize: Int
  /// Epochs asked for (early stopping and the schedule may run fewer).
  public var epochs: Int
  public var l2: Double
  public var momentum: Double
  /// L1 regularisation λ₁.
  public var l1: Double = 0
  /// What was measured per epoch: `training`, `validation`, `test`.
  public var monitor: [String] = []
  /// `stop=N`: the early-stopping patience, nil without.
  public var stopPatience: Int?
  /// `schedule=N`: the schedule's patience, nil without.
  public var schedulePatience: Int?
  /// Why training ended.
  public var end: TrainingEnd = .completed
  /// The epoch with the best validation accuracy, when it was measured.
  public var bestEpoch: Int?
  /// Set when the network was given back an earlier epoch's weights
  /// (early stopping): that epoch.
  public var keptEpoch: Int?
  /// When the schedule halved η.
  public var learningRateSteps: [LearningRateStep] = []
  /// Training images seen per epoch.
  public var trainingImages: Int
  public var history: [EpochResult]
  /// Set when the cost became NaN or infinite: the 1-based epoch.
  public var divergedAtEpoch: Int?
  /// The SHA-256 (hex) of the trained network's parameters, layer by layer
  /// weights (out, in) row-major then biases, as little-endian float32:
  /// the same on every computer for the same notebook, seed and data.
  public var parametersSHA256: String?
  public init(
    learningRate: Double, batchSize: Int, epochs: Int, l2: Double,
    momentum: Double, trainingImages: Int, history: [EpochResult],
    divergedAtEpoch: Int? = nil, parametersSHA256: String? = nil
  ) {
    self.learningRate = learningRate
    self.batchSize = batchSize
    self.epochs = epochs
    self.l2 = l2
    self.momentum = momentum
    self.trainingImages = trainingImages
    self.history = history
    self.divergedAtEpoch = divergedAtEpoch
    self.parametersSHA256 = parametersSHA256
  }
}

extension TrainingResult: ResultContent {
  public static let kind = "training"
  public func write(to html: inout HTMLWriter) {
    TrainingSection.write(self, to: &html)
  }
  public var json: JSONValue { TrainingSection.json(self, kind: true) }
}

enum TrainingSection {
  static func write(
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

  /// A training run; comparison runs leave out `kind`.
  static func json(_ t: TrainingResult, kind: Bool) -> JSONValue {
    var members: [String: JSONValue] = [
      "learningRate": .number(t.learningRate),
      "batchSize": .int(t.batchSize),
      "epochs": .int(t.epochs),
      "l2": .number(t.l2),
      "l1": .number(t.l1),
      "momentum": .number(t.momentum),
      "monitor": .array(t.monitor.map(JSONValue.string)),
      "stop": .number(t.stopPatience),
      "schedule": .number(t.schedulePatience),
      "end": .string(t.end.rawValue),
      "bestEpoch": .number(t.bestEpoch),
      "keptEpoch": .number(t.keptEpoch),
      "learningRateChanges": .array(
        t.learningRateSteps.map {
          .object([
            "afterEpoch": .int($0.afterEpoch),
            "learningRate": .number($0.learningRate),
          ])
        }),
      "trainingImages": .int(t.trainingImages),
      "divergedAtEpoch": .number(t.divergedAtEpoch),
      "history": .array(t.history.map(epoch)),
    ]
    if let digest = t.parametersSHA256 {
      members["parametersSHA256"] = .string(digest)
    }
    if kind { members["kind"] = .string("training") }
    return .object(members)
  }

  /// One epoch: the flat accuracies (null when not measured) and, per
  /// monitored set, its accuracy and cost.
  static func epoch(_ e: EpochResult) -> JSONValue {
    func scores(_ s: SetScores?) -> JSONValue {
      guard let s else { return .null }
      return .object([
        "accuracy": .number(s.accuracy),
        "cost": .number(s.cost),
        "dataCost": .number(s.dataCost),
        "regularization": .number(s.regularization),
      ])
    }
    return .object([
      "epoch": .int(e.epoch),
      "trainingCost": .number(e.trainingCost),
      "regularization": .number(e.regularization),
      "learningRate": .number(e.learningRate),
      "validationAccuracy": .number(e.validationAccuracy),
      "testAccuracy": .number(e.testAccuracy),
      "training": scores(e.training),
      "validation": scores(e.validation),
      "test": scores(e.test),
      "seconds": .number(e.seconds),
    ])
  }
}
