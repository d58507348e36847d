import Foundation
import Testing

import LabrunCore
@testable import Notebook
import LabrunTestSupport

/// Writes bytes to a fresh temporary file and returns its path.
private func temporaryFile(_ bytes: [UInt8]) throws -> String {
  let path = NSTemporaryDirectory() + "notebook-test-\(UUID().uuidString).md"
  try Data(bytes).write(to: URL(fileURLWithPath: path))
  return path
}

@Suite("Robustness: encodings, line endings, sizes")
struct RobustnessTests {
  @Test("a UTF-8 byte-order mark is dropped and does not shift columns")
  func byteOrderMark() throws {
    let notebook = Notebook.parse(
      source: "\u{FEFF}---\ntitle: T\n---\n```lab\nsgd lr=x\n```\n", path: "nb.md")
    #expect(notebook.frontMatter.title == "T")
    #expect(notebook.cells.first?.diagnostics.first?.location
      == SourceLocation(file: "nb.md", line: 5, column: 8))
    let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("# Hello\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let loaded = try Notebook.load(path: path)
    #expect(loaded.title == "Hello")
  }

  @Test("CRLF notebooks parse like LF ones, front matter included")
  func crlf() throws {
    let lf = """
      ---
      title: T
      seed: 3
      ---
      # H

      ```lab
      load mnist train=x
      sgd   lrate=3
      ```
      """
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    let a = Notebook.parse(source: lf, path: "nb.md")
    let b = Notebook.parse(source: crlf, path: "nb.md")
    #expect(b.frontMatter == FrontMatter(title: "T", seed: 3))
    #expect(a.cells.flatMap(\.diagnostics) == b.cells.flatMap(\.diagnostics))
    #expect(b.cells.first?.sourceLines == ["load mnist train=x", "sgd   lrate=3"])
    #expect(b.cells.flatMap(\.diagnostics).map(\.location!.column) == [18, 7])
  }

