import Datasets
import Dispatch
import Testing

@testable import NeuralNet

@Suite struct DeterminismTests {
  static let data = Fixtures.random(count: 3000, pixels: 784, classes: 10, seed: 3)
  static let options = TrainingOptions(
    learningRate: 3, batchSize: 10, epochs: 2, l2: 1, momentum: 0.2)

  @Test func sameSeedsGiveBitIdenticalWeights() {
    let configuration = NetworkConfiguration(sizes: [784, 30, 10])
    let first = Network(configuration, seed: 42)
    let second = Network(configuration, seed: 42)
    #expect(first.weights == second.weights)
    let a = first.train(on: Self.data, options: Self.options, shuffleSeed: 7)
    let b = second.train(on: Self.data, options: Self.options, shuffleSeed: 7)
    #expect(first.weights == second.weights)
    #expect(first.biases == second.biases)
    #expect(a.map(\.meanCost) == b.map(\.meanCost))

    let other = Network(configuration, seed: 43)
    #expect(other.weights != Network(configuration, seed: 42).weights)
  }

  @Test func concurrentTrainingsEqualSequentialOnes() {
    let base = Network(
      NetworkConfiguration(sizes: [784, 30, 10], initialization: .scaled),
      seed: 1)
    let seeds: [UInt64] = [5, 6]
    let sequential = seeds.map { seed in
      let network = base.copy()
      network.train(on: Self.data, options: Self.options, shuffleSeed: seed)
      return network.weights + network.biases
    }
    let copies = seeds.map { _ in base.copy() }
    DispatchQueue.concurrentPerform(iterations: seeds.count) { index in
      copies[index].train(
        on: Self.data, options: Self.options, shuffleSeed: seeds[index])
    }
    for (index, network) in copies.enumerated() {
      #expect(network.weights + network.biases == sequential[index])
    }
    #expect(sequential[0] != sequential[1])
  }

  @Test func evaluatingInsideTheObserverChangesNothing() {
    // A runner reports test accuracy after each epoch from the observer;
    // evaluation reuses (and grows) the network's batch buffers.
    let configuration = NetworkConfiguration(sizes: [784, 30, 10])
    let plain = Network(configuration, seed: 3)
    let observed = Network(configuration, seed: 3)
    let test = Self.data.slice(0..<2500)
    let expected = plain.train(
      on: Self.data, options: Self.options, shuffleSeed: 9)
    var accuracies: [Double] = []
    let stats = observed.train(
      on: Self.data, options: Self.options, shuffleSeed: 9
    ) { event in
      if case .epochFinished = event {
        accuracies.append(observed.evaluate(on: test).accuracy)
      }
      return .continue
    }
    #expect(accuracies.count == 2)
    #expect(observed.weights == plain.weights)
    #expect(stats.map(\.meanCost) == expected.map(\.meanCost))
  }

  @Test func copyIsIndependent() {
    let original = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 1)
    let copy = original.copy()
    #expect(copy.weights == original.weights)
    copy.train(
      on: Self.data.slice(0..<100), options: TrainingOptions(epochs: 1),
      shuffleSeed: 1)
    #expect(copy.weights != original.weights)
    #expect(original.weights == Network(original.configuration, seed: 1).weights)
  }
}
