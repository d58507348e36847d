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
/// the validation images instead of running them again — and only when
/// the network still has that epoch's weights.
@Suite("The last epoch's evaluation, taken again")
struct EvaluationMemoTests {
  static let data = Fixtures.sparse(count: 500, classes: 10, seed: 43)
  static let training = DataSplit(data, images: 0..<300)
  static let validation = DataSplit(data, images: 300..<400)

  static func trained(epochs: Int = 2) -> Network {
    let network = Network(NetworkConfiguration(sizes: [784, 12, 10]), seed: 3)
    network.train(
      on: training, validation: validation,
      options: TrainingOptions(
        learningRate: 1, batchSize: 10, epochs: epochs,
        monitor: [.validationAccuracy]),
      shuffleSeed: 8)
    return network
  }

  /// The evaluation a network that never evaluated anything gives.
  static func fresh(_ network: Network) -> Evaluation {
    network.copy().evaluate(on: data, images: validation.images)
  }

  @Test("after training, the validation set is not run again, and the numbers are the same")
  func lastEpochAnswers() {
    let network = Self.trained()
    let before = network.computedEvaluations
    let evaluation = network.evaluate(on: Self.data, images: Self.validation.images)
    #expect(network.computedEvaluations == before)
    #expect(evaluation == Self.fresh(network))
  }

  @Test("changed weights, other images or a cost asked for: evaluated anew")
  func changesAreEvaluated() {
    let network = Self.trained()
    var count = network.computedEvaluations
    // One weight a little larger: the memo must not answer.
    var weights = network.weights
    weights[0][0] = weights[0][0].nextUp
    network.weights = weights
    #expect(network.evaluate(on: Self.data, images: Self.validation.images) == Self.fresh(network))
    #expect(network.computedEvaluations == count + 1)
    count = network.computedEvaluations
    _ = network.evaluate(on: Self.data, images: 300..<399)
    #expect(network.computedEvaluations == count + 1)
    count = network.computedEvaluations
    let withCost = network.evaluate(on: Self.data, images: 300..<399, cost: true)
    #expect(withCost.meanCost != nil)
    #expect(network.computedEvaluations == count + 1)
    // A copy of the data (its own storage) is not taken for the same data.
    let copy = Dataset(
      rows: Self.data.rows, columns: Self.data.columns,
      pixels: Self.data.pixels.map { $0 }, labels: Self.data.labels.map { $0 })
    count = network.computedEvaluations
    _ = network.evaluate(on: copy, images: 300..<399)
    #expect(network.computedEvaluations == count + 1)
  }
}
