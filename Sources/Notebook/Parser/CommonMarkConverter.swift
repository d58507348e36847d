import Ccmark
import HTMLText
import TeXMath

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Swift values out of libcmark

/// A fenced (or indented) code block as libcmark saw it. Lines are 1-based;
/// columns are libcmark's 1-based *byte* columns.
struct CodeBlock: Sendable {
  /// The whole info string, e.g. `lab` or `python extra`.
  var info: String
  /// The text between the fences.
  var literal: String
  var startLine: Int
  var startByteColumn: Int
  var endLine: Int
  var endByteColumn: Int

  /// The info string's first word: `lab`, `python`, `math`.
  var language: Substring? {
    info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first
  }

  /// True when the info string's first word is `lab`.
  var isLab: Bool { language == "lab" }

  /// True for a ```` ```math ```` block: display math, not code.
  var isMath: Bool { language == "math" }

  /// The number of lines of the literal, without splitting it.
  var lineCount: Int {
    let newlines = literal.utf8.count(where: { $0 == 0x0A })
    return literal.utf8.last.map { $0 == 0x0A ? newlines : newlines + 1 } ?? 0
  }

  /// The literal split into lines (without the final newline's empty line).
  var lines: [String] {
    var lines = literal.utf8.split(
      separator: 0x0A, omittingEmptySubsequences: false
    ).map { String(decoding: $0, as: UTF8.self) }
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}

/// The document, top-level block by top-level block.
struct ConvertedMarkdown: Sendable {
  enum Block: Sendable {
    /// Safe-mode HTML of consecutive non-lab blocks.
    case prose(String)
    /// A code block whose info string starts with `lab`.
    case lab(CodeBlock)
  }

  var blocks: [Block] = []
  /// Plain text of the first heading, if any.
  var firstHeading: String?
  /// Every heading of the prose, with its id.
  var headings: [SectionHeading] = []
  /// Every code block that is not a lab block (to check for missing
  /// closing fences).
  var otherCodeBlocks: [CodeBlock] = []
}

/// Parses CommonMark with libcmark in safe mode and converts the tree into
/// Swift values. The only place in the target that touches cmark pointers:
/// the document is parsed, walked and freed inside `convert`.
enum CommonMarkConverter {
  /// libcmark's options: the defaults, so raw HTML is never passed through
  /// (the notebook's tags are judged one by one in `rewrite`, and the
  /// allowed ones put back as custom nodes) and `javascript:` links are
  /// emptied.
  /// Never add `CMARK_OPT_UNSAFE`: a notebook must not put a `<script>`
  /// into the report.
  private static let options = CMARK_OPT_DEFAULT

  /// Parsing also keeps the lines of inlines right after one that spans
  /// lines (a code span, a tag): tables and footnote definitions are found
  /// by the line an inline starts on. (Only rendering with this option
  /// would add `data-sourcepos` attributes; rendering uses `options`.)
  private static let parseOptions = CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS

  /// Parses UTF-8 text (line endings already `\n`).
  private static func parse(_ bytes: [UInt8]) -> OpaquePointer? {
    // An explicit length: a NUL byte must not cut the document short. The
    // extra NUL only gives an empty document a valid pointer.
    (bytes + [0]).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        chars.baseAddress.flatMap {
          cmark_parse_document($0, bytes.count, parseOptions)
        }
      }
    }
  }

  /// For each 1-based line (index 0 unused), whether it belongs to a code
  /// block or an HTML block: what is there is never math.
  static func codeLines(_ bytes: [UInt8], lineCount: Int) -> [Bool] {
    var lines = [Bool](repeating: false, count: lineCount + 2)
    guard let document = parse(bytes) else { return lines }
    defer { cmark_node_free(document) }
    forEachNode(under: document) { node in
      let type = cmark_node_get_type(node)
      guard type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK
      else { return }
      let first = max(1, Int(cmark_node_get_start_line(node)))
      let last = min(lineCount, Int(cmark_node_get_end_line(node)))
      if first <= last {
        for line in first...last { lines[line] = true }
      }
    }
    return lines
  }

  /// Converts the notebook's text with its formulas replaced by
  /// placeholders (`context.math.bytes`).
  static func convert(_ context: ProseContext) -> ConvertedMarkdown {
    var result = ConvertedMarkdown()
    let bytes = context.footnotes.bytes
    guard let document = parse(bytes) else { return result }
    defer { cmark_node_free(document) }
    // One text node per run of text: references, `~~` and addresses are
    // found whole.
    cmark_consolidate_text_nodes(document)
    let lines = LineIndex(bytes)
    // A footnote definition or a table can start on any line of what
    // libcmark reads as one paragraph: each becomes a block of its own.
    var paragraphs: [OpaquePointer] = []
    forEachNode(under: document) { node in
      if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH {
        paragraphs.append(node)
      }
    }
    let links = LinkDefinitions(lines)
    for paragraph in paragraphs {
      splitParagraph(paragraph, lines: lines, links: links, context)
    }

    var prose = ""
    func flushProse(before line: Int?) {
      prose += context.closeOpenBlocks(
        where: line.map { "the prose before the lab cell on line \($0)" }
          ?? "the notebook")
      if !prose.isEmpty { result.blocks.append(.prose(prose)) }
      prose = ""
    }
    // The note whose later paragraphs, if any, come next; nil for a second
    // definition of a label (its paragraphs are dropped with it).
    var lastNote: (label: String, kept: Bool)?
    var child = cmark_node_first_child(document)
    while let node = child {
      child = cmark_node_next(node)
      if let note = lastNote, cmark_node_get_type(node) == CMARK_NODE_BLOCK_QUOTE,
        context.footnotes.continuationLines.contains(
          Int(cmark_node_get_start_line(node)))
      {
        _ = extend(node, context)
        let (rewritten, _) = rewrite(node, context)
        var html = ""
        var paragraph = cmark_node_first_child(rewritten)
        while let part = paragraph {
          html += render(part)
          paragraph = cmark_node_next(part)
        }
        if note.kept { context.continueFootnote(note.label, html: html) }
        continue
      }
      lastNote = nil
      if let block = codeBlock(node), block.isLab {
        flushProse(before: block.startLine)
        result.blocks.append(.lab(block))
        continue
      }
      // A lab block nested in a list or quote becomes a cell of its own
      // right after that container's prose. It is taken out of the prose
      // so that its source does not show twice. The tree changes only
      // after the walk that found the blocks.
      let nested = scan(node, into: &result, context)
      for (lab, _) in nested {
        cmark_node_unlink(lab)
        cmark_node_free(lab)
      }
      let definitions = extend(node, context)
      var (rewritten, headings) = rewrite(node, context)
      result.headings += headings
      // Footnotes are shown at the end of the page, not where written.
      for (label, definition) in definitions {
        let kept = context.defineFootnote(label, html: render(definition))
        lastNote = (label, kept)
        if definition == rewritten {
          guard let empty = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else {
            continue
          }
          cmark_node_insert_before(definition, empty)
          rewritten = empty
        }
        cmark_node_unlink(definition)
        cmark_node_free(definition)
      }
      prose += withHeadingIDs(render(rewritten), headings)
      if let first = nested.first {
        flushProse(before: first.block.startLine)
        result.blocks += nested.map { .lab($0.block) }
      }
    }
    prose += context.footnotesSection()
    flushProse(before: nil)
    return result
  }

  /// Walks a top-level node: records the first heading and the non-lab code
  /// blocks, and returns the nested lab blocks, converted, with their nodes
  /// so that the caller can remove them after the walk.
  private static func scan(
    _ root: OpaquePointer, into result: inout ConvertedMarkdown,
    _ context: ProseContext
  ) -> [(node: OpaquePointer, block: CodeBlock)] {
    var nested: [(node: OpaquePointer, block: CodeBlock)] = []
    forEachNode(under: root) { node in
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_HEADING, result.firstHeading == nil {
        result.firstHeading = context.math.restoring(plainText(node)) { $0.tex }
      } else if let block = codeBlock(node) {
        if block.isLab {
          nested.append((node, block))
        } else {
          result.otherCodeBlocks.append(block)
        }
      }
    }
    return nested
  }

  /// Calls `body` for `root` and every node below it, in document order
  /// (each node once, on entering it).
  private static func forEachNode(
    under root: OpaquePointer, _ body: (OpaquePointer) -> Void
  ) {
    guard let iterator = cmark_iter_new(root) else { return }
    defer { cmark_iter_free(iterator) }
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER,
        let node = cmark_iter_get_node(iterator)
      else { continue }
      body(node)
    }
  }

  /// The code block a node is, or nil for any other node.
  private static func codeBlock(_ node: OpaquePointer) -> CodeBlock? {
    guard cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK else {
      return nil
    }
    return CodeBlock(
      info: string(cmark_node_get_fence_info(node)),
      literal: string(cmark_node_get_literal(node)),
      startLine: Int(cmark_node_get_start_line(node)),
      startByteColumn: Int(cmark_node_get_start_column(node)),
      endLine: Int(cmark_node_get_end_line(node)),
      endByteColumn: Int(cmark_node_get_end_column(node)))
  }

  // MARK: Rewriting the tree

  /// Puts formulas where their placeholders are and math blocks where
  /// ```` ```math ```` was, under `root`. Returns the node to render: a
  /// new one when `root` itself was replaced.
  private static func rewrite(_ root: OpaquePointer, _ context: ProseContext)
    -> (OpaquePointer, [SectionHeading])
  {
    var headings: [SectionHeading] = []
    var headingNodes: [OpaquePointer] = []
    var inlines: [OpaquePointer] = []
    var mathBlocks: [(node: OpaquePointer, block: CodeBlock)] = []
    var labelled: [(node: OpaquePointer, block: CodeBlock)] = []
    var links: [OpaquePointer] = []
    var htmlInlines: [OpaquePointer] = []
    var htmlBlocks: [OpaquePointer] = []
    forEachNode(under: root) { node in
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_TEXT || type == CMARK_NODE_SOFTBREAK {
        inlines.append(node)
      } else if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
        links.append(node)
      } else if type == CMARK_NODE_HTML_INLINE {
        htmlInlines.append(node)
      } else if type == CMARK_NODE_HTML_BLOCK {
        htmlBlocks.append(node)
      } else if type == CMARK_NODE_HEADING {
        let text = context.math.restoring(plainText(node)) { $0.tex }
        headingNodes.append(node)
        headings.append(
          SectionHeading(
            level: Int(cmark_node_get_heading_level(node)),
            id: context.headingID(text), text: text))
      } else if let block = codeBlock(node) {
        if block.isMath {
          mathBlocks.append((node, block))
        } else if block.language != nil {
          labelled.append((node, block))
        }
      }
    }
    // The tree changes only after the walk.
    replacePlaceholders(inlines, context)
    for link in links {
      // A formula in a URL or title was not one: the text goes back.
      for (get, set) in [
        (cmark_node_get_url, cmark_node_set_url),
        (cmark_node_get_title, cmark_node_set_title),
      ] {
        let value = string(get(link))
        let restored = context.math.restoring(value) { $0.source }
        if restored != value { _ = set(link, restored) }
      }
    }
    keepAllowedTags(htmlInlines, context)
    // For the contents: each heading as it is shown, once its formulas
    // and tags are in place.
    for (index, node) in headingNodes.enumerated() {
      headings[index].markup = contentsMarkup(node, text: headings[index].text)
    }
    // An image in the description of one embedded or replaced by a
    // placeholder goes with it (its text stays in the description).
    var gone: Set<OpaquePointer> = []
    for image in links
    where !gone.contains(image) && cmark_node_get_type(image) == CMARK_NODE_IMAGE {
      gone.formUnion(embed(image, context))
    }
    var result = root
    func replace(_ node: OpaquePointer, by markup: String) {
      guard let replacement = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else {
        return
      }
      cmark_node_set_on_enter(replacement, markup)
      cmark_node_insert_before(node, replacement)
      if node == root { result = replacement }
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
    for (node, block) in mathBlocks {
      replace(node, by: context.mathBlock(block))
    }
    for (node, block) in labelled {
      replace(node, by: labelledCode(block))
    }
    for node in htmlBlocks {
      let topLevel = cmark_node_parent(node).map {
        cmark_node_get_type($0) == CMARK_NODE_DOCUMENT
      } ?? true
      replace(
        node,
        by: context.htmlBlock(
          string(cmark_node_get_literal(node)),
          line: Int(cmark_node_get_start_line(node)), topLevel: topLevel))
    }
    return (result, headings)
  }

  /// A fenced block of another language, as libcmark writes it
  /// (`<pre><code class="language-python">`) with the language named
  /// above it, so that a reader knows what the code is written in.
  private static func labelledCode(_ block: CodeBlock) -> String {
    let language = String(block.language ?? "").htmlEscaped
    return "<div class=\"code\"><span class=\"code-language\">\(language)</span>"
      + "<pre><code class=\"language-\(language)\">"
      + block.literal.htmlEscaped + "</code></pre></div>\n"
  }

  /// An image made part of the page (a `data:` URI), a link (a remote
  /// image), or a placeholder.
  /// - Returns: The images inside it that were freed with it.
  @discardableResult
  private static func embed(_ image: OpaquePointer, _ context: ProseContext)
    -> [OpaquePointer]
  {
    let (line, byteColumn) = context.position(
      of: image, cmark: (
        Int(cmark_node_get_start_line(image)),
        Int(cmark_node_get_start_column(image))))
    let outcome = context.image(
      url: string(cmark_node_get_url(image)),
      alt: plainText(image), title: string(cmark_node_get_title(image)),
      line: line, byteColumn: byteColumn)
    let replacement: OpaquePointer?
    switch outcome {
    case .embedded(let markup), .placeholder(let markup):
      replacement = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)
      if let node = replacement { cmark_node_set_on_enter(node, markup) }
    case .link(let url):
      // Inside a link (a figure that links to its source), a second link
      // would nest: the page keeps the outer one, around the description.
      var inLink = false
      var parent = cmark_node_parent(image)
      while let node = parent, !inLink {
        inLink = cmark_node_get_type(node) == CMARK_NODE_LINK
        parent = cmark_node_parent(node)
      }
      replacement = cmark_node_new(inLink ? CMARK_NODE_CUSTOM_INLINE : CMARK_NODE_LINK)
      if let link = replacement {
        if inLink {
          cmark_node_set_on_enter(link, "")
          cmark_node_set_on_exit(link, "")
        } else {
          cmark_node_set_url(link, url)
        }
        if cmark_node_first_child(image) == nil,
          let text = cmark_node_new(CMARK_NODE_TEXT)
        {
          cmark_node_set_literal(text, url)
          cmark_node_append_child(link, text)
        }
        while let child = cmark_node_first_child(image) {
          cmark_node_append_child(link, child)
        }
      }
    }
    guard let replacement else { return [] }
    var inner: [OpaquePointer] = []
    forEachNode(under: image) { node in
      if node != image, cmark_node_get_type(node) == CMARK_NODE_IMAGE {
        inner.append(node)
      }
    }
    cmark_node_insert_before(image, replacement)
    cmark_node_unlink(image)
    cmark_node_free(image)
    return inner
  }

  /// The rendered headings with their ids and a link to themselves. cmark
  /// writes a heading as a bare `<h2>`, and nothing else in its output
  /// can (text is escaped; the tags kept and MathML hold no heading): the
  /// n-th bare opening tag is the n-th heading.
  private static func withHeadingIDs(
    _ html: String, _ headings: [SectionHeading]
  ) -> String {
    guard !headings.isEmpty else { return html }
    var result = ""
    var rest = html[...]
    for heading in headings {
      let (level, id) = (heading.level, heading.id)
      let tag = "<h\(level)>"
      guard let found = rest.range(of: tag) else { break }
      result += rest[..<found.lowerBound]
      result += "<h\(level) id=\"\(id)\"><a class=\"anchor\" href=\"#\(id)\""
        + " aria-label=\"Link to this section\">#</a>"
      rest = rest[found.upperBound...]
    }
    return result + rest
  }

  /// Inline HTML: the allowed tags stay, without attributes, balanced
  /// within their container (a closing tag closes only an open tag of the
  /// same paragraph or emphasis, and what is left open is closed at its
  /// end); every other tag is removed with a warning.
  private static func keepAllowedTags(
    _ nodes: [OpaquePointer], _ context: ProseContext
  ) {
    var open: [OpaquePointer: OpenTags] = [:]
    var containers: [OpaquePointer] = []
    for node in nodes {
      let literal = string(cmark_node_get_literal(node))
      let (line, byteColumn) = context.position(
        of: node, cmark: (
          Int(cmark_node_get_start_line(node)),
          Int(cmark_node_get_start_column(node))))
      let location = context.locate(literal, line: line, byteColumn: byteColumn)
      var markup: String?
      if let parent = cmark_node_parent(node),
        let tag = context.allowedTag(literal[...], at: location)
      {
        if open[parent] == nil { containers.append(parent) }
        var tags = open[parent, default: OpenTags()]
        if tag.isClosing {
          if tags.close(tag.name) {
            markup = HTMLPolicy.markup(tag)
          } else {
            context.unmatched(tag, at: location)
          }
        } else {
          if tag.name != "br" { tags.push(tag, at: location) }
          markup = HTMLPolicy.markup(tag)
        }
        open[parent] = tags
      }
      if let markup, let kept = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) {
        cmark_node_set_on_enter(kept, markup)
        cmark_node_insert_before(node, kept)
      }
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
    for container in containers {
      guard var tags = open[container], !tags.isEmpty else { continue }
      let (markup, warnings) = tags.closeAll(where: "its paragraph")
      context.report(warnings)
      if let closing = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) {
        cmark_node_set_on_enter(closing, markup)
        cmark_node_append_child(container, closing)
      }
    }
  }

  /// Replaces the placeholders in text nodes by their formulas. A
  /// placeholder of a formula with line breaks spans text and soft-break
  /// nodes: those inside it are removed.
  private static func replacePlaceholders(
    _ inlines: [OpaquePointer], _ context: ProseContext
  ) {
    var inside = false
    for node in inlines {
      if cmark_node_get_type(node) == CMARK_NODE_SOFTBREAK {
        if inside {
          cmark_node_unlink(node)
          cmark_node_free(node)
        }
        continue
      }
      let literal = string(cmark_node_get_literal(node))
      guard inside || literal.unicodeScalars.contains(where: MathScan.isMarker)
      else { continue }
      // In an image's description only text is shown: the TeX as written.
      var inImage = false
      var parent = cmark_node_parent(node)
      while let ancestor = parent {
        if cmark_node_get_type(ancestor) == CMARK_NODE_IMAGE { inImage = true }
        parent = cmark_node_parent(ancestor)
      }
      var text = ""
      var number: Int?
      func flushText() {
        guard !text.isEmpty, let piece = cmark_node_new(CMARK_NODE_TEXT) else {
          return
        }
        cmark_node_set_literal(piece, text)
        cmark_node_insert_before(node, piece)
        text = ""
      }
      func flushFormula() {
        guard let current = number else { return }
        number = nil
        guard current < context.math.spans.count else { return }
        if inImage {
          text += context.math.spans[current].source
          return
        }
        guard let formula = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else {
          return
        }
        flushText()
        cmark_node_set_on_enter(formula, context.formula(current))
        cmark_node_insert_before(node, formula)
      }
      for scalar in literal.unicodeScalars {
        if scalar == MathScan.start {
          flushFormula()
          number = 0
          inside = true
        } else if let current = number, scalar.value >= 0x30,
          scalar.value <= 0x39
        {
          if current < context.math.spans.count {
            number = current * 10 + Int(scalar.value - 0x30)
          }
        } else {
          flushFormula()
          if scalar == MathScan.end {
            inside = false
          } else if !inside, !MathScan.isMarker(scalar) {
            text.unicodeScalars.append(scalar)
          }
        }
      }
      flushFormula()
      flushText()
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
  }

  /// The text of a heading without its markup: `# Hi *there*` → `Hi there`.
  private static func plainText(_ heading: OpaquePointer) -> String {
    var text = ""
    forEachNode(under: heading) { node in
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
        text += string(cmark_node_get_literal(node))
      } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
        text += " "
      }
    }
    return text.trimmingSpaces()
  }

  /// A heading's inline HTML for the table of contents, whose entries are
  /// links themselves: its links and footnote references keep only their
  /// text, its images only their description. Nil when it is just the
  /// plain text. Called before images are embedded, so that no picture's
  /// bytes are written twice.
  private static func contentsMarkup(_ heading: OpaquePointer, text: String) -> String? {
    let html = render(heading)
    // libcmark writes `<hN>…</hN>\n`.
    guard let open = html.firstIndex(of: ">"), let close = html.lastIndex(of: "<"),
      open < close
    else { return nil }
    let inner = withoutLinksAndImages(html[html.index(after: open)..<close])
    return inner == text.htmlEscaped ? nil : inner
  }

  /// `html` without its links' tags (`<a …>`, `</a>`) and with each image
  /// (`<img src="…" alt="…" />`) replaced by its description. Safe mode
  /// escapes every `<` and `"` of text, so each `<` starts one of libcmark's
  /// own tags, which end at the next `>`.
  private static func withoutLinksAndImages(_ html: Substring) -> String {
    var result = ""
    var rest = html
    while let start = rest.firstIndex(of: "<") {
      result += rest[..<start]
      let tail = rest[start...]
      guard let end = tail.firstIndex(of: ">") else {
        rest = tail
        break
      }
      let tag = tail[...end]
      rest = tail[tail.index(after: end)...]
      if tag.hasPrefix("<a ") || tag == "<a>" || tag == "</a>" { continue }
      if tag.hasPrefix("<img ") {
        if let alt = tag.range(of: " alt=\""),
          let quote = tag[alt.upperBound...].firstIndex(of: "\"")
        {
          result += tag[alt.upperBound..<quote]
        }
        continue
      }
      result += tag
    }
    return result + rest
  }

  /// Safe-mode HTML of one node and its children.
  private static func render(_ node: OpaquePointer) -> String {
    guard let html = cmark_render_html(node, options) else { return "" }
    defer { free(html) }
    return String(cString: html)
  }

  /// Copies a string that belongs to a node (nil reads as empty).
  private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and newlines.
  func trimmingSpaces() -> String {
    let scalars = unicodeScalars
    let isSpace: (Unicode.Scalar) -> Bool = {
      $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r"
    }
    guard let first = scalars.firstIndex(where: { !isSpace($0) }),
      let last = scalars.lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(scalars[first...last])
  }
}

