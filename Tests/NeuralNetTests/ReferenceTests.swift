import Datasets
import Testing

@testable import NeuralNet

/// Whole SGD runs of the fast engine against the per-example Double
/// reference, on the same batch order.
@Suite struct ReferenceTests {
  static let data = Fixtures.random(count: 40, pixels: 6, classes: 4, seed: 5)

  // (hidden, output, cost) × (momentum, l2) in two settings.
  static let cases: [(Activation, Activation, Cost, Float, Float)] =
    Fixtures.combinations.flatMap {
      (h, o, c) -> [(Activation, Activation, Cost, Float, Float)] in
      [(h, o, c, 0, 0), (h, o, c, 0.6, 3)]
    }

  @Test(arguments: cases)
  func sgdMatchesReference(
    hidden: Activation, output: Activation, cost: Cost, momentum: Float,
    l2: Float
  ) {
    // Whole batches, then parts of at most 3 rows: batches of 7 go as
    // 3 + 2 + 2, the last batch of 5 as 3 + 2; still one step per batch.
    for block in [nil, 3] {
      Self.checkAgainstReference(
        hidden: hidden, output: output, cost: cost, momentum: momentum,
        l2: l2, trainingBlock: block)
    }
  }

  /// Two epochs of the engine (with `trainingBlock` rows per part, or the
  /// default) against the reference on the same batches.
  static func checkAgainstReference(
    hidden: Activation, output: Activation, cost: Cost, momentum: Float,
    l2: Float, trainingBlock: Int?
  ) {
    let block = trainingBlock.map(String.init) ?? "default"
    let network = Network(
      NetworkConfiguration(
        sizes: [6, 5, 4], hidden: hidden, output: output, cost: cost,
        initialization: .scaled),
      seed: 9)
    if let trainingBlock { network.trainingBlock = trainingBlock }
    var reference = ReferenceNetwork(network)
    // 40 images in batches of 7: five full batches and one of 5.
    let options = TrainingOptions(
      learningRate: 0.4, batchSize: 7, epochs: 2, l2: l2, momentum: momentum)
    let stats = network.train(on: data, options: options, shuffleSeed: 77)
    #expect(stats.count == 2)

    let orders = Fixtures.epochOrders(count: 40, epochs: 2, seed: 77)
    for (epoch, order) in orders.enumerated() {
      var costSum = 0.0
      var batches = 0
      for first in stride(from: 0, to: 40, by: 7) {
        let batch = order[first..<min(first + 7, 40)].map {
          (x: Fixtures.input(data, $0), label: Int(data.labels[$0]))
        }
        costSum += reference.cost(batch, l2: Double(l2), n: 40)
        batches += 1
        reference.step(
          batch, eta: 0.4, l2: Double(l2), n: 40, momentum: Double(momentum))
      }
      let mean = costSum / Double(batches)
      #expect(
        abs(stats[epoch].meanCost - mean) <= 1e-4 * max(1, abs(mean)),
        "block \(block), epoch \(epoch + 1): \(stats[epoch].meanCost) vs \(mean)")
    }
    for l in reference.weights.indices {
      let w = close(
        network.weights[l].map(Double.init), reference.flatWeights[l],
        rtol: 1e-3, atol: 1e-4)
      let b = close(
        network.biases[l].map(Double.init), reference.biases[l],
        rtol: 1e-3, atol: 1e-4)
      #expect(w.ok, "block \(block), layer \(l) weights: \(w.worst)")
      #expect(b.ok, "block \(block), layer \(l) biases: \(b.worst)")
    }
  }

  @Test(arguments: [Float(0), 0.5])
  func bigBatchesInBlocksMatchReference(momentum: Float) {
    // 200→60 with 100 rows exceeds OpenBLAS's small-kernel limits, so the
    // engine cuts the products into row blocks (forward 5 × 20 rows,
    // gradient 2 × 50): the sums must still be the reference's.
    let data = Fixtures.random(count: 200, pixels: 200, classes: 10, seed: 8)
    let network = Network(
      NetworkConfiguration(sizes: [200, 60, 10], initialization: .scaled),
      seed: 4)
    var reference = ReferenceNetwork(network)
    network.train(
      on: data,
      options: TrainingOptions(
        learningRate: 0.5, batchSize: 100, epochs: 1, l2: 2,
        momentum: momentum),
      shuffleSeed: 3)
    let order = Fixtures.epochOrders(count: 200, epochs: 1, seed: 3)[0]
    for first in stride(from: 0, to: 200, by: 100) {
      let batch = order[first..<first + 100].map {
        (x: Fixtures.input(data, $0), label: Int(data.labels[$0]))
      }
      reference.step(
        batch, eta: 0.5, l2: 2, n: 200, momentum: Double(momentum))
    }
    for l in reference.weights.indices {
      let w = close(
        network.weights[l].map(Double.init), reference.flatWeights[l],
        rtol: 1e-3, atol: 1e-4)
      #expect(w.ok, "layer \(l) weights: \(w.worst)")
    }
  }

  @Test(arguments: [(Float(0), Float(0)), (0.5, 2)])
  func batchLargerThanTheBlockMatchesTheWholeBatch(momentum: Float, l2: Float)
  {
    // Full-batch steps on 300 images: with the default block (256) the
    // batch goes as 150 + 150 rows, against all 300 rows at once.
    let data = Fixtures.random(count: 300, pixels: 50, classes: 10, seed: 6)
    let options = TrainingOptions(
      learningRate: 2, batchSize: 300, epochs: 3, l2: l2, momentum: momentum)
    let start = Network(
      NetworkConfiguration(sizes: [50, 20, 10], initialization: .scaled),
      seed: 12)
    let parts = start.copy()
    let whole = start.copy()
    whole.trainingBlock = 300
    #expect(parts.trainingBlock < 300)
    let partStats = parts.train(on: data, options: options, shuffleSeed: 1)
    let wholeStats = whole.train(on: data, options: options, shuffleSeed: 1)

    // The batch buffers hold one part, not the whole batch.
    #expect(parts.layers.allSatisfy { $0.capacity <= parts.trainingBlock })
    #expect(whole.layers.allSatisfy { $0.capacity == 300 })
    // The parameters did move: three steps of lr 2.
    #expect(parts.weights != start.weights)
    for (a, b) in zip(partStats, wholeStats) {
      #expect(abs(a.meanCost - b.meanCost) <= 1e-5 * max(1, abs(b.meanCost)))
    }
    for l in start.layers.indices {
      let w = close(
        parts.weights[l].map(Double.init), whole.weights[l].map(Double.init),
        rtol: 1e-4, atol: 1e-5)
      let b = close(
        parts.biases[l].map(Double.init), whole.biases[l].map(Double.init),
        rtol: 1e-4, atol: 1e-5)
      #expect(w.ok, "layer \(l) weights: \(w.worst)")
      #expect(b.ok, "layer \(l) biases: \(b.worst)")
    }
  }

  @Test func feedforwardMatchesReference() {
    let network = Network(
      NetworkConfiguration(sizes: [6, 5, 4], hidden: .tanh, output: .softmax),
      seed: 2)
    let reference = ReferenceNetwork(network)
    for index in 0..<5 {
      let x = Fixtures.input(Self.data, index)
      let engine = network.feedforward(x.map(Float.init)).map(Double.init)
      let expected = reference.forward(x).activations.last!
      let result = close(engine, expected, rtol: 1e-5, atol: 1e-6)
      #expect(result.ok, "image \(index): \(result.worst)")
    }
  }
}
