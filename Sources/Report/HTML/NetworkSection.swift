// `net 784-30-10`: the network's layers, its parameters and a diagram.

import NumberFormat

/// `net 784-30-10`: the network's shape.
public struct NetworkResult: Sendable, Equatable, Codable {
  public struct Layer: Sendable, Equatable, Codable {
    /// Values per example coming in and going out.
    public var inputs: Int
    public var outputs: Int
    /// The hidden or output activation; `max` for a pool.
    public var activation: String
    /// Weights and biases (inputs × outputs + outputs when fully connected).
    public var parameters: Int
    /// How the architecture writes it (`conv5x5x20`, `pool2`, `100`); nil
    /// in a fully-connected network, whose layers are all plain.
    public var kind: String?
    /// The shapes in and out (`28×28`, `24×24×20`, `100`); nil in a
    /// fully-connected network.
    public var inputShape: String?
    public var outputShape: String?
    /// A fully-connected layer.
    public init(inputs: Int, outputs: Int, activation: String) {
      self.inputs = inputs
      self.outputs = outputs
      self.activation = activation
      self.parameters = inputs * outputs + outputs
    }
    /// Any layer, with its notation and shapes.
    public init(
      kind: String, inputShape: String, outputShape: String, inputs: Int,
      outputs: Int, activation: String, parameters: Int
    ) {
      self.inputs = inputs
      self.outputs = outputs
      self.activation = activation
      self.parameters = parameters
      self.kind = kind
      self.inputShape = inputShape
      self.outputShape = outputShape
    }
  }
  /// Values per example before the first layer and after each.
  public var sizes: [Int]
  public var layers: [Layer]
  public var cost: String
  public var initialization: String
  /// The architecture's notation (`28x28 conv5x5x20 pool2 100 10`); nil for
  /// a fully-connected network, which `sizes` describes.
  public var architecture: String?
  /// Which candidate of a `net` with a list this is; nil for one network.
  public var candidate: Candidate?
  /// One of the networks a `net cost=quadratic,cross-entropy` declares.
  public struct Candidate: Sendable, Equatable, Codable {
    /// The key that varies (`cost`, `init`, `architecture`) and this
    /// network's value, as written.
    public var parameter: String
    public var value: String
    /// 0-based, of `count`.
    public var index: Int
    public var count: Int
    public init(parameter: String, value: String, index: Int, count: Int) {
      self.parameter = parameter
      self.value = value
      self.index = index
      self.count = count
    }
  }
  public var parameters: Int { layers.reduce(0) { $0 + $1.parameters } }
  public init(
    sizes: [Int], layers: [Layer], cost: String, initialization: String,
    architecture: String? = nil
  ) {
    self.sizes = sizes
    self.layers = layers
    self.cost = cost
    self.initialization = initialization
    self.architecture = architecture
  }
}

extension NetworkResult: ResultContent {
  public static let kind = "network"
  public func write(to html: inout HTMLWriter) {
    NetworkSection.write(self, to: &html)
  }
  public var json: JSONValue { NetworkSection.json(self) }
}

enum NetworkSection {
  static func write(
    _ network: NetworkResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result network"])
    let notation = network.architecture
      ?? network.sizes.map(String.init).joined(separator: "-")
    html.element(
      "h3",
      text: network.candidate.map {
        "Candidate \($0.index + 1) of \($0.count), "
          + PageText.setting($0.parameter, $0.value) + ": " + notation
      } ?? "Network: " + notation)
    html.open("div", ["class": "network-layout"])
    if network.architecture == nil {
      let rows = network.layers.enumerated().map { i, layer in
        [String(i + 1), "\(layer.inputs) → \(layer.outputs)", layer.activation,
         Format.grouped(layer.parameters)]
      }
      html.element("div") { html in
        Table.write(
          headers: ["layer", "inputs → outputs", "activation", "parameters"],
          numeric: [true, false, false, true], rows: rows,
          footer: ["total", "", "", Format.grouped(network.parameters)],
          to: &html)
      }
    } else {
      // Convolutions and pools: each layer's notation and shapes.
      let rows = network.layers.enumerated().map { i, layer in
        [String(i + 1), layer.kind ?? String(layer.outputs),
         "\(layer.inputShape ?? String(layer.inputs)) → "
           + (layer.outputShape ?? String(layer.outputs)),
         layer.activation, Format.grouped(layer.parameters)]
      }
      html.element("div") { html in
        Table.write(
          headers: ["layer", "kind", "shape in → out", "activation", "parameters"],
          numeric: [true, false, false, false, true], rows: rows,
          footer: ["total", "", "", "", Format.grouped(network.parameters)],
          to: &html)
      }
    }
    // The diagram draws neurons joined all to all: fully connected only.
    if network.architecture == nil { NetworkDiagram.write(network, to: &html) }
    html.close()
    html.element("p", ["class": "facts"]) { html in
      html.element("span", text: "Cost: " + network.cost)
      html.text(" · ")
      html.element("span", text: "Initialisation: " + network.initialization)
    }
    if let candidate = network.candidate, candidate.index == candidate.count - 1 {
      html.element(
        "p", ["class": "choice"],
        text: "The next sgd trains "
          + (candidate.count == 2 ? "both" : "all \(candidate.count)")
          + " candidates on the same order of images and keeps the one with the best"
          + " validation accuracy as the network.")
    }
    html.close()
  }

  static func json(_ n: NetworkResult) -> JSONValue {
    var fields: [String: JSONValue] = [
      "kind": .string("network"),
      "sizes": .array(n.sizes.map(JSONValue.int)),
      "layers": .array(
        n.layers.map { layer in
          var fields: [String: JSONValue] = [
            "inputs": .int(layer.inputs), "outputs": .int(layer.outputs),
            "activation": .string(layer.activation),
            "parameters": .int(layer.parameters),
          ]
          if let kind = layer.kind { fields["layer"] = .string(kind) }
          if let shape = layer.inputShape { fields["inputShape"] = .string(shape) }
          if let shape = layer.outputShape { fields["outputShape"] = .string(shape) }
          return .object(fields)
        }),
      "parameters": .int(n.parameters),
      "cost": .string(n.cost),
      "initialization": .string(n.initialization),
    ]
    if let architecture = n.architecture {
      fields["architecture"] = .string(architecture)
    }
    if let candidate = n.candidate {
      fields["candidate"] = .object([
        "parameter": .string(candidate.parameter),
        "value": .string(candidate.value), "index": .int(candidate.index),
        "count": .int(candidate.count),
      ])
    }
    return .object(fields)
  }
}
