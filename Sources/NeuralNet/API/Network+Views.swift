// What the report's views read from a network beyond its outputs: every
// layer's activations for one input (the feature maps of `show maps`).

extension Network {
  /// Each layer's activations for one input of values in `[0, 1]`, first
  /// layer first: a convolution's as its maps one after the other, (maps,
  /// rows, columns) row-major; a pool's likewise; a dense layer's as its
  /// units. The last is ``feedforward(_:)``'s result, bit for bit.
  ///
  /// The same forward pass as ``feedforward(_:)`` (and as a batch), so each
  /// value is the one the network computes when it reads that image.
  /// - Precondition: `input.count == inputSize`.
  public func layerActivations(_ input: [Float]) -> [[Float]] {
    _ = feedforward(input)
    return layers.map { layer in
      Array(UnsafeBufferPointer(start: layer.output.base, count: layer.outputSize))
    }
  }
}
