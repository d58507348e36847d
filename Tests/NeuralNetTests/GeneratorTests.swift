import Testing

@testable import NeuralNet

@Suite struct GeneratorTests {
  @Test func sameSeedSameSequenceDifferentSeedDifferent() {
    var a = SeededGenerator(seed: 1)
    var b = SeededGenerator(seed: 1)
    var c = SeededGenerator(seed: 2)
    let first = (0..<10).map { _ in a.next() }
    #expect(first == (0..<10).map { _ in b.next() })
    #expect(first != (0..<10).map { _ in c.next() })
    // Zero is a valid seed (SplitMix64 spreads it).
    var zero = SeededGenerator(seed: 0)
    #expect((0..<4).map { _ in zero.next() }.allSatisfy { $0 != 0 })
  }

  @Test func normalsHaveMeanZeroAndVarianceOne() {
    var generator = SeededGenerator(seed: 9)
    let samples = (0..<100_000).map { _ in Double(generator.nextNormal()) }
    let mean = samples.reduce(0, +) / Double(samples.count)
    let variance =
      samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
    #expect(abs(mean) < 0.02)
    #expect(abs(variance - 1) < 0.02)
    #expect(samples.allSatisfy { $0.isFinite })
  }

  @Test func integersAreInRangeAndRoughlyUniform() {
    var generator = SeededGenerator(seed: 4)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 { counts[generator.nextInt(below: 7)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    #expect(generator.nextInt(below: 1) == 0)
  }

  @Test func shuffleIsAPermutationAndMovesThings() {
    var generator = SeededGenerator(seed: 4)
    var values = Array(0..<1000)
    values.withUnsafeMutableBufferPointer { generator.shuffle($0) }
    #expect(values.sorted() == Array(0..<1000))
    #expect(values != Array(0..<1000))
  }

  @Test func scaledInitialisationShrinksWeightsOnly() {
    let sizes = [400, 50, 10]
    let normal = Network(NetworkConfiguration(sizes: sizes), seed: 3)
    let scaled = Network(
      NetworkConfiguration(sizes: sizes, initialization: .scaled), seed: 3)
    func spread(_ values: [Float]) -> Double {
      (values.reduce(0) { $0 + Double($1 * $1) } / Double(values.count))
        .squareRoot()
    }
    #expect(abs(spread(normal.weights[0]) - 1) < 0.05)
    #expect(abs(spread(scaled.weights[0]) - 1 / 20) < 0.005)
    #expect(abs(spread(scaled.weights[1]) - 1 / 50.0.squareRoot()) < 0.02)
    #expect(abs(spread(scaled.biases[0]) - 1) < 0.4)
  }
}

@Suite struct ConfigurationTests {
  @Test func parameterCountOfTheLectureNetwork() {
    #expect(NetworkConfiguration(sizes: [784, 30, 10]).parameterCount == 23_860)
    #expect(NetworkConfiguration(sizes: [5]).parameterCount == 0)
  }

  @Test func problemsAreListed() {
    #expect(NetworkConfiguration(sizes: [784, 30, 10]).problems.isEmpty)
    let bad = NetworkConfiguration(
      sizes: [3, 0], hidden: .softmax, output: .relu)
    #expect(
      bad.problems == [
        .nonPositiveSize(layer: 1, size: 0),
        .unsupportedHiddenActivation(.softmax),
        .unsupportedOutputActivation(.relu),
      ])
    #expect(NetworkConfiguration(sizes: [3]).problems == [.tooFewLayers(1)])
    #expect(bad.problems[1].description.contains("softmax"))
  }

  @Test func rawValuesAreTheNotebookSpellings() {
    #expect(Cost(rawValue: "cross-entropy") == .crossEntropy)
    #expect(Activation(rawValue: "tanh") == .tanh)
    #expect(Initialization(rawValue: "scaled") == .scaled)
  }
}
