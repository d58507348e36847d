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
