import Foundation

// MARK: - Reading an `expect` line

/// Reads `expect QUANTITY TEST [OPTION…]` lines into `Check` values; every
/// mistake is a diagnostic at its line and column.
///
/// ```
/// expect test.accuracy >= 0.9
/// expect validation.accuracy between 0.93 0.97 points=2
/// expect test.accuracy == 0.9483 ± 0.001
/// expect cost decreases
/// expect net.sizes == 784-30-10
/// expect epochs <= 10 cell=4
/// expect status == ok cell="Learning rate"
/// ```
public struct CheckParser: Sendable {
  /// The file named in diagnostics.
  public var file: String

  public init(file: String) {
    self.file = file
  }

  /// Reads one line. `line` is its line in the file and `baseColumn` the
  /// column before its first character (0 for a whole line).
  public func parse(_ text: String, line: Int, baseColumn: Int = 0)
    -> Result<Check, CheckErrors>
  {
    var reader = Reader(
      file: file, line: line, tokens: tokenize(text, baseColumn: baseColumn),
      endColumn: baseColumn + text.unicodeScalars.count + 1)
    let check = reader.check(text: text)
    if let check, reader.errors.isEmpty { return .success(check) }
    return .failure(CheckErrors(diagnostics: reader.errors))
  }
}

/// The diagnostics of a line that is not a valid check (at least one).
public struct CheckErrors: Error, Equatable, Sendable {
  public var diagnostics: [Diagnostic]
}

// MARK: - Tokens

private struct Token {
  enum Kind { case word, symbol, quoted }
  var kind: Kind
  var text: String
  var column: Int
  /// The column after its last character.
  var end: Int
}

/// Splits a line into words (`test.accuracy`, `0.9`, `784-30-10`), symbols
/// (`>=`, `±`, `=`) and quoted text, dropping a `#` comment.
private func tokenize(_ text: String, baseColumn: Int) -> [Token] {
  let scalars = Array(text.unicodeScalars)
  var tokens: [Token] = []
  var i = 0
  func isSymbol(_ s: Unicode.Scalar) -> Bool {
    s == "<" || s == ">" || s == "=" || s == "!" || s == "±"
  }
  while i < scalars.count {
    let s = scalars[i]
    if s == " " || s == "\t" || s == "\r" {
      i += 1
      continue
    }
    let start = i
    if s == "#" { break }
    if s == "\"" {
      i += 1
      var content = String.UnicodeScalarView()
      while i < scalars.count, scalars[i] != "\"" {
        content.append(scalars[i])
        i += 1
      }
      if i < scalars.count { i += 1 }  // the closing quote
      tokens.append(
        Token(
          kind: .quoted, text: String(content), column: baseColumn + start + 1,
          end: baseColumn + i + 1))
      continue
    }
    if s == "±" {
      i += 1
    } else if isSymbol(s) {
      while i < scalars.count, isSymbol(scalars[i]), scalars[i] != "±" {
        i += 1
      }
    } else {
      while i < scalars.count, !isSymbol(scalars[i]), scalars[i] != " ",
        scalars[i] != "\t", scalars[i] != "\r", scalars[i] != "\""
      {
        i += 1
      }
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[start..<i])
    tokens.append(
      Token(
        kind: isSymbol(s) ? .symbol : .word, text: String(view),
        column: baseColumn + start + 1, end: baseColumn + i + 1))
  }
  return tokens
}

// MARK: - The grammar

private struct Reader {
  let file: String
  let line: Int
  let tokens: [Token]
  /// The column just after the line, for "expected … at the end".
  let endColumn: Int
  var index = 0
  var errors: [Diagnostic] = []

  init(file: String, line: Int, tokens: [Token], endColumn: Int) {
    self.file = file
    self.line = line
    self.tokens = tokens
    self.endColumn = endColumn
  }

