import NumberFormat

// MARK: - Reading the notation

/// A mistake in an architecture's notation: where it is (the offending
/// token's offset and length, in characters of the parsed text), what is
/// wrong and what to write instead.
public struct ArchitectureError: Error, Sendable, Equatable,
  CustomStringConvertible
{
  /// Characters before the offending token.
  public var offset: Int
  /// The token's length in characters (at least 1).
  public var length: Int
  /// What is wrong, in a sentence without a final full stop.
  public var message: String
  /// What to write instead, if there is a likely fix.
  public var suggestion: String?

  public init(offset: Int, length: Int, message: String, suggestion: String? = nil) {
    self.offset = offset
    self.length = max(length, 1)
    self.message = message
    self.suggestion = suggestion
  }

  public var description: String {
    "\(offset)+\(length): \(message)" + (suggestion.map { "; \($0)" } ?? "")
  }
}

/// Every mistake found in one architecture's notation, in text order.
public struct ArchitectureErrors: Error, Sendable, Equatable {
  public var errors: [ArchitectureError]
}

extension NetworkArchitecture {
  /// Reads an architecture from the notebook's notation: the input, then
  /// the layers, separated by spaces or dashes.
  ///
  /// - the input: `784` (a vector), `28x28` (an image) or `32x32x3`
  ///   (height × width × channels);
  /// - `conv5x5x20`: 20 filters of 5 × 5, valid and stride 1;
  /// - `pool2` (or `pool2x2`): max-pooling over 2 × 2 windows;
  /// - `100`: a fully-connected layer of 100 neurons, the last one being
  ///   the output layer; `dropout0.5` after a hidden one drops half of its
  ///   units in each training step.
  ///
  /// `784-30-10` (chapter 1) and `28x28 conv5x5x20 pool2 100 10`
  /// (chapter 6) are both architectures.
  /// - Throws: every mistake found, each located at its token.
  public static func parse(
    _ text: String, hidden: Activation = .sigmoid,
    output: Activation = .sigmoid, cost: Cost = .quadratic,
    initialization: Initialization = .normal
  ) throws(ArchitectureErrors) -> NetworkArchitecture {
    let tokens = Self.tokens(text)
    var errors: [ArchitectureError] = []
    func fail(_ token: Token, _ message: String, _ suggestion: String? = nil) {
      errors.append(
        ArchitectureError(
          offset: token.offset, length: token.text.count, message: message,
          suggestion: suggestion))
    }
    guard let first = tokens.first else {
      throw ArchitectureErrors(errors: [
        ArchitectureError(
          offset: 0, length: max(text.count, 1),
          message: "the architecture is empty",
          suggestion: "write the input and the layers, for example "
            + "'784-30-10' or '28x28 conv5x5x20 pool2 100 10'")
      ])
    }
    // A dash with no layer on one side (`784--10`, `784-30-`).
    for dash in Self.strayDashes(text) {
      errors.append(
        ArchitectureError(
          offset: dash, length: 1,
          message: "a dash with no layer size on one side of it",
          suggestion: "write a size between every two dashes, as in "
            + "'784-30-10'"))
    }
    // The input.
    var input = TensorShape(vector: 1)
    let numbers = Self.dimensions(first.text)
    switch numbers?.count {
    case 1: input = TensorShape(vector: numbers![0])
    case 2: input = TensorShape(height: numbers![0], width: numbers![1])
    case 3:
      input = TensorShape(
        channels: numbers![2], height: numbers![0], width: numbers![1])
    default:
      fail(
        first, "'\(first.text)' is not an input size",
        "start with the input: 784 (a vector) or 28x28 (an image)")
    }
    if numbers?.contains(where: { $0 < 1 }) == true {
      fail(first, "the input needs at least one value in every dimension")
    }

    // The layers, each remembered with its token for locating misfits.
    var layers: [LayerKind] = []
    var layerTokens: [Token] = []
    for token in tokens.dropFirst() {
      let word = token.text.lowercased()
      if let units = Int(word) {
        layers.append(.dense(units: units))
        layerTokens.append(token)
      } else if word.hasPrefix("conv") {
        let sizes = Self.dimensions(String(word.dropFirst(4)))
        guard let sizes, sizes.count == 3 || sizes.count == 2 else {
          fail(
            token, "'\(token.text)' is not a convolution",
            "write conv5x5x20: 20 filters of 5×5")
          continue
        }
        if sizes.count == 3 && sizes[0] != sizes[1] {
          fail(
            token, "filters are square: \(sizes[0])×\(sizes[1]) is not",
            "write conv\(sizes[0])x\(sizes[0])x\(sizes[2])")
          continue
        }
        layers.append(.convolution(size: sizes[0], maps: sizes[sizes.count - 1]))
        layerTokens.append(token)
      } else if word.hasPrefix("pool") {
        let sizes = Self.dimensions(String(word.dropFirst(4)))
        guard let sizes, sizes.count == 1 || sizes.count == 2 else {
          fail(token, "'\(token.text)' is not a pool", "write pool2: 2×2 windows")
          continue
        }
        if sizes.count == 2 && sizes[0] != sizes[1] {
          fail(
            token, "pool windows are square: \(sizes[0])×\(sizes[1]) is not",
            "write pool\(sizes[0])")
          continue
        }
        layers.append(.maxPool(size: sizes[0]))
        layerTokens.append(token)
      } else if word.hasPrefix("dropout") {
        let value = word.dropFirst(7).drop { $0 == "=" }
        guard let rate = Double(value), rate.isFinite else {
          // `dropout1e-3`: the dash ended the word inside the exponent.
          let exponent = text[token.range.upperBound...].prefix { $0 == "-" || $0.isNumber }
          if value.last == "e", exponent.count > 1,
            let rate = Double(value + exponent), rate >= 0, rate < 1
          {
            let whole = Token(
              text: token.text + exponent, offset: token.offset,
              range: token.range.lowerBound..<exponent.endIndex)
            fail(
              whole, "'\(whole.text)' has an exponent, and a dash separates layers",
              "write the rate as a decimal: dropout\(Format.positional(rate))")
            continue
          }
          fail(
            token, "'\(token.text)' needs the fraction of units to drop",
            "write dropout0.5 after a hidden layer")
          continue
        }
        guard case .dense(let units, 0)? = layers.last else {
          fail(
            token,
            layers.isEmpty
              ? "dropout must follow a hidden layer, not the input"
              : "dropout must follow a fully-connected hidden layer",
            "write it after the layer it applies to: 100 dropout0.5")
          continue
        }
        if !(rate >= 0 && rate < 1) {
          fail(
            token,
            "dropout \(value) is outside [0, 1): it is the fraction of "
              + "units silenced", "use a value such as dropout0.5")
          continue
        }
        layers[layers.count - 1] = .dense(units: units, dropout: rate)
        layerTokens[layerTokens.count - 1] = Token(
          text: String(text[layerTokens[layerTokens.count - 1].range.lowerBound..<token.range.upperBound]),
          offset: layerTokens[layerTokens.count - 1].offset,
          range: layerTokens[layerTokens.count - 1].range.lowerBound..<token.range.upperBound)
      } else {
        fail(
          token, "unknown layer '\(token.text)'",
          Self.suggestion(for: word)
            ?? "expected a number of neurons (100), convKxKxN, poolN or "
            + "dropoutP")
      }
    }
    // Sizes beyond reason, before any shape is computed from them.
    for (layer, token) in zip(layers, layerTokens) {
      let sizes: [Int]
      switch layer {
      case .convolution(let size, let maps): sizes = [size, maps]
      case .maxPool(let size): sizes = [size]
      case .dense(let units, _): sizes = [units]
      }
      if sizes.contains(where: { $0 > Self.largestSize }) {
        fail(token, "\(token.text) is too large: sizes go up to \(Self.largestSize)")
      }
    }
    if (numbers ?? []).contains(where: { $0 > Self.largestSize }) {
      fail(first, "\(first.text) is too large: sizes go up to \(Self.largestSize)")
    }
    if !errors.isEmpty { throw ArchitectureErrors(errors: errors) }

    let architecture = NetworkArchitecture(
      input: input, layers: layers, hidden: hidden, output: output, cost: cost,
      initialization: initialization)
    // Shapes that do not fit, at the layer that does not fit.
    for problem in architecture.problems {
      let token = problem.layer.map { layerTokens[$0] } ?? first
      fail(token, problem.message, problem.suggestion)
    }
    if !errors.isEmpty { throw ArchitectureErrors(errors: errors) }
    return architecture
  }

