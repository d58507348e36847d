import Datasets
import Testing

@testable import NeuralNet

/// Measuring an epoch on the second core while the next one trains
/// (`measuringBeside`): against the same training measured between epochs,
/// every figure, event and parameter bit is the same, in the same order.
@Suite struct MeasuringBesideTests {
  static let training = MonitoringTests.training
  static let validation = MonitoringTests.validation
  static let test = MonitoringTests.test

  /// An event as the observer heard it (`progress` with its fraction).
  enum Heard: Equatable {
    case progress(Int, Double)
    case finished(Int)
  }

  struct Outcome {
    var run: TrainingRun
    var heard: [Heard]
    var parameters: [UInt8]
    var epochsTrained: Int
  }

  /// Trains a fresh network with `options`, measured beside or not; the
  /// observer stops after epoch `stopAfter` when given.
  static func train(
    _ options: TrainingOptions, beside: Bool, stopAfter: Int? = nil,
    configuration: NetworkConfiguration = NetworkConfiguration(
      sizes: [784, 20, 10], output: .softmax, cost: .crossEntropy,
      initialization: .scaled)
  ) -> Outcome {
    let network = Network(configuration, seed: 6)
    var heard: [Heard] = []
    let run = network.train(
      on: training, validation: validation, test: test, options: options,
      shuffleSeed: 12, measuringBeside: beside
    ) { event in
      switch event {
      case .progress(let epoch, let fraction):
        heard.append(.progress(epoch, fraction))
      case .epochFinished(let stats):
        heard.append(.finished(stats.epoch))
        if stats.epoch == stopAfter { return .stop }
      }
      return .continue
    }
    return Outcome(
      run: run, heard: heard, parameters: network.parameterBytes,
      epochsTrained: network.epochsTrained)
  }

  /// The epochs without their wall-clock seconds, costs as bit patterns
  /// (NaN included).
  static func figures(_ run: TrainingRun) -> [String] {
    run.epochs.map { stats in
      var stats = stats
      stats.seconds = 0
      return "\(stats.meanCost.bitPattern) \(stats.meanRegularization.bitPattern) "
        + "\(stats)"
    }
  }

  /// Whether two parameter dumps agree (a Bool, so that a failure does
  /// not print every byte).
  static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }

  /// Whether `part` is `whole` with some progress events left out.
  static func isThinned(_ part: [Heard], of whole: [Heard]) -> Bool {
    var rest = whole[...]
    for event in part {
      while let next = rest.first, next != event {
        guard case .progress = next else { return false }
        rest = rest.dropFirst()
      }
      guard rest.first == event else { return false }
      rest = rest.dropFirst()
    }
    return rest.allSatisfy { if case .progress = $0 { true } else { false } }
  }

  @Test func everyFigureEventAndBitIsTheSame() {
    let options = TrainingOptions(
      learningRate: 0.5, batchSize: 10, epochs: 5, l2: 3, momentum: 0.5,
      l1: 1, monitor: [.training, .validation, .test])
    let between = Self.train(options, beside: false)
    let beside = Self.train(options, beside: true)
    #expect(between.run.epochs.count == 5)
    #expect(Self.figures(beside.run) == Self.figures(between.run))
    #expect(beside.run.bestEpoch == between.run.bestEpoch)
    #expect(beside.run.stop == .completed)
    #expect(Self.same(beside.parameters, between.parameters))
    #expect(beside.epochsTrained == between.epochsTrained)
    // Every epoch reported once, in order, before the next one's progress.
    #expect(Self.isThinned(beside.heard, of: between.heard))
    #expect(beside.heard.filter { if case .finished = $0 { true } else { false } }
      == (1...5).map { .finished($0) })
  }

  @Test func stoppingAtAReportedEpochKeepsThatEpochsParameters() {
    let options = TrainingOptions(
      learningRate: 0.5, batchSize: 10, epochs: 5, monitor: .validation)
    let between = Self.train(options, beside: false, stopAfter: 2)
    let beside = Self.train(options, beside: true, stopAfter: 2)
    #expect(between.run.stop == .observer && beside.run.stop == .observer)
    #expect(beside.run.lastEpoch == 2)
    #expect(Self.figures(beside.run) == Self.figures(between.run))
    #expect(Self.same(beside.parameters, between.parameters))
    #expect(beside.epochsTrained == 2)
  }

  @Test func divergenceStopsAtTheSameEpoch() {
    // Steps of 1e38 overflow the weights to ±inf, and inf − inf is NaN.
    let options = TrainingOptions(
      learningRate: 1e38, batchSize: 10, epochs: 5, monitor: .validation)
    let configuration = NetworkConfiguration(
      sizes: [784, 8, 10], hidden: .relu, output: .softmax,
      cost: .crossEntropy)
    let between = Self.train(options, beside: false, configuration: configuration)
    let beside = Self.train(options, beside: true, configuration: configuration)
    #expect(between.run.stop == .diverged && beside.run.stop == .diverged)
    #expect(beside.run.lastEpoch == between.run.lastEpoch)
    #expect(Self.figures(beside.run) == Self.figures(between.run))
    #expect(Self.same(beside.parameters, between.parameters))
    #expect(Self.isThinned(beside.heard, of: between.heard))
  }

  @Test func earlyStoppingAndTheScheduleMeasureBetweenEpochs() {
    // Their decisions need each epoch's accuracy before the next begins:
    // the same run as without measuring beside.
    for options in [
      TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: 8, monitor: .validation,
        earlyStopping: 2),
      TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: 8, monitor: .validation,
        schedule: LearningRateSchedule(patience: 1, halvings: 2)),
    ] {
      let between = Self.train(options, beside: false)
      let beside = Self.train(options, beside: true)
      #expect(Self.figures(beside.run) == Self.figures(between.run))
      #expect(beside.run.stop == between.run.stop)
      #expect(beside.run.learningRateChanges == between.run.learningRateChanges)
      #expect(Self.same(beside.parameters, between.parameters))
      #expect(beside.heard == between.heard)
    }
  }
}
