import Datasets
import HTMLText

// The values a report is made of. The runner fills them in; `HTMLReport`
// and `JSONReport` turn the same values into the page and the machine file.
// Nothing here knows about networks or Markdown: only numbers and strings.

/// One executed notebook, ready to be rendered.
public struct ReportDocument: Sendable, Equatable {
  /// Page title: the front matter's `title`, else the first heading.
  public var title: String
  /// The notebook's path as the user gave it, e.g. `notebooks/lecture20.md`.
  public var notebookPath: String
  /// Prose and cells, in notebook order.
  public var items: [ReportItem]
  /// Problems of the notebook as a whole (front matter, encoding, fences),
  /// shown above the first cell.
  public var notices: [DiagnosticRecord]
  public var footer: ReportFooter
  /// Front matter `subtitle`, shown under the title.
  public var subtitle: String?
  /// Front matter `author`: the names, in order.
  public var authors: [String]
  /// Front matter `date`, as written: the lecture's date, not the run's.
  public var documentDate: String?
  /// The table of contents (`toc: true`); empty for none.
  public var contents: [SectionHeading]

  public init(
    title: String, notebookPath: String, items: [ReportItem],
    notices: [DiagnosticRecord] = [], footer: ReportFooter,
    subtitle: String? = nil, authors: [String] = [],
    documentDate: String? = nil, contents: [SectionHeading] = []
  ) {
    self.title = title
    self.notebookPath = notebookPath
    self.items = items
    self.notices = notices
    self.footer = footer
    self.subtitle = subtitle
    self.authors = authors
    self.documentDate = documentDate
    self.contents = contents
  }

  /// True when a cell or the notebook itself has an error.
  public var failed: Bool {
    notices.contains { $0.severity == .error }
      || cells.contains { $0.status == .error }
  }

  /// The cells alone, in order.
  public var cells: [CellReport] {
    items.compactMap { if case .cell(let cell) = $0 { cell } else { nil } }
  }
}

/// A piece of the page.
public enum ReportItem: Sendable, Equatable {
  /// Prose already rendered to safe HTML by libcmark.
  case prose(html: String)
  /// An executed (or failed, or skipped) `lab` block.
  case cell(CellReport)
}

/// Reproducibility facts shown at the bottom of the page.
public struct ReportFooter: Sendable, Equatable, Codable {
  /// Seed in force at the start of the notebook.
  public var seed: UInt64
  public var labrunVersion: String
  /// Data files used, by file name, with their SHA-256 in hex.
  public var dataFiles: [DataFileRecord]
  /// Wall-clock time of the whole run, in seconds.
  public var totalSeconds: Double
  /// When the run finished, ISO 8601 in UTC, e.g. `2026-11-25T10:00:00Z`.
  public var date: String
  /// Command-line overrides in force, e.g. `sgd.epochs=1`.
  public var overrides: [String]

  public init(
    seed: UInt64, labrunVersion: String, dataFiles: [DataFileRecord],
    totalSeconds: Double, date: String, overrides: [String] = []
  ) {
    self.seed = seed
    self.labrunVersion = labrunVersion
    self.dataFiles = dataFiles
    self.totalSeconds = totalSeconds
    self.date = date
    self.overrides = overrides
  }
}

public struct DataFileRecord: Sendable, Equatable, Codable {
  public var name: String
  public var sha256: String
  public init(name: String, sha256: String) {
    self.name = name
    self.sha256 = sha256
  }
}

// MARK: - Cells

/// What happened to one `lab` block.
public struct CellReport: Sendable, Equatable {
  public enum Status: String, Sendable, Codable { case ok, error, skipped }

  /// 1-based cell number, as shown in the report.
  public var number: Int
  /// Line of the opening fence in the notebook.
  public var line: Int
  /// The block's text, one entry per line, without the fences.
  public var sourceLines: [String]
  /// Line number of `sourceLines[0]` in the notebook.
  public var firstSourceLine: Int
  /// The directives the block holds, as written (after parsing).
  public var directives: [DirectiveRecord]
  public var status: Status
  /// Wall-clock seconds this run spent on the cell.
  public var seconds: Double
  /// True when the results came from the cache.
  public var cached: Bool
  /// For a cached cell, how long the original computation took.
  public var originalSeconds: Double?
  /// Errors and warnings located in the notebook.
  public var diagnostics: [DiagnosticRecord]
  /// Why the cell was skipped (status `.skipped`), in words.
  public var skipReason: String?
  /// What the cell produced, in directive order.
  public var results: [CellResult]

  public init(
    number: Int, line: Int, sourceLines: [String], firstSourceLine: Int,
    directives: [DirectiveRecord], status: Status, seconds: Double,
    cached: Bool = false, originalSeconds: Double? = nil,
    diagnostics: [DiagnosticRecord] = [], skipReason: String? = nil,
    results: [CellResult] = []
  ) {
    self.number = number
    self.line = line
    self.sourceLines = sourceLines
    self.firstSourceLine = firstSourceLine
    self.directives = directives
    self.status = status
    self.seconds = seconds
    self.cached = cached
    self.originalSeconds = originalSeconds
    self.diagnostics = diagnostics
    self.skipReason = skipReason
    self.results = results
  }
}

