// MARK: - Typed values

/// A value that passed its `ValueType`'s checks.
enum Value: Equatable, Sendable {
  case integer(Int)
  case unsigned(UInt64)
  case number(Double)
  case word(String)
  case sizes([Int])
  case text(String)
  case check(Check)

  var integer: Int? {
    if case .integer(let value) = self { return value }
    return nil
  }
  var number: Double? {
    if case .number(let value) = self { return value }
    return nil
  }
  var word: String? {
    if case .word(let value) = self { return value }
    return nil
  }
}

/// Why a value was refused: the message, and where in the value (in Unicode
/// scalars from its start) the problem is.
struct ValueProblem: Error, Equatable, Sendable {
  var message: String
  var offset: Int = 0
  var suggestion: String? = nil
}

extension ValueType {
  /// Checks one value (never a list). `subject` names the value in
  /// messages, e.g. `'batch'` or `the data set`.
  func parse(_ text: String, subject: String) -> Result<Value, ValueProblem> {
    // Built only on failure: messages are not free, and most values are fine.
    var expected: ValueProblem {
      ValueProblem(
        message:
          "expected \(expectation) for \(subject), found \(quoted(text))")
    }
    switch self {
    case .integer(let min, let max):
      guard let number = parseDecimal(text), number == number.rounded(),
        let value = Int(exactly: number), value >= min, value <= max
      else { return .failure(expected) }
      return .success(.integer(value))

    case .unsigned64:
      if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
        guard let value = UInt64(text) else { return .failure(expected) }
        return .success(.unsigned(value))
      }
      // `1e6` is fine too, as long as the double holds the integer exactly.
      guard let number = parseDecimal(text), number == number.rounded(),
        number >= 0, number <= 9_007_199_254_740_992,
        let value = UInt64(exactly: number)
      else { return .failure(expected) }
      return .success(.unsigned(value))

    case .number(let min, let minInclusive, let max, let maxInclusive):
      guard let value = parseDecimal(text),
        minInclusive ? value >= min : value > min
      else { return .failure(expected) }
      if let max, maxInclusive ? value > max : value >= max {
        return .failure(expected)
      }
      // The engine computes in float32: beyond its range a value would
      // become infinite, and a tiny positive one zero, without a word.
      let single = Float(value)
      if !single.isFinite {
        return .failure(
          ValueProblem(
            message: "\(quoted(text)) is too large for \(subject): numbers"
              + " are computed in 32-bit floating point, which ends at"
              + " about 3.4e38",
            suggestion: "use a smaller value"))
      }
      if !minInclusive, Double(single) <= min {
        return .failure(
          ValueProblem(
            message: "\(quoted(text)) is too small for \(subject): in 32-bit"
              + " floating point it would be \(formatNumber(Double(single)))",
            suggestion: "use at least 1e-38"))
      }
      return .success(.number(value))

    case .choice(let words):
      if words.contains(text) { return .success(.word(text)) }
      var problem = expected
      if let close = closestMatch(to: text, among: words) {
        problem.suggestion = "did you mean '\(close)'?"
      }
      return .failure(problem)

    case .layerSizes(let maxUnits, let maxParameters):
      return parseLayerSizes(
        text, maxUnits: maxUnits, maxParameters: maxParameters)

    case .phrase(let check):
      if let problem = check.check(text) {
        return .failure(
          ValueProblem(
            message: problem.message, offset: problem.offset,
            suggestion: problem.suggestion))
      }
      return .success(.text(text))

    case .text:
      return .success(.text(text))

    case .check:
      // A check is the whole line, read by `CheckParser`; never a value
      // on its own (an override, say).
      return .failure(
        ValueProblem(
          message: "a check is written as a whole line in a lab block,"
            + " not set as a value"))
    }
  }
}

