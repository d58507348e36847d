import Datasets
import Notebook
import Report

/// `load mnist train=… validation=… test=…`: load a data set and cut it
/// into the three splits later directives train and measure on.
struct Load: LabDirective {
  private static let positive = ValueType.integer(min: 1, max: Int.max)
  private static let nonNegative = ValueType.integer(min: 0, max: Int.max)

  static let spec = DirectiveSpec(
    verb: "load",
    summary: "Load a data set: training, validation and test images.",
    positional: PositionalSpec(
      name: "dataset", label: "data set",
      type: .choice(DatasetName.allCases.map(\.rawValue)),
      doc: "The data set to load."),
    parameters: [
      ParameterSpec(
        "train", positive, default: "50000",
        aliases: ["training", "n_train"],
        "Training images, taken from the start of the training file."),
      ParameterSpec(
        "validation", nonNegative, default: "10000",
        aliases: ["valid", "val", "validate"],
        "Validation images, taken from the training file after the training images."),
      ParameterSpec(
        "test", nonNegative, default: "10000",
        aliases: ["testing", "n_test"],
        "Test images, taken from the test file."),
      ParameterSpec(
        "expand", .choice(Expansion.allCases.map(\.rawValue)), default: "",
        aliases: ["expansion", "expanded", "augment", "augmentation"],
        "Expand the training images: shifts adds each image's four one-pixel"
          + " shifts after it (five times as many); validation and test stay"
          + " as they are."),
    ], maxListLength: 1)
  static let reads: Set<StatePart> = []
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = [.data]
  static let produces: [any ResultContent.Type] = [DatasetResult.self]

  /// The data set.
  var dataset: DatasetName
  /// Images to train on (taken first from the training file).
  var train: Int
  /// Images held back from the training file for validation.
  var validation: Int
  /// Images taken from the test file.
  var test: Int
  /// How the training images are expanded.
  var expansion: Expansion

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    dataset = try values.choice("", as: DatasetName.self)
    train = try values.integer("train")
    validation = try values.integer("validation")
    test = try values.integer("test")
    // Not written is `none`, and leaves the canonical text (the cache
    // key) of every existing load as it was.
    expansion = try values.optionalChoice("expand", as: Expansion.self) ?? .none
  }

  /// A load request written in code, with the notebook's defaults.
  init(
    dataset: DatasetName, train: Int = 50_000, validation: Int = 10_000,
    test: Int = 10_000, expansion: Expansion = .none
  ) {
    self.dataset = dataset
    self.train = train
    self.validation = validation
    self.test = test
    self.expansion = expansion
  }

  var dataSets: [DatasetName] { [dataset] }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let options = session.options
    let data: LoadedData
    do {
      let directory = try DataLocator.locate(
        dataset, explicit: options.dataDirectory,
        environment: options.environment)
      data = try DataLoader.load(
        dataset, from: directory, checksums: .known,
        decoded: options.decodedDataCache)
    } catch {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: ""), "\(error.path): \(error.message)",
          suggestion: error.hint))
    }
    let available = data.training.count
    if train + validation > available {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "train"),
          "the \(dataset.displayName) training file holds \(available) images, "
            + "but train=\(train) and validation=\(validation) "
            + "ask for \(train + validation)",
          suggestion: "keep train + validation at most \(available), "
            + "e.g. train=\(available - validation)"))
    }
    if test > data.test.count {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "test"),
          "the \(dataset.displayName) test file holds \(data.test.count) "
            + "images, but test=\(test) asks for more",
          suggestion: "use test=\(data.test.count) or fewer"))
    }
    let splits = Splits(
      data, training: train, validation: validation, test: test,
      expansion: expansion)
    session.splits = splits
    for file in data.files where !session.dataFiles.contains(file) {
      session.dataFiles.append(file)
    }
    let sampleCount = min(24, splits.training.count)
    let samples = (0..<sampleCount).map { index in
      session.digit(splits.training, index, classNames: dataset.classNames)
    }
    return CellResult(
      DatasetResult(
        name: dataset.rawValue, training: splits.training.count,
        validation: splits.validation.count, test: splits.test.count,
        rows: data.training.rows, columns: data.training.columns,
        classNames: dataset.classNames, samples: samples,
        expandedFrom: expansion == .none ? nil : train))
  }
}

extension RunOptions {
  /// The folder of decoded data sets, beside the per-cell cache and used as
  /// it is: read and written, only written (`--rerun`) or not at all
  /// (`--no-cache`).
  var decodedDataCache: DecodedDataCache? {
    let folder = cache.folder(forOutput: outputDirectory) + "/data"
    switch cache.mode {
    case .use: return DecodedDataCache(folder: folder)
    case .refresh: return DecodedDataCache(folder: folder, reads: false)
    case .off: return nil
    }
  }
}
