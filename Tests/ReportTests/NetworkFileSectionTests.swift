// What `save` and `restore` show: the file, the network and the checksum
// a reader can compare with `sha256sum`, in the page and in the JSON.

import Testing

@testable import Report

@Suite("network file section")
struct NetworkFileSectionTests {
  static let saved = NetworkFileResult(
    action: .saved, file: "nets/<lecture22>.lrnet",
    architecture: "28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10",
    parameters: 85_670, epochsTrained: 6, bytes: 342_790,
    sha256: String(repeating: "ab", count: 32),
    parametersSHA256: String(repeating: "cd", count: 32))

  @Test("the page names the file, the network, its size and the file's SHA-256, escaped")
  func html() {
    var html = HTMLWriter()
    Self.saved.write(to: &html)
    let page = html.output
    #expect(page.contains("Saved the network to nets/&lt;lecture22&gt;.lrnet"))
    #expect(page.contains("28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10"))
    #expect(page.contains("85,670"))
    #expect(page.contains("342,790 bytes"))
    #expect(page.contains("<code>" + Self.saved.sha256 + "</code>"))
    var restored = Self.saved
    restored.action = .restored
    var other = HTMLWriter()
    restored.write(to: &other)
    #expect(other.output.contains("Restored the network from nets/"))
  }

  @Test("the JSON carries the documented fields")
  func json() {
    guard case .object(let fields) = Self.saved.json
    else {
      Issue.record("not an object")
      return
    }
    #expect(
      Set(fields.keys) == [
        "kind", "action", "file", "architecture", "parameters",
        "epochsTrained", "bytes", "sha256", "parametersSHA256",
      ])
    #expect(fields["kind"] == .string("networkFile"))
    #expect(fields["action"] == .string("saved"))
    #expect(fields["parameters"] == .int(85_670))
    #expect(fields["epochsTrained"] == .int(6))
    #expect(fields["sha256"] == .string(Self.saved.sha256))
  }
}