/// A directive as written: `sgd lr=3 batch=10` → verb `sgd`,
/// arguments `[("lr","3"), ("batch","10")]`. The positional argument has
/// its schema's name as key (`load mnist` → `("dataset","mnist")`).
public struct DirectiveRecord: Sendable, Equatable, Codable {
  public struct Argument: Sendable, Equatable, Codable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }
  public var verb: String
  public var line: Int
  public var column: Int
  public var arguments: [Argument]
  public init(verb: String, line: Int, column: Int, arguments: [Argument]) {
    self.verb = verb
    self.line = line
    self.column = column
    self.arguments = arguments
  }
}

/// A located message: `notebook.md:12:5: error: unknown key 'lrate'`.
public struct DiagnosticRecord: Sendable, Equatable, Codable {
  public enum Severity: String, Sendable, Codable { case error, warning, note }
  public var severity: Severity
  public var file: String
  public var line: Int?
  public var column: Int?
  public var message: String
  /// A hint such as "did you mean 'lr'?" (without the question of where).
  public var suggestion: String?
  public init(
    severity: Severity, file: String, line: Int?, column: Int?,
    message: String, suggestion: String? = nil
  ) {
    self.severity = severity
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.suggestion = suggestion
  }
}

// MARK: - Results

/// One thing a directive produced.
public enum CellResult: Sendable, Equatable, Codable {
  case dataset(DatasetResult)
  case network(NetworkResult)
  case training(TrainingResult)
  case comparison(ComparisonResult)
  case evaluation(EvaluationResult)
  case playground(PlaygroundResult)
  case weights(WeightsResult)
  case networkFile(NetworkFileResult)
  case maps(MapsResult)
  case check(CheckOutcome)
}

/// A greyscale image with its label, for grids of digits.
public struct DigitImage: Sendable, Equatable, Codable {
  public var rows: Int
  public var columns: Int
  /// (rows, columns), row-major, 0 = background, 255 = full ink.
  public var pixels: [UInt8]
  /// Index of the image in its split.
  public var index: Int
  /// True label, as shown under the image (e.g. "7" or "Sneaker").
  public var label: String
  /// What the network predicted, for misclassified digits.
  public var predicted: String?
  public init(
    rows: Int, columns: Int, pixels: [UInt8], index: Int, label: String,
    predicted: String? = nil
  ) {
    self.rows = rows
    self.columns = columns
    self.pixels = pixels
    self.index = index
    self.label = label
    self.predicted = predicted
  }
}

/// `load mnist`: what was loaded.
public struct DatasetResult: Sendable, Equatable, Codable {
  /// `mnist` or `fashion-mnist`.
  public var name: String
  public var training: Int
  public var validation: Int
  public var test: Int
  /// Image size, e.g. 28 × 28.
  public var rows: Int
  public var columns: Int
  /// Class names in label order ("0"..."9", or "T-shirt/top"...).
  public var classNames: [String]
  /// A few training images to show.
  public var samples: [DigitImage]
  /// The training images taken from the file when `load … expand=shifts`
  /// added their one-pixel shifts (`training` counts them all); nil when
  /// not expanded.
  public var expandedFrom: Int?
  public init(
    name: String, training: Int, validation: Int, test: Int, rows: Int,
    columns: Int, classNames: [String], samples: [DigitImage],
    expandedFrom: Int? = nil
  ) {
    self.expandedFrom = expandedFrom
    self.name = name
    self.training = training
    self.validation = validation
    self.test = test
    self.rows = rows
    self.columns = columns
    self.classNames = classNames
    self.samples = samples
  }
}

/// `net 784-30-10`: the network's shape.
public struct NetworkResult: Sendable, Equatable, Codable {
  public struct Layer: Sendable, Equatable, Codable {
    /// Values per example coming in and going out.
    public var inputs: Int
    public var outputs: Int
    /// The hidden or output activation; `max` for a pool.
    public var activation: String
    /// Weights and biases (inputs × outputs + outputs when fully connected).
    public var parameters: Int
    /// How the architecture writes it (`conv5x5x20`, `pool2`, `100`); nil
    /// in a fully-connected network, whose layers are all plain.
    public var kind: String?
    /// The shapes in and out (`28×28`, `24×24×20`, `100`); nil in a
    /// fully-connected network.
    public var inputShape: String?
    public var outputShape: String?
    /// A fully-connected layer.
    public init(inputs: Int, outputs: Int, activation: String) {
      self.inputs = inputs
      self.outputs = outputs
      self.activation = activation
      self.parameters = inputs * outputs + outputs
    }
    /// Any layer, with its notation and shapes.
    public init(
      kind: String, inputShape: String, outputShape: String, inputs: Int,
      outputs: Int, activation: String, parameters: Int
    ) {
      self.inputs = inputs
      self.outputs = outputs
      self.activation = activation
      self.parameters = parameters
      self.kind = kind
      self.inputShape = inputShape
      self.outputShape = outputShape
    }
  }
  /// Values per example before the first layer and after each.
  public var sizes: [Int]
  public var layers: [Layer]
  public var cost: String
  public var initialization: String
  /// The architecture's notation (`28x28 conv5x5x20 pool2 100 10`); nil for
  /// a fully-connected network, which `sizes` describes.
  public var architecture: String?
  /// Which candidate of a `net` with a list this is; nil for one network.
  public var candidate: Candidate?
  /// One of the networks a `net cost=quadratic,cross-entropy` declares.
  public struct Candidate: Sendable, Equatable, Codable {
    /// The key that varies (`cost`, `init`, `architecture`) and this
    /// network's value, as written.
    public var parameter: String
    public var value: String
    /// 0-based, of `count`.
    public var index: Int
    public var count: Int
    public init(parameter: String, value: String, index: Int, count: Int) {
      self.parameter = parameter
      self.value = value
      self.index = index
      self.count = count
    }
  }
  public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
  public init(
    sizes: [Int], layers: [Layer], cost: String, initialization: String,
    architecture: String? = nil
  ) {
    self.sizes = sizes
    self.layers = layers
    self.cost = cost
    self.initialization = initialization
    self.architecture = architecture
  }
}

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

