import FileReading
import Foundation
import HTMLText

// MARK: - The notebook

/// The YAML front matter's settings.
public struct FrontMatter: Sendable, Equatable {
  /// `title:`, the report's title.
  public var title: String?
  /// `seed:`, the seed of the random numbers before the first cell.
  public var seed: UInt64?
  /// `subtitle:`, shown under the title.
  public var subtitle: String?
  /// `author:`, one name or a list of names.
  public var authors: [String]
  /// `date:`, the lecture's date as written (not the run's date).
  public var date: String?
  /// `toc: true`: a table of contents at the top of the page.
  public var tableOfContents: Bool

  /// Creates front matter.
  public init(
    title: String? = nil, seed: UInt64? = nil, subtitle: String? = nil,
    authors: [String] = [], date: String? = nil,
    tableOfContents: Bool = false
  ) {
    self.title = title
    self.seed = seed
    self.subtitle = subtitle
    self.authors = authors
    self.date = date
    self.tableOfContents = tableOfContents
  }
}

/// A piece of the notebook, in document order.
public enum NotebookItem: Sendable {
  /// Markdown between lab blocks, as safe HTML (only the allowed tags of
  /// the notebook's own HTML, without attributes; formulas as MathML; no
  /// `javascript:` links).
  case prose(html: String)
  /// A lab block.
  case lab(LabCell)
}

/// A ```` ```lab ```` block: its source, its valid directives and every
/// problem found in it.
public struct LabCell: Sendable {
  /// 1-based, in document order.
  public var number: Int
  /// The opening fence.
  public var fence: SourceLocation
  /// The block's text, one string per line, without the fences.
  public var sourceLines: [String]
  /// The line number of `sourceLines[0]`.
  public var firstSourceLine: Int
  /// The valid directives only, in order.
  public var directives: [Directive]
  /// Every problem of the block, in order.
  public var diagnostics: [Diagnostic]

  /// Creates a cell.
  public init(
    number: Int, fence: SourceLocation, sourceLines: [String],
    firstSourceLine: Int, directives: [Directive], diagnostics: [Diagnostic]
  ) {
    self.number = number
    self.fence = fence
    self.sourceLines = sourceLines
    self.firstSourceLine = firstSourceLine
    self.directives = directives
    self.diagnostics = diagnostics
  }

  /// True when any diagnostic of the block is an error.
  public var hasErrors: Bool { diagnostics.contains(where: \.isError) }

  /// The block's text, lines joined by `\n`.
  public var source: String { sourceLines.joined(separator: "\n") }
}

/// A parsed Markdown notebook.
public struct Notebook: Sendable {
  /// The path given to the parser, used in every location.
  public var path: String
  /// The front matter (after overrides).
  public var frontMatter: FrontMatter
  /// The front matter's title, else the first heading's text, else nil.
  public var title: String?
  /// Prose and lab cells, in document order.
  public var items: [NotebookItem]
  /// Problems of the notebook as a whole: encoding, front matter, fences.
  public var diagnostics: [Diagnostic]
  /// The prose's headings in order, with the ids they carry on the page.
  public var headings: [SectionHeading]
  /// The first error of the front matter, if it has one. Its settings
  /// (the seed above all) are then unknown, so no cell should run.
  public var frontMatterError: Diagnostic?
  /// The local image files the prose names (found or not), as absolute
  /// paths: saving one changes the report.
  public var imageFiles: [String]
  /// The notebook's text, one string per line: what a printed diagnostic
  /// quotes under its location.
  public var lines: [Substring]

  /// Creates a notebook.
  public init(
    path: String, frontMatter: FrontMatter, title: String?,
    items: [NotebookItem], diagnostics: [Diagnostic],
    headings: [SectionHeading] = [], frontMatterError: Diagnostic? = nil,
    imageFiles: [String] = [], lines: [Substring] = []
  ) {
    self.lines = lines
    self.path = path
    self.frontMatter = frontMatter
    self.title = title
    self.items = items
    self.diagnostics = diagnostics
    self.headings = headings
    self.frontMatterError = frontMatterError
    self.imageFiles = imageFiles
  }

  /// The lab cells, in order.
  public var cells: [LabCell] {
    items.compactMap {
      if case .lab(let cell) = $0 { return cell }
      return nil
    }
  }

