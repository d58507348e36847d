import Foundation
import Testing

@testable import LabrunCore

/// The pieces of watch mode: names, event parsing, served paths, the hook.
@Suite("watch and serve")
struct WatchUnitTests {
  // MARK: - Which names run

  @Test(
    "notebooks are *.md, not editors' hidden, lock or backup files",
    arguments: [
      ("lecture20.md", true), ("a b.md", true), (".lecture20.md.swp", false),
      (".#lecture20.md", false), ("#lecture20.md#", false),
      ("lecture20.md~", false), ("4913", false), (".md", false),
      ("notes.markdown", false), ("lecture20.md.tmp", false),
    ])
  func notebookNames(name: String, runs: Bool) {
    #expect(NotebookWatcher.isNotebookName(name) == runs)
  }

  @Test("a folder is watched whole; a file through its folder, by name")
  func targets() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-watch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(
      NotebookWatcher.target(for: folder.path + "/")
        == .init(directory: folder.path, onlyName: nil))
    #expect(
      NotebookWatcher.target(for: folder.path + "/a.md")
        == .init(directory: folder.path, onlyName: "a.md"))
    #expect(
      NotebookWatcher.target(for: "a.md") == .init(directory: ".", onlyName: "a.md"))
    #expect(NotebookWatcher.join(".", "a.md") == "a.md")
    #expect(NotebookWatcher.page(for: "notebooks/lecture20.md") == "lecture20.html")
  }

  // MARK: - inotify records

  /// One inotify record: wd, mask, cookie, len, then the name NUL-padded
  /// to `len` bytes.
  func record(wd: Int32, name: String, padTo length: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    func append<T>(_ value: T) {
      withUnsafeBytes(of: value) { bytes += $0 }
    }
    append(wd)
    append(UInt32(0x8))  // IN_CLOSE_WRITE
    append(UInt32(0))
    append(UInt32(length))
    let name = Array(name.utf8)
    bytes += name + [UInt8](repeating: 0, count: length - name.count)
    return bytes
  }

  @Test("inotify records are split at 16 + len, names cut at the NUL")
  func parseRecords() {
    let bytes =
      record(wd: 1, name: "a.md", padTo: 16)
      + record(wd: 2, name: "lecture20.md", padTo: 32)
      + record(wd: 9, name: "unknown.md", padTo: 16)
      + record(wd: 1, name: "", padTo: 0)
    let events = DirectoryWatcher.parse(
      bytes[...], folders: [1: "notes", 2: "notebooks"])
    #expect(
      events == [
        .init(directory: "notes", name: "a.md"),
        .init(directory: "notebooks", name: "lecture20.md"),
      ])
    #expect(events.map(\.path) == ["notes/a.md", "notebooks/lecture20.md"])
    // A record cut short by the buffer's end is not read past.
    let truncated = record(wd: 1, name: "b.md", padTo: 16).dropLast(4)
    #expect(DirectoryWatcher.parse(truncated, folders: [1: "x"]).isEmpty)
  }

  // MARK: - Served paths

  func servedFolder() throws -> (root: URL, outside: URL) {
    let base = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-serve-\(UUID().uuidString)")
    let root = base.appendingPathComponent("output")
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent(".labrun-cache"),
      withIntermediateDirectories: true)
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("img"), withIntermediateDirectories: true)
    try "<html><body>r</body></html>".write(
      to: root.appendingPathComponent("r.html"), atomically: true,
      encoding: .utf8)
    try "x".write(
      to: root.appendingPathComponent("img/a b.svg"), atomically: true,
      encoding: .utf8)
    try "entry".write(
      to: root.appendingPathComponent(".labrun-cache/entry"),
      atomically: true, encoding: .utf8)
    let outside = base.appendingPathComponent("secret.txt")
    try "secret".write(to: outside, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("escape.txt").path,
      withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("inside.html").path,
      withDestinationPath: "r.html")
    return (root, outside)
  }

  @Test("files inside the folder are served, nothing else")
  func servedPaths() throws {
    let (root, _) = try servedFolder()
    defer {
      try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }
    let real = ServedPath.realPath(root.path) ?? root.path
    #expect(ServedPath.resolve("/", root: root.path) == .index)
    #expect(
      ServedPath.resolve("/r.html", root: root.path) == .file(real + "/r.html"))
    #expect(
      ServedPath.resolve("/img/a b.svg", root: root.path)
        == .file(real + "/img/a b.svg"))
    // A link that stays inside is followed.
    #expect(
      ServedPath.resolve("/inside.html", root: root.path)
        == .file(real + "/r.html"))
    #expect(ServedPath.resolve("/../secret.txt", root: root.path) == .forbidden)
    #expect(
      ServedPath.resolve("/img/../../secret.txt", root: root.path) == .forbidden)
    #expect(ServedPath.resolve("/escape.txt", root: root.path) == .forbidden)
    #expect(ServedPath.resolve("/a\\..\\b", root: root.path) == .forbidden)
    #expect(
      ServedPath.resolve("/.labrun-cache/entry", root: root.path) == .notFound)
    #expect(ServedPath.resolve("/img", root: root.path) == .notFound)
    #expect(ServedPath.resolve("/missing.html", root: root.path) == .notFound)
  }

  @Test("content types follow the extension")
  func contentTypes() {
    #expect(ServedPath.contentType(for: "a.html").hasPrefix("text/html"))
    #expect(ServedPath.contentType(for: "a.json") == "application/json")
    #expect(ServedPath.contentType(for: "a.svg") == "image/svg+xml")
    #expect(ServedPath.contentType(for: "a.bin") == "application/octet-stream")
  }

  // MARK: - The reload hook

  @Test("the hook goes before the last </body>, or at the end")
  func injection() {
    let page = "<html><body><p>x</p></BODY></html>"
    let served = LiveReloadScript.inject(into: page)
    let script = try! #require(served.range(of: "<script>"))
    let body = try! #require(served.range(of: "</BODY>"))
    #expect(script.lowerBound < body.lowerBound)
    #expect(served.hasPrefix("<html><body><p>x</p>"))
    #expect(served.hasSuffix("</BODY></html>"))
    #expect(served.contains(LiveReloadScript.eventsPath))
    let fragment = LiveReloadScript.inject(into: "<p>no body</p>")
    #expect(fragment.hasPrefix("<p>no body</p><script>"))
    // The script never closes its own tag early.
    #expect(!LiveReloadScript.source.contains("</script"))
  }

  @Test("event data is one line of JSON")
  func eventJSON() throws {
    let text = PreviewServer.json(
      "notebooks/a \"b\".md", "a \"b\".html", extra: ["fraction": 0.5])
    #expect(!text.contains("\n"))
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["notebook"] as? String == "notebooks/a \"b\".md")
    #expect(object["page"] as? String == "a \"b\".html")
    #expect(object["fraction"] as? Double == 0.5)
  }

  @Test("only loopback Host names are answered (no DNS rebinding)")
  func loopbackHosts() {
    for host in ["127.0.0.1:8020", "localhost:8020", "LOCALHOST", "[::1]:8020"] {
      #expect(PreviewServer.isLoopback(host: host), "\(host)")
    }
    for host in ["evil.example:8020", "127.0.0.1.evil.example", "10.0.0.1:8020", ""] {
      #expect(!PreviewServer.isLoopback(host: host), "\(host)")
    }
  }

  // MARK: - Port

  @Test("a taken port is skipped for the next free one")
  func portFallback() async throws {
    // The servers' tasks run on Swift's shared threads, which the other
    // tests' long synchronous runs can hold for a minute and more on a
    // 2-core machine: a generous bound, so that only a port can fail this.
    let bound: TimeInterval = 600
    let first = PreviewServer(root: NSTemporaryDirectory())
    let taken = try await first.start(port: 0, listenTimeout: bound)
    defer { first.stop() }
    #expect(!PreviewServer.isFree(taken))
    let second = PreviewServer(root: NSTemporaryDirectory())
    let port = try await second.start(port: taken, attempts: 20, listenTimeout: bound)
    defer { second.stop() }
    #expect(port != taken)
    #expect(port > taken && Int(port) < Int(taken) + 20)
  }
}
