import Foundation
import NeuralNet
import Notebook

/// A test hook that lets the browser tests compare the page's forward pass
/// with the engine's on exactly the images the page computed.
///
/// When the environment variable `LABRUN_PLAYGROUND_PROBE` names a file of
/// raw images (N × inputs bytes, 0 = background, 255 = ink, the same bytes
/// the playground reads back from a drawing), each `playground` directive
/// runs those images through the network it embeds and writes
/// `<file>.line<L>.json` (L: the directive's line) holding
/// `{"outputs": [[Double]], "predictions": [Int]}`. Unset, it does nothing.
enum PlaygroundProbe {
  static let variable = "LABRUN_PLAYGROUND_PROBE"

  /// Answers the probe for the playground at `location`; a warning when
  /// the probe was asked for but could not be answered.
  static func answer(
    _ network: Network, cell location: SourceLocation,
    environment: [String: String]
  ) -> Diagnostic? {
    guard let path = environment[variable], !path.isEmpty else { return nil }
    let inputs = network.inputSize
    guard let data = FileManager.default.contents(atPath: path),
      !data.isEmpty, data.count % inputs == 0
    else {
      return .warning(
        at: location,
        "\(variable): '\(path)' is not a file of \(inputs)-byte images")
    }
    let bytes = [UInt8](data)
    var outputs: [String] = []
    var predictions: [String] = []
    for start in stride(from: 0, to: bytes.count, by: inputs) {
      let image = bytes[start..<start + inputs].map { Float($0) / 255 }
      let output = network.feedforward(image)
      var best = 0
      for j in output.indices where output[j] > output[best] { best = j }
      outputs.append(
        "[" + output.map { Double($0).description }.joined(separator: ",")
          + "]")
      predictions.append(String(best))
    }
    let json = "{\"outputs\": [" + outputs.joined(separator: ",\n")
      + "],\n\"predictions\": [" + predictions.joined(separator: ",") + "]}\n"
    let target = path + ".line\(location.line).json"
    guard FileManager.default.createFile(
      atPath: target, contents: Data(json.utf8))
    else {
      return .warning(at: location, "\(variable): cannot write '\(target)'")
    }
    return nil
  }
}