  func at(_ column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column)
  }

  var current: Token? { index < tokens.count ? tokens[index] : nil }
  var here: SourceLocation { at(current?.column ?? endColumn) }

  mutating func fail(
    _ location: SourceLocation, _ message: String, suggestion: String? = nil
  ) {
    errors.append(.error(at: location, message, suggestion: suggestion))
  }

  mutating func check(text: String) -> Check? {
    guard let verb = current, verb.text == "expect" else {
      fail(here, "a check starts with 'expect'",
        suggestion: "write e.g. 'expect test.accuracy >= 0.9'")
      return nil
    }
    let start = at(verb.column)
    index += 1
    guard let quantity = quantity() else { return nil }
    guard let test = test(for: quantity) else { return nil }
    var check = Check(
      text: text.trimmingCharacters(in: .whitespaces), location: start,
      quantity: quantity, test: test.test, tolerance: test.tolerance)
    options(into: &check, toleranceWritten: test.tolerance != nil)
    return check
  }

  // MARK: Quantity

  mutating func quantity() -> CheckQuantity? {
    guard let token = current, token.kind == .word else {
      fail(here, "expected a quantity after 'expect'",
        suggestion: "write e.g. 'expect test.accuracy >= 0.9'; quantities: "
          + Self.quantityList)
      return nil
    }
    index += 1
    if let quantity = CheckQuantity(rawValue: token.text) { return quantity }
    let names = CheckQuantity.allCases.map(\.rawValue)
    let guess = closestMatch(
      to: token.text, among: names, aliases: CheckQuantity.aliases)
    fail(at(token.column), "unknown quantity \(quoted(token.text))",
      suggestion: guess.map { "did you mean '\($0)'?" }
        ?? "quantities: " + Self.quantityList)
    return nil
  }

  static let quantityList = CheckQuantity.allCases.map(\.rawValue)
    .joined(separator: ", ")

  // MARK: Test

  mutating func test(for quantity: CheckQuantity)
    -> (test: CheckTest, tolerance: Double?)?
  {
    let expectedTests =
      "==, !=, <, <=, >, >=, between"
      + (quantity.hasEpochSeries ? ", decreases or increases" : "")
    guard let token = current, token.kind != .quoted else {
      fail(here, "expected \(expectedTests) after '\(quantity.rawValue)'")
      return nil
    }
    index += 1
    switch token.text {
    case "decreases", "increases":
      guard quantity.hasEpochSeries else {
        fail(at(token.column),
          "'\(token.text)' needs one value per epoch; '\(quantity.rawValue)'"
            + " has one value",
          suggestion: "cost, test.accuracy and validation.accuracy have one"
            + " per epoch of the last training")
        return nil
      }
      return (token.text == "decreases" ? .decreases : .increases, nil)
    case "between":
      guard quantity.kind.isMeasured || quantity.kind == .integer else {
        fail(at(token.column),
          "'between' compares numbers; '\(quantity.rawValue)' is "
            + Self.describe(quantity.kind),
          suggestion: "use == or !=")
        return nil
      }
      guard let low = number(for: quantity, after: "between"),
        let high = number(for: quantity, after: "between \(low.text)")
      else { return nil }
      if low.value > high.value {
        fail(at(low.column),
          "'between \(low.text) \(high.text)': the lower bound comes first",
          suggestion: "write 'between \(high.text) \(low.text)'")
        return nil
      }
      return (.between(low.value, high.value), nil)
    default:
      break
    }
    guard let comparison = CheckTest.Comparison(rawValue: token.text) else {
      let fixes = ["=": "==", "=>": ">=", "=<": "<=", "<>": "!=", "≥": ">=",
        "≤": "<=", "≠": "!=", "is": "==", "decrease": "decreases",
        "increase": "increases", "in": "between"]
      let names = ["decreases", "increases", "between"]
      let guess = fixes[token.text]
        ?? (token.kind == .word
          ? closestMatch(to: token.text, among: names) : nil)
      fail(at(token.column),
        "expected \(expectedTests) after '\(quantity.rawValue)', "
          + "found \(quoted(token.text))",
        suggestion: guess.map { "did you mean '\($0)'?" })
      return nil
    }
    guard let value = value(for: quantity, comparison: comparison) else {
      return nil
    }
    // `± 0.01` (or `+- 0.01`) right after the value.
    var tolerance: Double?
    if let sign = current, sign.text == "±" || sign.text == "+-" {
      index += 1
      guard quantity.kind.isMeasured else {
        fail(at(sign.column),
          "'\(quantity.rawValue)' is \(Self.describe(quantity.kind)) and is "
            + "compared exactly; a tolerance is for measured figures")
        return nil
      }
      guard let amount = current, amount.kind == .word,
        let number = Self.decimal(amount.text), number >= 0
      else {
        fail(here, "expected a tolerance after '\(sign.text)', e.g. 0.001")
        return nil
      }
      index += 1
      tolerance = number
    }
    if case .number = value {
    } else if comparison != .equal && comparison != .notEqual {
      fail(at(token.column),
        "'\(quantity.rawValue)' is \(Self.describe(quantity.kind)) and has "
          + "no order; use == or !=")
      return nil
    }
    return (.compare(comparison, value), tolerance)
  }

  /// A number after `between`, checked against the quantity's kind.
  mutating func number(for quantity: CheckQuantity, after what: String)
    -> (value: Double, text: String, column: Int)?
  {
    guard let token = current, token.kind == .word,
      let value = Self.decimal(token.text)
    else {
      fail(here, "expected a number after '\(what)'")
      return nil
    }
    index += 1
    guard fits(value, text: token.text, quantity, at: token.column) else {
      return nil
    }
    return (value, token.text, token.column)
  }

  /// The right-hand side of a comparison, read as the quantity's kind.
  mutating func value(
    for quantity: CheckQuantity, comparison: CheckTest.Comparison
  ) -> CheckValue? {
    guard let token = current, token.kind == .word else {
      fail(here,
        "expected \(Self.describe(quantity.kind)) after "
          + "'\(quantity.rawValue) \(comparison.rawValue)'",
        suggestion: Self.example(quantity).map { "e.g. \($0)" })
      return nil
    }
    index += 1
    switch quantity.kind {
    case .sizes:
      let parts = token.text.split(
        separator: "-", omittingEmptySubsequences: false)
      let sizes = parts.map { Int($0) }
      guard parts.count >= 2, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
        fail(at(token.column),
          "expected layer sizes such as 784-30-10, found \(quoted(token.text))")
        return nil
      }
      return .sizes(sizes.map { $0! })
    case .status:
      let words = ["ok", "error", "skipped"]
      guard words.contains(token.text) else {
        fail(at(token.column),
          "expected ok, error or skipped, found \(quoted(token.text))",
          suggestion: closestMatch(
            to: token.text, among: words,
            aliases: ["passed": "ok", "failed": "error", "fail": "error"]
          ).map { "did you mean '\($0)'?" })
        return nil
      }
      return .status(token.text)
    case .fraction, .real, .integer:
      guard let number = Self.decimal(token.text) else {
        fail(at(token.column),
          "expected a number after '\(quantity.rawValue) "
            + "\(comparison.rawValue)', found \(quoted(token.text))",
          suggestion: token.text.hasSuffix("%")
            ? "write accuracies as fractions: 0.9 for 90%" : nil)
        return nil
      }
      guard fits(number, text: token.text, quantity, at: token.column) else {
        return nil
      }
      return .number(number, decimals: Self.decimals(token.text))
    }
  }

  /// Whether `value` can be a value of the quantity (an accuracy of 90 is
  /// surely 0.9; epochs are whole).
  mutating func fits(
    _ value: Double, text: String, _ quantity: CheckQuantity, at column: Int
  ) -> Bool {
    switch quantity.kind {
    case .fraction where value < 0 || value > 1:
      let fix = value > 1 && value <= 100 ? Self.format(value / 100) : nil
      fail(at(column),
        "'\(quantity.rawValue)' is a fraction between 0 and 1, and "
          + "\(quoted(text)) is outside it",
        suggestion: fix.map { "write \($0) for \(text)%" })
      return false
    case .integer where value != value.rounded():
      fail(at(column),
        "'\(quantity.rawValue)' is a whole number; \(quoted(text)) is not")
      return false
    default:
      return true
    }
  }

  // MARK: Options

  mutating func options(into check: inout Check, toleranceWritten: Bool) {
    var seen: [String: Int] = [:]
    while let token = current {
      index += 1
      guard token.kind == .word, let sign = current, sign.text == "=",
        sign.column == token.end, let value = tokens.dropFirst(index + 1).first,
        value.column == sign.end, value.kind != .symbol
      else {
        fail(at(token.column),
          "unexpected \(quoted(token.text)) after the check",
          suggestion: "options are points=N, tol=X and cell=N or "
            + "cell=\"heading\"")
        return
      }
      index += 2
      let key = token.text
      if let first = seen.updateValue(token.column, forKey: key) {
        fail(at(token.column),
          "'\(key)' is given twice (first at column \(first))")
        continue
      }
      let valueAt = at(value.column)
      switch key {
      case "points":
        guard let points = Self.decimal(value.text), points >= 0 else {
          fail(valueAt,
            "points must be a number of at least 0, found \(quoted(value.text))")
          continue
        }
        check.points = points
      case "tol":
        guard check.quantity.kind.isMeasured else {
          fail(at(token.column),
            "'\(check.quantity.rawValue)' is "
              + "\(Self.describe(check.quantity.kind)) and is compared "
              + "exactly; a tolerance is for measured figures")
          continue
        }
        if toleranceWritten {
          fail(at(token.column), "the tolerance is already given with ±")
          continue
        }
        guard let tolerance = Self.decimal(value.text), tolerance >= 0 else {
          fail(valueAt,
            "tol must be a number of at least 0, found \(quoted(value.text))")
          continue
        }
        check.tolerance = tolerance
      case "cell":
        if value.kind == .quoted {
          guard !value.text.isEmpty else {
            fail(valueAt, "cell=\"\" names no heading")
            continue
          }
          check.scope = .section(value.text)
        } else if let number = Int(value.text), number >= 1 {
          check.scope = .cell(number)
        } else {
          fail(valueAt,
            "cell= takes a cell number (1, 2, …) or a heading in quotes, "
              + "found \(quoted(value.text))",
            suggestion: "write cell=\"\(value.text)\" for the section of "
              + "that heading")
        }
      default:
        fail(at(token.column), "unknown option \(quoted(key))",
          suggestion: closestMatch(
            to: key, among: ["points", "tol", "cell"],
            aliases: ["tolerance": "tol", "point": "points",
              "section": "cell", "heading": "cell"]
          ).map { "did you mean '\($0)'?" } ?? "options: points, tol, cell")
      }
    }
  }

  // MARK: Numbers

  /// A plain decimal number (`0.9`, `3`, `1e-3`, `-2`); no `nan`, `inf`
  /// or hexadecimal.
  static func decimal(_ text: String) -> Double? {
    guard !text.isEmpty, text.unicodeScalars.count <= 40,
      text.unicodeScalars.allSatisfy({
        ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "+"
          || $0 == "e" || $0 == "E"
      }),
      let value = Double(text), value.isFinite
    else { return nil }
    return value
  }

  /// Digits written after the decimal point (`0.9483` → 4; `1e-3` → 0).
  static func decimals(_ text: String) -> Int {
    guard let dot = text.firstIndex(of: "."),
      !text.contains("e"), !text.contains("E")
    else { return 0 }
    return text[text.index(after: dot)...].count
  }

  static func format(_ value: Double) -> String {
    var text = String(value)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
  }

  static func describe(_ kind: CheckQuantity.Kind) -> String {
    switch kind {
    case .fraction: "a fraction between 0 and 1"
    case .real: "a number"
    case .integer: "a whole number"
    case .sizes: "a list of layer sizes such as 784-30-10"
    case .status: "ok, error or skipped"
    }
  }

  static func example(_ quantity: CheckQuantity) -> String? {
    switch quantity.kind {
    case .fraction: "0.9"
    case .real: "0.1"
    case .integer: "10"
    case .sizes: "784-30-10"
    case .status: "ok"
    }
  }
}
