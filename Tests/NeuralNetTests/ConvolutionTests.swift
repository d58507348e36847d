import Datasets
import Dispatch
import Testing

@testable import NeuralNet

/// Convolutional and max-pooling layers against the Double reference:
/// the forward pass, every gradient (by finite differences of the
/// reference's cost) and one SGD step; and the same bits from every kernel
/// variant, however a batch is cut, on one thread or several.
@Suite struct ConvolutionTests {
  /// 8×8 images: conv3x3x2 (6×6×2), pool2 (3×3×2), conv2x2x3 (2×2×3, a
  /// convolution over several channels whose input gradient flows back
  /// through the pool), 4, 3.
  static let data = Fixtures.random(count: 8, pixels: 64, classes: 3, seed: 31)

  static func small(
    _ hidden: Activation, _ output: Activation, _ cost: Cost
  ) -> NetworkArchitecture {
    NetworkArchitecture(
      input: TensorShape(height: 8, width: 8),
      layers: [
        .convolution(size: 3, maps: 2), .maxPool(size: 2),
        .convolution(size: 2, maps: 3), .dense(units: 4), .dense(units: 3),
      ],
      hidden: hidden, output: output, cost: cost, initialization: .scaled)
  }

  static func examples(_ indices: [Int]) -> [(x: [Double], label: Int)] {
    indices.map { (x: Fixtures.input(data, $0), label: Int(data.labels[$0])) }
  }

  @Test(arguments: Fixtures.combinations)
  func gradientMatchesFiniteDifferences(
    hidden: Activation, output: Activation, cost: Cost
  ) {
    let network = Network(Self.small(hidden, output, cost), seed: 4)
    let indices = [0, 1, 2, 3, 4]
    let engine = network.costAndGradients(on: Self.data, indices: indices)
    var reference = ReferenceConvNetwork(network)
    let examples = Self.examples(indices)
    let referenceCost = reference.cost(examples)
    #expect(abs(engine.cost - referenceCost) <= 1e-5 * max(1, abs(referenceCost)))
    let numeric = reference.numericGradient(examples)
    #expect(engine.weights.count == 5 && engine.weights[1].isEmpty)
    expectClose(engine, numeric)
    // In parts of 2 + 2 + 1 rows: the same sums.
    let inParts = network.copy()
    inParts.trainingBlock = 2
    let parts = inParts.costAndGradients(on: Self.data, indices: indices)
    #expect(parts.weights == engine.weights)
    #expect(parts.biases == engine.biases)
  }

  @Test func forwardMatchesReference() {
    let network = Network(Self.small(.tanh, .softmax, .crossEntropy), seed: 8)
    let reference = ReferenceConvNetwork(network)
    for index in 0..<8 {
      let x = Fixtures.input(Self.data, index)
      let engine = network.feedforward(x.map(Float.init)).map(Double.init)
      let expected = reference.forward(x)
      let result = close(engine, expected, rtol: 1e-5, atol: 1e-6)
      #expect(result.ok, "image \(index): \(result.worst)")
    }
  }

  @Test(arguments: [Activation.sigmoid, .relu])
  func oneSGDStepMatchesReference(hidden: Activation) {
    let network = Network(Self.small(hidden, .softmax, .crossEntropy), seed: 6)
    var reference = ReferenceConvNetwork(network)
    let gradient = reference.numericGradient(Self.examples(Array(0..<8)))
    // One batch of all eight images: one step of η = 0.5.
    network.train(
      on: Self.data,
      options: TrainingOptions(learningRate: 0.5, batchSize: 8, epochs: 1),
      shuffleSeed: 2)
    for l in reference.weights.indices {
      let expectedW = zip(reference.weights[l], gradient.weights[l]).map {
        $0 - 0.5 * $1
      }
      let expectedB = zip(reference.biases[l], gradient.biases[l]).map {
        $0 - 0.5 * $1
      }
      let w = close(
        network.weights[l].map(Double.init), expectedW, rtol: 1e-4, atol: 1e-5)
      let b = close(
        network.biases[l].map(Double.init), expectedB, rtol: 1e-4, atol: 1e-5)
      #expect(w.ok, "layer \(l) weights: \(w.worst)")
      #expect(b.ok, "layer \(l) biases: \(b.worst)")
      // The step moved them.
      #expect(network.weights[l].map(Double.init) != reference.weights[l] || l == 1)
    }
  }

  // MARK: - The same bits everywhere

  static let mnistShaped = Fixtures.sparse(count: 300, classes: 10, seed: 12)

