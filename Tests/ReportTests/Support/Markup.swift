// Helpers for looking inside the rendered page: XML well-formedness,
// counting, and cutting out elements.

import Foundation
#if canImport(FoundationXML)
  import FoundationXML
#endif

enum Markup {
  /// Parses `html` as XML; returns the parser's error, or nil when the
  /// page is well-formed. Also counts elements by name.
  static func parse(_ html: String) -> (error: String?, counts: [String: Int])
  {
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
