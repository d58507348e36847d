import Foundation
import Testing

import LabrunCore
@testable import Notebook

@Suite("Images: embedded as data, never fetched")
struct ImageTests {
  /// A folder with a notebook's figures: a PNG, a JPEG, a GIF, a WebP, an
  /// SVG with a script in it, a text file named `.png`, and one too big.
  static func figures() throws -> String {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-images-\(UUID().uuidString)")
    let figures = folder.appendingPathComponent("figures")
    try FileManager.default.createDirectory(
      at: figures, withIntermediateDirectories: true)
    let files: [(String, [UInt8])] = [
      ("neuron.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2]),
      ("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 9]),
      ("anim.gif", Array("GIF89a..".utf8)),
      ("small.webp", Array("RIFF\0\0\0\0WEBPVP8 ".utf8)),
      ("plot.svg", Array(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)),
      ("notes.png", Array("just text".utf8)),
      ("huge.png", [0x89, 0x50, 0x4E, 0x47] + [UInt8](repeating: 0, count: 5_000_001)),
    ]
    for (name, bytes) in files {
      try Data(bytes).write(to: figures.appendingPathComponent(name))
    }
    return folder.path
  }

  @Test("local images are embedded; SVG only as an <img>")
  func embedded() throws {
    let folder = try Self.figures()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let notebook = Notebook.parse(
      source: """
        ![a neuron](figures/neuron.png "One neuron") ![](figures/photo.jpg)
        ![gif](figures/anim.gif) ![webp](./figures/small.webp)
        ![plot of $C$](figures/plot.svg)
        """, path: folder + "/lecture.md")
    let html = proseHTML(notebook)
    #expect(notebook.diagnostics == [])
    #expect(html.contains(
      "<img src=\"data:image/png;base64,iVBORw0KGgoBAg==\" alt=\"a neuron\" title=\"One neuron\" />"))
    #expect(html.contains("<img src=\"data:image/jpeg;base64,/9j/4Ak=\" alt=\"\" />"))
    #expect(html.contains("<img src=\"data:image/gif;base64,"))
    #expect(html.contains("<img src=\"data:image/webp;base64,"))
    #expect(html.contains("<img src=\"data:image/svg+xml;base64,"))
    #expect(html.contains("alt=\"plot of $C$\""))
    // The script is inside the base64 data of an image: never markup.
    #expect(!html.contains("<script") && !html.contains("<svg"))
    #expect(!html.contains("figures/"))
  }

