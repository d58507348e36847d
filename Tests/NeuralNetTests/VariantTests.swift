import Datasets
import Dispatch
import Testing

@testable import NeuralNet

/// The same bits from every kernel variant this machine has, however a
/// batch is cut into parts and blocks, and on one thread or two.
@Suite struct VariantTests {
  static let data = Fixtures.sparse(count: 700, classes: 10, seed: 21)
  static let variants = KernelVariant.available

  /// What a training leaves: every parameter's bits and every epoch's cost.
  struct Outcome: Equatable {
    var parameters: [UInt8]
    var costs: [Double]
    var predictions: [UInt8]
  }

  static func train(
    _ configuration: NetworkConfiguration, _ options: TrainingOptions,
    kernels: KernelVariant, trainingBlock: Int? = nil
  ) -> Outcome {
    let network = Network(configuration, seed: 5)
    network.kernels = kernels
    if let trainingBlock { network.trainingBlock = trainingBlock }
    let stats = network.train(
      on: data, images: 0..<500, options: options, shuffleSeed: 9)
    let evaluation = network.evaluate(on: data, images: 500..<700)
    return Outcome(
      parameters: network.parameterBytes, costs: stats.map(\.meanCost),
      predictions: evaluation.predictions)
  }

  static let cases: [(NetworkConfiguration, TrainingOptions)] = [
    // The lecture's network, one block per batch: the fused step.
    (NetworkConfiguration(sizes: [784, 30, 10]),
     TrainingOptions(learningRate: 3, batchSize: 10, epochs: 2)),
    // Batches of several blocks, L2 decay, cross-entropy.
    (NetworkConfiguration(
      sizes: [784, 20, 10], hidden: .relu, output: .softmax,
      cost: .crossEntropy, initialization: .scaled),
     TrainingOptions(learningRate: 0.5, batchSize: 37, epochs: 2, l2: 5)),
    // Momentum, tanh, a deeper network, batches of one.
    (NetworkConfiguration(
      sizes: [784, 24, 17, 10], hidden: .tanh, output: .sigmoid,
      cost: .crossEntropy),
     TrainingOptions(learningRate: 0.1, batchSize: 1, epochs: 1, momentum: 0.5)),
    // Softmax with the quadratic cost, a batch larger than the data.
    (NetworkConfiguration(sizes: [784, 16, 10], output: .softmax),
     TrainingOptions(learningRate: 2, batchSize: 600, epochs: 3, momentum: 0.2)),
  ]

  @Test(arguments: cases.indices)
  func everyVariantGivesThePortableBits(index: Int) {
    let (configuration, options) = Self.cases[index]
    let reference = Self.train(configuration, options, kernels: .portable)
    #expect(reference.costs.allSatisfy { $0.isFinite })
    for variant in Self.variants where variant != .portable {
      let outcome = Self.train(configuration, options, kernels: variant)
      #expect(outcome == reference, "\(variant) differs from portable")
    }
  }

  @Test(arguments: [1, 5, 12, 13, 256])
  func batchPartsChangeNoBit(trainingBlock: Int) {
    // Batches of 37 in parts of `trainingBlock` rows (and the parts in
    // blocks of 12): each weight's sum runs over the same rows in order.
    let configuration = NetworkConfiguration(sizes: [784, 30, 10])
    let options = TrainingOptions(learningRate: 3, batchSize: 37, epochs: 1)
    let whole = Self.train(
      configuration, options, kernels: .current, trainingBlock: 256)
    let parts = Self.train(
      configuration, options, kernels: .current,
      trainingBlock: trainingBlock)
    #expect(parts == whole)
  }

  @Test func evaluationWholeChunkedOrOneByOneAgrees() {
    let network = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 3)
    network.train(
      on: Self.data, options: TrainingOptions(epochs: 1), shuffleSeed: 1)
    let images = Fixtures.sparse(count: 2100, classes: 10, seed: 4)
    // 2,100 images: two threads, chunks of 256, blocks of 12.
    let whole = network.evaluate(on: images)
    var pieces: [UInt8] = []
    for start in stride(from: 0, to: 2100, by: 700) {
      pieces += network.evaluate(on: images, images: start..<start + 700)
        .predictions
    }
    #expect(pieces == whole.predictions)
    for index in stride(from: 0, to: 2100, by: 97) {
      let output = network.feedforward(images.image(index).map { Float($0) * (1 / 255) })
      let predicted = output.indices.max { output[$0] < output[$1] }!
      #expect(Int(whole.predictions[index]) == predicted)
    }
  }

  @Test func evaluationGivesTheTrainingPathsCost() {
    // Evaluation runs each image over its own inked pixels, training over
    // its block's columns: with finite weights, the same chains.
    let network = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 3)
    network.train(
      on: Self.data, images: 0..<300, options: TrainingOptions(epochs: 1),
      shuffleSeed: 1)
    for variant in Self.variants {
      network.kernels = variant
      let evaluated = network.evaluate(
        on: Self.data, images: 500..<700, cost: true).meanCost ?? .nan
      let trained = network.costAndGradients(
        on: Self.data, indices: Array(500..<700)).cost
      #expect(evaluated.isFinite)
      #expect(evaluated.bitPattern == trained.bitPattern, "\(variant)")
    }
    // An infinite weight: 0 · ∞ in a block's chain is NaN, and evaluation
    // keeps the blocks' answer (a NaN cost), not the finite one an image
    // that skips the pixel would give.
    var weights = network.weights
    // A pixel some of the images ink and others do not.
    var inked = [Int](repeating: 0, count: 784)
    for index in 500..<700 {
      for (pixel, value) in Self.data.image(index).enumerated() where value != 0 {
        inked[pixel] += 1
      }
    }
    let pixel = inked.indices.filter { inked[$0] < 200 }.max {
      inked[$0] < inked[$1]
    }!
    weights[0][pixel] = .infinity
    network.weights = weights
    let evaluated = network.evaluate(
      on: Self.data, images: 500..<700, cost: true).meanCost ?? 0
    let trained = network.costAndGradients(
      on: Self.data, indices: Array(500..<700)).cost
    #expect(trained.isNaN)
    #expect(evaluated.isNaN)
  }

  @Test func concurrentTrainingsOnEveryVariantAgree() {
    let configuration = NetworkConfiguration(sizes: [784, 30, 10])
    let options = TrainingOptions(learningRate: 3, batchSize: 10, epochs: 1)
    let variants = Self.variants
    nonisolated(unsafe) var outcomes = [Outcome?](repeating: nil, count: variants.count)
    DispatchQueue.concurrentPerform(iterations: variants.count) { index in
      let outcome = Self.train(configuration, options, kernels: variants[index])
      outcomes[index] = outcome  // each index written by one thread
    }
    let first = outcomes[0]
    #expect(first != nil)
    #expect(outcomes.allSatisfy { $0 == first })
  }
}
