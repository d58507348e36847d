// `playground`: a drawing area where the reader draws (a digit, a piece of
// clothing: the data set says what and how it is prepared) and the
// network trained above reads it, live, inside the page. This is the only
// part of a report that carries a script; a page without a playground has
// none. The network's parameters ride along as base64 float32 in a data
// attribute, and the script (PlaygroundScript) is plain JavaScript written
// for this page: no library, no request, so the page still opens from
// file:// as one file.
import Datasets
import NumberFormat


/// `playground`: the trained network, embedded in the page so that readers
/// can draw (a digit, a piece of clothing) and watch it being classified.
public struct PlaygroundResult: Sendable, Equatable, Codable {
  /// Values per layer, input first: `[784, 30, 10]` (for a convolutional
  /// network, each layer's maps × rows × columns).
  public var sizes: [Int]
  /// The layers after the input, first to output: dense ones for a
  /// fully-connected network, or convolutions and pools before them. A
  /// convolutional network reads its input as one rows × columns map.
  public var layers: [PlaygroundLayer]
  /// Activation of the hidden layers: `sigmoid`, `relu` or `tanh`.
  public var hidden: String
  /// Activation of the output layer: `sigmoid` or `softmax`.
  public var output: String
  /// The image size the network reads; rows × columns = `sizes[0]`.
  public var rows: Int
  public var columns: Int
  /// Names of the outputs, in order ("0"..."9", or "T-shirt/top"...).
  public var classNames: [String]
  /// Every weight and bias, layer by layer: the weights (out, in)
  /// row-major, then the biases (out).
  public var parameters: [Float]
  /// What the reader is asked to draw: "a digit", "a piece of clothing".
  public var subject: String
  /// How a drawing is prepared, by the loaded data set's rule.
  public var preparation: DrawingPreparation
  public init(
    sizes: [Int], hidden: String, output: String, rows: Int, columns: Int,
    classNames: [String], parameters: [Float],
    subject: String = DatasetName.mnist.drawingSubject,
    preparation: DrawingPreparation = DatasetName.mnist.drawingPreparation,
    layers: [PlaygroundLayer]? = nil
  ) {
    self.sizes = sizes
    self.layers = layers ?? sizes.dropFirst().map { .dense(units: $0) }
    self.hidden = hidden
    self.output = output
    self.rows = rows
    self.columns = columns
    self.classNames = classNames
    self.parameters = parameters
    self.subject = subject
    self.preparation = preparation
  }

  /// Bytes of the parameters as float32: what the page embeds (before
  /// base64).
  public var bytes: Int { parameters.count * 4 }

  /// Whether every layer is fully connected.
  public var isFullyConnected: Bool {
    layers.allSatisfy { if case .dense = $0 { true } else { false } }
  }

  /// `784-30-10`, or `28x28 conv5x5x20 pool2 100 10` for a network with
  /// convolutions or pools: the notebook's notation.
  public var notation: String {
    isFullyConnected
      ? sizes.map(String.init).joined(separator: "-")
      : (["\(rows)x\(columns)"] + layers.map(\.notation))
        .joined(separator: " ")
  }
}

extension PlaygroundResult: ResultContent {
  public static let kind = "playground"
  public func write(to html: inout HTMLWriter) {
    PlaygroundSection.write(self, to: &html)
  }
  public var json: JSONValue { PlaygroundSection.json(self) }
}

enum PlaygroundSection {
  /// Backing-store side of the drawing canvas: twice its 280 CSS pixels, so
  /// strokes stay smooth on high-density screens and the downsampling to
  /// 20 × 20 averages over many pixels.
  static let canvasSide = 560

