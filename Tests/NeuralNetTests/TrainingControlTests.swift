import Datasets
import Testing

@testable import NeuralNet

/// Early stopping and the learning-rate schedule: where they stop, which
/// weights they leave, when η changes.
@Suite struct TrainingControlTests {
  static let data = Fixtures.sparse(count: 800, classes: 10, seed: 12)
  static let training = DataSplit(data, images: 0..<500)
  /// Validation images whose labels no network can predict (the output
  /// has 10 classes): accuracy stays 0, so it never improves after the
  /// first epoch.
  static let hopeless: DataSplit = {
    let images = data.slice(500..<700)
    return DataSplit(
      Dataset(
        rows: 28, columns: 28, pixels: images.pixels,
        labels: images.labels.map { _ in 200 }))
  }()
  /// Validation images labelled one class off: learning the training set
  /// makes them worse, with ups and downs.
  static let misleading: DataSplit = {
    let images = data.slice(500..<700)
    return DataSplit(
      Dataset(
        rows: 28, columns: 28, pixels: images.pixels,
        labels: data.labels[0..<200].map { ($0 + 1) % 10 }))
  }()

  static let configuration = NetworkConfiguration(
    sizes: [784, 20, 10], hidden: .sigmoid, output: .softmax,
    cost: .crossEntropy, initialization: .scaled)

  /// Trains with `options`, keeping every epoch's parameter bits.
  static func run(
    _ options: TrainingOptions, validation: DataSplit
  ) -> (run: TrainingRun, parameters: [[UInt8]], final: [UInt8]) {
    let network = Network(configuration, seed: 9)
    var parameters: [[UInt8]] = []
    let run = network.train(
      on: training, validation: validation, options: options, shuffleSeed: 4
    ) { event in
      if case .epochFinished = event { parameters.append(network.parameterBytes) }
      return .continue
    }
    return (run, parameters, network.parameterBytes)
  }

  @Test func earlyStoppingStopsAfterThePatienceAndRestoresTheBest() {
    let options = TrainingOptions(
      learningRate: 0.5, batchSize: 10, epochs: 20, earlyStopping: 3)
    let (run, parameters, final) = Self.run(options, validation: Self.hopeless)
    // Epoch 1 is the best (0 of 200 > nothing yet); 2, 3 and 4 do not
    // beat it, so training ends after epoch 4.
    #expect(run.epochs.map(\.epoch) == [1, 2, 3, 4])
    #expect(run.stop == .earlyStopping)
    #expect(run.bestEpoch == 1)
    #expect(run.restoredBestEpoch)
    #expect(final == parameters[0])
    #expect(final != parameters[3])
  }

