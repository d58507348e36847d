import Datasets
import Foundation
import Testing

@testable import NeuralNet

/// Exact numbers, committed: a training's every epoch cost (as bits) and
/// the SHA-256 of its parameters, the same on every CPU and variant. A
/// change that moves one bit fails here; a deliberate one re-records with
/// RECORD_GOLDEN=1 and shows the change in the diff of Golden/training.txt.
@Suite struct GoldenTests {
  static let file = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent("Golden/training.txt")

  /// One line per case: name, cost bits per epoch, correct test images and
  /// the parameters' SHA-256.
  static func lines() -> [String] {
    let data = Fixtures.sparse(count: 1200, classes: 10, seed: 77)
    let cases: [(String, NetworkConfiguration, TrainingOptions)] = [
      ("lecture 784-30-10 sigmoid quadratic lr=3 batch=10",
       NetworkConfiguration(sizes: [784, 30, 10]),
       TrainingOptions(learningRate: 3, batchSize: 10, epochs: 3)),
      ("784-30-10 relu softmax cross-entropy scaled lr=0.5 batch=25 l2=5 momentum=0.5",
       NetworkConfiguration(
         sizes: [784, 30, 10], hidden: .relu, output: .softmax,
         cost: .crossEntropy, initialization: .scaled),
       TrainingOptions(learningRate: 0.5, batchSize: 25, epochs: 3, l2: 5, momentum: 0.5)),
      ("784-20-20-10 tanh sigmoid cross-entropy lr=0.3 batch=1",
       NetworkConfiguration(
         sizes: [784, 20, 20, 10], hidden: .tanh, output: .sigmoid,
         cost: .crossEntropy),
       TrainingOptions(learningRate: 0.3, batchSize: 1, epochs: 1)),
    ]
    return cases.map { name, configuration, options in
      let network = Network(configuration, seed: 2026)
      let stats = network.train(
        on: data, images: 0..<1000, options: options, shuffleSeed: 3)
      let evaluation = network.evaluate(on: data, images: 1000..<1200)
      let costs = stats.map { String($0.meanCost.bitPattern, radix: 16) }
      return "\(name) | costs \(costs.joined(separator: " ")) | correct "
        + "\(evaluation.correct)/200 | sha256 "
        + SHA256Digest.hex(of: network.parameterBytes)
    }
  }

  @Test func trainingGivesTheRecordedBits() throws {
    let lines = Self.lines()
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      try (lines.joined(separator: "\n") + "\n").write(
        to: Self.file, atomically: true, encoding: .utf8)
    }
    let recorded = try String(contentsOf: Self.file, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(
      lines == recorded,
      "kernels \(KernelVariant.current): the engine's numbers changed")
  }

  // MARK: - A convolutional network on real MNIST

  static let convolutionFile = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent("Golden/convolution.txt")
  static let mnist = try? DataLocator.locate(.mnist, explicit: nil)

  /// Chapter 6's first network, three epochs of the first 1,000 training
  /// images: every epoch's cost bits, the correct answers on the first
  /// 1,000 test images and the parameters' SHA-256.
  @Test(.enabled(if: mnist != nil, "MNIST not found"))
  func convolutionGivesTheRecordedBits() throws {
    let data = try DataLoader.load(.mnist, from: try #require(Self.mnist))
    let architecture = try NetworkArchitecture.parse(
      "28x28 conv5x5x20 pool2 100 10", hidden: .sigmoid, output: .softmax,
      cost: .crossEntropy)
    let network = Network(architecture, seed: 2026)
    let stats = network.train(
      on: data.training, images: 0..<1000,
      options: TrainingOptions(learningRate: 0.1, batchSize: 10, epochs: 3),
      shuffleSeed: 6)
    let evaluation = network.evaluate(on: data.test, images: 0..<1000)
    let costs = stats.map { String($0.meanCost.bitPattern, radix: 16) }
    let line = "\(architecture.notation) sigmoid softmax log-likelihood "
      + "lr=0.1 batch=10, 1,000 images, 3 epochs | costs "
      + "\(costs.joined(separator: " ")) | correct \(evaluation.correct)/1000 "
      + "| sha256 \(SHA256Digest.hex(of: network.parameterBytes))"
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      try (line + "\n").write(
        to: Self.convolutionFile, atomically: true, encoding: .utf8)
    }
    let recorded = try String(contentsOf: Self.convolutionFile, encoding: .utf8)
    #expect(
      line + "\n" == recorded,
      "kernels \(KernelVariant.current): the engine's numbers changed")
    // It learns: each epoch's cost lower, and well above chance after 300
    // steps on 1,000 digits.
    #expect(zip(stats, stats.dropFirst()).allSatisfy { $0.meanCost > $1.meanCost })
    #expect(evaluation.correct >= 400, "\(evaluation.correct)/1000")
  }

  @Test func aWrongGoldenFails() {
    // The comparison has teeth: one changed bit in a cost is a different
    // line.
    var lines = Self.lines()
    lines[0] = lines[0].replacingOccurrences(of: "costs 3f", with: "costs 3e")
    #expect(lines != (try? String(contentsOf: Self.file, encoding: .utf8))?
      .split(separator: "\n").map(String.init))
  }
}
