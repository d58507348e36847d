import Foundation
import Testing

@testable import Notebook

/// Files that are not notebooks at all: reading them must neither block
/// nor take minutes.
@Suite("Robustness: devices, pipes and huge files")
struct FileRobustnessTests {
  @Test("a device and a pipe are refused without reading them")
  func notRegular() throws {
    let fifo = NSTemporaryDirectory() + "notebook-fifo-\(UUID().uuidString).md"
    #expect(mkfifo(fifo, 0o600) == 0)
    defer { unlink(fifo) }
    // Reading either would block for ever or never end.
    for path in ["/dev/zero", fifo] {
      do {
        _ = try Notebook.load(path: path)
        Issue.record("\(path) was read")
      } catch {
        #expect(
          error.message
            == "cannot read '\(path)': it is not a regular file (a device"
            + " or a pipe)")
        #expect(error.suggestion == "name a Markdown file")
      }
    }
  }

  @Test("a file over 64 MB is refused before it is read")
  func tooLarge() throws {
    let path = NSTemporaryDirectory() + "notebook-huge-\(UUID().uuidString).md"
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    defer { unlink(path) }
    // Sparse: no 65 MB are written.
    #expect(truncate(path, 65_000_000) == 0)
    do {
      _ = try Notebook.load(path: path)
      Issue.record("a 65 MB notebook was read")
    } catch {
      #expect(
        error.message
          == "cannot read '\(path)': it holds 65 MB, and a notebook may hold"
          + " at most 64 MB")
    }
    // A symbolic link to a good notebook is still fine.
    let target = NSTemporaryDirectory() + "notebook-\(UUID().uuidString).md"
    try "# Linked\n".write(toFile: target, atomically: true, encoding: .utf8)
    let link = target + ".link.md"
    #expect(symlink(target, link) == 0)
    defer { unlink(target); unlink(link) }
    #expect(try Notebook.load(path: link).title == "Linked")
  }
}