// MARK: - GitHub's extensions, on libcmark's tree

/// Where each line of the text libcmark read starts, to read a table's
/// rows as written.
struct LineIndex {
  let bytes: [UInt8]
  private var starts: [Int] = [0]

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    for (offset, byte) in bytes.enumerated() where byte == 0x0A {
      starts.append(offset + 1)
    }
  }

  /// The number of lines (the last one may be empty).
  var count: Int { starts.count }

  /// The bytes of a 1-based line, without its `\n`.
  func line(_ number: Int) -> ArraySlice<UInt8> {
    guard number >= 1, number <= starts.count else { return [] }
    let start = starts[number - 1]
    let end = number < starts.count ? starts[number] - 1 : bytes.count
    return bytes[start..<max(start, end)]
  }
}

extension CommonMarkConverter {
  /// Footnotes, strikethrough, task lists and bare `https://` links under
  /// `root` (tables are made before, by `splitParagraph`), from what
  /// libcmark left as text. Returns the footnote definitions found, to be
  /// rendered after the rest of the rewriting.
  ///
  /// Every step visits each node a bounded number of times: linear in the
  /// size of the text.
  fileprivate static func extend(
    _ root: OpaquePointer, _ context: ProseContext
  ) -> [(label: String, node: OpaquePointer)] {
    var texts: [(node: OpaquePointer, inLink: Bool)] = []
    var items: [OpaquePointer] = []
    var definitions: [(label: String, node: OpaquePointer)] = []
    if let iterator = cmark_iter_new(root) {
      defer { cmark_iter_free(iterator) }
      var linkDepth = 0
      while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard let node = cmark_iter_get_node(iterator) else { continue }
        let type = cmark_node_get_type(node)
        if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
          linkDepth += event == CMARK_EVENT_ENTER ? 1 : -1
        }
        guard event == CMARK_EVENT_ENTER else { continue }
        if type == CMARK_NODE_TEXT {
          texts.append((node, linkDepth > 0))
        } else if type == CMARK_NODE_ITEM {
          items.append(node)
        } else if type == CMARK_NODE_PARAGRAPH,
          let label = footnoteDefinition(node)
        {
          definitions.append((label, node))
        }
      }
    }
    for item in items { markTask(item) }
    var markers: [OpaquePointer: [(node: OpaquePointer, open: Bool, close: Bool)]] = [:]
    var parents: [OpaquePointer] = []
    for (node, inLink) in texts {
      for marker in splitText(node, inLink: inLink, context) {
        guard let parent = cmark_node_parent(marker.node) else { continue }
        if markers[parent] == nil { parents.append(parent) }
        markers[parent, default: []].append(marker)
      }
    }
    for parent in parents {
      pairStrikethrough(markers[parent] ?? [])
    }
    return definitions
  }

  // MARK: Tables

  /// The lines of a paragraph as written, less the prefix of its container
  /// (`> `, a list's indentation) that each continuation line carries: as
  /// much of it as the paragraph's first line's column.
  struct ParagraphLines {
    let lines: LineIndex
    let column: Int

    func row(_ number: Int) -> ArraySlice<UInt8> {
      let line = lines.line(number)
      var index = line.startIndex
      while index < line.endIndex, index - line.startIndex < column - 1,
        line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x3E
      {
        index += 1
      }
      return line[index...]
    }

    /// The columns of a table whose header row is line `number` and whose
    /// delimiter row is the next line, or nil.
    func tableAlignments(at number: Int) -> [TableSyntax.Alignment]? {
      // The delimiter row first: most lines fail it at their first byte.
      guard let alignments = TableSyntax.alignments(row(number + 1)),
        TableSyntax.cells(row(number)).count == alignments.count
      else { return nil }
      return alignments
    }

    /// True when line `number` starts a footnote definition (the mark
    /// `FootnoteScan` left, after up to three spaces).
    func startsDefinition(_ number: Int) -> Bool {
      let line = row(number)
      let start = line.prefix(3).prefix { $0 == 0x20 }.count
      return line.dropFirst(start).first == FootnoteScan.definitionMark
    }
  }

  /// A table of lines `first...last`, whose first two are a header row
  /// and a matching delimiter row.
  private static func table(
    _ paragraph: ParagraphLines, first: Int, last: Int,
    alignments: [TableSyntax.Alignment], links: LinkDefinitions,
    _ context: ProseContext
  ) -> OpaquePointer? {
    let row = paragraph.row
    let lines = paragraph.lines
    let header = TableSyntax.cells(row(first))
    // Each cell's text, and where it starts: line and byte column.
    var rows: [[(text: [UInt8], line: Int, byteColumn: Int)]] = []
    for number in [first] + Array((first + 1)...last).dropFirst() {
      let line = row(number)
      let lineStart = lines.line(number).startIndex
      // Missing cells are empty; extra ones are dropped, as on GitHub.
      var cells = TableSyntax.cellsAndStarts(line).prefix(header.count).map {
        ($0.text, number, $0.start - lineStart + 1)
      }
      while cells.count < header.count { cells.append(([], number, 1)) }
      rows.append(cells)
    }
    // All cells are parsed in one document, one paragraph per cell on a
    // line of its own (cell k on line 2k + 1).
    var text: [UInt8] = []
    for cells in rows {
      for cell in cells {
        text += TableSyntax.asParagraph(cell.text)
        text += [0x0A, 0x0A]
      }
    }
    // After the cells, the definitions of the links they name, so that a
    // `[text][label]` in a cell is the link it is in the prose.
    text += links.referenced(in: text)
    guard let cellDocument = parse(text) else { return nil }
    defer { cmark_node_free(cellDocument) }
    var parsed: [Int: OpaquePointer] = [:]
    var child = cmark_node_first_child(cellDocument)
    while let node = child {
      child = cmark_node_next(node)
      let line = Int(cmark_node_get_start_line(node))
      if cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH, line % 2 == 1 {
        parsed[(line - 1) / 2] = node
      }
    }

    func block(_ open: String, _ close: String) -> OpaquePointer? {
      guard let node = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else {
        return nil
      }
      cmark_node_set_on_enter(node, open)
      cmark_node_set_on_exit(node, close)
      return node
    }
    guard let table = block("<div class=\"table\"><table>", "</table></div>"),
      let head = block("<thead>", "</thead>")
    else { return nil }
    cmark_node_append_child(table, head)
    var body: OpaquePointer?
    if rows.count > 1, let tbody = block("<tbody>", "</tbody>") {
      cmark_node_append_child(table, tbody)
      body = tbody
    }
    var index = 0
    for (rowNumber, cells) in rows.enumerated() {
      guard let tr = block("<tr>", "</tr>") else { continue }
      cmark_node_append_child(rowNumber == 0 ? head : body ?? head, tr)
      for (columnNumber, cell) in cells.enumerated() {
        let tag = rowNumber == 0 ? "th" : "td"
        let align: String
        switch alignments[columnNumber] {
        case .none: align = ""
        case .left: align = " class=\"left\""
        case .center: align = " class=\"center\""
        case .right: align = " class=\"right\""
        }
        guard let td = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else {
          continue
        }
        cmark_node_set_on_enter(td, "<\(tag)\(align)>")
        cmark_node_set_on_exit(td, "</\(tag)>")
        cmark_node_append_child(tr, td)
        if let paragraph = parsed[index] {
          // What warns about itself (tags, images) is placed in the
          // notebook, not in the document of cells.
          let shift = TableSyntax.asParagraph(cell.text).count - cell.text.count
          forEachNode(under: paragraph) { node in
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_IMAGE
            else { return }
            context.placeInCell(
              node, line: cell.line,
              byteColumn: cell.byteColumn
                + max(0, Int(cmark_node_get_start_column(node)) - 1 - shift))
          }
          while let inline = cmark_node_first_child(paragraph) {
            cmark_node_append_child(td, inline)
          }
        } else if !cell.text.isEmpty, let literal = cmark_node_new(CMARK_NODE_TEXT) {
          // Not a paragraph after all (a link definition): as written.
          cmark_node_set_literal(literal, String(decoding: cell.text, as: UTF8.self))
          cmark_node_append_child(td, literal)
        }
        index += 1
      }
    }
    cmark_consolidate_text_nodes(table)
    return table
  }

  // MARK: Footnotes, strikethrough, links, tasks

  /// The label of a paragraph that is a footnote definition (its text
  /// starts with the mark `FootnoteScan` left and `^label]:`); the prefix
  /// is removed from the text.
  private static func footnoteDefinition(_ paragraph: OpaquePointer) -> String? {
    guard let text = cmark_node_first_child(paragraph),
      cmark_node_get_type(text) == CMARK_NODE_TEXT
    else { return nil }
    let literal = Array(string(cmark_node_get_literal(text)).utf8)
    guard literal.first == FootnoteScan.definitionMark,
      let (label, after) = FootnoteScan.label(
        in: [0x5B] + literal.dropFirst(), at: 0, end: literal.count),
      after < literal.count, literal[after] == 0x3A
    else { return nil }
    var rest = literal[(after + 1)...]
    while rest.first == 0x20 || rest.first == 0x09 { rest = rest.dropFirst() }
    cmark_node_set_literal(text, String(decoding: rest, as: UTF8.self))
    return label
  }

  /// Splits a paragraph where a footnote definition or a table starts on
  /// one of its lines, and makes the tables: a table runs from its header
  /// row to the paragraph's end or the next definition. Only a line that
  /// starts an inline of the paragraph itself (after a line break) can
  /// start a part: a table inside emphasis that spans lines stays text.
  /// Each line is looked at a bounded number of times.
  fileprivate static func splitParagraph(
    _ paragraph: OpaquePointer, lines: LineIndex, links: LinkDefinitions,
    _ context: ProseContext
  ) {
    let first = Int(cmark_node_get_start_line(paragraph))
    let last = Int(cmark_node_get_end_line(paragraph))
    guard first >= 1, last > first else { return }
    let source = ParagraphLines(
      lines: lines, column: Int(cmark_node_get_start_column(paragraph)))
    // The line break before each line that starts an inline.
    var breaks: [Int: OpaquePointer] = [:]
    var child = cmark_node_first_child(paragraph)
    while let node = child {
      child = cmark_node_next(node)
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK,
        let next = child
      {
        breaks[Int(cmark_node_get_start_line(next))] = node
      }
    }
    // Each part's first line, and its columns when it is a table.
    var parts: [(line: Int, table: [TableSyntax.Alignment]?)] = []
    var inTable = false
    var number = first
    while number <= last {
      let canStart = number == first || breaks[number] != nil
      if canStart, number > first, source.startsDefinition(number) {
        parts.append((number, nil))
        inTable = false
      } else if canStart, !inTable, number < last,
        let alignments = source.tableAlignments(at: number)
      {
        parts.append((number, alignments))
        inTable = true
        number += 2
        continue
      } else if number == first {
        parts.append((number, nil))
      }
      number += 1
    }
    guard parts.count > 1 || parts.first?.table != nil else { return }
    // From the last part back, so that every inline moves once.
    var nodes: [OpaquePointer?] = [paragraph] + parts.dropFirst().map { _ in nil }
    for index in parts.indices.dropFirst().reversed() {
      guard let lineBreak = breaks[parts[index].line],
        let part = cmark_node_new(CMARK_NODE_PARAGRAPH)
      else { continue }
      while let next = cmark_node_next(lineBreak) {
        cmark_node_append_child(part, next)
      }
      cmark_node_insert_after(paragraph, part)
      cmark_node_unlink(lineBreak)
      cmark_node_free(lineBreak)
      nodes[index] = part
    }
    for (index, part) in parts.enumerated() {
      guard let alignments = part.table, let node = nodes[index] else {
        continue
      }
      let end = index + 1 < parts.count ? parts[index + 1].line - 1 : last
      guard
        let table = table(
          source, first: part.line, last: end, alignments: alignments,
          links: links, context)
      else { continue }
      cmark_node_insert_before(node, table)
      cmark_node_unlink(node)
      cmark_node_free(node)
    }
  }

  /// A list item that starts `[ ] ` or `[x] `: the box becomes a disabled
  /// checkbox (shown, not clickable).
  private static func markTask(_ item: OpaquePointer) {
    guard let paragraph = cmark_node_first_child(item),
      cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH,
      let text = cmark_node_first_child(paragraph),
      cmark_node_get_type(text) == CMARK_NODE_TEXT
    else { return }
    let literal = string(cmark_node_get_literal(text))
    let checked: Bool
    if literal.hasPrefix("[ ] ") || literal == "[ ]" {
      checked = false
    } else if literal.hasPrefix("[x] ") || literal.hasPrefix("[X] ")
      || literal == "[x]" || literal == "[X]"
    {
      checked = true
    } else {
      return
    }
    guard let box = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { return }
    cmark_node_set_on_enter(
      box,
      "<input type=\"checkbox\" disabled=\"\"\(checked ? " checked=\"\"" : "")"
        + " aria-label=\"\(checked ? "done" : "to do")\" /> ")
    cmark_node_insert_before(text, box)
    cmark_node_set_literal(text, String(literal.dropFirst(min(4, literal.count))))
  }

  /// Splits a text node at footnote references (to their markup), bare
  /// `http(s)://` addresses (to links; not inside a link) and `~~` (to
  /// text nodes of their own, returned with whether each may open or
  /// close a strikethrough).
  private static func splitText(
    _ node: OpaquePointer, inLink: Bool, _ context: ProseContext
  ) -> [(node: OpaquePointer, open: Bool, close: Bool)] {
    let literal = string(cmark_node_get_literal(node))
    let scalars = Array(literal.unicodeScalars)
    let mark = Unicode.Scalar(FootnoteScan.definitionMark)
    guard scalars.contains(where: { $0 == "[" || $0 == "~" || $0 == ":" || $0 == mark })
    else { return [] }
    var markers: [(node: OpaquePointer, open: Bool, close: Bool)] = []
    var pending = String.UnicodeScalarView()
    var changed = false
    func flush() {
      guard !pending.isEmpty, let piece = cmark_node_new(CMARK_NODE_TEXT) else {
        return
      }
      cmark_node_set_literal(piece, String(pending))
      cmark_node_insert_before(node, piece)
      pending = String.UnicodeScalarView()
    }
    func isSpace(_ index: Int) -> Bool {
      scalars[index].properties.isWhitespace
    }
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == mark {
        // A definition's mark that did not start a paragraph: as written.
        pending.append("[")
        changed = true
        index += 1
        continue
      }
      if scalar == "[", !inLink, index + 1 < scalars.count, scalars[index + 1] == "^" {
        var end = index + 2
        while end < scalars.count, scalars[end].isASCII,
          FootnoteScan.isLabelByte(UInt8(scalars[end].value))
        {
          end += 1
        }
        if end > index + 2, end < scalars.count, scalars[end] == "]" {
          let label = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
            .lowercased()
          if context.isFootnote(label),
            let reference = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)
          {
            flush()
            changed = true
            cmark_node_set_on_enter(reference, context.footnoteReference(label))
            cmark_node_insert_before(node, reference)
            index = end + 1
            continue
          }
        }
      }
      if scalar == "~", index + 1 < scalars.count, scalars[index + 1] == "~",
        !(index + 2 < scalars.count && scalars[index + 2] == "~"),
        !(index > 0 && scalars[index - 1] == "~")
      {
        flush()
        changed = true
        if let piece = cmark_node_new(CMARK_NODE_TEXT) {
          cmark_node_set_literal(piece, "~~")
          cmark_node_insert_before(node, piece)
          // At the node's edge, what follows is another inline: not space.
          let open = index + 2 < scalars.count
            ? !isSpace(index + 2) : cmark_node_next(node) != nil
          let close = index > 0
            ? !isSpace(index - 1) : cmark_node_previous(node) != nil
          markers.append((piece, open, close))
        }
        index += 2
        continue
      }
      if scalar == "h", !inLink, let end = bareURLEnd(scalars, from: index),
        let link = cmark_node_new(CMARK_NODE_LINK),
        let label = cmark_node_new(CMARK_NODE_TEXT)
      {
        flush()
        changed = true
        let url = String(String.UnicodeScalarView(scalars[index..<end]))
        cmark_node_set_url(link, url)
        cmark_node_set_literal(label, url)
        cmark_node_append_child(link, label)
        cmark_node_insert_before(node, link)
        index = end
        continue
      }
      pending.append(scalar)
      index += 1
    }
    // Nothing was split off: the node stays as it was.
    guard changed else { return [] }
    flush()
    cmark_node_unlink(node)
    cmark_node_free(node)
    return markers
  }

  /// The end of a bare `https://` or `http://` address starting at
  /// `start` (not inside a word), or nil: it runs to a space or `<`, less
  /// trailing punctuation and an unbalanced `)`.
  private static func bareURLEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
    if start > 0, scalars[start - 1].properties.isAlphabetic
      || scalars[start - 1].properties.numericType != nil
    {
      return nil
    }
    var index = start
    for prefix in ["https://", "http://"] {
      let expected = Array(prefix.unicodeScalars)
      if start + expected.count <= scalars.count,
        Array(scalars[start..<(start + expected.count)]) == expected
      {
        index = start + expected.count
        break
      }
    }
    guard index > start else { return nil }
    let hostStart = index
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar.properties.isWhitespace || scalar == "<" || scalar == ">"
        || scalar == "\"" || scalar.value < 0x20 || MathScan.isMarker(scalar)
      {
        break
      }
      index += 1
    }
    // Trailing punctuation ends the sentence, not the address.
    while index > hostStart {
      let last = scalars[index - 1]
      if "?!.,:;*_~'".unicodeScalars.contains(last) {
        index -= 1
      } else if last == ")" {
        let opened = scalars[hostStart..<index].count { $0 == "(" }
        let closed = scalars[hostStart..<index].count { $0 == ")" }
        if closed > opened { index -= 1 } else { break }
      } else {
        break
      }
    }
    // A host: at least a letter or digit after the scheme.
    guard index > hostStart,
      scalars[hostStart].properties.isAlphabetic
        || scalars[hostStart].properties.numericType != nil
    else { return nil }
    return index
  }

  /// Pairs the `~~` of one parent in order: an opener followed by a
  /// closer wraps what is between them in `<del>`.
  private static func pairStrikethrough(
    _ markers: [(node: OpaquePointer, open: Bool, close: Bool)]
  ) {
    var opener: OpaquePointer?
    for marker in markers {
      if let start = opener, marker.close {
        guard let del = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { return }
        cmark_node_set_on_enter(del, "<del>")
        cmark_node_set_on_exit(del, "</del>")
        cmark_node_insert_before(start, del)
        while let next = cmark_node_next(start), next != marker.node {
          cmark_node_append_child(del, next)
        }
        for node in [start, marker.node] {
          cmark_node_unlink(node)
          cmark_node_free(node)
        }
        opener = nil
      } else if marker.open {
        opener = marker.node
      }
    }
  }
}
