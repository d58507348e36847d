import Datasets
import Foundation

@testable import NeuralNet

/// A plain, per-example implementation of the same network in `Double`,
/// written the way Nielsen's network.py is: the oracle for the fast engine.
///
/// Weights are `[layer][row][column]` with rows = outputs.
struct ReferenceNetwork {
  var weights: [[[Double]]]
  var biases: [[Double]]
  let hidden: Activation
  let output: Activation
  let cost: Cost

  init(_ network: Network) {
    let sizes = network.configuration.sizes
    weights = network.weights.enumerated().map { index, flat in
      let columns = sizes[index]
      return (0..<sizes[index + 1]).map { row in
        (0..<columns).map { Double(flat[row * columns + $0]) }
      }
    }
    biases = network.biases.map { $0.map(Double.init) }
    hidden = network.configuration.hidden
    output = network.configuration.output
    cost = network.configuration.cost
  }

  var flatWeights: [[Double]] { weights.map { $0.flatMap { $0 } } }

  // MARK: Activations

  static func apply(_ f: Activation, _ z: [Double]) -> [Double] {
    switch f {
    case .sigmoid: return z.map { 1 / (1 + exp(-$0)) }
    case .relu: return z.map { max(0, $0) }
    case .tanh: return z.map { Foundation.tanh($0) }
    case .softmax:
      let m = z.max() ?? 0
      let e = z.map { exp($0 - m) }
      let s = e.reduce(0, +)
      return e.map { $0 / s }
    }
  }

  /// The Jacobian ∂a_i/∂z_j of an activation at z.
  static func jacobian(_ f: Activation, _ z: [Double]) -> [[Double]] {
    let a = apply(f, z)
    let n = z.count
    return (0..<n).map { i in
      (0..<n).map { j in
        switch f {
        case .sigmoid: return i == j ? a[i] * (1 - a[i]) : 0
        case .relu: return i == j ? (z[i] > 0 ? 1 : 0) : 0
        case .tanh: return i == j ? 1 - a[i] * a[i] : 0
        case .softmax: return a[i] * ((i == j ? 1 : 0) - a[j])
        }
      }
    }
  }

  // MARK: Forward, cost, backward for one example

  func forward(_ x: [Double]) -> (zs: [[Double]], activations: [[Double]]) {
    var activations = [x]
    var zs: [[Double]] = []
    for l in weights.indices {
      let a = activations[l]
      let z = weights[l].enumerated().map { row, w in
        zip(w, a).reduce(biases[l][row]) { $0 + $1.0 * $1.1 }
      }
      zs.append(z)
      activations.append(
        Self.apply(l == weights.count - 1 ? output : hidden, z))
    }
    return (zs, activations)
  }

  func exampleCost(_ x: [Double], label: Int) -> Double {
    let a = forward(x).activations.last!
    let y = a.indices.map { $0 == label ? 1.0 : 0.0 }
    switch (cost, output) {
    case (.quadratic, _):
      return 0.5 * zip(a, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    case (.crossEntropy, .softmax):
      return -log(a[label])
    case (.crossEntropy, _):
      return -zip(a, y).reduce(0) { $0 + $1.1 * log($1.0) + (1 - $1.1) * log(1 - $1.0) }
    }
  }

  /// Mean cost over the examples plus λ/(2n) Σw².
  func cost(
    _ examples: [(x: [Double], label: Int)], l2: Double, n: Int
  ) -> Double {
    let mean =
      examples.reduce(0) { $0 + exampleCost($1.x, label: $1.label) }
      / Double(examples.count)
    let squares = weights.reduce(0) {
      $0 + $1.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
    }
    return mean + l2 / (2 * Double(n)) * squares
  }

  /// ∂C/∂w and ∂C/∂b for one example (no regularisation).
  func backprop(_ x: [Double], label: Int) -> (w: [[[Double]]], b: [[Double]]) {
    let (zs, activations) = forward(x)
    let last = weights.count - 1
    let a = activations.last!
    let y = a.indices.map { $0 == label ? 1.0 : 0.0 }
    // ∂C/∂a at the output, then through the output Jacobian.
    var delta: [Double]
    switch (cost, output) {
    case (.quadratic, _):
      let dCda = zip(a, y).map { $0 - $1 }
      let j = Self.jacobian(output, zs[last])
      delta = a.indices.map { k in
        a.indices.reduce(0) { $0 + dCda[$1] * j[$1][k] }
      }
    case (.crossEntropy, .softmax), (.crossEntropy, _):
      delta = zip(a, y).map { $0 - $1 }
    }
    var gw = weights.map { $0.map { $0.map { _ in 0.0 } } }
    var gb = biases.map { $0.map { _ in 0.0 } }
    for l in stride(from: last, through: 0, by: -1) {
      gb[l] = delta
      for r in weights[l].indices {
        for c in weights[l][r].indices {
          gw[l][r][c] = delta[r] * activations[l][c]
        }
      }
      if l > 0 {
        let j = Self.jacobian(hidden, zs[l - 1])
        let dCda = (0..<weights[l][0].count).map { c in
          weights[l].indices.reduce(0) { $0 + delta[$1] * weights[l][$1][c] }
        }
        delta = dCda.indices.map { k in
          dCda.indices.reduce(0) { $0 + dCda[$1] * j[$1][k] }
        }
      }
    }
    return (gw, gb)
  }

  // MARK: SGD

  var weightVelocity: [[[Double]]] = []
  var biasVelocity: [[Double]] = []

  /// One mini-batch step: plain SGD with weight decay (and L1: the book's
  /// w − ηλ₁/n sgn w − η/m Σ∇), or momentum.
  mutating func step(
    _ batch: [(x: [Double], label: Int)], eta: Double, l2: Double, n: Int,
    momentum: Double, l1: Double = 0
  ) {
    if weightVelocity.isEmpty {
      weightVelocity = weights.map { $0.map { $0.map { _ in 0.0 } } }
      biasVelocity = biases.map { $0.map { _ in 0.0 } }
    }
    var sw = weights.map { $0.map { $0.map { _ in 0.0 } } }
    var sb = biases.map { $0.map { _ in 0.0 } }
    for example in batch {
      let (gw, gb) = backprop(example.x, label: example.label)
      for l in sw.indices {
        for r in sw[l].indices {
          sb[l][r] += gb[l][r]
          for c in sw[l][r].indices { sw[l][r][c] += gw[l][r][c] }
        }
      }
    }
    let m = Double(batch.count)
    for l in weights.indices {
      for r in weights[l].indices {
        if momentum == 0 {
          biases[l][r] -= eta / m * sb[l][r]
        } else {
          biasVelocity[l][r] = momentum * biasVelocity[l][r] - eta * sb[l][r] / m
          biases[l][r] += biasVelocity[l][r]
        }
        for c in weights[l][r].indices {
          let w = weights[l][r][c]
          let sign: Double = w > 0 ? 1 : w < 0 ? -1 : 0
          if momentum == 0 {
            weights[l][r][c] =
              (1 - eta * l2 / Double(n)) * w - eta * l1 / Double(n) * sign
              - eta / m * sw[l][r][c]
          } else {
            let v = momentum * weightVelocity[l][r][c]
              - eta * (sw[l][r][c] / m + l2 / Double(n) * w + l1 / Double(n) * sign)
            weightVelocity[l][r][c] = v
            weights[l][r][c] = w + v
          }
        }
      }
    }
  }
}
