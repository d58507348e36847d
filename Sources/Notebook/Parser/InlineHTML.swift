// MARK: - The HTML a notebook may use

/// One HTML tag as written in the notebook: `<sup>`, `</details>`,
/// `<br/>`, `<span class="x">`.
struct HTMLTag: Equatable {
  /// Lower-cased.
  var name: String
  var isClosing: Bool
  /// Lower-cased attribute names, in order.
  var attributes: [String]

  /// Reads a tag from its text, or nil when the text is not a tag (a
  /// comment, `<!DOCTYPE …>`, `<?…?>`).
  init?(_ text: Substring) {
    var scalars = text.unicodeScalars[...]
    guard scalars.first == "<" else { return nil }
    scalars = scalars.dropFirst()
    isClosing = scalars.first == "/"
    if isClosing { scalars = scalars.dropFirst() }
    let isNameCharacter = { (s: Unicode.Scalar) -> Bool in
      s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-"
    }
    let name = scalars.prefix(while: isNameCharacter)
    guard let first = name.first, first.properties.isAlphabetic else {
      return nil
    }
    self.name = String(String.UnicodeScalarView(name)).lowercased()
    scalars = scalars.dropFirst(name.count)
    // Attribute names: what follows a space up to `=`, a space or `>`;
    // quoted values are skipped whole.
    var attributes: [String] = []
    var quote: Unicode.Scalar?
    var current = ""
    var readingName = false
    for scalar in scalars {
      if let open = quote {
        if scalar == open { quote = nil }
        continue
      }
      switch scalar {
      case "\"", "'":
        quote = scalar
      case " ", "\t", "\n", "=", ">", "/":
        if readingName, !current.isEmpty { attributes.append(current.lowercased()) }
        current = ""
        readingName = scalar == " " || scalar == "\t" || scalar == "\n"
      default:
        if readingName { current.unicodeScalars.append(scalar) }
      }
    }
    self.attributes = attributes
  }
}

/// Which tags a notebook may use, and what to write instead of the others.
enum HTMLPolicy {
  /// Kept in the text, without attributes.
  static let inlineTags: Set<String> = [
    "sup", "sub", "kbd", "mark", "br", "small", "abbr", "ins", "del",
  ]
  /// Kept as blocks: how instructors fold solutions away.
  static let blockTags: Set<String> = ["details", "summary"]
  /// The one attribute that survives: `<details open>`.
  static let keptAttributes: [String: String] = ["details": "open"]

  static func isAllowed(_ name: String) -> Bool {
    inlineTags.contains(name) || blockTags.contains(name)
  }

  /// The kept tag as it goes into the page (XML-parsable, like the rest).
  static func markup(_ tag: HTMLTag) -> String {
    if tag.isClosing { return "</\(tag.name)>" }
    if tag.name == "br" { return "<br />" }
    if let kept = keptAttributes[tag.name], tag.attributes.contains(kept) {
      return "<\(tag.name) \(kept)=\"\">"
    }
    return "<\(tag.name)>"
  }

  /// What to write instead of a tag that is dropped.
  static func advice(for name: String) -> String {
    switch name {
    case "b", "strong": return "write **bold** in Markdown"
    case "i", "em", "cite", "var": return "write *italic* in Markdown"
    case "code", "tt", "samp": return "write `code` in Markdown"
    case "a": return "write a link as [text](https://…)"
    case "img", "picture", "figure":
      return "write an image as ![description](figures/file.png)"
    case "h1", "h2", "h3", "h4", "h5", "h6":
      return "write a heading as '# Title' on its own line"
    case "ul", "ol", "li": return "write a list with '- ' or '1. '"
    case "blockquote": return "start the lines with '> '"
    case "pre": return "write a fenced code block (```)"
    case "hr": return "write '---' on a line of its own"
    case "u": return "write <ins>text</ins> or *italic*"
    case "s", "strike": return "write <del>text</del>"
    case "table", "tr", "td", "th", "thead", "tbody":
      return "write the table in Markdown"
    case "div", "span", "p", "section", "aside", "font", "center":
      return "write the text in Markdown; for a note, a quote works:"
        + " '> **Note:** …'"
    case "script", "style", "iframe", "object", "embed", "form", "input",
      "button", "link", "meta", "svg", "math", "video", "audio", "canvas":
      return "a report carries no scripts, styles, forms or embedded"
        + " content; describe it in the text"
    default:
      return "write it in Markdown; the tags kept are "
        + (inlineTags.sorted() + blockTags.sorted()).map { "<\($0)>" }
        .joined(separator: ", ")
    }
  }
}

// MARK: - Keeping tags balanced

/// The allowed tags open in one container. A closing tag closes only the
/// innermost open tag of its name in the same container, so that the
/// page's elements always nest.
struct OpenTags {
  private(set) var open: [(tag: HTMLTag, location: SourceLocation)] = []

  var isEmpty: Bool { open.isEmpty }

  mutating func push(_ tag: HTMLTag, at location: SourceLocation) {
    open.append((tag, location))
  }

  /// True when the innermost open tag has this name; it is closed.
  mutating func close(_ name: String) -> Bool {
    guard open.last?.tag.name == name else { return false }
    open.removeLast()
    return true
  }

  /// Closes everything still open: the closing markup, innermost first,
  /// and a warning for each.
  mutating func closeAll(where place: String) -> (String, [Diagnostic]) {
    var markup = ""
    var warnings: [Diagnostic] = []
    for (tag, location) in open.reversed() {
      markup += "</\(tag.name)>"
      warnings.append(
        .warning(
          at: location,
          "<\(tag.name)> is never closed; labrun closes it at the end of"
            + " \(place)",
          suggestion: "add </\(tag.name)> where it ends"))
    }
    open = []
    return (markup, warnings.reversed())
  }
}
