import Datasets
import Testing

@testable import NeuralNet

@Suite struct TrainingTests {
  static let stripes = Fixtures.stripes(count: 400, seed: 1)

  @Test(arguments: Fixtures.combinations)
  func costFallsAndStripesAreLearned(
    hidden: Activation, output: Activation, cost: Cost
  ) {
    let network = Network(
      NetworkConfiguration(
        sizes: [16, 12, 4], hidden: hidden, output: output, cost: cost,
        initialization: .scaled),
      seed: 4)
    let before = network.evaluate(on: Self.stripes)
    let stats = network.train(
      on: Self.stripes,
      options: TrainingOptions(learningRate: 0.5, batchSize: 10, epochs: 8),
      shuffleSeed: 8)
    #expect(stats.map(\.epoch) == Array(1...8))
    #expect(stats.last!.meanCost < 0.5 * stats.first!.meanCost)
    let after = network.evaluate(on: Self.stripes)
    #expect(after.correct >= 390, "before \(before.correct), after \(after.correct)")
  }

  @Test func batchLargerThanDataSetMakesOneBatchPerEpoch() {
    let network = Network(NetworkConfiguration(sizes: [16, 4]), seed: 1)
    var progress = 0
    let stats = network.train(
      on: Self.stripes.slice(0..<30),
      options: TrainingOptions(learningRate: 1, batchSize: 100, epochs: 3),
      shuffleSeed: 1
    ) { event in
      if case .progress = event { progress += 1 }
      return .continue
    }
    #expect(stats.count == 3)
    #expect(stats.allSatisfy { $0.meanCost.isFinite && $0.seconds >= 0 })
    #expect(progress == 0)
  }

  @Test func progressArrivesAboutEveryPercent() {
    let network = Network(NetworkConfiguration(sizes: [16, 4]), seed: 1)
    var fractions: [Double] = []
    network.train(
      on: Self.stripes,
      options: TrainingOptions(learningRate: 1, batchSize: 2, epochs: 1),
      shuffleSeed: 1
    ) { event in
      if case .progress(_, let fraction) = event { fractions.append(fraction) }
      return .continue
    }
    #expect(fractions.count == 99)
    #expect(fractions == fractions.sorted())
    #expect(fractions.allSatisfy { $0 > 0 && $0 < 1 })
  }

  @Test func observerStopsTraining() {
    let network = Network(NetworkConfiguration(sizes: [16, 4]), seed: 1)
    let untouched = network.copy()
    var events = 0
    let stats = network.train(
      on: Self.stripes,
      options: TrainingOptions(learningRate: 1, batchSize: 10, epochs: 5),
      shuffleSeed: 1
    ) { event in
      events += 1
      if case .epochFinished(let stats) = event, stats.epoch == 2 {
        return .stop
      }
      return .continue
    }
    #expect(stats.count == 2)
    #expect(network.weights != untouched.weights)

    // Stopping on a progress event ends inside the epoch: nothing reported.
    let early = untouched.train(
      on: Self.stripes,
      options: TrainingOptions(learningRate: 1, batchSize: 10, epochs: 5),
      shuffleSeed: 1
    ) { _ in .stop }
    #expect(early.isEmpty)
  }

  @Test func divergenceStopsAfterTheFirstNonFiniteEpoch() {
    let network = Network(
      NetworkConfiguration(
        sizes: [16, 8, 4], hidden: .relu, output: .softmax,
        cost: .crossEntropy),
      seed: 1)
    // Steps of 1e38 overflow the weights to ±inf, and inf − inf is NaN.
    let stats = network.train(
      on: Self.stripes,
      options: TrainingOptions(learningRate: 1e38, batchSize: 10, epochs: 5),
      shuffleSeed: 1)
    #expect(stats.count >= 1 && stats.count < 5)
    #expect(!(stats.last?.meanCost.isFinite ?? true))
  }

  @Test func emptyDataOrNoEpochsDoNothing() {
    let network = Network(NetworkConfiguration(sizes: [16, 4]), seed: 1)
    let before = network.weights
    #expect(
      network.train(
        on: Self.stripes.slice(0..<0), options: TrainingOptions(epochs: 3),
        shuffleSeed: 1
      ).isEmpty)
    #expect(
      network.train(
        on: Self.stripes, options: TrainingOptions(epochs: 0), shuffleSeed: 1
      ).isEmpty)
    #expect(network.weights == before)
  }
}
