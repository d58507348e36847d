import Testing

@testable import NeuralNet

/// `layerActivations`, what `show maps` draws: every layer's values for one
/// image, from the same forward pass as the network's answer.
@Suite struct LayerActivationTests {
  @Test func eachLayersValuesFromTheSameForwardPass() {
    let architecture = ConvolutionTests.small(.relu, .softmax, .crossEntropy)
    let network = Network(architecture, seed: 9)
    let data = ConvolutionTests.data
    for index in 0..<3 {
      let x = Fixtures.input(data, index).map(Float.init)
      let layers = network.layerActivations(x)
      #expect(layers.map(\.count) == architecture.shapes.map(\.count))
      // The last layer is the network's answer, bit for bit.
      #expect(layers.last == network.feedforward(x))
      // The first: conv3x3x2 and ReLU over the 8×8 image, in Double.
      let filters = network.weights[0]  // (2, 9)
      let biases = network.biases[0]
      var largest = 0.0
      for map in 0..<2 {
        for y in 0..<6 {
          for column in 0..<6 {
            var z = Double(biases[map])
            for ky in 0..<3 {
              for kx in 0..<3 {
                z += Double(filters[map * 9 + ky * 3 + kx])
                  * Double(x[(y + ky) * 8 + column + kx])
              }
            }
            let shown = Double(layers[0][(map * 6 + y) * 6 + column])
            largest = max(largest, abs(shown - max(z, 0)))
          }
        }
      }
      #expect(largest < 1e-5)
      // The pool: the largest of each 2×2 window of the maps below.
      for map in 0..<2 {
        for i in 0..<3 {
          for j in 0..<3 {
            let window = [(0, 0), (0, 1), (1, 0), (1, 1)].map {
              layers[0][(map * 6 + 2 * i + $0.0) * 6 + 2 * j + $0.1]
            }
            #expect(layers[1][(map * 3 + i) * 3 + j] == window.max())
          }
        }
      }
    }
  }
}
