import Datasets
import Testing

@testable import NeuralNet

@Suite struct EvaluationTests {
  @Test(arguments: [7, 2500])
  func confusionAgreesWithCorrectAndFeedforward(count: Int) {
    let data = Fixtures.random(count: count, pixels: 20, classes: 10, seed: 2)
    let network = Network(
      NetworkConfiguration(sizes: [20, 15, 10], output: .softmax), seed: 6)
    let evaluation = network.evaluate(on: data)
    #expect(evaluation.total == count)
    #expect(evaluation.predictions.count == count)
    #expect(evaluation.confusion.count == 10)
    #expect(evaluation.confusion.joined().reduce(0, +) == count)
    let diagonal = (0..<10).reduce(0) { $0 + evaluation.confusion[$1][$1] }
    #expect(diagonal == evaluation.correct)
    for (label, row) in evaluation.confusion.enumerated() {
      #expect(row.reduce(0, +) == data.labels.filter { $0 == label }.count)
    }
    var correct = 0
    for index in 0..<count {
      let output = network.feedforward(
        data.image(index).map { Float($0) / 255 })
      let predicted = output.indices.max { output[$0] < output[$1] }!
      #expect(Int(evaluation.predictions[index]) == predicted)
      if predicted == Int(data.labels[index]) { correct += 1 }
    }
    #expect(correct == evaluation.correct)
  }

  @Test func labelsBeyondTheOutputsWidenTheMatrix() {
    let data = Dataset(
      rows: 1, columns: 2, pixels: [0, 255, 255, 0], labels: [1, 4])
    let evaluation = Network(NetworkConfiguration(sizes: [2, 3]), seed: 1)
      .evaluate(on: data)
    #expect(evaluation.confusion.count == 5)
    #expect(evaluation.confusion.joined().reduce(0, +) == 2)
    #expect(evaluation.confusion[4][4] == 0)
  }

  @Test func emptySetEvaluatesToZero() {
    let data = Dataset(rows: 1, columns: 2, pixels: [], labels: [])
    let evaluation = Network(NetworkConfiguration(sizes: [2, 3]), seed: 1)
      .evaluate(on: data)
    #expect(evaluation.total == 0 && evaluation.correct == 0)
    #expect(evaluation.accuracy == 0)
  }
}
