import Datasets
import Foundation
import LabrunTestSupport
import Testing

@testable import Report

/// The playground: the only part of a page with a script, carrying the
/// network's parameters exactly. (What the script does is tested in a real
/// browser: browser-tests/run.py.)
@Suite("Playground")
struct PlaygroundTests {
  /// A 784-3-2 network whose parameters are all different, and awkward to
  /// encode: negative, tiny, huge, signed zero.
  static func result(
    classNames: [String] = ["zero", "one"], dataset: DatasetName = .mnist
  ) -> PlaygroundResult {
    let count = 784 * 3 + 3 + 3 * 2 + 2
    var parameters = (0..<count).map { Float($0) * -0.013 + 1e-7 }
    parameters[1] = -0.0
    parameters[2] = .greatestFiniteMagnitude
    parameters[3] = .leastNonzeroMagnitude
    return PlaygroundResult(
      sizes: [784, 3, 2], hidden: "relu", output: "softmax", rows: 28,
      columns: 28, classNames: classNames, parameters: parameters,
      subject: dataset.drawingSubject,
      preparation: dataset.drawingPreparation)
  }

  @Test("each data set asks for its own kind of drawing and names its rule")
  func wordsAndRulePerDataset() {
    let mnist = Self.page(Self.result(dataset: .mnist))
    #expect(mnist.contains("<h3>Playground: draw a digit</h3>"))
    #expect(mnist.contains(#"aria-label="Drawing area: draw a digit here""#))
    #expect(mnist.contains(#"data-preparation="digit-box-centre-of-mass""#))
    #expect(mnist.contains("scaled to 20 of 28 pixels"))
    #expect(!mnist.contains("clothing"))

    // The words on the page, not the script's comments about MNIST.
    let fashion = Self.page(Self.result(dataset: .fashionMNIST))
      .components(separatedBy: "<script")[0]
    #expect(fashion.contains("<h3>Playground: draw a piece of clothing</h3>"))
    #expect(fashion.contains(
      #"aria-label="Drawing area: draw a piece of clothing here""#))
    #expect(fashion.contains(#"data-preparation="fill-frame-centred""#))
    #expect(fashion.contains("scaled to fill the frame"))
    #expect(!fashion.contains("a digit"))
    #expect(!fashion.contains("centre of mass"))
  }

  @Test("the script prepares by the rule the page names, for every rule")
  func scriptKnowsEveryRule() {
    // The script branches on the attribute's value: a rule it does not
    // spell would silently fall back to MNIST's.
    for rule in DrawingPreparation.allCases
    where rule != .digitBoxCentreOfMass {
      #expect(PlaygroundScript.source.contains("\"\(rule.rawValue)\""))
    }
    #expect(PlaygroundScript.source.contains(
      #"getAttribute("data-preparation")"#))
  }

  static func page(_ result: PlaygroundResult) -> String {
    var document = Samples.small()
    document.items.append(
      .cell(Samples.cell(2, line: 20, ["playground"], seconds: 0.01,
                         results: [CellResult(result)])))
    return HTMLReport.render(document)
  }

  @Test("a page with a playground has one script, and stays XML")
  func oneScript() {
    let html = Self.page(Self.result())
    #expect(Markup.count("<script", in: html) == 1)
    #expect(Markup.parse(html).error == nil)
    // Still no URL of any kind: the script makes no request.
    for needle in ["http:", "https:", "src=", "href=", "fetch(", "XMLHttp",
                   "import(", "url("] {
      #expect(!html.contains(needle), "\(needle)")
    }
  }

  @Test("the same page without the playground has no script at all")
  func noPlaygroundNoScript() {
    let html = HTMLReport.render(Samples.small())
    #expect(!html.contains("<script"))
    #expect(!html.contains("data-parameters"))
  }

