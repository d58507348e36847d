import Foundation
import HTMLText
import TeXMath

// MARK: - What the prose needs from the notebook

/// What the Markdown converter asks while it builds the prose: the markup
/// of each formula, with the warnings that come with it, placed in the
/// notebook. One per parse; used from one thread.
final class ProseContext {
  let path: String
  /// The notebook as written (placeholders are in `math.bytes` only).
  let text: SourceText
  let math: MathScan
  private(set) var diagnostics: [Diagnostic] = []
  private var formulas: [Int: String] = [:]
  /// `<details>` and `<summary>` open across the top-level blocks of one
  /// run of prose.
  private var openBlocks = OpenTags()
  /// Heading ids given so far, for GitHub's `-1`, `-2` on repeats.
  private var headingIDs: [String: Int] = [:]

  /// At most this many problems of one formula are reported: the first
  /// usually explains the rest.
  static let problemsPerFormula = 3

  /// The footnotes, and the text libcmark reads (`footnotes.bytes`).
  let footnotes: FootnoteScan
  /// Footnote labels in the order of their first reference: its number.
  private var footnoteNumbers: [String: Int] = [:]
  private var footnoteOrder: [String] = []
  /// How many references each footnote has had so far.
  private var footnoteReferences: [String: Int] = [:]
  /// Each footnote's text, rendered.
  private var footnoteBodies: [String: String] = [:]

  /// At most this many warnings of one kind about footnotes.
  static let footnoteWarnings = 20

  init(path: String, text: SourceText, math: MathScan, footnotes: FootnoteScan) {
    self.path = path
    self.text = text
    self.math = math
    self.footnotes = footnotes
  }

  // MARK: Math

  /// The markup of the prose's formula `number`: MathML, or its TeX
  /// marked as not converted.
  func formula(_ number: Int) -> String {
    if let markup = formulas[number] { return markup }
    let span = math.spans[number]
    let startColumn = text.column(line: span.line, byteColumn: span.byteColumn)
    let markup = render(
      span.tex, display: span.display, block: false, source: span.source
    ) { offset in
      // Walk the TeX to the offset: it is the notebook's text, line breaks
      // included.
      var (line, column) = (span.line, startColumn)
      for scalar in span.tex.unicodeScalars.prefix(offset) {
        if scalar == "\n" {
          (line, column) = (line + 1, 1)
        } else {
          column += 1
        }
      }
      return SourceLocation(file: path, line: line, column: column)
    }
    formulas[number] = markup
    return markup
  }

  /// The markup of a ```` ```math ```` block.
  func mathBlock(_ block: CodeBlock) -> String {
    let lines = block.lines
    let firstLine = block.startLine + 1
    let tex = lines.joined(separator: "\n")
    let source = "```\(block.info)\n\(tex)\n```"
    let markup = render(tex, display: true, block: true, source: source) {
      offset in
      var remaining = offset
      for (index, line) in lines.enumerated() {
        let count = line.unicodeScalars.count
        if remaining <= count || index == lines.count - 1 {
          // The literal lacks a container's prefix (`> `): count columns
          // from the end of the source line, as lab cells do.
          let number = firstLine + index
          let base = max(0, text.scalarCount(line: number) - count)
          return SourceLocation(
            file: path, line: number, column: base + min(remaining, count) + 1)
        }
        remaining -= count + 1
      }
      return SourceLocation(file: path, line: block.startLine, column: 1)
    }
    return markup.hasSuffix("\n") ? markup : markup + "\n"
  }

  private func render(
    _ tex: String, display: Bool, block: Bool, source: String,
    locate: (Int) -> SourceLocation
  ) -> String {
    let conversion = TeXMath.convert(tex, display: display)
    if let mathML = conversion.mathML { return mathML }
    for problem in conversion.problems.prefix(ProseContext.problemsPerFormula) {
      let suggestion =
        problem.suggestion
        ?? problem.unknownCommand.flatMap {
          closestMatch(to: $0, among: TeXMath.commandNames)
        }.map { "did you mean '\\\($0)'?" }
      diagnostics.append(
        .warning(
          at: locate(problem.offset),
          "\(problem.message); the formula is shown as TeX",
          suggestion: suggestion))
    }
    let title = conversion.problems.first.map { " title=\"\($0.message.htmlEscaped)\"" } ?? ""
    if block {
      return "<pre class=\"tex-error\"\(title)><code>\(source.htmlEscaped)</code></pre>\n"
    }
    let classes = display ? "tex-error tex-display" : "tex-error"
    return "<code class=\"\(classes)\"\(title)>\(source.htmlEscaped)</code>"
  }

