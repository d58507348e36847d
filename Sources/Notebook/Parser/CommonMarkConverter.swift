import Ccmark
import HTMLText

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

  /// Parses UTF-8 text (line endings already `\n`).
  private static func parse(_ bytes: [UInt8]) -> OpaquePointer? {
    // An explicit length: a NUL byte must not cut the document short. The
    // extra NUL only gives an empty document a valid pointer.
    (bytes + [0]).withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        chars.baseAddress.flatMap {
          cmark_parse_document($0, bytes.count, options)
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
    guard let document = parse(context.math.bytes) else { return result }
    defer { cmark_node_free(document) }

    var prose = ""
    func flushProse(before line: Int?) {
      prose += context.closeOpenBlocks(
        where: line.map { "the prose before the lab cell on line \($0)" }
          ?? "the notebook")
      if !prose.isEmpty { result.blocks.append(.prose(prose)) }
      prose = ""
    }
    var child = cmark_node_first_child(document)
    while let node = child {
      child = cmark_node_next(node)
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
      let (rewritten, headings) = rewrite(node, context)
      result.headings += headings
      prose += withHeadingIDs(render(rewritten), headings)
      if let first = nested.first {
        flushProse(before: first.block.startLine)
        result.blocks += nested.map { .lab($0.block) }
      }
    }
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
    var inlines: [OpaquePointer] = []
    var mathBlocks: [(node: OpaquePointer, block: CodeBlock)] = []
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
        headings.append(
          SectionHeading(
            level: Int(cmark_node_get_heading_level(node)),
            id: context.headingID(text), text: text))
      } else if let block = codeBlock(node), block.isMath {
        mathBlocks.append((node, block))
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
      let location = context.locate(
        literal, line: Int(cmark_node_get_start_line(node)),
        byteColumn: Int(cmark_node_get_start_column(node)))
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
