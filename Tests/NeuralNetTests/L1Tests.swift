import Datasets
import Testing

@testable import NeuralNet

/// L1 regularisation: its cost term and gradient against finite
/// differences, and whole steps against a Double reference.
@Suite struct L1Tests {
  static let data = Fixtures.random(count: 8, pixels: 5, classes: 3, seed: 17)
  static let configuration = NetworkConfiguration(
    sizes: [5, 4, 3], hidden: .tanh, output: .softmax, cost: .crossEntropy,
    initialization: .scaled)

  @Test func gradientMatchesFiniteDifferencesOfTheL1Term() {
    let network = Network(Self.configuration, seed: 8)
    let (l1, l2, n) = (Float(3), Float(1), 20)
    let indices = [0, 1, 2, 3, 4]
    let engine = network.costAndGradients(
      on: Self.data, indices: indices, l2: l2, l1: l1, trainingSetSize: n)
    var reference = ReferenceNetwork(network)
    let examples = indices.map {
      (x: Fixtures.input(Self.data, $0), label: Int(Self.data.labels[$0]))
    }
    func total(_ network: ReferenceNetwork) -> Double {
      let absolute = network.flatWeights.joined().reduce(0) { $0 + abs($1) }
      return network.cost(examples, l2: Double(l2), n: n)
        + Double(l1) / Double(n) * absolute
    }
    #expect(abs(engine.cost - total(reference)) <= 1e-5 * total(reference))
    for layer in reference.weights.indices {
      for row in reference.weights[layer].indices {
        for column in reference.weights[layer][row].indices {
          let saved = reference.weights[layer][row][column]
          // |w| has a kink at 0; every weight here is far from it.
          #expect(abs(saved) > 1e-4)
          let h = 1e-6
          reference.weights[layer][row][column] = saved + h
          let up = total(reference)
          reference.weights[layer][row][column] = saved - h
          let down = total(reference)
          reference.weights[layer][row][column] = saved
          let numeric = (up - down) / (2 * h)
          let columns = reference.weights[layer][row].count
          let analytic = Double(engine.weights[layer][row * columns + column])
          #expect(
            abs(analytic - numeric) <= 1e-4 * max(1, abs(numeric)),
            "layer \(layer) w[\(row)][\(column)]: \(analytic) vs \(numeric)")
        }
      }
    }
  }

  @Test func theTermAtZeroHasNoGradient() {
    // sgn 0 = 0: a weight that is exactly zero feels no L1 pull.
    let network = Network(Self.configuration, seed: 8)
    var weights = network.weights
    weights[0][3] = 0
    network.weights = weights
    let with = network.costAndGradients(
      on: Self.data, indices: [0, 1], l1: 5, trainingSetSize: 10)
    let without = network.costAndGradients(
      on: Self.data, indices: [0, 1], trainingSetSize: 10)
    #expect(with.weights[0][3] == without.weights[0][3])
    #expect(with.weights[0][2] != without.weights[0][2])
    // And the optimiser's sign pass leaves zeros and padding alone.
    let values = FloatBuffer([0, -0.0, 2, -3, 0.5, 0, 0, 0])
    let target = FloatBuffer([1, 1, 1, 1, 1, 1, 1, 1])
    Optimizer.addSigns(of: values, times: -0.25, to: target)
    #expect(
      Array(UnsafeBufferPointer(start: target.base, count: 8))
        == [1, 1, 0.75, 1.25, 0.75, 1, 1, 1])
  }

  @Test(arguments: [Float(0), 0.6])
  func stepsMatchADoubleReference(momentum: Float) {
    // Full-batch steps (the visiting order does not change the sum)
    // against the reference's w − ηλ₁/n sgn w − η/m Σ∇, or with momentum
    // v = μv − η(Σ∇/m + λ₁/n sgn w), w + v.
    let network = Network(Self.configuration, seed: 2)
    var reference = ReferenceNetwork(network)
    let (eta, l1) = (Float(0.3), Float(4))
    let count = Self.data.count
    network.train(
      on: Self.data,
      options: TrainingOptions(
        learningRate: eta, batchSize: count, epochs: 3, momentum: momentum,
        l1: l1),
      shuffleSeed: 1)
    let batch = (0..<count).map {
      (x: Fixtures.input(Self.data, $0), label: Int(Self.data.labels[$0]))
    }
    for _ in 0..<3 {
      reference.step(
        batch, eta: Double(eta), l2: 0, n: count, momentum: Double(momentum),
        l1: Double(l1))
    }
    let after = ReferenceNetwork(network)
    for l in reference.weights.indices {
      let w = close(
        after.flatWeights[l], reference.flatWeights[l], rtol: 1e-4, atol: 1e-6)
      let b = close(after.biases[l], reference.biases[l], rtol: 1e-4, atol: 1e-6)
      #expect(w.ok, "layer \(l) weights: \(w.worst)")
      #expect(b.ok, "layer \(l) biases: \(b.worst)")
    }
  }

  @Test func l1MakesWeightsSparseAndL2DoesNot() {
    // What a student should see: L1 drives many weights to (nearly) zero,
    // L2 of the same strength shrinks them all evenly.
    let data = Fixtures.sparse(count: 300, classes: 10, seed: 3)
    func smallWeights(l1: Float, l2: Float) -> Int {
      let network = Network(NetworkConfiguration(sizes: [784, 10, 10]), seed: 1)
      network.train(
        on: data,
        options: TrainingOptions(
          learningRate: 0.5, batchSize: 10, epochs: 10, l2: l2, l1: l1),
        shuffleSeed: 2)
      return network.weights[0].filter { abs($0) < 0.01 }.count
    }
    let none = smallWeights(l1: 0, l2: 0)
    let lasso = smallWeights(l1: 20, l2: 0)
    #expect(lasso > 2 * none, "L1 \(lasso) small weights, none \(none)")
  }
}
