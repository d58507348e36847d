// libFuzzer target: the whole notebook reader — the UTF-8 check, front
// matter (YAML), Markdown through libcmark, and every lab block.
//
// Against the Notebook module built with -enable-testing (see fuzz/run);
// its entry point is in Entry.swift.

@testable import Notebook

func fuzzNotebook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  // `Notebook.load` refuses invalid UTF-8 with the line and column of the
  // first bad byte; the rest goes to the parser, as in the real reader.
  if let bad = firstInvalidUTF8(in: bytes) {
    precondition(bad.line >= 1 && bad.column >= 1)
    return
  }
  let source = String(decoding: bytes, as: UTF8.self)
  let notebook = Notebook.parse(
    source: source, path: "fuzz.md", language: fuzzLanguage)
  // Lines end in LF, CRLF or a lone CR (old Mac files), as in the reader.
  var lineCount = 1
  for (index, byte) in bytes.enumerated() {
    if byte == 0x0A
      || (byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A))
    {
      lineCount += 1
    }
  }
  for diagnostic in notebook.allDiagnostics {
    if let location = diagnostic.location {
      precondition(location.line >= 1 && location.line <= lineCount)
      precondition(location.column >= 1)
    }
    _ = diagnostic.description
  }
  for cell in notebook.cells {
    precondition(cell.fence.line >= 1 && cell.fence.line <= lineCount)
  }
}
