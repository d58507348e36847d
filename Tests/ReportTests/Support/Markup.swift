// Helpers for looking inside the rendered page: XML well-formedness,
// counting, and cutting out elements.

import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif

enum Markup {
  /// Parses `html` as XML; returns the parser's error, or nil when the
  /// page is well-formed (tags balanced, entities and attributes valid).
  /// Also counts elements by name.
  static func parse(_ html: String) -> (error: String?, counts: [String: Int])
  {
    if let error = tags(html).error { return (error, [:]) }
    let delegate = Counter()
    let parser = XMLParser(data: Data(html.utf8))
    parser.delegate = delegate
    let ok = parser.parse()
    let error = ok
      ? nil
      : "\(parser.parserError.map { "\($0)" } ?? "unknown") at line "
        + "\(parser.lineNumber), column \(parser.columnNumber)"
    return (error, delegate.counts)
  }

  private final class Counter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(
      _ parser: XMLParser, didStartElement name: String,
      namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      counts[name, default: 0] += 1
    }
  }

  /// Every tag in `html`, in order, as its name and the text between `<`
  /// and `>`; with an error when an element is closed out of order or
  /// left open. (Foundation's XMLParser on Linux lets mismatched end tags
  /// through, so balance is checked here.) `<style>` content is skipped.
  static func tags(_ html: String) -> (tags: [(name: String, text: String)],
                                       error: String?)
  {
    var tags: [(name: String, text: String)] = []
    var stack: [String] = []
    var rest = html[...]
    while let open = rest.firstIndex(of: "<") {
      rest = rest[open...]
      if rest.hasPrefix("<!--") {
        guard let end = rest.range(of: "-->") else {
          return (tags, "unclosed comment")
        }
        rest = rest[end.upperBound...]
        continue
      }
      guard let close = rest.firstIndex(of: ">") else {
        return (tags, "unclosed tag")
      }
      let text = String(rest[rest.index(after: open)..<close])
      rest = rest[rest.index(after: close)...]
      if text.hasPrefix("!") { continue }  // DOCTYPE
      let name = String(
        text.drop { $0 == "/" }.prefix { !$0.isWhitespace && $0 != "/" })
      tags.append((name, text))
      if text.hasPrefix("/") {
        guard stack.popLast() == name else {
          return (tags, "</\(name)> closes \(stack.last.map { "<\($0)>" } ?? "nothing")")
        }
      } else if !text.hasSuffix("/") {
        stack.append(name)
        if name == "style", let end = rest.range(of: "</style>") {
          rest = rest[end.lowerBound...]
        }
      }
    }
    return (tags, stack.isEmpty ? nil : "unclosed <\(stack.last ?? "")>")
  }

  /// How many times `needle` occurs in `text`.
  static func count(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  /// The text of each `<tag ...>...</tag>` whose opening tag contains
  /// `marker` (not nested in one another).
  static func elements(
    _ tag: String, containing marker: String, in html: String
  ) -> [String] {
    var found: [String] = []
    var rest = html[...]
    while let start = rest.range(of: "<" + tag) {
      guard let end = rest[start.lowerBound...].range(of: "</" + tag + ">")
      else { break }
      let element = rest[start.lowerBound..<end.upperBound]
      let openTag = element.prefix { $0 != ">" }
      if openTag.contains(marker) { found.append(String(element)) }
      rest = rest[end.upperBound...]
    }
    return found
  }

  /// All values of `attribute="..."` in `html`.
  static func attributeValues(_ attribute: String, in html: String)
    -> [String]
  {
    html.components(separatedBy: " " + attribute + "=\"").dropFirst().map {
      String($0.prefix { $0 != "\"" })
    }
  }
}
