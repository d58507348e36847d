import Datasets
import Testing

@testable import NeuralNet

/// Dropout on hidden fully-connected layers: gradients with a fixed mask
/// against finite differences of the Double reference, no mask outside
/// training, and the same bits from every variant and batch cut with the
/// seeded masks.
@Suite struct DropoutTests {
  static let data = ConvolutionTests.data

  static let cases: [(String, [Int: [Float]])] = [
    ("64 6 dropout0.4 4 dropout0.25 3", [0: [1, 0, 1, 1, 0, 1], 1: [0, 1, 1, 1]]),
    ("8x8 conv3x3x2 pool2 5 dropout0.5 3", [2: [1, 1, 0, 1, 0]]),
  ]

  @Test(arguments: cases.indices, [Activation.sigmoid, .relu])
  func gradientWithAFixedMaskMatchesFiniteDifferences(
    index: Int, hidden: Activation
  ) throws {
    let (text, masks) = Self.cases[index]
    let architecture = try NetworkArchitecture.parse(
      text, hidden: hidden, output: .softmax, cost: .crossEntropy,
      initialization: .scaled)
    let network = Network(architecture, seed: 12)
    network.fixedDropoutMasks = masks
    let indices = [0, 1, 2, 3, 4, 5]
    let engine = network.costAndGradients(on: Self.data, indices: indices)
    var reference = ReferenceConvNetwork(
      network,
      masks: architecture.layers.indices.map { masks[$0]?.map(Double.init) })
    let examples = ConvolutionTests.examples(indices)
    #expect(abs(engine.cost - reference.cost(examples)) <= 1e-5)
    let numeric = reference.numericGradient(examples)
    expectClose(engine, numeric)
    // A dropped unit's incoming weights get no gradient.
    let dropped = masks[0]?.firstIndex(of: 0)
    if let dropped, index == 0 {
      #expect(engine.biases[0][dropped] == 0)
    }
  }

  @Test func evaluationUsesNoMask() throws {
    let architecture = try NetworkArchitecture.parse(
      "64 6 dropout0.5 3", output: .softmax, cost: .crossEntropy)
    let network = Network(architecture, seed: 3)
    let reference = ReferenceConvNetwork(network)
    let x = Fixtures.input(Self.data, 2)
    let result = close(
      network.feedforward(x.map(Float.init)).map(Double.init),
      reference.forward(x), rtol: 1e-5, atol: 1e-6)
    #expect(result.ok, "\(result.worst)")
  }

  @Test func aboutTheRateOfUnitsIsDropped() {
    let dropout = Dropout(rate: 0.3, width: 100, stride: 112)
    dropout.reserve(rows: 500)
    dropout.draw(rows: 500, firstRow: 0, seed: 4, fixed: nil)
    var dropped = 0
    for row in 0..<500 {
      for j in 0..<100 where dropout.mask.base[row * 112 + j] == 0 {
        dropped += 1
      }
    }
    #expect((14_000...16_000).contains(dropped), "\(dropped) of 50000")
    #expect(dropout.mask.base[0] == 0 || dropout.mask.base[0] == 1 / Float(0.7))
  }

  @Test func seededMasksGiveTheSameBitsEverywhere() throws {
    let architecture = try NetworkArchitecture.parse(
      "28x28 conv5x5x4 pool2 40 dropout0.5 20 dropout0.2 10", hidden: .relu,
      output: .softmax, cost: .crossEntropy, initialization: .scaled)
    let options = TrainingOptions(learningRate: 0.05, batchSize: 15, epochs: 1)
    let reference = ConvolutionTests.train(
      architecture, options, kernels: .portable)
    #expect(reference.costs.allSatisfy { $0.isFinite })
    for variant in KernelVariant.available where variant != .portable {
      #expect(
        ConvolutionTests.train(architecture, options, kernels: variant)
          == reference)
    }
    #expect(
      ConvolutionTests.train(
        architecture, options, kernels: .current, trainingBlock: 4)
        == reference)
    // And the masks matter: without dropout the weights differ.
    let plain = try NetworkArchitecture.parse(
      "28x28 conv5x5x4 pool2 40 20 10", hidden: .relu, output: .softmax,
      cost: .crossEntropy, initialization: .scaled)
    #expect(
      ConvolutionTests.train(plain, options, kernels: .current).parameters
        != reference.parameters)
  }
}