  // MARK: HTML

  /// Where an HTML node's text is in the notebook, from the line and byte
  /// column cmark reports in the text with placeholders.
  func locate(_ literal: String, line: Int, byteColumn: Int) -> SourceLocation {
    let column = math.originalByteColumn(line: line, byteColumn: byteColumn)
    let bytes = text.line(line)
    let needle = Array(literal.utf8.prefix { $0 != 0x0A })
    // cmark counts a paragraph's continuation lines without their leading
    // spaces: the tag is at its column or a little after.
    func find(from start: Int) -> Int? {
      guard !needle.isEmpty, start < bytes.endIndex else { return nil }
      var index = start
      while index + needle.count <= bytes.endIndex {
        if bytes[index] == needle[0],
          bytes[index..<index + needle.count].elementsEqual(needle)
        {
          return index
        }
        index += 1
      }
      return nil
    }
    let from = bytes.startIndex + max(0, column - 1)
    let found = find(from: from) ?? find(from: bytes.startIndex) ?? from
    return SourceLocation(
      file: path, line: line,
      column: text.column(line: line, byteColumn: found - bytes.startIndex + 1))
  }

  /// The tag of an HTML node's text when it may stay; nil, with a warning
  /// that says what to write instead, when it is dropped. Comments go
  /// silently: they were never meant to show.
  func allowedTag(_ text: Substring, at location: SourceLocation) -> HTMLTag? {
    guard let tag = HTMLTag(text) else {
      if !text.hasPrefix("<!--") {
        diagnostics.append(
          .warning(
            at: location, "\(quoted(String(text))) is dropped: a notebook's"
              + " HTML is not passed through",
            suggestion: "write it in Markdown"))
      }
      return nil
    }
    guard HTMLPolicy.isAllowed(tag.name) else {
      if !tag.isClosing {
        diagnostics.append(
          .warning(
            at: location,
            "HTML tag <\(tag.name)> is dropped (the text inside it stays)",
            suggestion: HTMLPolicy.advice(for: tag.name)))
      }
      return nil
    }
    let dropped = tag.attributes.filter { $0 != HTMLPolicy.keptAttributes[tag.name] }
    if !tag.isClosing, !dropped.isEmpty {
      let names = dropped.map { "'\($0)'" }.joined(separator: ", ")
      diagnostics.append(
        .warning(
          at: location,
          "\(dropped.count == 1 ? "attribute" : "attributes") \(names) of"
            + " <\(tag.name)> \(dropped.count == 1 ? "is" : "are") dropped:"
            + " kept tags carry no attributes",
          suggestion: "write <\(tag.name)> alone"))
    }
    return tag
  }

  /// A closing tag with no open tag of its name in the same container.
  func unmatched(_ tag: HTMLTag, at location: SourceLocation) {
    diagnostics.append(
      .warning(
        at: location,
        "</\(tag.name)> closes no <\(tag.name)> of the same paragraph or"
          + " block; it is dropped",
        suggestion: "remove it, or open <\(tag.name)> before it in the same"
          + " paragraph"))
  }

  func report(_ warnings: [Diagnostic]) { diagnostics += warnings }