  @Test("missing, unrecognised and oversized images: located warnings, visible placeholders")
  func problems() throws {
    let folder = try Self.figures()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let marked = MarkedText(
      """
      See 1️⃣![the cost](figures/cost.png), 2️⃣![notes](figures/notes.png)
      and 3️⃣![big](figures/huge.png) and 4️⃣![dir](figures).
      """)
    let notebook = Notebook.parse(source: marked.text, path: folder + "/nb.md")
    let html = proseHTML(notebook)
    let at = { (n: Int) in
      marked.location(n, file: folder + "/nb.md")
    }
    #expect(notebook.diagnostics == [
      .warning(
        at: at(1),
        "image 'figures/cost.png' not found (looked for '\(folder)/figures/cost.png')",
        suggestion: "paths are relative to the notebook's folder"),
      .warning(
        at: at(2), "image 'figures/notes.png' is not a PNG, JPEG, GIF, WebP or SVG file",
        suggestion: "save it as PNG, JPEG, GIF, WebP or SVG"),
      .warning(
        at: at(3),
        "image 'figures/huge.png' is not embedded: it holds 5 MB, more than the 5 MB an image may hold",
        suggestion: "save it smaller (a PNG or JPEG of at most 1600 pixels across is plenty for a page)"),
      .warning(at: at(4), "image 'figures' is not a file"),
    ])
    #expect(html.contains(
      "See <span class=\"image-missing\" role=\"img\" aria-label=\"the cost\">[image: the cost — not found]</span>"))
    #expect(html.contains("[image: notes — not an image]"))
    #expect(html.contains("[image: big — larger than 5 MB]"))
    #expect(!html.contains("<img"))
  }

  @Test("a pipe or a file of the system is refused without waiting on it")
  func systemFiles() throws {
    let folder = try Self.figures()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(mkfifo(folder + "/figures/pipe.png", 0o600) == 0)
    // /proc/self/status says it holds 0 bytes and then has some.
    let notebook = Notebook.parse(
      source: "![p](figures/pipe.png) ![s](/proc/self/status)\n",
      path: folder + "/nb.md")
    #expect(
      notebook.diagnostics.map(\.message) == [
        "image 'figures/pipe.png' is not a file",
        "image '/proc/self/status' is not a PNG, JPEG, GIF, WebP or SVG file",
      ])
  }

  /// Found by the notebook fuzzer: the outer image was replaced first,
  /// freeing the inner one before it was looked at.
  @Test("an image inside an image's description")
  func nestedImages() {
    let (notebook, marked) = parseMarked(
      "2️⃣![outer 1️⃣![inner](https://x.org/a.png) text](https://x.org/b.png)\n")
    let html = proseHTML(notebook)
    // One link: anchors do not nest.
    #expect(html.contains("<a href=\"https://x.org/b.png\">outer inner text</a>"))
    #expect(notebook.diagnostics.map(\.location) == [2, 1].map { marked.location($0) })
    // Embedded or not shown: the inner one goes with the outer.
    let missing = Notebook.parse(
      source: "![outer ![inner](https://x.org/a.png)](missing.png)\n", path: "nb.md")
    #expect(proseHTML(missing).contains("aria-label=\"outer inner\""))
    #expect(missing.diagnostics.count == 1)
  }

  @Test("a remote image is a link with a warning; the page loads nothing")
  func remote() {
    let (notebook, marked) = parseMarked(
      """
      Here 1️⃣![MNIST digits](https://example.org/mnist.png) and
      2️⃣![](//cdn.example.org/x.svg) and 3️⃣![x](ftp://h/x.gif).
      """)
    let html = proseHTML(notebook)
    #expect(html.contains(
      "Here <a href=\"https://example.org/mnist.png\">MNIST digits</a> and\n"
        + "<a href=\"//cdn.example.org/x.svg\">//cdn.example.org/x.svg</a> and"))
    #expect(!html.contains("<img"))
    #expect(notebook.diagnostics.map(\.location) == [1, 2, 3].map { marked.location($0) })
    #expect(
      notebook.diagnostics.first?.message
        == "remote image 'https://example.org/mnist.png' is not loaded (a report"
        + " makes no request); it is shown as a link")
    #expect(
      notebook.diagnostics.first?.suggestion
        == "save it next to the notebook and write ![MNIST digits](figures/name.png)")
    #expect(notebook.diagnostics.last?.message == "image 'ftp://h/x.gif' is not shown: only local files are embedded")
  }

  @Test("a remote image inside a link: its description keeps the one link")
  func remoteInsideLink() {
    let (notebook, marked) = parseMarked(
      """
      [1️⃣![the figure](https://example.org/fig.png)](https://example.org/source)
      and [2️⃣![](https://example.org/a.png)][src].

      [src]: https://example.org/src
      """)
    let html = proseHTML(notebook)
    #expect(html.contains(
      "<p><a href=\"https://example.org/source\">the figure</a>\n"
        + "and <a href=\"https://example.org/src\">https://example.org/a.png</a>.</p>"))
    #expect(!html.contains("<img") && !html.contains("fig.png"))
    #expect(notebook.diagnostics.map(\.location) == [1, 2].map { marked.location($0) })
    #expect(notebook.diagnostics.allSatisfy { $0.message.hasPrefix("remote image") })
  }
}
