// `save FILE` and `restore FILE`: which network went into or came out of a
// network file (docs/network-file.md) — its architecture, parameters,
// epochs trained — and the file's SHA-256, which `sha256sum FILE` prints
// too, so an instructor can tell that lecture 22 started from exactly the
// network lecture 21 saved.

import NumberFormat

/// What `save` wrote or `restore` read.
public struct NetworkFileResult: Sendable, Equatable, Codable {
  /// Which way the network went.
  public enum Action: String, Sendable, Codable {
    case saved, restored
  }

  public var action: Action
  /// The file as the notebook names it (relative to the notebook's folder).
  public var file: String
  /// The architecture in the `net` directive's notation.
  public var architecture: String
  /// Weights and biases.
  public var parameters: Int
  /// Epochs of training the network had when it was saved.
  public var epochsTrained: Int
  /// The file's size and the SHA-256 of its bytes (lowercase hex).
  public var bytes: Int
  public var sha256: String
  /// The SHA-256 of the parameters alone, as the cache and the playground
  /// know the network.
  public var parametersSHA256: String

  public init(
    action: Action, file: String, architecture: String, parameters: Int,
    epochsTrained: Int, bytes: Int, sha256: String, parametersSHA256: String
  ) {
    self.action = action
    self.file = file
    self.architecture = architecture
    self.parameters = parameters
    self.epochsTrained = epochsTrained
    self.bytes = bytes
    self.sha256 = sha256
    self.parametersSHA256 = parametersSHA256
  }
}

extension NetworkFileResult: ResultContent {
  public static let kind = "networkFile"
  public func write(to html: inout HTMLWriter) {
    NetworkFileSection.write(self, to: &html)
  }
  public var json: JSONValue { NetworkFileSection.json(self) }
}

enum NetworkFileSection {
  static func write(_ result: NetworkFileResult, to html: inout HTMLWriter) {
    html.open("div", ["class": "result network-file"])
    html.element(
      "h3",
      text: (result.action == .saved ? "Saved the network to " : "Restored the network from ")
        + result.file)
    Table.write(
      headers: ["architecture", "parameters", "epochs trained", "file size"],
      numeric: [false, true, true, true],
      rows: [[
        result.architecture, Format.grouped(result.parameters),
        String(result.epochsTrained), Format.grouped(result.bytes) + " bytes",
      ]], to: &html)
    html.element("p", ["class": "facts"]) { html in
      html.text("SHA-256 of the file: ")
      html.element("code", text: result.sha256)
    }
    html.close()
  }

  static func json(_ result: NetworkFileResult) -> JSONValue {
    .object([
      "kind": .string("networkFile"),
      "action": .string(result.action.rawValue),
      "file": .string(result.file),
      "architecture": .string(result.architecture),
      "parameters": .int(result.parameters),
      "epochsTrained": .int(result.epochsTrained),
      "bytes": .int(result.bytes),
      "sha256": .string(result.sha256),
      "parametersSHA256": .string(result.parametersSHA256),
    ])
  }
}
