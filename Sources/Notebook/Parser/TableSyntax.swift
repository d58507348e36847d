// MARK: - GitHub's pipe tables, as bytes

/// The rows of a pipe table, split without libcmark: a header row, a
/// delimiter row (`|---|:---:|---:|`) with as many cells, then body rows
/// until the paragraph ends. Every function here is one pass over its
/// line.
enum TableSyntax {
  /// A column's alignment, from the colons of its delimiter cell.
  enum Alignment: Sendable, Equatable {
    case none, left, center, right
  }

  /// More columns than this and the paragraph is not read as a table: no
  /// page shows them, and each costs a cell on every row.
  static let maxColumns = 128

  /// The cells of a row: split at each `|` that no backslash escapes, the
  /// outer pipes dropped, each cell trimmed, and `\|` made `|` (also in
  /// code spans, as GitHub does).
  static func cells(_ line: ArraySlice<UInt8>) -> [[UInt8]] {
    cellsAndStarts(line).map(\.text)
  }

  /// The cells of a row, each with the index in `line` where its text
  /// starts (for the locations of warnings about what is in it).
  static func cellsAndStarts(_ line: ArraySlice<UInt8>)
    -> [(text: [UInt8], start: Int)]
  {
    var cells: [(text: [UInt8], start: Int)] = []
    var cell: [UInt8] = []
    var index = line.startIndex
    var cellStart = index
    var sawPipe = false
    func finish() {
      let leading = cell.prefix { $0 == 0x20 || $0 == 0x09 }.count
      cells.append((trimmed(cell), cellStart + leading))
    }
    while index < line.endIndex {
      let byte = line[index]
      if byte == 0x5C, index + 1 < line.endIndex, line[index + 1] == 0x7C {
        cell.append(0x7C)
        index += 2
        continue
      }
      if byte == 0x5C, index + 1 < line.endIndex {
        cell.append(byte)
        cell.append(line[index + 1])
        index += 2
        continue
      }
      if byte == 0x7C {
        sawPipe = true
        finish()
        cell = []
        cellStart = index + 1
      } else {
        cell.append(byte)
      }
      index += 1
    }
    finish()
    guard sawPipe else { return cells }
    // `| a | b |`: the empty cells outside the outer pipes go.
    let first = line.firstIndex { $0 != 0x20 && $0 != 0x09 }
    if let first, line[first] == 0x7C, cells.first?.text.isEmpty == true {
      cells.removeFirst()
    }
    let last = line.lastIndex { $0 != 0x20 && $0 != 0x09 }
    if let last, line[last] == 0x7C, cells.count > 0, cells.last?.text.isEmpty == true,
      !(last > line.startIndex && line[last - 1] == 0x5C)
    {
      cells.removeLast()
    }
    return cells
  }

  /// The alignments of a delimiter row, or nil when the line is not one:
  /// every cell is dashes with an optional colon at either end, and the
  /// line has a pipe (or more than one cell).
  static func alignments(_ line: ArraySlice<UInt8>) -> [Alignment]? {
    guard line.contains(0x7C) || line.contains(0x3A) else { return nil }
    let cells = cells(line)
    guard !cells.isEmpty, cells.count <= maxColumns else { return nil }
    var alignments: [Alignment] = []
    for cell in cells {
      guard !cell.isEmpty else { return nil }
      let left = cell.first == 0x3A
      let right = cell.count > 1 && cell.last == 0x3A
      let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
      guard !dashes.isEmpty, dashes.allSatisfy({ $0 == 0x2D }) else {
        return nil
      }
      alignments.append(
        left && right ? .center : left ? .left : right ? .right : .none)
    }
    // A single column needs a pipe, or `---` would be a table of one.
    if cells.count == 1, !line.contains(0x7C) { return nil }
    return alignments
  }

  /// A cell's text made to read as one paragraph when libcmark parses the
  /// cells of a table together, one per line with blank lines between: a
  /// start that would open another block (`# `, `- `, `1. `, `> `, a fence,
  /// a thematic break, an HTML block that runs to its end marker) is
  /// escaped with a backslash.
  static func asParagraph(_ cell: [UInt8]) -> [UInt8] {
    guard let first = cell.first else { return cell }
    let followedBySpace = cell.count == 1 || cell[1] == 0x20 || cell[1] == 0x09
    switch first {
    case 0x23, 0x3E:  // "#", ">"
      return [0x5C] + cell
    case 0x2D, 0x2B, 0x2A, 0x5F, 0x3D:  // "-", "+", "*", "_", "="
      let rule = cell.allSatisfy { $0 == first || $0 == 0x20 || $0 == 0x09 }
      return followedBySpace || rule ? [0x5C] + cell : cell
    case 0x60, 0x7E:  // "`", "~": three open a fence
      return cell.prefix(3).allSatisfy { $0 == first } && cell.count >= 3
        ? [0x5C] + cell : cell
    case 0x3C:  // "<!--", "<?", "<!X", "<script" and the like
      let lower = String(decoding: cell.prefix(10), as: UTF8.self).lowercased()
      let runsLong = ["<!", "<?", "<script", "<pre", "<style", "<textarea"]
        .contains { lower.hasPrefix($0) }
      return runsLong ? [0x5C] + cell : cell
    case 0x30...0x39:  // "1. " or "1) "
      var index = 0
      while index < cell.count, index < 10, (0x30...0x39).contains(cell[index]) {
        index += 1
      }
      if index < cell.count, cell[index] == 0x2E || cell[index] == 0x29 {
        var escaped = cell
        escaped.insert(0x5C, at: index)
        return escaped
      }
      return cell
    default:
      return cell
    }
  }

  private static func trimmed(_ cell: [UInt8]) -> [UInt8] {
    guard let first = cell.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
      let last = cell.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })
    else { return [] }
    return Array(cell[first...last])
  }
}
