import Datasets

@testable import NeuralNet

/// Small data sets for tests, built from a seeded generator.
enum Fixtures {
  /// `count` images of `pixels` random bytes with labels in `0..<classes`.
  static func random(
    count: Int, pixels: Int, classes: Int, seed: UInt64
  ) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    let bytes = (0..<count * pixels).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let labels = (0..<count).map { _ in UInt8(generator.nextInt(below: classes)) }
    return Dataset(rows: 1, columns: pixels, pixels: bytes, labels: labels)
  }

  /// Separable "digits": 4×4 images where class k lights row k, plus noise.
  static func stripes(count: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    for _ in 0..<count {
      let label = generator.nextInt(below: 4)
      for row in 0..<4 {
        for _ in 0..<4 {
          let noise = generator.nextInt(below: 60)
          pixels.append(UInt8(row == label ? 195 + noise : noise))
        }
      }
      labels.append(UInt8(label))
    }
    return Dataset(rows: 4, columns: 4, pixels: pixels, labels: labels)
  }

  /// Image `index` of `data` as the engine sees it: pixel / 255.
  static func input(_ data: Dataset, _ index: Int) -> [Double] {
    data.image(index).map { Double(Float($0) / 255) }
  }

  /// Every (hidden, output, cost) combination the engine supports.
  static let combinations: [(Activation, Activation, Cost)] =
    Activation.allCases.filter(\.isHiddenActivation).flatMap { hidden in
      Activation.allCases.filter(\.isOutputActivation).flatMap { output in
        Cost.allCases.map { (hidden, output, $0) }
      }
    }

  /// The order in which `train` visits the images in each epoch.
  static func epochOrders(count: Int, epochs: Int, seed: UInt64) -> [[Int]] {
    var generator = SeededGenerator(seed: seed)
    var order = (0..<count).map(Int32.init)
    return (0..<epochs).map { _ in
      order.withUnsafeMutableBufferPointer { generator.shuffle($0) }
      return order.map(Int.init)
    }
  }
}

/// |a − b| ≤ atol + rtol·|b| for every pair, with the worst offender.
func close(
  _ a: [Double], _ b: [Double], rtol: Double, atol: Double
) -> (ok: Bool, worst: String) {
  guard a.count == b.count else { return (false, "counts \(a.count) vs \(b.count)") }
  var worst = 0.0
  var message = ""
  for (i, (x, y)) in zip(a, b).enumerated() {
    let excess = abs(x - y) - (atol + rtol * abs(y))
    if excess > worst || (x.isNaN != y.isNaN) {
      worst = max(excess, worst)
      message = "index \(i): \(x) vs \(y)"
    }
  }
  return (message.isEmpty, message)
}
