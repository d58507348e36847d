// Golden pages: a small document's HTML and JSON are compared byte for
// byte with files under Snapshots/. Run with RECORD_SNAPSHOTS=1 to
// re-record them, then review the diff.

import Foundation
import Testing

@testable import Report

@Suite("Snapshots")
struct SnapshotTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent("Snapshots")

  func assertSnapshot(_ actual: String, named name: String) throws {
    let url = Self.directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try actual.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if actual != expected {
      let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
      let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?
        .offset ?? min(a.count, e.count)
      Issue.record(
        """
        \(name) differs from the snapshot at line \(line + 1) \
        (RECORD_SNAPSHOTS=1 re-records):
        expected: \(line < e.count ? String(e[line].prefix(300)) : "<end>")
        actual:   \(line < a.count ? String(a[line].prefix(300)) : "<end>")
        """)
    }
  }

  /// The stylesheet is left out of the snapshot so that design tweaks do
  /// not need a re-record; the markup is what the snapshot guards.
  @Test("a small page matches its snapshot")
  func smallHTML() throws {
    let page = HTMLReport.render(Samples.small())
    #expect(page.contains(Stylesheet.css))
    try assertSnapshot(
      page.replacingOccurrences(of: Stylesheet.css, with: "/* CSS */"),
      named: "small.html")
  }

  @Test("a small JSON report matches its snapshot")
  func smallJSON() throws {
    try assertSnapshot(JSONReport.render(Samples.small()), named: "small.json")
  }
}
