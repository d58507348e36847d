// Fixed, locale-free number formatting. The report must be byte-identical
// for equal documents, so nothing here consults the locale or the clock.

/// labrun's one number formatter: the page, the SVG charts, the terminal
/// and the notebook's own messages spell a number the same way. Units and
/// `%` follow a no-break space (the terminal prints it as a space).
public enum Format {
  /// `x` with exactly `decimals` digits after the point: `fixed(0.5, 2)` is
  /// `0.50`. Non-finite values become `NaN`, `∞` or `−∞`.
  public static func fixed(_ x: Double, _ decimals: Int) -> String {
    guard x.isFinite else { return nonFinite(x) }
    let places = max(0, min(decimals, 12))
    var scale: Double = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(x) * scale).rounded()
    // Beyond 2^53 the digits are not exact any more; the shortest
    // round-trip spelling is still deterministic.
    guard scaled < 9.0e15 else { return x.description }
    let n = UInt64(scaled)
    let unit = UInt64(scale)
    var text = String(n / unit)
    if places > 0 {
      let fraction = String(n % unit)
      text += "." + String(repeating: "0", count: places - fraction.count)
        + fraction
    }
    return (x < 0 && n != 0 ? "-" : "") + text
  }

  /// The shortest spelling that reads back as `x`, as a person would
  /// write it in a notebook: `3.0` → `3`, `0.5` → `0.5`, and powers of
  /// ten in exponent form: `1e12` (not `1000000000000`), `2.5e7`, `1e-5`.
  public static func plain(_ x: Double) -> String {
    guard x.isFinite else { return nonFinite(x) }
    var text = x.description  // "3.0", "1e-05", "1e+16", "25000000.0"
    if text.hasSuffix(".0") { text.removeLast(2) }
    if let e = text.firstIndex(of: "e") {
      // Swift writes "1e-05" and "1e+16"; a notebook says 1e-5 and 1e16.
      var exponent = text[text.index(after: e)...]
      let negative = exponent.first == "-"
      exponent = exponent.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" }
      return text[..<e] + "e" + (negative ? "-" : "") + exponent
    }
    // Whole numbers of a million and more lose their trailing zeros.
    guard abs(x) >= 1e6, !text.contains(".") else { return text }
    let sign = x < 0 ? "-" : ""
    let digits = text.drop { $0 == "-" }
    let significand = digits.reversed().drop { $0 == "0" }.reversed()
    let exponent = digits.count - 1
    guard digits.count - significand.count >= 3 else { return text }
    let mantissa =
      significand.count == 1
      ? String(significand)
      : "\(significand.first!)." + String(significand.dropFirst())
    return sign + mantissa + "e\(exponent)"
  }

  /// The shortest digits that read back as `x`, with no exponent: for a
  /// notation where a dash separates words (`5e-10` → `0.0000000005`, and
  /// `0.5` stays `0.5`). For |x| < 1; others are spelled as `description`.
  public static func positional(_ x: Double) -> String {
    let shortest = x.description
    guard abs(x) < 1, let e = shortest.firstIndex(of: "e"),
      let exponent = Int(shortest[shortest.index(after: e)...])
    else { return shortest }
    // d.ddd × 10^exponent (exponent ≤ −5 below 1): the first digit moves
    // −exponent places right of the point.
    let sign = x < 0 ? "-" : ""
    let digits = shortest[..<e].filter { $0.isNumber }
    return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
  }

  /// A count or a bound as a person would write it in a directive: whole
  /// numbers in digits (`2000000`, `10000`), others as `plain` spells them
  /// (`0.5`, `1e-5`).
  public static func digits(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return plain(x)
  }

  /// Any value as a person would write it: a `Double` as `plain` spells
  /// it, anything else (a batch size) as its description.
  public static func plain(_ value: some CustomStringConvertible) -> String {
    if let double = value as? Double { return plain(double) }
    return value.description
  }

  /// An integer with thousands separators: `50000` → `50,000`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// A fraction in [0, 1] as a percentage: `0.9512` → `95.12 %`.
  public static func percent(_ fraction: Double, _ decimals: Int = 2) -> String {
    guard fraction.isFinite else { return nonFinite(fraction) }
    return fixed(fraction * 100, decimals) + "\u{A0}%"
  }

  /// A duration for people: `420 ms`, `3.25 s`, `12.3 s`, `2 min 05 s`.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    if seconds < 1 { return fixed(seconds * 1000, 0) + "\u{A0}ms" }
    if seconds < 10 { return fixed(seconds, 2) + "\u{A0}s" }
    if seconds < 60 { return fixed(seconds, 1) + "\u{A0}s" }
    guard seconds < 1e12 else { return plain(seconds) + "\u{A0}s" }
    let whole = Int(seconds.rounded())
    let (minutes, rest) = whole.quotientAndRemainder(dividingBy: 60)
    if minutes < 60 {
      return "\(minutes)\u{A0}min \(rest < 10 ? "0" : "")\(rest)\u{A0}s"
    }
    let (hours, mins) = minutes.quotientAndRemainder(dividingBy: 60)
    return "\(hours)\u{A0}h \(mins < 10 ? "0" : "")\(mins)\u{A0}min"
  }

  private static func nonFinite(_ x: Double) -> String {
    x.isNaN ? "NaN" : (x < 0 ? "−∞" : "∞")
  }
}