  static func write(_ playground: PlaygroundResult, to html: inout HTMLWriter) {
    html.open("div", ["class": "result playground"])
    html.element("h3", text: "Playground: draw \(playground.subject)")
    if let problem = problem(playground) {
      html.element(
        "p", ["class": "banner error"],
        text: "The network could not be embedded: \(problem).")
      html.close()
      return
    }
    let shape = playground.notation
    html.element("p", ["class": "facts"]) { html in
      // The span keeps 784-30-10 on one line (`.facts span`); a
      // convolutional network's words may wrap on a phone.
      html.text("Draw with the mouse or a finger. The ")
      if playground.isFullyConnected {
        html.element("span", text: shape)
      } else {
        html.text(shape)
      }
      let count = Format.grouped(playground.parameters.count)
      html.text(
        " network trained above is built into this page (\(count) "
          + "parameters, \(kilobytes(playground.bytes))) and reads your "
          + "drawing as you draw: shrunk to the \(playground.rows)\u{A0}×\u{A0}"
          + "\(playground.columns) image it sees, "
          + "\(playground.preparation.summary).")
    }
    html.open(
      "div",
      ["class": "pg-layout",
       "data-sizes": playground.sizes.map(String.init).joined(separator: ","),
       "data-layers": playground.layers.map(\.notation).joined(separator: ","),
       "data-hidden": playground.hidden, "data-output": playground.output,
       "data-rows": String(playground.rows),
       "data-columns": String(playground.columns),
       "data-preparation": playground.preparation.rawValue,
       "data-parameters": Base64.encode(float32: playground.parameters)])
    html.element("div", ["class": "pg-pad"]) { html in
      html.element(
        "canvas",
        ["class": "pg-draw", "width": String(canvasSide),
         "height": String(canvasSide), "role": "img",
         "aria-label": "Drawing area: draw \(playground.subject) here"], text: "")
      html.element(
        "button", ["type": "button", "class": "pg-clear"], text: "Clear")
    }
    html.element("div", ["class": "pg-side"]) { html in
      html.element("p", ["class": "pg-answer", "aria-live": "polite"]) {
        html in
        html.text("Prediction: ")
        html.element("strong", ["class": "pg-predicted"], text: "–")
      }
      html.element("figure", ["class": "pg-seen"]) { html in
        html.element(
          "figcaption",
          text: "What the network sees (\(playground.rows)\u{A0}×\u{A0}"
            + "\(playground.columns))")
        html.element(
          "canvas",
          ["class": "pg-input", "width": String(playground.columns),
           "height": String(playground.rows), "role": "img",
           "aria-label": "the drawing as the network's input"], text: "")
      }
      html.element("figure", ["class": "chart pg-chart"]) { html in
        html.element("figcaption", text: "Output activations")
        writeBars(names(playground), to: &html)
      }
    }
    html.close()  // pg-layout
    html.element("noscript") { html in
      html.element(
        "p", ["class": "banner warning"],
        text: "The playground needs JavaScript, which is turned off.")
    }
    html.close()  // result
    html.newline()
    html.element("script") { html in
      // The comment markers make the script a CDATA section for XML
      // parsers and a comment for JavaScript: the page stays XML-parsable.
      html.raw("//<![CDATA[\n" + PlaygroundScript.source + "\n//]]>")
    }
  }

  /// Whether any cell of `document` has a playground (its rules then go
  /// into the page's stylesheet).
  static func appears(in document: ReportDocument) -> Bool {
    document.cells.contains { cell in
      cell.results.contains { $0.content is PlaygroundResult }
    }
  }

  /// The JSON result: the shape, not the weights.
  static func json(_ p: PlaygroundResult) -> JSONValue {
    return .object([
      "kind": .string("playground"),
      "sizes": .array(p.sizes.map(JSONValue.int)),
      "architecture": .string(p.notation),
      "parameters": .int(p.parameters.count),
      "bytes": .int(p.bytes),
    ])
  }

  // MARK: - Checks