  // MARK: - Tokens

  struct Token {
    var text: String
    var offset: Int
    var range: Range<String.Index>
  }

  /// The words of `text`, split at white space and dashes.
  static func tokens(_ text: String) -> [Token] {
    var tokens: [Token] = []
    var start: String.Index?
    var startOffset = 0
    var offset = 0
    var index = text.startIndex
    while index <= text.endIndex {
      let separator = index == text.endIndex || text[index].isWhitespace
        || text[index] == "-" || text[index] == ","
      if separator, let begin = start {
        tokens.append(
          Token(text: String(text[begin..<index]), offset: startOffset,
                range: begin..<index))
        start = nil
      } else if !separator && start == nil {
        start = index
        startOffset = offset
      }
      if index == text.endIndex { break }
      index = text.index(after: index)
      offset += 1
    }
    return tokens
  }

  /// Offsets of the dashes that have no word before them (since the
  /// previous dash or the start) or none after them (before the next dash
  /// or the end).
  static func strayDashes(_ text: String) -> [Int] {
    var stray: [Int] = []
    var lastDash: Int?
    var wordSinceDash = false
    for (offset, character) in text.enumerated() {
      if character == "-" {
        if !wordSinceDash { stray.append(offset) }
        lastDash = offset
        wordSinceDash = false
      } else if !character.isWhitespace && character != "," {
        wordSinceDash = true
      }
    }
    if let lastDash, !wordSinceDash, stray.last != lastDash {
      stray.append(lastDash)
    }
    return stray
  }

  /// `28x28` → [28, 28]; `5` → [5]; nil unless every part is a number.
  static func dimensions(_ text: String) -> [Int]? {
    let parts = text.lowercased().split(
      separator: "x", omittingEmptySubsequences: false)
    let numbers = parts.compactMap { Int($0) }
    return numbers.count == parts.count && !numbers.isEmpty ? numbers : nil
  }

  /// The largest number a size may be: far above any network a notebook
  /// trains, and small enough that no count or parameter total overflows.
  static let largestSize = 10_000

  /// A likely meant spelling of an unknown word (`conf5x5x20`, `max2`).
  static func suggestion(for word: String) -> String? {
    let digits = word.drop { !$0.isNumber }
    for (prefix, kind) in [("conv", "conv"), ("pool", "pool"), ("drop", "dropout")]
    where !digits.isEmpty && distance(String(word.prefix(word.count - digits.count)), prefix) <= 2 {
      return "did you mean '\(kind)\(digits)'?"
    }
    if word.hasPrefix("max") && !digits.isEmpty { return "did you mean 'pool\(digits)'?" }
    return nil
  }

  /// Edit distance of two short words.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let saved = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return a.isEmpty ? b.count : row[b.count]
  }
}
