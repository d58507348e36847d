// Everything the notebook wrote goes through `htmlEscaped` before it
// lands in the page: prose, formulas, text nodes and attribute values.

extension String {
  /// The string made safe for HTML/SVG text and for quoted attribute
  /// values: `& < > " '` become character references, and control
  /// characters that XML forbids become U+FFFD.
  public var htmlEscaped: String {
    // Most text (numbers, labels, class names) needs no change: one pass
    // over the bytes finds out, and the page is built from many such bits.
    if !utf8.contains(where: Self.mayNeedEscaping) { return self }
    var out = ""
    out.reserveCapacity(utf8.count)
    for scalar in unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        // C0 controls, DEL..C1 controls, and the two non-characters XML
        // rejects would make the page unparsable as XHTML.
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE
          || v == 0xFFFF
        {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// Whether a UTF-8 byte could start something `htmlEscaped` changes:
  /// a special character, a control, or the lead byte of U+007F...U+009F
  /// (0xC2) or U+FFFE/U+FFFF (0xEF).
  private static func mayNeedEscaping(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"),
      UInt8(ascii: "\""), UInt8(ascii: "'"), 0x7F, 0xC2, 0xEF:
      true
    default:
      byte < 0x20 && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n")
        && byte != UInt8(ascii: "\r")
    }
  }
}