  /// Why the playground cannot work with these values, or nil.
  static func problem(_ playground: PlaygroundResult) -> String? {
    let sizes = playground.sizes
    guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
      return "it needs at least two layers of positive size"
    }
    guard playground.rows > 0, playground.columns > 0,
      playground.rows.multipliedReportingOverflow(by: playground.columns)
        == (sizes[0], false)
    else {
      return "the input layer has \(sizes[0]) units, not "
        + "\(playground.rows) × \(playground.columns) pixels"
    }
    guard playground.layers.count == sizes.count - 1,
      case .dense = playground.layers.last
    else {
      return "its \(playground.layers.count) layers do not match its"
        + " \(sizes.count) sizes, or the last is not fully connected"
    }
    // A convolution reads the drawing as one map; a dense network as a
    // vector, which has the same values in the same order.
    var shape = (channels: 1, height: playground.rows, width: playground.columns)
    var expected = 0
    for (index, layer) in playground.layers.enumerated() {
      guard let (next, count) = layer.output(for: shape) else {
        return "layer \(index + 1) (\(layer.notation)) does not fit its"
          + " input, or the network is too large"
      }
      let (sum, overflow) = expected.addingReportingOverflow(count)
      if overflow { return "the network is too large" }
      guard next.channels * next.height * next.width == sizes[index + 1] else {
        return "layer \(index + 1) (\(layer.notation)) gives"
          + " \(next.channels * next.height * next.width) values, not"
          + " \(sizes[index + 1])"
      }
      expected = sum
      shape = next
    }
    guard expected == playground.parameters.count else {
      return "\(playground.parameters.count) parameters given, \(expected) "
        + "expected"
    }
    let hidden = ["sigmoid", "relu", "tanh"]
    guard sizes.count == 2 || hidden.contains(playground.hidden) else {
      return "unknown hidden activation '\(playground.hidden)'"
    }
    guard ["sigmoid", "softmax"].contains(playground.output) else {
      return "unknown output activation '\(playground.output)'"
    }
    return nil
  }

  /// The class names, or the output numbers when they do not match.
  static func names(_ playground: PlaygroundResult) -> [String] {
    let outputs = playground.sizes.last ?? 0
    return playground.classNames.count == outputs
      ? playground.classNames : (0..<outputs).map(String.init)
  }

  private static func kilobytes(_ bytes: Int) -> String {
    Format.grouped((bytes + 512) / 1024) + "\u{A0}KB"
  }

  // MARK: - Bar chart

  /// One horizontal bar per output, at zero until the script sets the
  /// widths: label, track, bar, value.
  static func writeBars(_ names: [String], to html: inout HTMLWriter) {
    let row = 22.0
    let width = 320.0
    let longest = names.map(\.count).max() ?? 1
    let labelWidth = min(120, 10 + 7.5 * Double(longest))
    let valueWidth = 40.0
    let track = width - labelWidth - valueWidth
    let height = row * Double(names.count) + 4
    let n = Format.fixed
    html.open(
      "svg",
      ["class": "pg-bars", "viewBox": "0 0 \(n(width, 0)) \(n(height, 0))",
       "role": "img", "aria-label": "output activations, one bar per class",
       "data-track": n(track, 1)])
    for (i, name) in names.enumerated() {
      let y = 2 + row * Double(i)
      html.open("g", ["class": "pg-row"])
      html.element(
        "text",
        ["class": "pg-label", "x": n(labelWidth - 8, 1),
         "y": n(y + row / 2 + 4, 1)], text: name)
      html.empty(
        "rect",
        ["class": "pg-track", "x": n(labelWidth, 1), "y": n(y + 3, 1),
         "width": n(track, 1), "height": n(row - 6, 1), "rx": "2"])
      html.empty(
        "rect",
        ["class": "pg-bar", "x": n(labelWidth, 1), "y": n(y + 3, 1),
         "width": "0", "height": n(row - 6, 1), "rx": "2"])
      html.element(
        "text",
        ["class": "pg-value", "x": n(width - 2, 1),
         "y": n(y + row / 2 + 4, 1)], text: "")
      html.close()
    }
    html.close()
  }

  // MARK: - Style

  /// The playground's own rules, kept next to it and added to the page's
  /// stylesheet only when a playground is on the page: no `<`, `&` or
  /// `url(`.
  static let css = """

.playground .pg-layout { display: flex; flex-wrap: wrap; gap: 1rem 1.75rem;
  align-items: flex-start; margin-top: 0.4rem; }
.playground .pg-pad { display: flex; flex-direction: column;
  align-items: flex-start; gap: 0.5rem; }
.playground canvas.pg-draw { display: block; width: 280px; height: 280px;
  background: #ffffff; border: 1px solid var(--line); border-radius: 8px;
  touch-action: none; cursor: crosshair; }
.playground .pg-clear { font: inherit; padding: 0.3rem 1.1rem;
  border-radius: 6px; border: 1px solid var(--line); background: var(--soft);
  color: var(--ink); cursor: pointer; }
.playground .pg-side { flex: 1 1 16rem; min-width: 0; max-width: 22rem; }
.playground .pg-answer { font-size: 1.1rem; margin: 0 0 0.6rem; }
.playground .pg-predicted { font-size: 2rem; color: var(--accent);
  margin-left: 0.3rem; vertical-align: middle; }
.playground figure { margin: 0 0 0.8rem; }
.playground figcaption { font-size: 0.85rem; font-weight: 600;
  color: var(--muted); margin-bottom: 0.2rem; }
.playground canvas.pg-input { display: block; width: 112px; height: 112px;
  image-rendering: pixelated; background: #ffffff;
  border: 1px solid var(--line); }
.playground svg.pg-bars { display: block; width: 100%; height: auto; }
.pg-bars .pg-label { text-anchor: end; fill: var(--ink); font-size: 13px; }
.pg-bars .pg-value { text-anchor: end; fill: var(--muted); font-size: 12px;
  font-variant-numeric: tabular-nums; }
.pg-bars .pg-track { fill: var(--soft); }
.pg-bars .pg-bar { fill: var(--c0); }
.pg-bars .top .pg-bar { fill: var(--c1); }
.pg-bars .top .pg-label { font-weight: 700; }
@media print { .playground .pg-layout, .playground .pg-clear { display: none; } }
"""
}
