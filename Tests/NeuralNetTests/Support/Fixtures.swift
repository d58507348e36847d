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

  /// `count` MNIST-shaped images that are mostly zero, as digits are: a
  /// random blob of ink per image (about a fifth of the pixels), labels
  /// in `0..<classes`. The kernels skip a block's zero columns, so these
  /// exercise what random bytes would not.
  static func sparse(count: Int, classes: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * 784)
    for image in 0..<count {
      let centre = (x: 8 + generator.nextInt(below: 12), y: 8 + generator.nextInt(below: 12))
      for y in 0..<28 {
        for x in 0..<28 {
          let dx = x - centre.x, dy = y - centre.y
          if dx * dx + dy * dy < 30 && generator.nextInt(below: 4) != 0 {
            pixels[image * 784 + y * 28 + x] = UInt8(1 + generator.nextInt(below: 255))
          }
        }
      }
    }
    let labels = (0..<count).map { _ in UInt8(generator.nextInt(below: classes)) }
    return Dataset(rows: 28, columns: 28, pixels: pixels, labels: labels)
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