  /// An HTML block as safe markup: the allowed tags without attributes,
  /// the text escaped, every other tag dropped with a warning (and the
  /// content of `<script>` and `<style>` with it). A block of text alone
  /// becomes a paragraph.
  ///
  /// - Parameters:
  ///   - topLevel: A block of the document itself: its `<details>` may
  ///     close in a later block.
  func htmlBlock(_ literal: String, line firstLine: Int, topLevel: Bool)
    -> String
  {
    var markup = ""
    var local = OpenTags()
    var hasBlockTag = false
    var hasText = false
    var line = firstLine
    var rest = literal[...]
    while let open = rest.firstIndex(of: "<") {
      let before = rest[..<open]
      line += before.utf8.count(where: { $0 == 0x0A })
      hasText = hasText || before.contains { !$0.isWhitespace }
      markup += String(before).htmlEscaped
      rest = rest[open...]
      if rest.hasPrefix("<!--") {
        let end = rest.range(of: "-->")?.upperBound ?? rest.endIndex
        line += rest[..<end].utf8.count(where: { $0 == 0x0A })
        rest = rest[end...]
        continue
      }
      guard let close = rest.firstIndex(of: ">"), HTMLTag(rest[...close]) != nil
        || rest.hasPrefix("<!") || rest.hasPrefix("<?")
      else {
        markup += "&lt;"
        hasText = true
        rest = rest.dropFirst()
        continue
      }
      let tagText = rest[...close]
      let location = locate(String(tagText), line: line, byteColumn: 1)
      line += tagText.utf8.count(where: { $0 == 0x0A })
      rest = rest[rest.index(after: close)...]
      guard let tag = allowedTag(tagText, at: location) else {
        // A script's or a style's content is not text for the reader.
        if let name = HTMLTag(tagText)?.name, !(HTMLTag(tagText)?.isClosing ?? true),
          name == "script" || name == "style",
          let end = rest.range(of: "</\(name)", options: .caseInsensitive)
        {
          line += rest[..<end.lowerBound].utf8.count(where: { $0 == 0x0A })
          rest = rest[end.lowerBound...]
        }
        continue
      }
      let isBlock = HTMLPolicy.blockTags.contains(tag.name)
      hasBlockTag = hasBlockTag || isBlock
      if tag.isClosing {
        let closed = isBlock && topLevel
          ? openBlocks.close(tag.name) : local.close(tag.name)
        if closed { markup += HTMLPolicy.markup(tag) } else { unmatched(tag, at: location) }
      } else {
        if tag.name != "br" {
          if isBlock && topLevel {
            openBlocks.push(tag, at: location)
          } else {
            local.push(tag, at: location)
          }
        }
        markup += HTMLPolicy.markup(tag)
      }
    }
    hasText = hasText || rest.contains { !$0.isWhitespace }
    markup += String(rest).htmlEscaped
    let (closing, warnings) = local.closeAll(where: "its HTML block")
    diagnostics += warnings
    markup += closing
    if !hasBlockTag, hasText {
      return "<p>" + markup.trimmingSpaces() + "</p>\n"
    }
    return markup.hasSuffix("\n") ? markup : markup + "\n"
  }

  /// Closes the `<details>` and `<summary>` left open at the end of a run
  /// of prose (a lab cell cannot be folded away with its prose).
  func closeOpenBlocks(where place: String) -> String {
    let (markup, warnings) = openBlocks.closeAll(where: place)
    diagnostics += warnings
    return markup
  }

  // MARK: Table cells

  /// Where the tags and images of table cells are in the notebook: libcmark
  /// read each cell in a document of its own, whose lines are not the
  /// notebook's.
  private var cellPositions: [OpaquePointer: (line: Int, byteColumn: Int)] = [:]

  func placeInCell(_ node: OpaquePointer, line: Int, byteColumn: Int) {
    cellPositions[node] = (line, byteColumn)
  }

  /// A node's line and byte column in the text libcmark read: cmark's own,
  /// unless the node came from a table cell.
  func position(of node: OpaquePointer, cmark: (line: Int, byteColumn: Int))
    -> (line: Int, byteColumn: Int)
  {
    cellPositions[node] ?? cmark
  }

  // MARK: Images

  private lazy var images = ImageEmbedder(notebookPath: path)

  /// The local image files the prose names, found or not.
  var imageFiles: [String] { images.files }

  /// What an image of the prose becomes (its warning, if any, recorded).
  func image(
    url: String, alt: String, title: String, line: Int, byteColumn: Int
  ) -> ImageEmbedder.Outcome {
    let (outcome, problem) = images.embed(url: url, alt: alt, title: title)
    if let problem {
      diagnostics.append(
        .warning(
          at: locate("![", line: line, byteColumn: byteColumn),
          problem.message, suggestion: problem.suggestion))
    }
    return outcome
  }

  // MARK: Footnotes

  /// True when `[^label]` has a definition.
  func isFootnote(_ label: String) -> Bool {
    footnotes.definitions[label] != nil
  }

  /// The markup of a reference: its number, a link to the note, and an id
  /// that the note links back to.
  func footnoteReference(_ label: String) -> String {
    let number: Int
    if let known = footnoteNumbers[label] {
      number = known
    } else {
      number = footnoteOrder.count + 1
      footnoteNumbers[label] = number
      footnoteOrder.append(label)
    }
    let count = footnoteReferences[label, default: 0] + 1
    footnoteReferences[label] = count
    let id = "fnref-\(label)" + (count > 1 ? "-\(count)" : "")
    return "<sup class=\"footnote-ref\"><a href=\"#fn-\(label)\" id=\"\(id)\">"
      + "\(number)</a></sup>"
  }

