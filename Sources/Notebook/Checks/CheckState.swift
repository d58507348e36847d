// MARK: - What a notebook produced, as checks see it

/// The figures a notebook had produced at some point of its run: the
/// current network, the last training, the last evaluations, the last
/// data set loaded. Plain values, so that checks can be evaluated from a
/// run in progress or from a finished run's JSON report alike.
public struct CheckFigures: Sendable, Equatable {
  /// The last training: its parameters and its figures per epoch.
  public struct Training: Sendable, Equatable {
    public var learningRate: Double
    public var batchSize: Int
    public var epochs: Int
    public var l2: Double
    public var momentum: Double
    /// Mean cost per epoch; nil once it stopped being finite.
    public var costs: [Double?]
    /// Accuracy per epoch; empty without that split.
    public var validationAccuracies: [Double?]
    public var testAccuracies: [Double?]

    public init(
      learningRate: Double, batchSize: Int, epochs: Int, l2: Double = 0,
      momentum: Double = 0, costs: [Double?],
      validationAccuracies: [Double?] = [], testAccuracies: [Double?] = []
    ) {
      self.learningRate = learningRate
      self.batchSize = batchSize
      self.epochs = epochs
      self.l2 = l2
      self.momentum = momentum
      self.costs = costs
      self.validationAccuracies = validationAccuracies
      self.testAccuracies = testAccuracies
    }
  }

  /// An evaluation: how many images of how many were right.
  public struct Evaluation: Sendable, Equatable {
    public var correct: Int
    public var total: Int

    public init(correct: Int, total: Int) {
      self.correct = correct
      self.total = total
    }

    public var accuracy: Double {
      total == 0 ? 0 : Double(correct) / Double(total)
    }
  }

  /// The last `load`'s image counts.
  public struct DataCounts: Sendable, Equatable {
    public var train: Int
    public var validation: Int
    public var test: Int

    public init(train: Int, validation: Int, test: Int) {
      self.train = train
      self.validation = validation
      self.test = test
    }
  }

  public var networkSizes: [Int]?
  public var training: Training?
  public var testEvaluation: Evaluation?
  public var validationEvaluation: Evaluation?
  /// The latest accuracy on each split, from an evaluation or a training's
  /// last epoch, whichever came later (nil: none yet, or not finite).
  public var testAccuracy: Double?
  public var validationAccuracy: Double?
  public var data: DataCounts?

  public init(
    networkSizes: [Int]? = nil, training: Training? = nil,
    testEvaluation: Evaluation? = nil, validationEvaluation: Evaluation? = nil,
    testAccuracy: Double? = nil, validationAccuracy: Double? = nil,
    data: DataCounts? = nil
  ) {
    self.networkSizes = networkSizes
    self.training = training
    self.testEvaluation = testEvaluation
    self.validationEvaluation = validationEvaluation
    self.testAccuracy = testAccuracy
    self.validationAccuracy = validationAccuracy
    self.data = data
  }

  // MARK: Updating in notebook order

  /// A training finished: it is the last training, and its last epoch's
  /// accuracies are the latest ones.
  public mutating func record(_ training: Training) {
    self.training = training
    if let last = training.testAccuracies.last { testAccuracy = last }
    if let last = training.validationAccuracies.last {
      validationAccuracy = last
    }
  }

  /// An evaluation on the test (or validation) split finished.
  public mutating func record(_ evaluation: Evaluation, onTest: Bool) {
    if onTest {
      testEvaluation = evaluation
      testAccuracy = evaluation.accuracy
    } else {
      validationEvaluation = evaluation
      validationAccuracy = evaluation.accuracy
    }
  }
}

/// A notebook's run as checks see it: the figures after each cell, the
/// cells' status, the section each cell is in.
public struct CheckState: Sendable, Equatable {
  /// How a cell ended.
  public enum Status: String, Sendable, Equatable {
    case ok, error, skipped
  }

  /// One `lab` cell.
  public struct Cell: Sendable, Equatable {
    public var number: Int
    /// The text of the nearest heading above the cell, if any.
    public var heading: String?
    public var status: Status
    /// The figures when the cell had run.
    public var after: CheckFigures

    public init(
      number: Int, heading: String?, status: Status, after: CheckFigures
    ) {
      self.number = number
      self.heading = heading
      self.status = status
      self.after = after
    }
  }

  public var cells: [Cell]
  /// The figures at the end of the run.
  public var final: CheckFigures
  /// `error` when a cell, or the notebook itself, failed.
  public var status: Status

  public init(cells: [Cell], final: CheckFigures, status: Status) {
    self.cells = cells
    self.final = final
    self.status = status
  }
}
