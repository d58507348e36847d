import Yams

// MARK: - Front matter

/// What the front matter says, and how many lines it takes.
struct FrontMatterResult {
  var frontMatter = FrontMatter()
  var diagnostics: [Diagnostic] = []
  /// Lines `1...lineCount` are front matter (0 when there is none).
  var lineCount = 0
}

/// The keys the front matter may set.
let frontMatterKeys = ["title", "subtitle", "author", "date", "toc", "seed"]

/// Reads YAML front matter: a first line `---`, closed by `---` or `...`.
func parseFrontMatter(_ source: SourceText, file: String) -> FrontMatterResult {
  var result = FrontMatterResult()
  func trimmed(_ line: Int) -> String {
    var bytes = source.line(line)
    while let last = bytes.last, last == 0x20 || last == 0x09 {
      bytes.removeLast()
    }
    return String(decoding: bytes, as: UTF8.self)
  }
  guard source.lineCount > 0, trimmed(1) == "---" else { return result }
  let start = SourceLocation(file: file, line: 1, column: 1)
  var closing: Int?
  for line in 2..<max(2, source.lineCount + 1) {
    let text = trimmed(line)
    if text == "---" || text == "..." {
      closing = line
      break
    }
  }
  guard let closing else {
    result.diagnostics.append(
      .error(
        at: start,
        "unterminated front matter: the '---' on line 1 has no closing"
          + " '---' or '...' line",
        suggestion: "add a line '---' after the front matter, or remove"
          + " line 1"))
    return result
  }
  result.lineCount = closing
  let yaml = (2..<closing).map(source.lineText).joined(separator: "\n")

  // Marks from Yams are 1-based within the YAML text, which starts on the
  // file's line 2; columns are in Unicode scalars, as ours are. But YAML
  // also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029), which
  // are ordinary characters to us: where each of YAML's lines starts in
  // ours is worked out once, on the first mark (there may be thousands).
  var yamlLineStarts: [(line: Int, column: Int)] = []
  func location(_ mark: Mark?) -> SourceLocation {
    guard let mark else { return start }
    if yamlLineStarts.isEmpty {
      yamlLineStarts.append((2, 1))
      var (line, column) = (2, 1)
      for scalar in yaml.unicodeScalars {
        switch scalar {
        case "\n":
          (line, column) = (line + 1, 1)
          yamlLineStarts.append((line, column))
        case "\u{85}", "\u{2028}", "\u{2029}":
          column += 1
          yamlLineStarts.append((line, column))
        default:
          column += 1
        }
      }
    }
    // Past the last line: libyaml's "end of stream" is the closing line.
    guard mark.line >= 1, mark.line <= yamlLineStarts.count else {
      return SourceLocation(file: file, line: closing, column: 1)
    }
    let lineStart = yamlLineStarts[mark.line - 1]
    return SourceLocation(
      file: file, line: lineStart.line,
      column: lineStart.column + max(0, mark.column - 1))
  }

  // Yams builds its tree recursively; a front matter nested thousands deep
  // would exhaust the stack. Real front matter is flat.
  if let deep = tooDeep(source, lines: 2..<closing) {
    result.diagnostics.append(
      .error(
        at: SourceLocation(file: file, line: deep, column: 1),
        "the front matter nests too deeply; expected flat 'key: value'"
          + " lines (title, seed)"))
    return result
  }

  let root: Node?
  do {
    root = try Yams.compose(yaml: yaml)
  } catch let error as YamlError {
    var diagnostic = yamlDiagnostic(error, location: location)
    if diagnostic.suggestion == nil, let line = diagnostic.location?.line,
      (2..<closing).contains(line)
    {
      diagnostic.suggestion = quotingAdvice(source.lineText(line))
    }
    result.diagnostics.append(diagnostic)
    return result
  } catch {
    result.diagnostics.append(
      .error(at: start, "invalid YAML in the front matter: \(error)"))
    return result
  }
  guard let root else { return result }
  guard case .mapping(let mapping) = root else {
    if root.null != nil { return result }
    result.diagnostics.append(
      .error(
        at: location(root.mark),
        "expected the front matter to be 'key: value' lines (title, seed)"))
    return result
  }

  let keys = frontMatterKeys
  for (keyNode, valueNode) in mapping {
    let key = keyNode.string ?? ""
    /// The value as text; nil (with an error) for a list or mapping, nil
    /// for an empty value.
    func text() -> String? {
      guard case .scalar(let scalar) = valueNode else {
        result.diagnostics.append(
          .error(
            at: location(valueNode.mark),
            "expected text for \(quoted(key)), found a list or mapping",
            suggestion: "put the value in quotes"))
        return nil
      }
      return valueNode.null == nil || scalar.style != .plain
        ? scalar.string : nil
    }
    switch key {
    case "title":
      if let title = text() { result.frontMatter.title = title }
    case "subtitle":
      if let subtitle = text() { result.frontMatter.subtitle = subtitle }
    case "date":
      if let date = text() { result.frontMatter.date = date }
    case "author":
      // One name, or a list of names.
      if case .sequence(let names) = valueNode {
        for name in names {
          guard case .scalar(let scalar) = name else {
            result.diagnostics.append(
              .error(
                at: location(name.mark),
                "expected a name in the list of 'author', found a list or"
                  + " mapping",
                suggestion: "write one name per line: '- Ada Lovelace'"))
            continue
          }
          result.frontMatter.authors.append(scalar.string)
        }
      } else if let author = text() {
        result.frontMatter.authors = [author]
      }
    case "toc":
      guard case .scalar(let scalar) = valueNode,
        let value = ["true": true, "false": false][scalar.string.lowercased()]
      else {
        result.diagnostics.append(
          .error(
            at: location(valueNode.mark),
            "expected true or false for 'toc', found "
              + (valueNode.scalar.map { quoted($0.string) } ?? "a list or mapping"),
            suggestion: "write 'toc: true' for a table of contents"))
        continue
      }
      result.frontMatter.tableOfContents = value
    case "seed":
      guard case .scalar(let scalar) = valueNode else {
        result.diagnostics.append(
          .error(
            at: location(valueNode.mark),
            "expected a non-negative integer below 2^64 for 'seed', found a"
              + " list or mapping"))
        continue
      }
      switch ValueType.unsigned64.parse(scalar.string, subject: "'seed'") {
      case .success(.unsigned(let seed)):
        result.frontMatter.seed = seed
      case .success:
        break
      case .failure(let problem):
        result.diagnostics.append(
          .error(at: location(valueNode.mark), problem.message))
      }
    default:
      result.diagnostics.append(
        .warning(
          at: location(keyNode.mark),
          "unknown front-matter key \(quoted(key)) is ignored; expected one"
            + " of " + keys.joined(separator: ", "),
          suggestion: closestMatch(to: key, among: keys).map {
            "did you mean '\($0)'?"
          }))
    }
  }
  return result
}

