import Datasets
import Testing

@testable import NeuralNet

/// The engine's backpropagation against central finite differences of an
/// independent cost function computed in Double.
@Suite struct GradientTests {
  static let data = Fixtures.random(count: 6, pixels: 5, classes: 3, seed: 11)

  static let cases: [(Activation, Activation, Cost, Float)] =
    Fixtures.combinations.flatMap {
      (h, o, c) -> [(Activation, Activation, Cost, Float)] in
      [(h, o, c, 0), (h, o, c, 2.5)]
    }

  @Test(arguments: cases)
  func gradientMatchesFiniteDifferences(
    hidden: Activation, output: Activation, cost: Cost, l2: Float
  ) {
    let network = Network(
      NetworkConfiguration(
        sizes: [5, 4, 3], hidden: hidden, output: output, cost: cost,
        initialization: .scaled),
      seed: 3)
    let indices = [0, 1, 2, 3, 4]
    let n = 20
    let engine = network.costAndGradients(
      on: Self.data, indices: indices, l2: l2, trainingSetSize: n)
    // The same batch in parts of 2 + 2 + 1 rows sums to the same gradient.
    let inParts = network.copy()
    inParts.trainingBlock = 2
    let summed = inParts.costAndGradients(
      on: Self.data, indices: indices, l2: l2, trainingSetSize: n)
    #expect(abs(summed.cost - engine.cost) <= 1e-6 * max(1, abs(engine.cost)))
    for l in engine.weights.indices {
      let w = close(
        summed.weights[l].map(Double.init),
        engine.weights[l].map(Double.init), rtol: 1e-5, atol: 1e-7)
      let b = close(
        summed.biases[l].map(Double.init), engine.biases[l].map(Double.init),
        rtol: 1e-5, atol: 1e-7)
      #expect(w.ok, "parts, layer \(l) weights: \(w.worst)")
      #expect(b.ok, "parts, layer \(l) biases: \(b.worst)")
    }
    var reference = ReferenceNetwork(network)
    let examples = indices.map {
      (x: Fixtures.input(Self.data, $0), label: Int(Self.data.labels[$0]))
    }
    let lambda = Double(l2)
    let referenceCost = reference.cost(examples, l2: lambda, n: n)
    #expect(abs(engine.cost - referenceCost) <= 1e-5 * max(1, abs(referenceCost)))

    // Central difference of the reference cost in one parameter.
    func derivative(_ parameter: WritableKeyPath<ReferenceNetwork, Double>)
      -> Double
    {
      let h = 1e-6
      let saved = reference[keyPath: parameter]
      reference[keyPath: parameter] = saved + h
      let plus = reference.cost(examples, l2: lambda, n: n)
      reference[keyPath: parameter] = saved - h
      let minus = reference.cost(examples, l2: lambda, n: n)
      reference[keyPath: parameter] = saved
      return (plus - minus) / (2 * h)
    }
    for l in reference.weights.indices {
      let numericW = reference.weights[l].indices.flatMap { r in
        reference.weights[l][r].indices.map { c in
          derivative(\.weights[l][r][c])
        }
      }
      let numericB = reference.biases[l].indices.map { r in
        derivative(\.biases[l][r])
      }
      let w = close(
        engine.weights[l].map(Double.init), numericW, rtol: 1e-3, atol: 1e-5)
      let b = close(
        engine.biases[l].map(Double.init), numericB, rtol: 1e-3, atol: 1e-5)
      #expect(w.ok, "layer \(l) weights: \(w.worst)")
      #expect(b.ok, "layer \(l) biases: \(b.worst)")
    }
  }

  @Test func gradientLeavesParametersUnchanged() {
    let network = Network(NetworkConfiguration(sizes: [5, 4, 3]), seed: 1)
    let before = (network.weights, network.biases)
    _ = network.costAndGradients(on: Self.data, indices: [0, 1], l2: 1)
    #expect(network.weights == before.0)
    #expect(network.biases == before.1)
  }

  @Test(arguments: [Activation.sigmoid, .softmax])
  func crossEntropyStaysFiniteWhenSaturated(output: Activation) {
    // Huge weights saturate the output: a naive log(a) would give ±inf.
    let network = Network(
      NetworkConfiguration(sizes: [5, 3], output: output, cost: .crossEntropy),
      seed: 1)
    network.weights = [network.weights[0].map { $0 * 1e4 }]
    let result = network.costAndGradients(on: Self.data, indices: [0, 1, 2])
    #expect(result.cost.isFinite)
    #expect(result.cost > 10)
    #expect(result.weights[0].allSatisfy { $0.isFinite })
  }
}
