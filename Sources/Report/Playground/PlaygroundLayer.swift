// The layers of a playground's network as the page's script reads them:
// what a convolutional network needs beyond the sizes of a fully-connected
// one. The runner builds them from the engine's architecture, layer by
// layer; the page receives them in the notebook's notation
// (`conv5x5x20,pool2,100,10`, `data-layers`).

/// One layer of the network a playground embeds.
public enum PlaygroundLayer: Sendable, Equatable, Codable {
  /// `maps` filters of size × size over every input map, stride 1, valid
  /// positions, then the hidden activation. Weights (map, channel, row,
  /// column), then one bias per map.
  case convolution(size: Int, maps: Int)
  /// The largest value of each size × size window of every map.
  case maxPool(size: Int)
  /// A fully-connected layer: weights (out, in), then biases (out).
  case dense(units: Int)

  /// `conv5x5x20`, `pool2` or `100`: the page's word for it.
  public var notation: String {
    switch self {
    case .convolution(let size, let maps): "conv\(size)x\(size)x\(maps)"
    case .maxPool(let size): "pool\(size)"
    case .dense(let units): "\(units)"
    }
  }

  /// The shape after this layer for an input of `shape` (channels, height,
  /// width), and its parameter count; nil when the input does not fit or a
  /// count overflows.
  func output(for shape: (channels: Int, height: Int, width: Int))
    -> (shape: (channels: Int, height: Int, width: Int), parameters: Int)?
  {
    let (channels, height, width) = shape
    switch self {
    case .convolution(let size, let maps):
      guard size > 0, maps > 0, size <= height, size <= width else {
        return nil
      }
      let (taps, o1) = channels.multipliedReportingOverflow(by: size * size)
      let (weights, o2) = (taps + 1).multipliedReportingOverflow(by: maps)
      guard !o1, !o2 else { return nil }
      return ((maps, height - size + 1, width - size + 1), weights)
    case .maxPool(let size):
      guard size > 0, height % size == 0, width % size == 0 else {
        return nil
      }
      return ((channels, height / size, width / size), 0)
    case .dense(let units):
      let (inputs, o1) = channels.multipliedReportingOverflow(by: height)
      let (count, o2) = inputs.multipliedReportingOverflow(by: width)
      let (weights, o3) = (count + 1).multipliedReportingOverflow(by: units)
      guard units > 0, !o1, !o2, !o3 else { return nil }
      return ((1, 1, units), weights)
    }
  }
}