/// `sgd lr=0.5,3,10`: several runs from the same starting weights.
public struct ComparisonResult: Sendable, Equatable, Codable {
  /// The parameter that varies: `lr`, `batch`, `epochs`, `l2`, `momentum`.
  public var parameter: String
  /// The values, as written, in run order.
  public var values: [String]
  public var runs: [TrainingResult]
  /// Index into `runs` of the run that became the current network (best
  /// final validation accuracy; ties go to the earlier run).
  public var chosen: Int
  public init(
    parameter: String, values: [String], runs: [TrainingResult], chosen: Int
  ) {
    self.parameter = parameter
    self.values = values
    self.runs = runs
    self.chosen = chosen
  }
}

/// `evaluate on=test`.
public struct EvaluationResult: Sendable, Equatable, Codable {
  /// `test` or `validation`.
  public var split: String
  public var correct: Int
  public var total: Int
  public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
  public var classNames: [String]
  /// confusion[true][predicted] = count.
  public var confusion: [[Int]]
  /// Some misclassified images, with `predicted` set.
  public var misclassified: [DigitImage]
  public init(
    split: String, correct: Int, total: Int, classNames: [String],
    confusion: [[Int]], misclassified: [DigitImage]
  ) {
    self.split = split
    self.correct = correct
    self.total = total
    self.classNames = classNames
    self.confusion = confusion
    self.misclassified = misclassified
  }
}

/// `playground`: the trained network, embedded in the page so that readers
/// can draw (a digit, a piece of clothing) and watch it being classified.
public struct PlaygroundResult: Sendable, Equatable, Codable {
  /// Values per layer, input first: `[784, 30, 10]` (for a convolutional
  /// network, each layer's maps × rows × columns).
  public var sizes: [Int]
  /// The layers after the input, first to output: dense ones for a
  /// fully-connected network, or convolutions and pools before them. A
  /// convolutional network reads its input as one rows × columns map.
  public var layers: [PlaygroundLayer]
  /// Activation of the hidden layers: `sigmoid`, `relu` or `tanh`.
  public var hidden: String
  /// Activation of the output layer: `sigmoid` or `softmax`.
  public var output: String
  /// The image size the network reads; rows × columns = `sizes[0]`.
  public var rows: Int
  public var columns: Int
  /// Names of the outputs, in order ("0"..."9", or "T-shirt/top"...).
  public var classNames: [String]
  /// Every weight and bias, layer by layer: the weights (out, in)
  /// row-major, then the biases (out).
  public var parameters: [Float]
  /// What the reader is asked to draw: "a digit", "a piece of clothing".
  public var subject: String
  /// How a drawing is prepared, by the loaded data set's rule.
  public var preparation: DrawingPreparation
  public init(
    sizes: [Int], hidden: String, output: String, rows: Int, columns: Int,
    classNames: [String], parameters: [Float],
    subject: String = DatasetName.mnist.drawingSubject,
    preparation: DrawingPreparation = DatasetName.mnist.drawingPreparation,
    layers: [PlaygroundLayer]? = nil
  ) {
    self.sizes = sizes
    self.layers = layers ?? sizes.dropFirst().map { .dense(units: $0) }
    self.hidden = hidden
    self.output = output
    self.rows = rows
    self.columns = columns
    self.classNames = classNames
    self.parameters = parameters
    self.subject = subject
    self.preparation = preparation
  }

  /// Bytes of the parameters as float32: what the page embeds (before
  /// base64).
  public var bytes: Int { parameters.count * 4 }

  /// Whether every layer is fully connected.
  public var isFullyConnected: Bool {
    layers.allSatisfy { if case .dense = $0 { true } else { false } }
  }

  /// `784-30-10`, or `28x28 conv5x5x20 pool2 100 10` for a network with
  /// convolutions or pools: the notebook's notation.
  public var notation: String {
    isFullyConnected
      ? sizes.map(String.init).joined(separator: "-")
      : (["\(rows)x\(columns)"] + layers.map(\.notation))
        .joined(separator: " ")
  }
}