  /// Records a note's text; false when the label already has one (a
  /// later definition is dropped).
  func defineFootnote(_ label: String, html: String) -> Bool {
    guard footnoteBodies[label] == nil else { return false }
    footnoteBodies[label] = html
    return true
  }

  /// Adds a later paragraph to the note defined last, unless that
  /// definition was a second one of its label (dropped with it).
  func continueFootnote(_ label: String, html: String) {
    guard footnotes.definitions[label] != nil, footnoteBodies[label] != nil
    else { return }
    footnoteBodies[label, default: ""] += html
  }

  /// The notes that were referred to, in the order of their first
  /// reference, each with a link back to every reference; empty when
  /// there are none. Warnings for references without a note, notes never
  /// referred to, and second definitions.
  func footnotesSection() -> String {
    var undefined = 0
    for (label, place) in footnotes.references where !isFootnote(label) {
      undefined += 1
      guard undefined <= ProseContext.footnoteWarnings else { break }
      let labels = Array(footnotes.definitions.keys).sorted()
      diagnostics.append(
        .warning(
          at: location(place),
          "footnote '[^\(label)]' has no definition; it is shown as written",
          suggestion: closestMatch(to: label, among: labels).map {
            "did you mean '[^\($0)]'?"
          } ?? "add a line '[^\(label)]: …' with the note's text"))
    }
    let unused = footnotes.definitions.filter { footnoteNumbers[$0.key] == nil }
      .sorted { ($0.value.line, $0.value.byteColumn) < ($1.value.line, $1.value.byteColumn) }
    for (label, place) in unused.prefix(ProseContext.footnoteWarnings) {
      diagnostics.append(
        .warning(
          at: location(place),
          "footnote '[^\(label)]' is never referred to, so it is not shown",
          suggestion: "refer to it with '[^\(label)]' in the text, or remove it"))
    }
    for (label, place) in footnotes.duplicates.prefix(ProseContext.footnoteWarnings) {
      let first = footnotes.definitions[label]?.line ?? 0
      diagnostics.append(
        .warning(
          at: location(place),
          "footnote '[^\(label)]' is defined again; the definition on line"
            + " \(first) is kept",
          suggestion: "give this note another label"))
    }
    guard !footnoteOrder.isEmpty else { return "" }
    var html = "<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n"
    for label in footnoteOrder {
      var body = footnoteBodies[label] ?? ""
      var backLinks = ""
      for count in 1...max(1, footnoteReferences[label, default: 1]) {
        let id = "fnref-\(label)" + (count > 1 ? "-\(count)" : "")
        backLinks += " <a href=\"#\(id)\" class=\"footnote-back\""
          + " aria-label=\"Back to the text\">↩" + (count > 1 ? "<sup>\(count)</sup>" : "")
          + "</a>"
      }
      // The links go inside the note's last paragraph.
      if body.hasSuffix("</p>\n") {
        body = body.dropLast(5) + backLinks + "</p>\n"
      } else {
        body += backLinks
      }
      html += "<li id=\"fn-\(label)\">" + body + "</li>\n"
    }
    return html + "</ol>\n</section>\n"
  }

  private func location(_ place: FootnoteScan.Place) -> SourceLocation {
    let column = math.originalByteColumn(
      line: place.line, byteColumn: place.byteColumn)
    return SourceLocation(
      file: path, line: place.line,
      column: text.column(line: place.line, byteColumn: column))
  }

  // MARK: Headings

  /// A heading's id by GitHub's rules: lower case; letters, digits, `-`
  /// and `_` kept, spaces made `-`, everything else dropped; a repeated id
  /// gets `-1`, `-2`…
  func headingID(_ text: String) -> String {
    var slug = ""
    for scalar in text.lowercased().unicodeScalars {
      if scalar == " " {
        slug += "-"
      } else if scalar == "-" || scalar == "_"
        || scalar.properties.isAlphabetic
        || scalar.properties.numericType == .decimal
      {
        slug.unicodeScalars.append(scalar)
      }
    }
    if slug.isEmpty { slug = "section" }
    // Ids written into an attribute: only what was kept above, escaped all
    // the same.
    slug = slug.htmlEscaped
    guard let used = headingIDs[slug] else {
      headingIDs[slug] = 0
      return slug
    }
    var number = used
    var id: String
    repeat {
      number += 1
      id = "\(slug)-\(number)"
    } while headingIDs[id] != nil
    headingIDs[slug] = number
    headingIDs[id] = 0
    return id
  }
}
