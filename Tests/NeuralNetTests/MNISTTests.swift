import Datasets
import Testing

@testable import NeuralNet

/// The book's network on the real data, when the repository's copy is found.
@Suite struct MNISTTests {
  static let folder = try? DataLocator.locate(.mnist, explicit: nil)

  @Test(.enabled(if: folder != nil, "MNIST not found"))
  func oneEpochOfTheLectureNetworkReachesNinetyPercent() throws {
    let data = try DataLoader.load(.mnist, from: try #require(Self.folder))
    // Nielsen's split: the first 50,000 training images train.
    let training = data.training.slice(0..<50_000)
    let network = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 1)
    let stats = network.train(
      on: training,
      options: TrainingOptions(learningRate: 3, batchSize: 10, epochs: 1),
      shuffleSeed: 1)
    let evaluation = network.evaluate(on: data.test)
    #expect(stats.count == 1 && stats[0].meanCost.isFinite)
    #expect(evaluation.total == 10_000)
    #expect(
      evaluation.correct >= 9_000,
      "\(evaluation.correct) / 10000 after one epoch")
  }
}