  @Test("the embedded parameters decode to exactly the network's")
  func parametersRoundTrip() throws {
    let result = Self.result()
    let html = Self.page(result)
    let encoded = try #require(
      Markup.attributeValues("data-parameters", in: html).first)
    // Foundation's decoder as the independent oracle.
    let data = try #require(Data(base64Encoded: encoded))
    #expect(data.count == result.parameters.count * 4)
    let bytes = [UInt8](data)
    var decoded: [Float] = []
    for offset in stride(from: 0, to: bytes.count, by: 4) {
      var bits = UInt32(bytes[offset])
      bits |= UInt32(bytes[offset + 1]) << 8
      bits |= UInt32(bytes[offset + 2]) << 16
      bits |= UInt32(bytes[offset + 3]) << 24
      decoded.append(Float(bitPattern: bits))
    }
    #expect(decoded.map(\.bitPattern) == result.parameters.map(\.bitPattern))
    #expect(Markup.attributeValues("data-sizes", in: html) == ["784,3,2"])
    #expect(Markup.attributeValues("data-hidden", in: html) == ["relu"])
    #expect(Markup.attributeValues("data-output", in: html) == ["softmax"])
  }

  @Test("base64 matches Foundation's for every padding length")
  func base64() {
    var rng = SplitMix64(seed: 3)
    for length in 0..<40 {
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
    }
  }

  @Test("one bar per class, labelled with the class names, escaped")
  func bars() {
    let html = Self.page(Self.result(classNames: ["<b>zero</b>", "one"]))
    #expect(Markup.count("class=\"pg-bar\"", in: html) == 2)
    #expect(html.contains("&lt;b&gt;zero&lt;/b&gt;"))
    #expect(!html.contains("<b>zero"))
    // Names that do not match the outputs fall back to the output numbers.
    let numbered = Self.page(Self.result(classNames: ["only one"]))
    #expect(!numbered.contains("only one"))
    #expect(numbered.contains(">0</text>") && numbered.contains(">1</text>"))
  }

  @Test("the drawing area is at least 280 CSS pixels, with a Clear button")
  func drawingArea() {
    let html = Self.page(Self.result())
    #expect(PlaygroundSection.css.contains(
      "canvas.pg-draw { display: block; width: 280px; height: 280px;"))
    #expect(PlaygroundSection.css.contains("touch-action: none"))
    #expect(html.contains(">Clear</button>"))
    #expect(!PlaygroundSection.css.contains("<"))
    #expect(!PlaygroundSection.css.contains("&"))
    // Its rules sit in the one stylesheet in <head>, and only on such pages.
    #expect(Markup.count("<style", in: html) == 1)
    let head = html.components(separatedBy: "</head>")[0]
    #expect(head.contains("canvas.pg-draw"))
    #expect(!HTMLReport.render(Samples.small()).contains("pg-draw"))
  }

  @Test("a network that does not fit its sizes is refused in words, without a script")
  func inconsistent() {
    var result = Self.result()
    result.parameters.removeLast()
    let html = Self.page(result)
    #expect(html.contains("could not be embedded"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("data-parameters"))

    var square = Self.result()
    square.rows = 27
    #expect(PlaygroundSection.problem(square) != nil)
    var activation = Self.result()
    activation.output = "<script>"
    #expect(PlaygroundSection.problem(activation) != nil)
    #expect(PlaygroundSection.problem(Self.result()) == nil)
  }

  /// A 28x28 conv5x5x2 pool2 10 network: 2 × (25 + 1) + (288 + 1) × 10
  /// parameters.
  static func convolutional() -> PlaygroundResult {
    PlaygroundResult(
      sizes: [784, 1152, 288, 10], hidden: "relu", output: "softmax",
      rows: 28, columns: 28, classNames: (0..<10).map(String.init),
      parameters: (0..<2942).map { Float($0) * 0.001 },
      layers: [.convolution(size: 5, maps: 2), .maxPool(size: 2),
               .dense(units: 10)])
  }

  @Test("a convolutional network is embedded with its layers in the notebook's words")
  func convolutional() {
    let result = Self.convolutional()
    #expect(PlaygroundSection.problem(result) == nil)
    let html = Self.page(result)
    #expect(html.contains(#"data-layers="conv5x5x2,pool2,10""#))
    #expect(html.contains("The 28x28 conv5x5x2 pool2 10 network"))
    #expect(html.contains("<script"))
    // A fully-connected network says its layers too.
    #expect(Self.page(Self.result()).contains(#"data-layers="3,2""#))

    var short = result
    short.parameters.removeLast()
    #expect(PlaygroundSection.problem(short)?.contains("2941 parameters") == true)
    var undivided = result
    undivided.layers[1] = .maxPool(size: 5)
    #expect(PlaygroundSection.problem(undivided)?.contains("pool5") == true)
    var large = result
    large.layers[0] = .convolution(size: 29, maps: 2)
    #expect(PlaygroundSection.problem(large)?.contains("conv29x29x2") == true)
    var sizes = result
    sizes.sizes[2] = 289
    #expect(PlaygroundSection.problem(sizes)?.contains("not 289") == true)
    var last = result
    last.layers[2] = .maxPool(size: 1)
    #expect(PlaygroundSection.problem(last) != nil)
  }

  @Test("the script has no < or &: it cannot end its element early")
  func scriptText() {
    let source = PlaygroundScript.source
    for needle in ["<", "&", "]]>"] {
      #expect(!source.contains(needle), "\(needle)")
    }
  }

  @Test("the JSON says the cell ran and how big the network is")
  func json() throws {
    var document = Samples.small()
    document.items.append(
      .cell(Samples.cell(2, line: 20, ["playground"], seconds: 0.01,
                         results: [CellResult(Self.result())])))
    let object = try #require(
      try JSONSerialization.jsonObject(
        with: Data(JSONReport.render(document).utf8)) as? [String: Any])
    let cells = try #require(object["cells"] as? [[String: Any]])
    let results = try #require(cells.last?["results"] as? [[String: Any]])
    let playground = try #require(results.first)
    #expect(playground["kind"] as? String == "playground")
    #expect(playground["sizes"] as? [Int] == [784, 3, 2])
    #expect(playground["parameters"] as? Int == 2363)
    #expect(playground["bytes"] as? Int == 2363 * 4)
    #expect(playground["architecture"] as? String == "784-3-2")
    #expect(playground.count == 5)
  }
}
