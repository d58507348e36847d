import NeuralNet
import Notebook
import Report

/// The `maps` view of `show` (``ShowWeights``): one test image, chosen by
/// its index (`image=123`) or as the first of a class (`digit=7`), sent
/// through the network, and the activations of each convolutional and
/// max-pooling layer drawn as maps — the values the engine's own forward
/// pass computes for that image.
struct ShowMaps {
  /// Maps drawn per layer at most, so a wide layer keeps the page light
  /// (the scale still covers them all).
  static let mostMaps = 64

  /// The test image's index, used when `digit=` is not written.
  var image: Int
  /// The class whose first test image is shown, when `digit=` is written.
  var digit: Int

  func run(
    _ network: Network, at directive: Directive, session: LabSession
  ) throws(CellFailure) -> MapsResult {
    let architecture = network.architecture
    guard
      architecture.layers.contains(where: {
        if case .dense = $0 { return false }
        return true
      })
    else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: ""),
          "the network '\(architecture.notation)' has no convolutional or"
            + " pooling layer, so it makes no feature maps",
          suggestion: "use 'show weights' for a fully-connected network, or"
            + " a network such as 'net 28x28 conv5x5x20 pool2 100 10'"))
    }
    guard let splits = session.splits else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'show maps' needs a data set to take a test image from, but none"
            + " is loaded",
          suggestion: "add 'load mnist' in a cell before this one"))
    }
    let test = splits.test
    let names = splits.name.classNames
    let index = try chosenImage(in: test, names: names, at: directive)
    if let problem = network.incompatibility(with: test.data) {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location, problem,
          suggestion: "load a data set whose images the network reads"))
    }
    let pixels = test.image(index)
    let input = pixels.map { Float($0) / 255 }
    let activations = network.layerActivations(input)
    let shapes = architecture.shapes
    var layers: [FeatureMaps] = []
    for (number, kind) in architecture.layers.enumerated() {
      if case .dense = kind { continue }
      let shape = shapes[number]
      let side = shape.height * shape.width
      let values = activations[number]
      let maps = (0..<min(shape.channels, Self.mostMaps)).map { map in
        Array(values[map * side..<(map + 1) * side])
      }
      let scale = values.reduce(Float(0)) { max($0, abs($1)) }
      layers.append(
        FeatureMaps(
          layer: number + 1, notation: kind.notation, rows: shape.height,
          columns: shape.width, scale: Double(scale), maps: maps,
          total: shape.channels))
    }
    let output = activations.last ?? []
    var best = 0
    for j in output.indices where output[j] > output[best] { best = j }
    return MapsResult(
      image: session.digit(test, index, classNames: names),
      predicted: LabSession.className(best, names), layers: layers)
  }

  /// The index of the test image to show, or a located error.
  private func chosenImage(
    in test: Split, names: [String], at directive: Directive
  ) throws(CellFailure) -> Int {
    let written = Set(directive.arguments.map(\.key))
    if written.contains("digit") {
      if written.contains("image") {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: "digit"),
            "'show maps' takes one image: image= or digit=, not both",
            suggestion: "remove one of them"))
      }
      guard names.isEmpty || digit < names.count else {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: "digit"),
            "the data set's classes are 0 to \(names.count - 1), so there"
              + " is no class \(digit)",
            suggestion: "use digit=0 to digit=\(names.count - 1)"))
      }
      guard
        let found = (0..<test.count).first(where: {
          Int(test.label($0)) == digit
        })
      else {
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: "digit"),
            "none of the \(test.count) test images is a"
              + " \(LabSession.className(digit, names))",
            suggestion: "load more test images (load mnist test=1000) or"
              + " choose another class"))
      }
      return found
    }
    guard image < test.count else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: "image"),
          test.count == 0
            ? "no test images are loaded, so there is no image \(image)"
            : "the test set has \(test.count) images, numbered 0 to"
              + " \(test.count - 1), so there is no image \(image)",
          suggestion: test.count == 0
            ? "load some test images, e.g. 'load mnist test=1000'"
            : "use image=0 to image=\(test.count - 1)"))
    }
    return image
  }
}
