import Report

// The report values a cached cell replays, in the cache's binary encoding.
// Every field is written, so a decoded value equals the encoded one exactly
// (`==`), digit pixels and NaN costs included.

// MARK: - Cell results

enum ReportCoding {
  private enum Tag: UInt8 {
    case dataset = 1, network, training, comparison, evaluation, playground
    case weights
  }

  /// Writes `results`.
  static func write(_ results: [CellResult], to writer: inout ByteWriter) {
    var body = ByteWriter()
    body.int(results.count)
    for result in results {
      switch result {
      case .dataset(let value):
        body.u8(Tag.dataset.rawValue)
        write(value, to: &body)
      case .network(let value):
        body.u8(Tag.network.rawValue)
        write(value, to: &body)
      case .training(let value):
        body.u8(Tag.training.rawValue)
        write(value, to: &body)
      case .comparison(let value):
        body.u8(Tag.comparison.rawValue)
        body.string(value.parameter)
        body.array(value.values) { $0.string($1) }
        body.array(value.runs) { write($1, to: &$0) }
        body.int(value.chosen)
      case .evaluation(let value):
        body.u8(Tag.evaluation.rawValue)
        write(value, to: &body)
      case .playground(let value):
        body.u8(Tag.playground.rawValue)
        body.array(value.sizes) { $0.int($1) }
        body.string(value.hidden)
        body.string(value.output)
        body.int(value.rows)
        body.int(value.columns)
        body.array(value.classNames) { $0.string($1) }
        body.floats(value.parameters)
      case .weights(let value):
        body.u8(Tag.weights.rawValue)
        body.int(value.layer)
        body.int(value.count)
        body.int(value.rows)
        body.int(value.columns)
        body.double(value.scale)
        body.array(value.weights) { $0.floats($1) }
      }
    }
    writer.raw(body.bytes)
  }