/// The first line where brackets nest (or indentation grows) beyond what
/// flat front matter could need, or nil.
private func tooDeep(_ source: SourceText, lines: Range<Int>) -> Int? {
  let maxDepth = 64
  var depth = 0
  for number in lines {
    let line = source.line(number)
    let indentation = line.prefix { $0 == 0x20 }.count
    if indentation > 2 * maxDepth { return number }
    // Compact nesting such as `- - - x` or `a: b: c:` needs no brackets.
    var markers = 0
    for (byte, next) in zip(line, line.dropFirst())
    where next == 0x20 && (byte == 0x2D || byte == 0x3A || byte == 0x3F) {
      markers += 1
    }
    if markers > maxDepth { return number }
    for byte in line {
      if byte == 0x5B || byte == 0x7B {  // "[" "{"
        depth += 1
        if depth > maxDepth { return number }
      } else if byte == 0x5D || byte == 0x7D {  // "]" "}"
        depth = max(0, depth - 1)
      }
    }
  }
  return nil
}

/// The fix for the commonest YAML mistake: a value with `: ` or ` #` in
/// it (`title: Lecture 20: MNIST`) must be quoted. Nil when the line is
/// not `key: value` or its value is quoted already.
func quotingAdvice(_ line: String) -> String? {
  guard let colon = line.firstRange(of: ": ") else { return nil }
  let key = line[..<colon.lowerBound]
  let value = String(line[colon.upperBound...]).trimmingSpaces()
  guard !key.isEmpty, !key.contains(" "), !value.isEmpty,
    value.contains(": ") || value.contains(" #") || value.hasSuffix(":"),
    !value.hasPrefix("\""), !value.hasPrefix("'")
  else { return nil }
  let escaped = value.replacing("\\", with: "\\\\")
    .replacing("\"", with: "\\\"")
  return "a value with a colon needs quotes: write \(key): \"\(escaped)\""
}

/// Turns a Yams error into a diagnostic at the file's line and column.
private func yamlDiagnostic(
  _ error: YamlError, location: (Mark?) -> SourceLocation
) -> Diagnostic {
  func describe(_ problem: String, _ context: YamlError.Context?) -> String {
    var message = "invalid YAML in the front matter: \(problem)"
    if let context, !context.text.isEmpty {
      message += " (\(context.text))"
    }
    return message
  }
  switch error {
  case .scanner(let context, let problem, let mark, _),
    .parser(let context, let problem, let mark, _),
    .composer(let context, let problem, let mark, _):
    return .error(at: location(mark), describe(problem, context))
  case .duplicatedKeysInMapping(let duplicates, let context):
    let names = duplicates.map { quoted($0) }.joined(separator: ", ")
    return .error(
      at: location(context.mark),
      "duplicate key \(names) in the front matter")
  case .reader(let problem, _, _, _):
    return .error(at: location(nil), "invalid YAML in the front matter: \(problem)")
  default:
    return .error(at: location(nil), "invalid YAML in the front matter: \(error)")
  }
}
