import Foundation

// MARK: - An instructor's file of checks

/// Reads a file of checks (`labrun --checks grading.md`): either Markdown
/// whose ` ```lab ` (or ` ```checks `) blocks hold `expect` lines, the prose
/// around them being notes for the instructor, or, when the file has no
/// fenced block, a plain list of `expect` lines. Blank lines and `#`
/// comments are skipped; every other line must be a check.
public enum CheckFile {
  /// The checks of `text` and the mistakes found in it (located in `file`).
  public static func parse(_ text: String, file: String)
    -> (checks: [Check], diagnostics: [Diagnostic])
  {
    // By scalars: "\r\n" is one Character, and lines are what editors count.
    let lines = text.unicodeScalars.split(
      separator: "\n", omittingEmptySubsequences: false
    ).map { line in
      String(line.last == "\r" ? line.dropLast() : line)
    }
    let fenced = lines.contains { isFence($0) != nil }
    var inBlock = false
    var blockCounts = false
    var fence = ""
    var checks: [Check] = []
    var diagnostics: [Diagnostic] = []
    let parser = CheckParser(file: file)
    for (offset, line) in lines.enumerated() {
      if fenced {
        if !inBlock, let opening = isFence(line) {
          inBlock = true
          fence = opening.marker
          let info = opening.info.lowercased()
          blockCounts = info == "lab" || info == "checks"
          continue
        }
        if inBlock {
          let trimmed = line.trimmingCharacters(in: .whitespaces)
          if trimmed.hasPrefix(fence),
            trimmed.allSatisfy({ $0 == fence.first })
          {
            inBlock = false
            continue
          }
        }
        guard inBlock, blockCounts else { continue }
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      switch parser.parse(line, line: offset + 1) {
      case .success(let check): checks.append(check)
      case .failure(let errors): diagnostics += errors.diagnostics
      }
    }
    if checks.isEmpty && diagnostics.isEmpty {
      diagnostics.append(
        .error(
          at: SourceLocation(file: file, line: 1, column: 1),
          "no check in the file",
          suggestion: "write lines such as 'expect test.accuracy >= 0.9'"
            + (fenced ? " inside a ```lab block" : "")))
    }
    return (checks, diagnostics)
  }

  /// The fence's marker (three or more ` or ~) and info string, when the
  /// line opens a fenced block.
  private static func isFence(_ line: String) -> (marker: String, info: String)?
  {
    let trimmed = line.drop { $0 == " " }
    guard line.count - trimmed.count <= 3,
      let first = trimmed.first, first == "`" || first == "~"
    else { return nil }
    let marker = trimmed.prefix { $0 == first }
    guard marker.count >= 3 else { return nil }
    let info = trimmed.dropFirst(marker.count)
      .trimmingCharacters(in: .whitespaces)
    return (String(marker), info)
  }
}
