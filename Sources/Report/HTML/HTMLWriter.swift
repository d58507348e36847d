// A tiny append-only markup writer. Every element it opens is closed and
// void elements are written `<meta ... />`, so the page also parses as
// XML; that is what the tests check.

import HTMLText

/// Builds HTML/SVG text (public so that a ``ResultContent`` can draw
/// itself). Text and attribute values are always escaped;
/// only `raw` inserts markup as is.
public struct HTMLWriter {
  private(set) var output = ""
  private var stack: [String] = []

  public init() {}

  /// An attribute list; `nil` values are left out, so optional attributes
  /// read naturally at the call site.
  public typealias Attributes = KeyValuePairs<String, String?>

  /// Opens `<tag ...>`; pair with `close()`.
  public mutating func open(_ tag: String, _ attributes: Attributes = [:]) {
    output += "<" + tag + Self.render(attributes) + ">"
    stack.append(tag)
  }

  /// Closes the innermost open element.
  public mutating func close() {
    guard let tag = stack.popLast() else { return }
    output += "</" + tag + ">"
  }

  /// `<tag ...>` … `</tag>` around whatever `body` writes.
  public mutating func element(
    _ tag: String, _ attributes: Attributes = [:],
    _ body: (inout HTMLWriter) -> Void
  ) {
    open(tag, attributes)
    body(&self)
    close()
  }

  /// `<tag ...>text</tag>`, the text escaped.
  public mutating func element(
    _ tag: String, _ attributes: Attributes = [:], text: String
  ) {
    open(tag, attributes)
    self.text(text)
    close()
  }

  /// A void or self-closing element: `<tag ... />`.
  public mutating func empty(_ tag: String, _ attributes: Attributes = [:]) {
    output += "<" + tag + Self.render(attributes) + " />"
  }

  /// Escaped text.
  public mutating func text(_ string: String) { output += string.htmlEscaped }

  /// Markup inserted as is: only for text this module generated or that
  /// is already safe (libcmark's prose).
  public mutating func raw(_ markup: String) { output += markup }

  /// A line break in the source, to keep the page readable as text.
  public mutating func newline() { output += "\n" }

  private static func render(_ attributes: Attributes) -> String {
    var out = ""
    for (name, value) in attributes {
      guard let value else { continue }
      out += " " + name + "=\"" + value.htmlEscaped + "\""
    }
    return out
  }
}
