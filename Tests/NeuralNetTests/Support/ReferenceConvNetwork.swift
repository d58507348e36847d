import Foundation
import Testing

@testable import NeuralNet

/// A plain implementation in `Double` of any architecture — convolutions
/// by their definition (a sum over channels and the filter's rows and
/// columns), max-pooling, fully-connected layers — with loops written for
/// clarity, and gradients by central finite differences of its cost. The
/// oracle for the engine's convolutional networks.
///
/// Parameters are flat per layer in the engine's public order: weights
/// (out, in) — for a convolution (map, channel, row, column) — and biases.
struct ReferenceConvNetwork {
  let architecture: NetworkArchitecture
  var weights: [[Double]]
  var biases: [[Double]]
  /// A fixed dropout mask per dense layer (1 kept, 0 dropped); nil: none.
  var masks: [[Double]?]

  init(_ network: Network, masks: [[Double]?]? = nil) {
    architecture = network.architecture
    weights = network.weights.map { $0.map(Double.init) }
    biases = network.biases.map { $0.map(Double.init) }
    self.masks = masks ?? architecture.layers.map { _ in nil }
  }

  /// The output activations for one input (values per the input shape,
  /// channel after channel, rows inside).
  func forward(_ x: [Double]) -> [Double] {
    var a = x
    var shape = architecture.input
    let last = architecture.layers.count - 1
    for (l, layer) in architecture.layers.enumerated() {
      let f = l == last ? architecture.output : architecture.hidden
      switch layer {
      case .convolution(let size, let maps):
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let (oh, ow) = (h - size + 1, w - size + 1)
        var z = [Double](repeating: 0, count: maps * oh * ow)
        for m in 0..<maps {
          for y in 0..<oh {
            for xx in 0..<ow {
              var sum = biases[l][m]
              for ch in 0..<c {
                for ky in 0..<size {
                  for kx in 0..<size {
                    let weight = weights[l][((m * c + ch) * size + ky) * size + kx]
                    sum += weight * a[(ch * h + y + ky) * w + xx + kx]
                  }
                }
              }
              z[(m * oh + y) * ow + xx] = sum
            }
          }
        }
        a = ReferenceNetwork.apply(f, z)
      case .maxPool(let size):
        let (c, h, w) = (shape.channels, shape.height, shape.width)
        let (oh, ow) = (h / size, w / size)
        var pooled = [Double](repeating: 0, count: c * oh * ow)
        for ch in 0..<c {
          for y in 0..<oh {
            for xx in 0..<ow {
              var best = -Double.infinity
              for dy in 0..<size {
                for dx in 0..<size {
                  best = max(best, a[(ch * h + y * size + dy) * w + xx * size + dx])
                }
              }
              pooled[(ch * oh + y) * ow + xx] = best
            }
          }
        }
        a = pooled
      case .dense(let units, let dropout):
        let n = a.count
        let z = (0..<units).map { j in
          (0..<n).reduce(biases[l][j]) { $0 + weights[l][j * n + $1] * a[$1] }
        }
        a = ReferenceNetwork.apply(f, z)
        if let mask = masks[l] {
          a = zip(a, mask).map { $0 * $1 / (1 - dropout) }
        }
      }
      shape = layer.output(for: shape)
    }
    return a
  }

  func exampleCost(_ x: [Double], label: Int) -> Double {
    let a = forward(x)
    let y = a.indices.map { $0 == label ? 1.0 : 0.0 }
    switch (architecture.cost, architecture.output) {
    case (.quadratic, _):
      return 0.5 * zip(a, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    case (.crossEntropy, .softmax):
      return -log(a[label])
    case (.crossEntropy, _):
      return -zip(a, y).reduce(0) {
        $0 + $1.1 * log($1.0) + (1 - $1.1) * log(1 - $1.0)
      }
    }
  }

  /// The mean cost over the examples.
  func cost(_ examples: [(x: [Double], label: Int)]) -> Double {
    examples.reduce(0) { $0 + exampleCost($1.x, label: $1.label) }
      / Double(examples.count)
  }

  /// ∂(mean cost)/∂ every weight and bias, by central differences.
  mutating func numericGradient(_ examples: [(x: [Double], label: Int)])
    -> (weights: [[Double]], biases: [[Double]])
  {
    let h = 1e-6
    var gw = weights.map { $0.map { _ in 0.0 } }
    var gb = biases.map { $0.map { _ in 0.0 } }
    func central(_ value: WritableKeyPath<Self, Double>) -> Double {
      let saved = self[keyPath: value]
      self[keyPath: value] = saved + h
      let plus = cost(examples)
      self[keyPath: value] = saved - h
      let minus = cost(examples)
      self[keyPath: value] = saved
      return (plus - minus) / (2 * h)
    }
    for l in weights.indices {
      for i in weights[l].indices { gw[l][i] = central(\.weights[l][i]) }
      for i in biases[l].indices { gb[l][i] = central(\.biases[l][i]) }
    }
    return (gw, gb)
  }
}

/// Expects the engine's gradients to match the finite differences of the
/// reference, layer by layer.
func expectClose(
  _ engine: (cost: Double, weights: [[Float]], biases: [[Float]]),
  _ numeric: (weights: [[Double]], biases: [[Double]]),
  sourceLocation: SourceLocation = #_sourceLocation
) {
  for l in numeric.weights.indices {
    let w = close(
      engine.weights[l].map(Double.init), numeric.weights[l], rtol: 1e-3,
      atol: 2e-5)
    let b = close(
      engine.biases[l].map(Double.init), numeric.biases[l], rtol: 1e-3,
      atol: 2e-5)
    #expect(w.ok, "layer \(l) weights: \(w.worst)", sourceLocation: sourceLocation)
    #expect(b.ok, "layer \(l) biases: \(b.worst)", sourceLocation: sourceLocation)
  }
}