  /// Every diagnostic, the notebook's and the cells', sorted by location
  /// (those without a location first).
  public var allDiagnostics: [Diagnostic] {
    let all = diagnostics + cells.flatMap(\.diagnostics)
    return all.enumerated().sorted { a, b in
      switch (a.element.location, b.element.location) {
      case (nil, nil): return a.offset < b.offset
      case (nil, _): return true
      case (_, nil): return false
      case (let x?, let y?): return x == y ? a.offset < b.offset : x < y
      }
    }.map(\.element)
  }

  /// The text of the 1-based line `number`, if the notebook has it.
  public func line(_ number: Int) -> String? {
    lines.indices.contains(number - 1) ? String(lines[number - 1]) : nil
  }

  /// The text of the line `diagnostic` points at, if it is in this file.
  public func line(of diagnostic: Diagnostic) -> String? {
    guard let location = diagnostic.location, location.file == path else {
      return nil
    }
    return line(location.line)
  }

  /// True when the notebook or any cell has an error.
  public var hasErrors: Bool { allDiagnostics.contains(where: \.isError) }

  // MARK: Parsing

  /// Parses a notebook. Never fails: every problem becomes a diagnostic of
  /// the notebook or of a cell.
  ///
  /// - Parameters:
  ///   - source: The Markdown text.
  ///   - path: The file name used in locations.
  ///   - overrides: Command-line settings applied to every directive with
  ///     their verb (and to the front matter) before validation.
  ///   - language: The directives `lab` blocks may use.
  public static func parse(
    source: String, path: String, overrides: [Override] = [],
    language: DirectiveLanguage
  ) -> Notebook {
    var text = SourceText(source)
    let front = parseFrontMatter(text, file: path)
    var frontMatter = front.frontMatter
    for override in overrides where override.verb == nil {
      switch override.key {
      case "title": frontMatter.title = override.value
      case "seed": frontMatter.seed = UInt64(override.value) ?? frontMatter.seed
      default: break
      }
    }
    // Blank lines (not removed ones) keep cmark's line numbers right.
    text.blankLines(through: front.lineCount)
    // Formulas are taken out before Markdown reads the text, so that its
    // escapes never touch the TeX; where code is, there is no math.
    var codeLines = CommonMarkConverter.codeLines(
      text.bytes, lineCount: text.lineCount)
    // A note's later paragraphs, indented, would be code: marked first, so
    // that their formulas are found too.
    let continuations = FootnoteContinuations(text.bytes, codeLines: codeLines)
    var prose = text
    if !continuations.lines.isEmpty {
      prose = SourceText(normalizedBytes: continuations.bytes)
      codeLines = CommonMarkConverter.codeLines(
        prose.bytes, lineCount: prose.lineCount)
    }
    let math = MathScan(prose, excludedLines: codeLines)
    // Footnote definitions are marked next, for the same reason.
    var footnotes = FootnoteScan(math.bytes, excludedLines: codeLines)
    footnotes.continuationLines = continuations.lines
    let context = ProseContext(
      path: path, text: text, math: math, footnotes: footnotes)
    let markdown = CommonMarkConverter.convert(context)

    var diagnostics = front.diagnostics + context.diagnostics
    var items: [NotebookItem] = []
    let parser = DirectiveParser(
      file: path, overrides: overrides, language: language)
    var cellCount = 0
    for block in markdown.blocks {
      switch block {
      case .prose(let html):
        items.append(.prose(html: html))
      case .lab(let code):
        cellCount += 1
        let (cell, unclosed) = makeCell(
          code, number: cellCount, text: text, path: path, parser: parser)
        if let unclosed { diagnostics.append(unclosed) }
        items.append(.lab(cell))
      }
    }
    diagnostics += unusedOverrides(overrides, items: items)
    for code in markdown.otherCodeBlocks {
      if let unclosed = unclosedFence(code, text: text, path: path) {
        diagnostics.append(unclosed)
      }
      if let nearMiss = nearMissLab(code, text: text, path: path) {
        diagnostics.append(nearMiss)
      }
    }
    // Stable: diagnostics of one line keep the order they were found in.
    diagnostics = diagnostics.enumerated().sorted {
      let a = $0.element.location?.line ?? 0
      let b = $1.element.location?.line ?? 0
      return a == b ? $0.offset < $1.offset : a < b
    }.map(\.element)
    return Notebook(
      path: path, frontMatter: frontMatter,
      title: frontMatter.title ?? markdown.firstHeading,
      items: items, diagnostics: diagnostics, headings: markdown.headings,
      frontMatterError: front.diagnostics.first(where: \.isError),
      imageFiles: context.imageFiles,
      lines: source.split(separator: "\n", omittingEmptySubsequences: false))
  }

