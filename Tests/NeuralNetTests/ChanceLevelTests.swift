import Datasets
import Testing

@testable import NeuralNet

@Suite("Training that ends at chance level")
struct ChanceLevelTests {
  /// An evaluation of `labels` answered with `predictions`.
  private func evaluation(_ labels: [UInt8], _ predictions: [UInt8]) -> Evaluation {
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
    for (truth, guess) in zip(labels, predictions) {
      confusion[Int(truth)][Int(guess)] += 1
    }
    return Evaluation(
      correct: zip(labels, predictions).count(where: { $0 == $1 }),
      total: labels.count, confusion: confusion, predictions: predictions)
  }

  private let labels: [UInt8] = (0..<1000).map { UInt8($0 % 10) }

  @Test("one class for every image: at chance, and which class it is")
  func oneClass() throws {
    let level = try #require(
      evaluation(labels, [UInt8](repeating: 7, count: 1000)).chanceLevel)
    #expect(level.predictedClass == 7)
    #expect(level.predictedShare == 1)
    #expect(level.accuracy == 0.1)
    #expect(level.baseline == 0.1)
  }

  @Test("one class for 92 % of the images with a little above chance: collapsed")
  func mostlyOneClass() throws {
    // 920 images called 3; the rest right.
    let predictions = labels.enumerated().map { $0.offset < 920 ? 3 : $0.element }
    let level = try #require(evaluation(labels, predictions).chanceLevel)
    #expect(level.predictedClass == 3)
    #expect(level.accuracy > level.baseline)
  }

  @Test("below chance without one class dominating: at chance")
  func belowChance() throws {
    // Always the next digit: wrong everywhere, spread evenly.
    let predictions = labels.map { ($0 + 1) % 10 }
    let level = try #require(evaluation(labels, predictions).chanceLevel)
    #expect(level.accuracy == 0)
    #expect(level.predictedShare == 0.1)
  }

  @Test("a network that learned: no warning, even a weak one")
  func learned() {
    #expect(evaluation(labels, labels).chanceLevel == nil)
    // 30 % right, the rest spread: weak, but above chance.
    let weak = labels.enumerated().map {
      $0.offset % 10 < 3 ? $0.element : ($0.element + 1) % 10
    }
    #expect(evaluation(labels, weak).chanceLevel == nil)
  }

  @Test("a set of one label predicted right is not a collapse")
  func oneLabel() {
    let sevens = [UInt8](repeating: 7, count: 100)
    #expect(evaluation(sevens, sevens).chanceLevel == nil)
  }
}

/// The check after training takes the evaluation the last epoch made of
/// the validation images instead of running them again: training hands it
/// out — and only when the network still has that epoch's weights.
@Suite("The last epoch's evaluation, handed out")
struct FinalEvaluationTests {
  static let data = Fixtures.sparse(count: 500, classes: 10, seed: 43)
  static let training = DataSplit(data, images: 0..<300)
  static let validation = DataSplit(data, images: 300..<400)

  /// A fresh network trained with `options` (validation accuracy
  /// monitored), and its run.
  static func trained(
    _ options: TrainingOptions = TrainingOptions(
      learningRate: 1, batchSize: 10, epochs: 2),
    beside: Bool = false,
    observer: @escaping (TrainingEvent) -> TrainingDecision = { _ in .continue }
  ) -> (Network, TrainingRun) {
    var options = options
    options.monitor.insert(.validationAccuracy)
    let network = Network(NetworkConfiguration(sizes: [784, 12, 10]), seed: 3)
    let run = network.train(
      on: training, validation: validation, options: options,
      shuffleSeed: 8, measuringBeside: beside, observer: observer)
    return (network, run)
  }

  /// What evaluating the validation images with the network's parameters
  /// now gives.
  static func fresh(_ network: Network) -> Evaluation {
    network.copy().evaluate(on: data, images: validation.images)
  }

  @Test("after training, the validation set's evaluation is the one the network gives now")
  func lastEpochHandedOut() throws {
    let (network, run) = Self.trained()
    let evaluations = try #require(run.finalEvaluations)
    #expect(evaluations.validation == Self.fresh(network))
    #expect(evaluations.validation?.total == 100)
    // Sets not measured are not handed out.
    #expect(evaluations.training == nil && evaluations.test == nil)
  }

  @Test("measured beside training: the same evaluation")
  func besideHandsOutTheSame() throws {
    let options = TrainingOptions(learningRate: 1, batchSize: 10, epochs: 3)
    let (network, beside) = Self.trained(options, beside: true)
    let (_, between) = Self.trained(options, beside: false)
    let handed = try #require(beside.finalEvaluations?.validation)
    #expect(handed == between.finalEvaluations?.validation)
    #expect(handed == Self.fresh(network))
  }

  @Test("stopped inside an epoch: nothing handed out")
  func stoppedInsideAnEpoch() {
    let (_, run) = Self.trained { event in
      if case .progress(let epoch, let fraction) = event, epoch == 2, fraction >= 0.5 {
        return .stop
      }
      return .continue
    }
    #expect(run.epochs.count == 1)
    #expect(run.finalEvaluations == nil)
  }

  @Test("the best epoch's weights given back: nothing handed out; else the last epoch's")
  func restoredBestEpoch() {
    var restored = 0
    for rate: Float in [1, 8, 30, 100] {
      let (network, run) = Self.trained(
        TrainingOptions(
          learningRate: rate, batchSize: 10, epochs: 6, earlyStopping: 1))
      if run.restoredBestEpoch {
        restored += 1
        #expect(run.finalEvaluations == nil)
      } else {
        #expect(run.finalEvaluations?.validation == Self.fresh(network))
      }
    }
    // At least one of the rates ends on a worse epoch than its best.
    #expect(restored > 0)
  }
}
