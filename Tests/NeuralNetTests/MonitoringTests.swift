import Datasets
import Testing

@testable import NeuralNet

/// What training measures after each epoch, against an independent
/// recomputation in Double (``ReferenceNetwork``) with the parameters the
/// epoch left.
@Suite struct MonitoringTests {
  static let data = Fixtures.sparse(count: 500, classes: 10, seed: 41)
  static let training = DataSplit(data, images: 0..<300)
  static let validation = DataSplit(data, images: 300..<400)
  static let test = DataSplit(data, images: 400..<500)

  /// Accuracy, mean data cost and the regularisation term of `network` on
  /// `split`, computed by the reference.
  static func recompute(
    _ network: Network, _ split: DataSplit, l2: Double, l1: Double, n: Int
  ) -> (correct: Int, dataCost: Double, regularization: Double) {
    let reference = ReferenceNetwork(network)
    var correct = 0
    var cost = 0.0
    for index in split.images {
      let x = Fixtures.input(split.data, index)
      let label = Int(split.data.labels[index])
      let a = reference.forward(x).activations.last!
      let predicted = a.indices.max { a[$0] < a[$1] }!
      if predicted == label { correct += 1 }
      cost += reference.exampleCost(x, label: label)
    }
    let weights = reference.flatWeights.joined()
    let squares = weights.reduce(0) { $0 + $1 * $1 }
    let absolute = weights.reduce(0) { $0 + abs($1) }
    let penalty = l2 / (2 * Double(n)) * squares + l1 / Double(n) * absolute
    return (correct, cost / Double(split.count), penalty)
  }

  @Test(arguments: [Cost.quadratic, .crossEntropy])
  func everyFigureMatchesARecomputation(cost: Cost) {
    let network = Network(
      NetworkConfiguration(
        sizes: [784, 20, 10], output: cost == .crossEntropy ? .softmax : .sigmoid,
        cost: cost, initialization: .scaled),
      seed: 4)
    let options = TrainingOptions(
      learningRate: 0.5, batchSize: 10, epochs: 2, l2: 5, l1: 2,
      monitor: [.training, .validation, .test])
    var states: [Network] = []
    let run = network.train(
      on: Self.training, validation: Self.validation, test: Self.test,
      options: options, shuffleSeed: 8
    ) { event in
      if case .epochFinished = event { states.append(network.copy()) }
      return .continue
    }
    #expect(run.epochs.count == 2 && states.count == 2)
    for (stats, state) in zip(run.epochs, states) {
      let sets = [
        (stats.training, Self.training), (stats.validation, Self.validation),
        (stats.test, Self.test),
      ]
      for (measured, split) in sets {
        let expected = Self.recompute(state, split, l2: 5, l1: 2, n: 300)
        guard let measured else {
          Issue.record("epoch \(stats.epoch): a set was not measured")
          continue
        }
        #expect(measured.total == split.count)
        #expect(measured.correct == expected.correct)
        let dataCost = measured.dataCost ?? .nan
        let penalty = measured.regularization ?? .nan
        #expect(abs(dataCost - expected.dataCost) <= 1e-5 * expected.dataCost)
        #expect(abs(penalty - expected.regularization) <= 1e-5 * expected.regularization)
        #expect(measured.cost == dataCost + penalty)
      }
      // The running cost's regularisation part is reported apart too.
      #expect(stats.meanRegularization > 0)
      #expect(stats.meanDataCost == stats.meanCost - stats.meanRegularization)
      #expect(stats.learningRate == 0.5)
    }
  }

  @Test func onlyWhatIsAskedIsMeasured() {
    let network = Network(NetworkConfiguration(sizes: [784, 10, 10]), seed: 1)
    let run = network.train(
      on: Self.training, validation: Self.validation, test: Self.test,
      options: TrainingOptions(
        learningRate: 1, epochs: 1, monitor: [.validationAccuracy, .trainingCost]),
      shuffleSeed: 1)
    let stats = run.epochs[0]
    // The test set stays locked away unless asked for.
    #expect(stats.test == nil)
    #expect(stats.validation?.correct != nil && stats.validation?.dataCost == nil)
    #expect(stats.training?.correct == nil && stats.training?.dataCost != nil)
    // Without regularisation the term is zero, not missing.
    #expect(stats.training?.regularization == 0)
    #expect(stats.meanRegularization == 0)
  }

  @Test func measuringChangesNoBitOfTraining() {
    func parameters(_ monitor: Monitoring) -> [UInt8] {
      let network = Network(NetworkConfiguration(sizes: [784, 16, 10]), seed: 2)
      network.train(
        on: Self.training, validation: Self.validation, test: Self.test,
        options: TrainingOptions(
          learningRate: 2, batchSize: 7, epochs: 2, l2: 1, monitor: monitor),
        shuffleSeed: 5)
      return network.parameterBytes
    }
    #expect(parameters([]) == parameters([.training, .validation, .test]))
  }

  @Test func epochNumbersContinueAcrossTrainings() {
    let network = Network(NetworkConfiguration(sizes: [784, 10, 10]), seed: 3)
    let first = network.train(
      on: Self.training, options: TrainingOptions(epochs: 2), shuffleSeed: 1)
    #expect(first.epochs.map(\.epoch) == [1, 2])
    var progressEpochs: Set<Int> = []
    let second = network.train(
      on: Self.training, options: TrainingOptions(epochs: 3), shuffleSeed: 2
    ) { event in
      if case .progress(let epoch, _) = event { progressEpochs.insert(epoch) }
      return .continue
    }
    #expect(second.epochs.map(\.epoch) == [3, 4, 5])
    #expect(progressEpochs == [3, 4, 5])
    #expect(network.epochsTrained == 5)
    // A copy carries the count on.
    #expect(network.copy().epochsTrained == 5)
    // The plain form numbers from 1 and leaves the count alone.
    let plain = network.train(
      on: Self.data, images: 0..<300, options: TrainingOptions(epochs: 1),
      shuffleSeed: 3)
    #expect(plain.map(\.epoch) == [1])
    #expect(network.epochsTrained == 5)
  }

  @Test func evaluationCostIsTheSameOnOneThreadOrTwo() {
    // 1,100 images go to two threads, split between chunks; the first
    // 1,000 and the remaining 100 go to one each. Both sums run chunk by
    // chunk, so the whole set's cost is their size-weighted combination —
    // and equal to the reference's.
    let network = Network(NetworkConfiguration(sizes: [784, 12, 10]), seed: 6)
    let data = Fixtures.sparse(count: 1100, classes: 10, seed: 2)
    let whole = network.evaluate(on: data, cost: true)
    let reference = ReferenceNetwork(network)
    let expected =
      (0..<1100).reduce(0.0) {
        $0 + reference.exampleCost(
          Fixtures.input(data, $1), label: Int(data.labels[$1]))
      } / 1100
    let measured = whole.meanCost ?? .nan
    #expect(abs(measured - expected) <= 1e-5 * expected)
    #expect(network.evaluate(on: data).meanCost == nil)
    #expect(network.evaluate(on: data, cost: true) == whole)
  }
}