  static func readResults(_ reader: inout ByteReader)
    throws(DecodingFailure) -> [CellResult]
  {
    try reader.array(minimumSize: 1) { (r) throws(DecodingFailure) in
      let offset = r.offset
      switch Tag(rawValue: try r.u8()) {
      case .dataset: return .dataset(try readDataset(&r))
      case .network: return .network(try readNetwork(&r))
      case .training: return .training(try readTraining(&r))
      case .comparison:
        return .comparison(
          ComparisonResult(
            parameter: try r.string(),
            values: try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in try r.string() },
            runs: try r.array(minimumSize: 8, readTraining),
            chosen: try r.int()))
      case .evaluation: return .evaluation(try readEvaluation(&r))
      case .playground:
        return .playground(
          PlaygroundResult(
            sizes: try readInts(&r), hidden: try r.string(),
            output: try r.string(), rows: try r.int(), columns: try r.int(),
            classNames: try readStrings(&r), parameters: try r.floats()))
      case .weights:
        return .weights(
          WeightsResult(
            layer: try r.int(), count: try r.int(), rows: try r.int(),
            columns: try r.int(), scale: try r.double(),
            weights: try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in
              try r.floats()
            }))
      case nil:
        throw DecodingFailure(offset: offset, reason: "unknown result kind")
      }
    }
  }

  // MARK: - Each kind

  private static func write(_ value: DatasetResult, to w: inout ByteWriter) {
    w.string(value.name)
    w.int(value.training)
    w.int(value.validation)
    w.int(value.test)
    w.int(value.rows)
    w.int(value.columns)
    w.array(value.classNames) { $0.string($1) }
    w.array(value.samples) { write($1, to: &$0) }
  }

  private static func readDataset(_ r: inout ByteReader)
    throws(DecodingFailure) -> DatasetResult
  {
    DatasetResult(
      name: try r.string(), training: try r.int(),
      validation: try r.int(), test: try r.int(), rows: try r.int(),
      columns: try r.int(), classNames: try readStrings(&r),
      samples: try r.array(minimumSize: 8, readDigit))
  }

  private static func write(_ value: NetworkResult, to w: inout ByteWriter) {
    w.array(value.sizes) { $0.int($1) }
    w.array(value.layers) { w, layer in
      w.int(layer.inputs)
      w.int(layer.outputs)
      w.string(layer.activation)
    }
    w.string(value.cost)
    w.string(value.initialization)
  }

  private static func readNetwork(_ r: inout ByteReader)
    throws(DecodingFailure) -> NetworkResult
  {
    NetworkResult(
      sizes: try readInts(&r),
      layers: try r.array(minimumSize: 24) { (r) throws(DecodingFailure) in
        let offset = r.offset
        let (inputs, outputs) = (try r.int(), try r.int())
        // The layer multiplies them: refuse what would overflow.
        guard inputs.magnitude <= 1 << 31, outputs.magnitude <= 1 << 31 else {
          throw DecodingFailure(offset: offset, reason: "absurd layer size")
        }
        return NetworkResult.Layer(
          inputs: inputs, outputs: outputs, activation: try r.string())
      },
      cost: try r.string(), initialization: try r.string())
  }

  private static func write(_ value: TrainingResult, to w: inout ByteWriter) {
    w.double(value.learningRate)
    w.int(value.batchSize)
    w.int(value.epochs)
    w.double(value.l2)
    w.double(value.momentum)
    w.int(value.trainingImages)
    w.array(value.history) { w, epoch in
      w.int(epoch.epoch)
      w.double(epoch.trainingCost)
      w.optional(epoch.validationAccuracy) { $0.double($1) }
      w.optional(epoch.testAccuracy) { $0.double($1) }
      w.double(epoch.seconds)
    }
    w.optional(value.divergedAtEpoch) { $0.int($1) }
    w.optional(value.parametersSHA256) { $0.string($1) }
  }

  private static func readTraining(_ r: inout ByteReader)
    throws(DecodingFailure) -> TrainingResult
  {
    TrainingResult(
      learningRate: try r.double(), batchSize: try r.int(),
      epochs: try r.int(), l2: try r.double(), momentum: try r.double(),
      trainingImages: try r.int(),
      history: try r.array(minimumSize: 26) { (r) throws(DecodingFailure) in
        EpochResult(
          epoch: try r.int(), trainingCost: try r.double(),
          validationAccuracy: try r.optional { (r) throws(DecodingFailure) in try r.double() },
          testAccuracy: try r.optional { (r) throws(DecodingFailure) in try r.double() },
          seconds: try r.double())
      },
      divergedAtEpoch: try r.optional { (r) throws(DecodingFailure) in try r.int() },
      parametersSHA256: try r.optional { (r) throws(DecodingFailure) in try r.string() })
  }

  private static func write(_ value: EvaluationResult, to w: inout ByteWriter) {
    w.string(value.split)
    w.int(value.correct)
    w.int(value.total)
    w.array(value.classNames) { $0.string($1) }
    w.array(value.confusion) { w, row in w.array(row) { $0.int($1) } }
    w.array(value.misclassified) { write($1, to: &$0) }
  }

  private static func readEvaluation(_ r: inout ByteReader)
    throws(DecodingFailure) -> EvaluationResult
  {
    EvaluationResult(
      split: try r.string(), correct: try r.int(), total: try r.int(),
      classNames: try readStrings(&r),
      confusion: try r.array(minimumSize: 8, readInts),
      misclassified: try r.array(minimumSize: 8, readDigit))
  }

  private static func write(_ value: DigitImage, to w: inout ByteWriter) {
    w.int(value.rows)
    w.int(value.columns)
    w.byteArray(value.pixels)
    w.int(value.index)
    w.string(value.label)
    w.optional(value.predicted) { $0.string($1) }
  }

  private static func readDigit(_ r: inout ByteReader)
    throws(DecodingFailure) -> DigitImage
  {
    DigitImage(
      rows: try r.int(), columns: try r.int(), pixels: try r.byteArray(),
      index: try r.int(), label: try r.string(),
      predicted: try r.optional { (r) throws(DecodingFailure) in try r.string() })
  }

  // MARK: - Lists

  static func readStrings(_ r: inout ByteReader) throws(DecodingFailure)
    -> [String]
  {
    try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in try r.string() }
  }

  static func readInts(_ r: inout ByteReader) throws(DecodingFailure) -> [Int] {
    try r.array(minimumSize: 8) { (r) throws(DecodingFailure) in try r.int() }
  }
}
