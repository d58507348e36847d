// libFuzzer target: the directive parser on one lab block's lines.
//
// Against the Notebook module built with -enable-testing (see fuzz/run), so
// the internal `DirectiveParser` is reachable, in the language of
// FuzzLanguage.swift; its entry point is in Entry.swift. The first line, when it
// starts with `--set `, becomes a command-line override, so that override
// parsing and its application to directives are fuzzed too.

@testable import Notebook

func fuzzDirectives(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  // The notebook reader rejects invalid UTF-8 before parsing, so decoding
  // with repair gives the parser only what it can really see.
  let text = String(decoding: bytes, as: UTF8.self)
  var lines = text.split(
    separator: "\n", omittingEmptySubsequences: false
  ).map(String.init)
  var overrides: [Override] = []
  if let first = lines.first, first.hasPrefix("--set ") {
    if case .success(let override) = Override.parse(
      String(first.dropFirst(6)), language: fuzzLanguage)
    {
      overrides.append(override)
    }
    lines.removeFirst()
  }
  let block = lines.enumerated().map { offset, line in
    BlockLine(line, line: offset + 2, baseColumn: offset % 3)
  }
  let parser = DirectiveParser(
    file: "fuzz.md", overrides: overrides, language: fuzzLanguage)
  let (directives, diagnostics) = parser.parse(block)
  // Every location must be inside the block and every message printable.
  for diagnostic in diagnostics {
    if let location = diagnostic.location {
      precondition(location.line >= 2 && location.line < block.count + 2)
      precondition(location.column >= 1)
    }
    _ = diagnostic.description
  }
  for directive in directives {
    precondition(directive.location.line >= 2)
    // The canonical spelling is what cache keys are made of: it must read
    // back as the very same directive, or two different cells could
    // share a key (or one cell miss its own).
    let canonical = directive.canonical
    let (again, problems) = DirectiveParser(
      file: "fuzz.md", overrides: [], language: fuzzLanguage
    ).parse([BlockLine(canonical, line: 2, baseColumn: 0)])
    precondition(
      problems.isEmpty && again.map(\.values) == [directive.values],
      "canonical form does not read back: \(canonical)")
  }
}
