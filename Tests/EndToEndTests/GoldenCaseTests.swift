import Foundation
import Testing

/// Golden end-to-end cases, in the style of mdBook's: every notebook in
/// `Golden/cases/` is run by the built `labrun` on a small subset of the
/// real MNIST, and its JSON report and terminal output (exit status,
/// standard output, standard error) are compared with `<name>.json` and
/// `<name>.txt` beside it, with only the times masked.
///
/// Re-record after an intended change with
/// `RECORD_GOLDEN=1 swift test --filter GoldenCaseTests`, and read the diff.
@Suite("Golden cases", .serialized)
struct GoldenCaseTests {
  static let folder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent("Golden/cases")
  static let dataFolder = repositoryRoot.appendingPathComponent("data").path
  static var recording: Bool {
    ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
  }

  static var cases: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
  }

  @Test("the case folder holds notebooks")
  func folderIsNotEmpty() {
    #expect(Self.cases.count >= 4)
  }

  @Test("each case gives its recorded report and terminal output", arguments: cases)
  func golden(name: String) throws {
    let work = try temporaryFolder()
    let source = try String(
      contentsOf: Self.folder.appendingPathComponent(name + ".md"), encoding: .utf8)
    _ = try write(source, as: name + ".md", in: work)
    // The machine's kernel variant: the numbers are the same bits on all.
    let result = try labrun(
      [name + ".md", "--data", Self.dataFolder, "--no-cache"], in: work)
    let terminal = Self.sortParallelLines(
      Self.maskTimes(
        "exit \(result.status)\n--- stdout\n\(result.stdout)--- stderr\n\(result.stderr)"))
    let json = try Self.maskedJSON(
      Data(contentsOf: work.appendingPathComponent("output/\(name).json")))
    try Self.compare(terminal, with: name + ".txt")
    try Self.compare(json, with: name + ".json")
  }

  /// Compares with the recorded file, or records it.
  static func compare(
    _ text: String, with file: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = folder.appendingPathComponent(file)
    if recording {
      try text.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected != text {
      let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let b = text.split(separator: "\n", omittingEmptySubsequences: false)
      let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(a.count, b.count)
      Issue.record(
        """
        \(file) differs from line \(line + 1) (RECORD_GOLDEN=1 re-records):
        expected: \(line < a.count ? String(a[line]) : "<end>")
        found:    \(line < b.count ? String(b[line]) : "<end>")
        """, sourceLocation: sourceLocation)
    }
  }

  /// Durations (`0.42 s`, `12.3 s`, `359 ms`) become `<time>`.
  static func maskTimes(_ text: String) -> String {
    text.replacingOccurrences(
      of: #"\d+(\.\d+)? m?s\b"#, with: "<time>", options: .regularExpression)
  }

  /// A comparison's runs train at once, so their epoch lines (`  lr = 0.5:
  /// epoch 1/2: …`) interleave in any order: each run of them is sorted.
  static func sortParallelLines(_ text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    func parallel(_ line: Substring) -> Bool {
      line.hasPrefix("  ") && line.contains(" = ") && line.contains(": epoch ")
    }
    var start = 0
    while start < lines.count {
      guard parallel(lines[start]) else {
        start += 1
        continue
      }
      var end = start
      while end < lines.count, parallel(lines[end]) { end += 1 }
      lines[start..<end].sort()
      start = end
    }
    return lines.joined(separator: "\n")
  }

  /// The report with times and the date masked, keys sorted, pretty.
  static func maskedJSON(_ data: Data) throws -> String {
    let timeKeys: Set<String> = ["seconds", "totalSeconds", "originalSeconds", "date"]
    func mask(_ value: Any) -> Any {
      if let object = value as? [String: Any] {
        var out: [String: Any] = [:]
        for (key, member) in object {
          out[key] = timeKeys.contains(key) && !(member is NSNull) ? "<time>" : mask(member)
        }
        return out
      }
      if let array = value as? [Any] { return array.map(mask) }
      return value
    }
    let object = mask(try JSONSerialization.jsonObject(with: data))
    let out = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: out, as: UTF8.self) + "\n"
  }
}
