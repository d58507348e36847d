import Datasets
import Testing

@testable import NeuralNet

/// Training and evaluating on a range of a data set's images, which spares
/// the runner a copy of its splits, must equal doing so on a sliced copy.
@Suite struct ImageRangeTests {
  static let data = Fixtures.random(count: 60, pixels: 12, classes: 5, seed: 3)
  static let range = 13..<51

  @Test(arguments: [(Float(0), Float(0)), (0.7, 1.5)])
  func trainingOnARangeEqualsTrainingOnASlice(momentum: Float, l2: Float) {
    let start = Network(NetworkConfiguration(sizes: [12, 7, 5]), seed: 5)
    let onRange = start.copy()
    let onSlice = start.copy()
    let options = TrainingOptions(
      learningRate: 1.5, batchSize: 6, epochs: 3, l2: l2, momentum: momentum)
    let rangeStats = onRange.train(
      on: Self.data, images: Self.range, options: options, shuffleSeed: 9)
    let sliceStats = onSlice.train(
      on: Self.data.slice(Self.range), options: options, shuffleSeed: 9)
    // Bit-identical: the same images in the same order, the same n in λ/n.
    #expect(onRange.weights == onSlice.weights)
    #expect(onRange.biases == onSlice.biases)
    #expect(rangeStats.map(\.meanCost) == sliceStats.map(\.meanCost))
    // And not the same as training on everything.
    let onAll = start.copy()
    onAll.train(on: Self.data, options: options, shuffleSeed: 9)
    #expect(onAll.weights != onRange.weights)
  }

  @Test(arguments: [8..<60, 0..<0, 20..<21])
  func evaluatingARangeEqualsEvaluatingASlice(range: Range<Int>) {
    // Small ranges run on one thread; the next test takes two.
    let network = Network(NetworkConfiguration(sizes: [12, 7, 5]), seed: 2)
    let onRange = network.evaluate(on: Self.data, images: range)
    let onSlice = network.evaluate(on: Self.data.slice(range))
    #expect(onRange == onSlice)
    #expect(onRange.total == range.count)
  }

  @Test func aLargeRangeSplitBetweenThreadsEqualsItsSlice() {
    // At least 4 evaluation chunks: two threads, each on half the range.
    let data = Fixtures.random(count: 2600, pixels: 12, classes: 5, seed: 4)
    let network = Network(NetworkConfiguration(sizes: [12, 7, 5]), seed: 2)
    let range = 301..<2600
    let onRange = network.evaluate(on: data, images: range)
    #expect(onRange == network.evaluate(on: data.slice(range)))
    #expect(onRange.total == 2299)
  }
}