  @Test(arguments: [1, 2, 4])
  func earlyStoppingStopsWhereTheAccuraciesSay(patience: Int) {
    // The same training without early stopping gives every epoch's
    // validation accuracy; from them alone follow the epoch it must stop
    // after and the best one, whose weights it must end with.
    let epochs = 16
    let free = Self.run(
      TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: epochs,
        monitor: .validationAccuracy),
      validation: Self.misleading)
    let correct = free.run.epochs.map { $0.validation!.correct! }
    var best = 0
    var stop = epochs
    for epoch in 1..<epochs {
      if correct[epoch] > correct[best] { best = epoch }
      if epoch - best >= patience {
        stop = epoch + 1
        break
      }
    }
    let stopped = Self.run(
      TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: epochs,
        earlyStopping: patience),
      validation: Self.misleading)
    #expect(stopped.run.epochs.count == stop, "accuracies \(correct)")
    #expect(stopped.run.stop == (stop < epochs ? .earlyStopping : .completed))
    #expect(stopped.run.bestEpoch == best + 1)
    #expect(stopped.final == free.parameters[best])
    // Until it stops, it is the same training.
    #expect(Array(free.parameters.prefix(stop)) == stopped.parameters)
    // The crafted data does make it stop early, and restore.
    if patience == 1 { #expect(stop < epochs && best + 1 < stop) }
  }

  @Test func theScheduleHalvesAfterThePatienceAndStopsAtTheLastHalving() {
    let options = TrainingOptions(
      learningRate: 0.5, batchSize: 10, epochs: 30,
      schedule: LearningRateSchedule(patience: 2, halvings: 3))
    let (run, parameters, final) = Self.run(options, validation: Self.hopeless)
    // Best after epoch 1; two epochs without improvement each time.
    #expect(
      run.learningRateChanges == [
        LearningRateChange(afterEpoch: 3, learningRate: 0.25),
        LearningRateChange(afterEpoch: 5, learningRate: 0.125),
        LearningRateChange(afterEpoch: 7, learningRate: 0.0625),
      ])
    #expect(run.epochs.map(\.learningRate) == [0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125])
    #expect(run.stop == .learningRateSchedule)
    // The schedule alone keeps the last weights.
    #expect(!run.restoredBestEpoch && final == parameters.last)
    // It trained with the halved rate: the same as a constant rate until
    // epoch 3, different from epoch 4 on.
    let constant = Self.run(
      TrainingOptions(learningRate: 0.5, batchSize: 10, epochs: 4),
      validation: Self.hopeless)
    #expect(constant.parameters[2] == parameters[2])
    #expect(constant.parameters[3] != parameters[3])
  }

  @Test func theBooksScheduleStopsAtAHundredAndTwentyEighth() {
    let schedule = LearningRateSchedule(patience: 1)
    let (run, _, _) = Self.run(
      TrainingOptions(learningRate: 0.5, batchSize: 50, epochs: 30, schedule: schedule),
      validation: Self.hopeless)
    #expect(run.learningRateChanges.count == 7)
    #expect(run.learningRateChanges.last?.learningRate == 0.5 / 128)
    #expect(run.epochs.count == 8)
  }

  @Test func improvementsResetTheSchedulesCount() {
    // On the misleading set the accuracy goes up and down; the halvings
    // follow from the recorded accuracies of the run itself.
    let patience = 2
    let (run, _, _) = Self.run(
      TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: 14,
        schedule: LearningRateSchedule(patience: patience, halvings: 20)),
      validation: Self.misleading)
    var best = -1
    var since = 0
    var expected: [Int] = []
    for stats in run.epochs {
      let correct = stats.validation!.correct!
      if correct > best {
        best = correct
        since = 0
      } else {
        since += 1
      }
      if since >= patience {
        expected.append(stats.epoch)
        since = 0
      }
    }
    #expect(run.learningRateChanges.map(\.afterEpoch) == expected)
  }

  @Test func problemsAreNamed() {
    let options = TrainingOptions(
      earlyStopping: 0, schedule: LearningRateSchedule(patience: 1, halvings: 0))
    #expect(
      options.problems(hasValidation: false) == [
        .nonPositivePatience(0), .nonPositiveHalvings(0),
        .needsValidation("early stopping"),
        .needsValidation("the learning-rate schedule"),
      ])
    #expect(TrainingOptions(monitor: .test).problems(hasValidation: false).isEmpty)
    #expect(
      TrainingOptions(monitor: .validationCost).problems(hasValidation: false)
        == [.needsValidation("monitoring the validation set")])
  }

  @Test func everyVariantGivesTheSameBits() {
    // L1 with L2, momentum, the schedule and early stopping together.
    let options = TrainingOptions(
      learningRate: 0.4, batchSize: 13, epochs: 6, l2: 3, momentum: 0.3,
      l1: 1.5, monitor: [.training, .validation],
      earlyStopping: 3, schedule: LearningRateSchedule(patience: 1, halvings: 4))
    func outcome(_ variant: KernelVariant) -> (TrainingRun, [UInt8]) {
      let network = Network(Self.configuration, seed: 9)
      network.kernels = variant
      let run = network.train(
        on: Self.training, validation: Self.misleading, options: options,
        shuffleSeed: 4)
      return (run, network.parameterBytes)
    }
    let (reference, parameters) = outcome(.portable)
    #expect(reference.epochs.allSatisfy { $0.meanCost.isFinite })
    for variant in KernelVariant.available where variant != .portable {
      let (run, bits) = outcome(variant)
      // Seconds differ; everything else is bit for bit.
      guard run.epochs.count == reference.epochs.count else {
        Issue.record("\(variant) ran \(run.epochs.count) epochs")
        continue
      }
      var times = run
      for i in times.epochs.indices { times.epochs[i].seconds = reference.epochs[i].seconds }
      #expect(times == reference, "\(variant)")
      #expect(bits == parameters, "\(variant)")
    }
  }
}