/// Parses `784-30-10`, pointing at the offending layer when one is wrong.
private func parseLayerSizes(
  _ text: String, maxUnits: Int, maxParameters: Int
) -> Result<Value, ValueProblem> {
  var sizes: [Int] = []
  var offset = 0
  for part in text.split(separator: "-", omittingEmptySubsequences: false) {
    let layer = sizes.count + 1
    guard !part.isEmpty else {
      return .failure(
        ValueProblem(
          message: "expected layer sizes such as 784-30-10 (positive"
            + " integers joined by '-'), found \(quoted(text))",
          offset: offset))
    }
    guard let number = parseDecimal(String(part)), number == number.rounded(),
      number >= 1
    else {
      return .failure(
        ValueProblem(
          message: "expected a positive integer for the size of layer"
            + " \(layer), found \(quoted(String(part)))",
          offset: offset))
    }
    guard number <= Double(maxUnits), let size = Int(exactly: number) else {
      return .failure(
        ValueProblem(
          message: "layer \(layer) has \(formatNumber(number)) units; a layer"
            + " may have at most \(grouped(maxUnits))",
          offset: offset))
    }
    sizes.append(size)
    offset += part.unicodeScalars.count + 1
  }
  guard sizes.count >= 2 else {
    return .failure(
      ValueProblem(
        message: "a network needs at least 2 layers (input and output),"
          + " found \(sizes.count) in \(quoted(text))"))
  }
  let count = parameterCount(sizes) ?? Int.max
  if count > maxParameters {
    // Weights, their gradients and momentum velocities, as 4-byte floats.
    let gigabytes = Double(count) * 4 * 3 / 1e9
    let memory = gigabytes < 1000
      ? "about \(formatFixed(gigabytes, digits: 1)) GB"
      : "more than 1 TB"
    return .failure(
      ValueProblem(
        message: "network \(text) has \(grouped(count)) parameters and would"
          + " need \(memory) of memory (float32 weights, gradients and"
          + " velocities); at most \(grouped(maxParameters)) parameters are"
          + " allowed"))
  }
  return .success(.sizes(sizes))
}

/// Weights plus biases of a network with these layer sizes (the sum over
/// layers of `in * out + out`), or nil when the count overflows `Int`.
private func parameterCount(_ sizes: [Int]) -> Int? {
  var total = 0
  for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
    let (weights, o1) = fanIn.multipliedReportingOverflow(by: fanOut)
    let (layer, o2) = weights.addingReportingOverflow(fanOut)
    let (sum, o3) = total.addingReportingOverflow(layer)
    if o1 || o2 || o3 { return nil }
    total = sum
  }
  return total
}

// MARK: - Numbers

/// Parses a finite decimal number: an optional sign, digits with an
/// optional fraction, and an optional exponent (`3`, `0.5`, `.5`, `3e-2`).
/// Refuses what `Double.init` would also take: `nan`, `inf`, hexadecimal,
/// and anything that overflows to infinity.
func parseDecimal(_ text: String) -> Double? {
  let bytes = Array(text.utf8)
  var index = 0
  func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
  func digits() -> Int {
    let start = index
    while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    return index - start
  }
  if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
    index += 1
  }
  var mantissaDigits = digits()
  if index < bytes.count, bytes[index] == 0x2E {  // "."
    index += 1
    mantissaDigits += digits()
  }
  guard mantissaDigits > 0 else { return nil }
  if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
    index += 1
    if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
      index += 1
    }
    guard digits() > 0 else { return nil }
  }
  guard index == bytes.count, bytes.count <= 400,
    let value = Double(text), value.isFinite
  else { return nil }
  return value
}

/// `1234567` → `1,234,567`.
func grouped(_ value: Int) -> String {
  let digits = Array(String(value.magnitude))
  var out = ""
  for (index, digit) in digits.enumerated() {
    if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
    out.append(digit)
  }
  return value < 0 ? "-" + out : out
}

/// Fixed-point formatting without Foundation: `formatFixed(3.14159, 1)`
/// is `3.1`.
func formatFixed(_ value: Double, digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let scaled = (value * scale).rounded()
  guard scaled.isFinite, abs(scaled) < 1e17 else { return "\(value)" }
  let whole = Int64(scaled)
  let unit = Int64(scale)
  let integerPart = whole / unit
  guard digits > 0 else { return String(integerPart) }
  var fraction = String(abs(whole % unit))
  while fraction.count < digits { fraction = "0" + fraction }
  return "\(integerPart).\(fraction)"
}