  @Test("invalid UTF-8 is an error naming the line")
  func invalidUTF8() throws {
    let path = try temporaryFile(Array("# Title\n\nok é\nbad \u{1}".utf8) + [0xFF, 0x41, 0x0A])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: Diagnostic.self) { try Notebook.load(path: path) }
    do {
      _ = try Notebook.load(path: path)
    } catch {
      #expect(error.location == SourceLocation(file: path, line: 4, column: 6))
      #expect(error.message == "invalid UTF-8 on line 4: byte 0xFF is not part of a valid character")
    }
    let crPath = try temporaryFile(Array("a\r\nb\rc\r\n".utf8) + [0xC3])
    defer { try? FileManager.default.removeItem(atPath: crPath) }
    do {
      _ = try Notebook.load(path: crPath)
      Issue.record("truncated sequence accepted")
    } catch {
      #expect(error.location?.line == 4)
    }
  }

  @Test("a missing file and a directory are diagnostics, not crashes")
  func unreadable() {
    #expect(throws: Diagnostic.self) { try Notebook.load(path: "/nonexistent/x.md") }
    #expect(throws: Diagnostic.self) { try Notebook.load(path: NSTemporaryDirectory()) }
  }

  @Test("an empty file is a valid, empty notebook")
  func empty() throws {
    for source in ["", "\n", "\u{FEFF}", "\r\n\r\n"] {
      let notebook = Notebook.parse(source: source, path: "nb.md")
      #expect(notebook.items.isEmpty)
      #expect(notebook.diagnostics.isEmpty)
      #expect(notebook.title == nil)
    }
    let path = try temporaryFile([])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try Notebook.load(path: path).items.isEmpty)
  }

  @Test("an unclosed lab fence is an error at the fence; other fences warn")
  func unclosedFences() throws {
    let lab = Notebook.parse(source: "# T\n\n```lab\nsgd\n\nprose?\n", path: "nb.md")
    #expect(lab.diagnostics.count == 1)
    #expect(lab.diagnostics.first?.severity == .error)
    #expect(lab.diagnostics.first?.location == SourceLocation(file: "nb.md", line: 3, column: 1))
    #expect(lab.diagnostics.first?.suggestion == "add a line ``` after the block")
    #expect(lab.hasErrors)

    let quoted = Notebook.parse(source: "> ~~~~lab\n> sgd\n\nafter\n", path: "nb.md")
    #expect(quoted.diagnostics.map(\.location) == [SourceLocation(file: "nb.md", line: 1, column: 3)])

    let other = Notebook.parse(source: "```python\nx = 1\n", path: "nb.md")
    #expect(other.diagnostics.map(\.severity) == [.warning])

    // Closed fences, an empty block and an indented code block that looks
    // like a fence are fine.
    for source in [
      "```lab\n```\n", "```lab\nsgd\n```", "    ```lab\n    sgd\n", "````lab\n```\n````\n",
      "- x\n\n  ```lab\n  sgd\n  ```\n",
    ] {
      #expect(Notebook.parse(source: source, path: "nb.md").diagnostics == [], "\(source)")
    }
  }

  @Test("NUL bytes and control characters do not cut the notebook short")
  func nulBytes() {
    let notebook = Notebook.parse(
      source: "a\u{0}b\n\n```lab\nsgd\u{0}\n```\n\nafter\n", path: "nb.md")
    #expect(notebook.cells.count == 1)
    #expect(notebook.cells.first?.hasErrors == true)
    guard case .prose(let html)? = notebook.items.last else {
      Issue.record("no prose after the cell")
      return
    }
    #expect(html.contains("after"))
  }

  @Test("5,000 cells parse, numbered in order")
  func manyCells() {
    var source = "# Big\n\n"
    for index in 0..<5000 {
      source += "Cell \(index) text.\n\n```lab\nsgd lr=\(index + 1) epochs=1\n```\n\n"
    }
    let notebook = Notebook.parse(source: source, path: "nb.md")
    let cells = notebook.cells
    #expect(cells.count == 5000)
    #expect(cells.last?.number == 5000)
    #expect(cells.last?.fence.line == 5 + 6 * 4999)
    #expect(cells.last?.directives.first?.canonical == "sgd batch=10 epochs=1 l1=0 l2=0 lr=5000 momentum=0 monitor=validation")
    #expect(notebook.items.count == 10000)
  }

  @Test("a 1,000,000-character line in prose and in a cell")
  func longLines() throws {
    let long = String(repeating: "a", count: 1_000_000)
    let notebook = Notebook.parse(
      source: "\(long)\n\n```lab\n\(long) x\nsgd \(long)=1 lr=y\n```\n", path: "nb.md")
    let cell = try #require(notebook.cells.first)
    #expect(cell.diagnostics.count == 3)
    #expect(cell.diagnostics.map(\.location!.column) == [1, 5, 1_000_011])
    // Messages quote long tokens cut short.
    #expect(cell.diagnostics.allSatisfy { $0.message.count < 200 })
  }

  @Test("arbitrary bytes never crash the parser")
  func noise() {
    var generator = SplitMix64(seed: 42)
    let alphabet = Array("`~lab sgd=,#-\n\r\t>*[]()<>!\\\"'0123456789.e".unicodeScalars)
      + ["\u{0}", "é", "\u{FEFF}", "\u{2028}"]
    for _ in 0..<300 {
      var view = String.UnicodeScalarView()
      for _ in 0..<Int(generator.next() % 400) {
        view.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
      }
      let source = (generator.next() % 3 == 0 ? "---\n" : "") + String(view)
      let notebook = Notebook.parse(source: source, path: "nb.md")
      for diagnostic in notebook.allDiagnostics {
        #expect((diagnostic.location?.line ?? 1) >= 1)
        #expect((diagnostic.location?.column ?? 1) >= 1)
      }
    }
  }
}