  /// The largest notebook file `load` reads, in bytes (64 MB: parsing
  /// takes seconds per ten megabytes).
  public static let maxFileSize = 64_000_000

  /// Reads and parses a notebook file.
  ///
  /// - Throws: A `Diagnostic` when the file cannot be read or is not valid
  ///   UTF-8 (naming the line and column of the first bad byte).
  public static func load(
    path: String, overrides: [Override] = [], language: DirectiveLanguage
  ) throws(Diagnostic) -> Notebook
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    else {
      throw .error(at: nil, "cannot read '\(path)': no such file")
    }
    if isDirectory.boolValue {
      throw .error(at: nil, "cannot read '\(path)': it is a directory")
    }
    // A device or a pipe could block or never end, and a huge file would
    // take minutes: both are refused before reading.
    var info = stat()
    if stat(path, &info) == 0 {
      if info.st_mode & S_IFMT != S_IFREG {
        throw .error(
          at: nil,
          "cannot read '\(path)': it is not a regular file (a device or a"
            + " pipe)",
          suggestion: "name a Markdown file")
      }
      if Int(info.st_size) > maxFileSize {
        throw .error(
          at: nil,
          "cannot read '\(path)': it holds \(Int(info.st_size) / 1_000_000)"
            + " MB, and a notebook may hold at most"
            + " \(maxFileSize / 1_000_000) MB",
          suggestion: "split it into several notebooks")
      }
    }
    let bytes: [UInt8]
    switch readFile(path, limit: maxFileSize) {
    case .success(let read): bytes = read
    case .failure(let failure):
      throw .error(at: nil, "cannot read '\(path)': \(failure.reason)")
    }
    if let bad = firstInvalidUTF8(in: bytes) {
      throw .error(
        at: SourceLocation(file: path, line: bad.line, column: bad.column),
        "invalid UTF-8 on line \(bad.line): byte 0x"
          + String(bad.byte, radix: 16, uppercase: true)
          + " is not part of a valid character",
        suggestion: "save the file as UTF-8")
    }
    return parse(
      source: String(decoding: bytes, as: UTF8.self), path: path,
      overrides: overrides, language: language)
  }

  /// Warnings for overrides whose verb no lab block uses: a typo on the
  /// command line should not pass silently.
  private static func unusedOverrides(
    _ overrides: [Override], items: [NotebookItem]
  ) -> [Diagnostic] {
    guard overrides.contains(where: { $0.verb != nil }) else { return [] }
    var verbs: Set<String> = []
    for case .lab(let cell) in items {
      for line in cell.sourceLines {
        let code = line.prefix { $0 != "#" }
        if let verb = code.split(whereSeparator: { $0 == " " || $0 == "\t" })
          .first
        {
          verbs.insert(String(verb))
        }
      }
    }
    return overrides.compactMap { override in
      guard let verb = override.verb, !verbs.contains(verb) else { return nil }
      return .warning(
        at: nil,
        "override '\(override.text)' changes nothing: the notebook has no"
          + " '\(verb)' directive")
    }
  }

  // MARK: Cells

  private static func makeCell(
    _ code: CodeBlock, number: Int, text: SourceText, path: String,
    parser: DirectiveParser
  ) -> (LabCell, Diagnostic?) {
    let lines = code.lines
    let firstLine = code.startLine + 1
    // A closing fence typed wrong left the block open: the lines after it
    // are prose the author never meant as directives, so only the lines
    // before it are read, and one error names both lines.
    if let miss = mistypedClosingFence(code, text: text, path: path) {
      let (directives, diagnostics) = parser.parse(
        blockLines(lines.prefix(miss.line - firstLine), code: code, text: text))
      let cell = LabCell(
        number: number, fence: fenceLocation(code, text: text, path: path),
        sourceLines: lines, firstSourceLine: firstLine,
        directives: directives, diagnostics: diagnostics)
      return (cell, miss.diagnostic)
    }
    let (directives, diagnostics) = parser.parse(
      blockLines(lines[...], code: code, text: text))
    let cell = LabCell(
      number: number, fence: fenceLocation(code, text: text, path: path),
      sourceLines: lines, firstSourceLine: firstLine, directives: directives,
      diagnostics: diagnostics)
    return (cell, unclosedFence(code, text: text, path: path))
  }

  private static func fenceLocation(
    _ code: CodeBlock, text: SourceText, path: String
  ) -> SourceLocation {
    SourceLocation(
      file: path, line: code.startLine,
      column: text.column(
        line: code.startLine, byteColumn: code.startByteColumn))
  }

  private static func blockLines(
    _ lines: ArraySlice<String>, code: CodeBlock, text: SourceText
  ) -> [BlockLine] {
    let firstLine = code.startLine + 1
    // The literal lacks the container's prefix (`> `, list indentation), so
    // each line is the end of its source line: columns count from there.
    return lines.enumerated().map { offset, line in
      let lineNumber = firstLine + offset
      var block = BlockLine(line, line: lineNumber, baseColumn: 0)
      block.baseColumn = max(
        0, text.scalarCount(line: lineNumber) - block.scalarCount)
      return block
    }
  }

  /// The first line of an unclosed lab block that was surely meant to
  /// close it: nothing but fence characters, too few of them (` `` ` for
  /// ```` ``` ````) or the other kind (`~~~` for ```` ``` ````), with the
  /// error that names it.
  private static func mistypedClosingFence(
    _ code: CodeBlock, text: SourceText, path: String
  ) -> (line: Int, diagnostic: Diagnostic)? {
    guard let fence = openingFence(code, text: text),
      unclosedFence(code, text: text, path: path) != nil
    else { return nil }
    let firstLine = code.startLine + 1
    for (offset, line) in code.lines.enumerated() {
      let trimmed = line.unicodeScalars.drop { $0 == " " || $0 == "\t" }
      let body = trimmed.reversed().drop { $0 == " " || $0 == "\t" }
      guard let first = body.first, first == "`" || first == "~",
        body.allSatisfy({ $0 == first })
      else { continue }
      let count = body.count
      let sameKind = first == fence.character
      guard !sameKind || count < fence.length, sameKind || count >= 3
      else { continue }
      let lineNumber = firstLine + offset
      let leading = line.unicodeScalars.count - trimmed.count
      let column = max(0, text.scalarCount(line: lineNumber)
        - line.unicodeScalars.count) + leading + 1
      let written = fence.character == "`" ? "`" : "~"
      let closer = String(repeating: written, count: fence.length)
      let diagnostic = Diagnostic.error(
        at: SourceLocation(file: path, line: lineNumber, column: column),
        "the block opened at line \(code.startLine) is not closed (line"
          + " \(lineNumber) has \(describeFence(first, count: count)))",
        suggestion: "close it with \(closer), as many "
          + (fence.character == "`" ? "backticks" : "tildes")
          + " as the opening fence has",
        length: count)
      return (lineNumber, diagnostic)
    }
    return nil
  }

  /// True for an indented code block (four spaces), which cmark reports
  /// as a code block with no info string like a bare fence.
  private static func isIndented(_ code: CodeBlock, text: SourceText) -> Bool {
    guard code.info.isEmpty, let first = code.lines.first else { return false }
    let line = text.line(code.startLine)
    let start = line.startIndex + max(0, code.startByteColumn - 1)
    guard start <= line.endIndex else { return false }
    func trimmed(_ bytes: some Collection<UInt8>) -> [UInt8] {
      var bytes = Array(bytes)
      while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D {
        bytes.removeLast()
      }
      return bytes
    }
    return trimmed(line[start...]) == trimmed(first.utf8)
  }

  /// The opening fence's character and length, e.g. ("`", 3).
  private static func openingFence(_ code: CodeBlock, text: SourceText)
    -> (character: Unicode.Scalar, length: Int)?
  {
    let line = text.line(code.startLine)
    let start = line.startIndex + max(0, code.startByteColumn - 1)
    guard start < line.endIndex else { return nil }
    let byte = line[start]
    guard byte == 0x60 || byte == 0x7E else { return nil }
    return (Unicode.Scalar(byte), line[start...].prefix { $0 == byte }.count)
  }

  /// "two backticks", "one tilde", "five backticks".
  private static func describeFence(_ character: Unicode.Scalar, count: Int)
    -> String
  {
    let words = ["no", "one", "two", "three", "four", "five", "six"]
    let number = count < words.count ? words[count] : String(count)
    let noun = character == "`" ? "backtick" : "tilde"
    return "\(number) \(noun)" + (count == 1 ? "" : "s")
  }

  /// A warning for a fence that was surely meant to be run: ```` ```Lab ````,
  /// ```` ```LAB ````, ```` ```lab: ````, ```` ```labs ````. It is shown as
  /// code, and the cells after it would fail for want of what it loads.
  private static func nearMissLab(
    _ code: CodeBlock, text: SourceText, path: String
  ) -> Diagnostic? {
    guard let word = code.language else { return nil }
    let lowered = word.lowercased()
    let trimmed = lowered.trimmingCharacters(in: .punctuationCharacters)
    guard lowered == "labs" || trimmed == "lab" || lowered == "lab" else {
      return nil
    }
    // The info string's column: after the fence and its spaces.
    let line = text.line(code.startLine)
    var index = line.startIndex + max(0, code.startByteColumn - 1)
    while index < line.endIndex, line[index] == 0x60 || line[index] == 0x7E {
      index += 1
    }
    while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 {
      index += 1
    }
    let location = SourceLocation(
      file: path, line: code.startLine,
      column: text.column(
        line: code.startLine, byteColumn: index - line.startIndex + 1))
    return .warning(
      at: location,
      "this block is shown as code, not run: its info string is"
        + " \(quoted(String(word))), and only 'lab' (lower case, alone) runs",
      suggestion: "write 'lab' after the fence")
  }

  /// An error (lab block) or warning (other fences) when a fence is never
  /// closed, so that cmark ran it to the end of the document or container.
  private static func unclosedFence(
    _ code: CodeBlock, text: SourceText, path: String
  ) -> Diagnostic? {
    let line = text.line(code.startLine)
    let start = line.startIndex + max(0, code.startByteColumn - 1)
    guard start < line.endIndex else { return nil }
    let fenceByte = line[start]
    guard fenceByte == 0x60 || fenceByte == 0x7E else { return nil }
    let fenceLength = line[start...].prefix { $0 == fenceByte }.count
    guard fenceLength >= 3 else { return nil }
    let span = code.endLine - code.startLine
    let lineCount = code.lineCount
    // An indented code block whose text happens to start with ``` is no
    // fence at all: it has no info string, and its opening line is its
    // own first line of text (a fence's text starts on the next line).
    if isIndented(code, text: text) { return nil }
    let closed = span > 0 && code.endByteColumn > 0 && lineCount == span - 1
    guard !closed else { return nil }
    let fence = String(repeating: fenceByte == 0x60 ? "`" : "~", count: fenceLength)
    let location = SourceLocation(
      file: path, line: code.startLine,
      column: text.column(
        line: code.startLine, byteColumn: code.startByteColumn))
    if code.isLab {
      return .error(
        at: location,
        "unclosed lab block: the fence \(fence)\(code.info) is never closed,"
          + " so the rest of its container is read as directives",
        suggestion: "add a line \(fence) after the block")
    }
    return .warning(
      at: location,
      "unclosed code block: the fence \(fence) is never closed, so the rest"
        + " of its container is shown as code",
      suggestion: "add a line \(fence) after the block")
  }
}

// MARK: - Reading files

/// Why a file could not be read, in the system's words.
struct ReadFailure: Error {
  var reason: String

  init(reason: String) { self.reason = reason }
}

/// The whole file, at most `limit` bytes (`WholeFile.read`: never waits
/// on a file that would block).
func readFile(_ path: String, limit: Int)
  -> Result<[UInt8], ReadFailure>
{
  WholeFile.read(path, limit: limit).map(\.bytes).mapError {
    ReadFailure(reason: $0.reason)
  }
}
