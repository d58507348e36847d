// A small JSON tree and its writer. Written by hand rather than with
// JSONEncoder so that non-finite doubles become `null` (NaN is not JSON),
// keys are always sorted and numbers are spelled the same on every
// platform: equal documents give byte-identical files.

/// A JSON value (public so that a ``ResultContent`` can write itself).
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// A double, or `null` when it is NaN or infinite.
  public static func number(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }

  /// An optional double: `null` when absent or non-finite.
  public static func number(_ x: Double?) -> JSONValue { x.map(number) ?? .null }

  public static func number(_ n: Int?) -> JSONValue { n.map(JSONValue.int) ?? .null }

  public static func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

  /// Pretty text: two-space indent, sorted keys, arrays of scalars on one
  /// line, a final newline.
  var pretty: String {
    var out = ""
    write(to: &out, indent: "")
    return out + "\n"
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: false
    default: true
    }
  }

  private func write(to out: inout String, indent: String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let n): out += String(n)
    case .double(let x):
      // Swift's `description` is the shortest round-trip spelling; it
      // already matches JSON's number grammar for finite values
      // (`0.5`, `3.0`, `1e-05`, `1e+20`).
      out += x.isFinite ? x.description : "null"
    case .string(let s): out += JSONValue.quoted(s)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
      } else if items.allSatisfy(\.isScalar) {
        out += "["
        for (i, item) in items.enumerated() {
          if i > 0 { out += ", " }
          item.write(to: &out, indent: indent)
        }
        out += "]"
      } else {
        let inner = indent + "  "
        out += "[\n"
        for (i, item) in items.enumerated() {
          out += inner
          item.write(to: &out, indent: inner)
          out += i + 1 < items.count ? ",\n" : "\n"
        }
        out += indent + "]"
      }
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      let inner = indent + "  "
      out += "{\n"
      let keys = members.keys.sorted {
        // Compare code units so the order never depends on Unicode
        // normalisation tables.
        $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
      }
      for (i, key) in keys.enumerated() {
        out += inner + JSONValue.quoted(key) + ": "
        members[key]?.write(to: &out, indent: inner)
        out += i + 1 < keys.count ? ",\n" : "\n"
      }
      out += indent + "}"
    }
  }

  /// A JSON string literal. Control characters are escaped; lone
  /// surrogates cannot occur in a Swift `String`.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
