import Testing

@testable import NeuralNet

/// The architecture notation: what it reads, the shapes and parameter
/// counts it gives, and every mistake located at its token.
@Suite struct ArchitectureTests {
  @Test func chapterOneNetworkIsTheConfigurationsNetwork() throws {
    let architecture = try NetworkArchitecture.parse("784-30-10")
    #expect(architecture == NetworkArchitecture(NetworkConfiguration(sizes: [784, 30, 10])))
    #expect(architecture.configuration == NetworkConfiguration(sizes: [784, 30, 10]))
    #expect(architecture.parameterCounts == [785 * 30, 31 * 10])
    #expect(architecture.notation == "784-30-10")
    // The same network, the same numbers, however it is described.
    let a = Network(architecture, seed: 3)
    let b = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 3)
    #expect(a.parameterBytes == b.parameterBytes)
  }

  @Test func chapterSixNetworkHasItsShapesAndCounts() throws {
    let architecture = try NetworkArchitecture.parse(
      "28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10")
    #expect(
      architecture.shapes.map(\.description)
        == ["24×24×20", "12×12×20", "8×8×40", "4×4×40", "100", "10"])
    #expect(
      architecture.parameterCounts
        == [26 * 20, 0, (20 * 25 + 1) * 40, 0, (640 + 1) * 100, 101 * 10])
    let network = Network(architecture, seed: 1)
    #expect(network.parameters.count == architecture.parameterCount)
    #expect(network.weights.map(\.count) == [500, 0, 20_000, 0, 64_000, 1000])
    #expect(network.inputSize == 784 && network.outputSize == 10)
    #expect(
      try NetworkArchitecture.parse(architecture.notation) == architecture)
  }

  @Test(arguments: [
    ("28x28 conv5x5x20 pool2 100 dropout0.5 10", "28x28 conv5x5x20 pool2 100 dropout0.5 10"),
    ("28X28 CONV5x5x20 POOL2x2 100 10", "28x28 conv5x5x20 pool2 100 10"),
    ("28x28-conv5x5x20-pool2-100-10", "28x28 conv5x5x20 pool2 100 10"),
    ("32x32x3 conv5x20 pool2 10", "32x32x3 conv5x5x20 pool2 10"),
    ("  784   100  10 ", "784-100-10"),
    // A vector input with dropout is written without dashes, and reads back.
    ("2- 1000 dropout0.5 10", "2 1000 dropout0.5 10"),
    ("2 1000 dropout0.5 10", "2 1000 dropout0.5 10"),
    // Tiny rates are written without an exponent (5e-10 would read as
    // "dropout5e" and "10"): the fuzzer's find.
    ("784 1000 dropout0.0000000005 10", "784 1000 dropout0.0000000005 10"),
    ("784 100 dropout0.000012500 10", "784 100 dropout0.0000125 10"),
    ("784 100 dropout0.0001 10", "784 100 dropout0.0001 10"),
  ])
  func spellingsReadTheSame(text: String, notation: String) throws {
    let architecture = try NetworkArchitecture.parse(text)
    #expect(architecture.notation == notation)
    #expect(try NetworkArchitecture.parse(notation) == architecture)
  }

  @Test func everyRateIsWrittenSoThatItReadsBackBitForBit() throws {
    // The smallest subnormal, the largest rate below 1, and rates whose
    // shortest form has an exponent or many digits.
    let rates: [Double] = [
      .leastNonzeroMagnitude, 1.0.nextDown, 0.1, 1e-5, 1.0 / 3, 2.5e-300,
      0.000123456789012345,
    ]
    for rate in rates {
      let architecture = NetworkArchitecture(
        input: TensorShape(vector: 4),
        layers: [.dense(units: 3, dropout: rate), .dense(units: 2)])
      #expect(!architecture.notation.contains("e"), "\(architecture.notation)")
      let again = try NetworkArchitecture.parse(architecture.notation)
      guard case .dense(_, let read) = again.layers[0] else {
        Issue.record("\(architecture.notation) lost its dense layer")
        continue
      }
      #expect(read.bitPattern == rate.bitPattern, "\(architecture.notation)")
    }
  }

  /// The text with the offending token marked `⟨…⟩`, and the message's start.
  @Test(arguments: [
    ("28x28 conv5x5x20 ⟨pool5⟩ 100 10", "pool5 does not divide the 24×24×20 maps", "use pool2, pool3, pool4, pool6"),
    ("28x28 conv5x5x20 pool2 conv5x5x40 pool2 ⟨conv5x5x10⟩ 10", "a 5×5 filter does not fit its 4×4×40 input", "use a filter of at most 4×4 (conv4x4x10)"),
    ("784-⟨conv5x5x20⟩-10", "conv5x5x20 needs maps as its input, but it follows a vector of 784", "put the conv and pool layers first"),
    ("28x28 100 ⟨dropout1.5⟩ 10", "dropout 1.5 is outside [0, 1)", "use a value such as dropout0.5"),
    ("28x28 100 ⟨dropoutx⟩ 10", "'dropoutx' needs the fraction", "write dropout0.5"),
    ("28x28 100 ⟨dropout1e-3⟩ 10", "'dropout1e-3' has an exponent, and a dash separates layers", "write the rate as a decimal: dropout0.001"),
    ("784 100 ⟨dropout2.5E-7⟩ 10", "'dropout2.5E-7' has an exponent", "write the rate as a decimal: dropout0.00000025"),
    ("28x28 ⟨dropout0.5⟩ 100 10", "dropout must follow a hidden layer", nil),
    ("28x28 100 ⟨10 dropout0.5⟩", "dropout applies to hidden layers", nil),
    ("28x28 ⟨conf5x5x20⟩ 10", "unknown layer 'conf5x5x20'", "did you mean 'conv5x5x20'?"),
    ("28x28 ⟨conv5x3x20⟩ 10", "filters are square", "write conv5x5x20"),
    ("⟨2x8x28x28⟩ 10", "'2x8x28x28' is not an input size", nil),
    ("28x28 conv5x5x20 ⟨pool2⟩", "the last layer must be a fully-connected", nil),
    ("784-⟨-⟩10", "a dash with no layer size on one side of it", "write a size between every two dashes, as in '784-30-10'"),
    ("784-30⟨-⟩", "a dash with no layer size on one side of it", "write a size between every two dashes, as in '784-30-10'"),
    ("⟨-⟩784-10", "a dash with no layer size on one side of it", "write a size between every two dashes, as in '784-30-10'"),
    ("28x28 ⟨0⟩ 10", "a layer needs at least 1 neuron", nil),
    ("28x28 ⟨99999999999⟩ 10", "99999999999 is too large", nil),
    ("⟨4000000000x4000000000⟩ 10", "4000000000x4000000000 is too large", nil),
  ] as [(String, String, String?)])
  func mistakesAreLocated(marked: String, message: String, suggestion: String?) {
    let start = marked.distance(
      from: marked.startIndex, to: marked.firstIndex(of: "⟨")!)
    let end = marked.distance(
      from: marked.startIndex, to: marked.firstIndex(of: "⟩")!) - 1
    let text = marked.replacingOccurrences(of: "⟨", with: "")
      .replacingOccurrences(of: "⟩", with: "")
    do {
      _ = try NetworkArchitecture.parse(text)
      Issue.record("'\(text)' was accepted")
    } catch {
      #expect(error.errors.count == 1, "\(error.errors)")
      let found = error.errors[0]
      #expect(found.offset == start && found.length == end - start, "\(found)")
      #expect(found.message.hasPrefix(message), "\(found.message)")
      if let suggestion {
        #expect(found.suggestion?.hasPrefix(suggestion) == true, "\(found)")
      }
    }
  }

  @Test func everyMistakeIsReported() {
    do {
      _ = try NetworkArchitecture.parse("28x28 conf5 pool2x3 dropoutx 10")
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.offset) == [6, 12, 20])
    }
  }

  @Test func emptyTextSaysWhatToWrite() {
    #expect(throws: ArchitectureErrors.self) { try NetworkArchitecture.parse("  ") }
  }
}
