import Ccmark

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

  /// True when the info string's first word is `lab`.
  var isLab: Bool {
    info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == "lab"
  }

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
  /// Every code block that is not a lab block (to check for missing
  /// closing fences).
  var otherCodeBlocks: [CodeBlock] = []
}

/// Parses CommonMark with libcmark in safe mode and converts the tree into
/// Swift values. The only place in the target that touches cmark pointers:
/// the document is parsed, walked and freed inside `convert`.
enum CommonMarkConverter {
  /// libcmark's options: the defaults, so raw HTML becomes
  /// `<!-- raw HTML omitted -->` and `javascript:` links are emptied.
  /// Never add `CMARK_OPT_UNSAFE`: a notebook must not put a `<script>`
  /// into the report.
  private static let options = CMARK_OPT_DEFAULT

  /// Converts UTF-8 text (line endings already `\n`).
  static func convert(_ bytes: [UInt8]) -> ConvertedMarkdown {
    // An explicit length: a NUL byte must not cut the document short. The
    // extra NUL only gives an empty document a valid pointer.
    let parsed: OpaquePointer? = (bytes + [0]).withUnsafeBufferPointer {
      buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        chars.baseAddress.flatMap {
          cmark_parse_document($0, bytes.count, options)
        }
      }
    }
    var result = ConvertedMarkdown()
    guard let document = parsed else { return result }
    defer { cmark_node_free(document) }

    var prose = ""
    func flushProse() {
      if !prose.isEmpty { result.blocks.append(.prose(prose)) }
      prose = ""
    }
    var child = cmark_node_first_child(document)
    while let node = child {
      child = cmark_node_next(node)
      if let block = codeBlock(node), block.isLab {
        flushProse()
        result.blocks.append(.lab(block))
        continue
      }
      // A lab block nested in a list or quote becomes a cell of its own
      // right after that container's prose. It is taken out of the prose
      // so that its source does not show twice. The tree changes only
      // after the walk that found the blocks.
      let nested = scan(node, into: &result)
      for (lab, _) in nested {
        cmark_node_unlink(lab)
        cmark_node_free(lab)
      }
      prose += render(node)
      if !nested.isEmpty {
        flushProse()
        result.blocks += nested.map { .lab($0.block) }
      }
    }
    flushProse()
    return result
  }

  /// Walks a top-level node: records the first heading and the non-lab code
  /// blocks, and returns the nested lab blocks, converted, with their nodes
  /// so that the caller can remove them after the walk.
  private static func scan(
    _ root: OpaquePointer, into result: inout ConvertedMarkdown
  ) -> [(node: OpaquePointer, block: CodeBlock)] {
    var nested: [(node: OpaquePointer, block: CodeBlock)] = []
    forEachNode(under: root) { node in
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_HEADING, result.firstHeading == nil {
        result.firstHeading = plainText(node)
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