  static let variantCases: [(NetworkArchitecture, TrainingOptions)] = [
    // The chapter's network, smaller: sigmoid, softmax, log-likelihood.
    (try! NetworkArchitecture.parse(
      "28x28 conv5x5x6 pool2 30 10", hidden: .sigmoid, output: .softmax,
      cost: .crossEntropy),
     TrainingOptions(learningRate: 0.1, batchSize: 10, epochs: 1)),
    // Two conv-pool layers, ReLU, batches of several blocks, L2, momentum;
    // the second convolution's gradient 112 columns wide (101 taps and the
    // bias's): on several threads, relay steps of 32, 32, 32 and 16.
    (try! NetworkArchitecture.parse(
      "28x28 conv5x5x4 pool2 conv5x5x5 pool2 20 10", hidden: .relu,
      output: .softmax, cost: .crossEntropy, initialization: .scaled),
     TrainingOptions(
       learningRate: 0.05, batchSize: 25, epochs: 1, l2: 1, momentum: 0.5)),
    // tanh, a convolution straight into the output, the quadratic cost.
    (try! NetworkArchitecture.parse(
      "28x28 conv3x3x2 pool2 conv4x4x3 10", hidden: .tanh),
     TrainingOptions(learningRate: 0.5, batchSize: 7, epochs: 1)),
  ]

  static func train(
    _ architecture: NetworkArchitecture, _ options: TrainingOptions,
    kernels: KernelVariant, trainingBlock: Int? = nil, threads: Int? = nil,
    splitDense: Bool = false
  ) -> VariantTests.Outcome {
    let network = Network(architecture, seed: 5)
    network.kernels = kernels
    if let trainingBlock { network.trainingBlock = trainingBlock }
    if let threads { network.threads = threads }
    if splitDense {
      // Every dense layer splits, however narrow (even softmax's).
      for case let dense as DenseLayer in network.layers { dense.splitsFrom = 0 }
    }
    let stats = network.train(
      on: mnistShaped, images: 0..<200, options: options, shuffleSeed: 9)
    let evaluation = network.evaluate(on: mnistShaped, images: 200..<300)
    return VariantTests.Outcome(
      parameters: network.parameterBytes, costs: stats.map(\.meanCost),
      predictions: evaluation.predictions)
  }

  @Test(arguments: variantCases.indices)
  func everyVariantGivesThePortableBits(index: Int) {
    let (architecture, options) = Self.variantCases[index]
    let reference = Self.train(architecture, options, kernels: .portable)
    #expect(reference.costs.allSatisfy { $0.isFinite })
    for variant in KernelVariant.available where variant != .portable {
      let outcome = Self.train(architecture, options, kernels: variant)
      #expect(outcome == reference, "\(variant) differs from portable")
    }
    // Parts of 3 rows, and of 1: each weight's chain runs over the same
    // examples in order.
    for block in [3, 1] {
      let parts = Self.train(
        architecture, options, kernels: .current, trainingBlock: block)
      #expect(parts == reference, "parts of \(block) rows differ")
    }
  }

  /// The layers split a batch between threads (examples for the forward
  /// pass and the input gradient, taps for the weights' gradient): one,
  /// two or three threads, on every variant, give the bits of the portable
  /// kernels on one thread.
  @Test(arguments: variantCases.indices)
  func threadCountsChangeNoBit(index: Int) {
    let (architecture, options) = Self.variantCases[index]
    let reference = Self.train(
      architecture, options, kernels: .portable, threads: 1)
    #expect(reference.costs.allSatisfy { $0.isFinite })
    for variant in KernelVariant.available {
      for threads in [1, 2, 3] {
        let outcome = Self.train(
          architecture, options, kernels: variant, threads: threads)
        #expect(
          outcome == reference,
          "\(variant) on \(threads) threads differs from portable on one")
      }
    }
  }

  /// Fully-connected layers split too (by input rows, the forward chains
  /// relayed from part to part in steps of 32 columns; with the fused step
  /// and without): the same bits as one thread on the portable kernels,
  /// for the conv nets and a plain 784-70-10 network (80 columns: steps of
  /// 32, 32 and 16) in batches of one block and of several.
  @Test(arguments: 0..<(variantCases.count + 2))
  func splitDenseLayersChangeNoBit(index: Int) {
    let (architecture, options) =
      index < Self.variantCases.count
      ? Self.variantCases[index]
      : (
        try! NetworkArchitecture.parse(
          "28x28 70 10", hidden: .sigmoid, output: .softmax,
          cost: .crossEntropy),
        TrainingOptions(
          learningRate: 0.5, batchSize: index == Self.variantCases.count ? 10 : 25,
          epochs: 1, momentum: index == Self.variantCases.count ? 0 : 0.5)
      )
    let reference = Self.train(
      architecture, options, kernels: .portable, threads: 1)
    #expect(reference.costs.allSatisfy { $0.isFinite })
    for variant in KernelVariant.available {
      for threads in [2, 3] {
        let outcome = Self.train(
          architecture, options, kernels: variant, threads: threads,
          splitDense: true)
        #expect(
          outcome == reference,
          "\(variant), dense layers on \(threads) threads, differs")
      }
    }
  }

  @Test func concurrentTrainingsAgree() {
    let (architecture, options) = Self.variantCases[0]
    nonisolated(unsafe) var outcomes = [VariantTests.Outcome?](
      repeating: nil, count: 3)
    DispatchQueue.concurrentPerform(iterations: 3) { index in
      outcomes[index] = Self.train(architecture, options, kernels: .current)
    }
    #expect(outcomes[0] != nil)
    #expect(outcomes.allSatisfy { $0 == outcomes[0] })
  }
}
