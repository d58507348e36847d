import Foundation
import Testing

/// `expect` inside a notebook: every form of the check language passing and
/// failing, at its place, with points; and in a batch, the notebook's own
/// checks counted beside the instructor's hidden ones.
@Suite(.serialized) struct ExpectTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// A small lab on real MNIST; its checks start at line 14. With seed 1
  /// (the default) it reaches 0.49 on the test set (98 of 200) and 0.495
  /// on validation (99 of 200), mean costs 0.441823 then 0.32364. It
  /// monitors the test set, so that `test.accuracy increases` has a value
  /// per epoch.
  func lab(checks: [String]) -> String {
    """
    # Checks

    ## Training

    ```lab
    load mnist train=1000 validation=200 test=200
    net 784-30-10
    sgd lr=3 batch=10 epochs=2 monitor=validation,test
    evaluate on=test
    evaluate on=validation
    ```

    ```lab
    \(checks.joined(separator: "\n"))
    ```

    """
  }

  /// The notebook's check results, in order.
  func checks(_ json: [String: Any]) -> [[String: Any]] {
    cells(json).flatMap { results($0, kind: "check") }
  }

  @Test("every check form that holds passes, at its line, points summed")
  func everyFormPasses() throws {
    let lines = [
      "expect test.accuracy == 0.49",
      "expect test.accuracy >= 0.45 points=2",
      "expect test.accuracy > 0.48",
      "expect validation.accuracy < 0.5",
      "expect validation.accuracy <= 0.495",
      "expect validation.accuracy != 0.6",
      "expect validation.accuracy between 0.4 0.6 points=3",
      "expect test.accuracy == 0.5 ± 0.02",
      "expect cost == 0.32 tol=0.01",
      "expect cost decreases",
      "expect test.accuracy increases",
      "expect test.correct == 98",
      "expect validation.correct == 99",
      "expect net.sizes == 784-30-10",
      "expect net.layers == 2",
      "expect net.parameters == 23860",
      "expect epochs <= 10",
      "expect lr == 3",
      "expect batch == 10",
      "expect data.train == 1000",
      "expect data.validation == 200",
      "expect data.test == 200",
      "expect status == ok cell=1",
      "expect status == ok cell=\"Training\"",
      "expect cells.failed == 0",
    ]
    let folder = try temporaryFolder()
    try write(lab(checks: lines), as: "lab.md", in: folder)
    let result = try labrun(["lab.md", "--data", dataFolder], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let json = try reportJSON("lab", in: folder)
    let found = checks(json)
    #expect(found.count == lines.count)
    for (index, check) in found.enumerated() {
      #expect(check["text"] as? String == lines[index])
      #expect(check["line"] as? Int == 14 + index)
      #expect(check["column"] as? Int == 1)
      #expect(check["outcome"] as? String == "passed", "\(check)")
    }
    #expect(found[0]["actual"] as? String == "0.49")
    #expect(found[0]["expected"] as? String == "== 0.49 ± 0.005")
    #expect(found[11]["actual"] as? String == "98")
    let totals = try #require(json["checks"] as? [String: Any])
    #expect(totals["passed"] as? Int == lines.count)
    #expect(totals["failed"] as? Int == 0)
    // 23 checks worth 1, one worth 2 and one worth 3.
    #expect(totals["points"] as? Double == Double(lines.count - 2 + 2 + 3))
    #expect(totals["possible"] as? Double == totals["points"] as? Double)
    #expect(json["status"] as? String == "ok")
    let html = try String(
      contentsOf: folder.appendingPathComponent("output/lab.html"),
      encoding: .utf8)
    #expect(html.components(separatedBy: "✓ passed").count - 1 == lines.count)
    #expect(html.contains("<code>expect test.accuracy &gt;= 0.45 points=2</code> — 2 of 2 points"))
  }

  @Test("every check form that does not hold fails its cell, located, exit 1")
  func everyFormFails() throws {
    let lines = [
      "expect test.accuracy == 0.4",
      "expect test.accuracy >= 0.9 points=2",
      "expect test.accuracy > 0.49",
      "expect validation.accuracy < 0.495",
      "expect validation.accuracy <= 0.4",
      "expect validation.accuracy != 0.495",
      "expect validation.accuracy between 0.93 0.97",
      "expect test.accuracy == 0.6 ± 0.05",
      "expect cost increases",
      "expect test.accuracy decreases",
      "expect test.correct == 97",
      "expect net.sizes == 784-100-10",
      "expect epochs > 5",
      "expect data.train == 60000",
      "expect status == error cell=1",
      "expect cells.failed == 1",
    ]
    let folder = try temporaryFolder()
    try write(lab(checks: lines), as: "lab.md", in: folder)
    let result = try labrun(["lab.md", "--data", dataFolder], in: folder)
    #expect(result.status == 1)
    let json = try reportJSON("lab", in: folder)
    let found = checks(json)
    #expect(found.count == lines.count)
    for (index, check) in found.enumerated() {
      #expect(check["line"] as? Int == 14 + index)
      #expect(check["outcome"] as? String == "failed", "\(check)")
      #expect(check["earned"] as? Double == 0)
      // Each is on the terminal at its place.
      #expect(
        result.stderr.contains("lab.md:\(14 + index):1: error: check failed: "),
        "line \(14 + index): \(result.stderr)")
    }
    #expect(found[1]["expected"] as? String == ">= 0.9")
    #expect(found[1]["actual"] as? String == "0.49")
    #expect(
      result.stderr.contains(
        "lab.md:15:1: error: check failed: test.accuracy is 0.49, expected >= 0.9"))
    #expect(found[11]["actual"] as? String == "784-30-10")
    let totals = try #require(json["checks"] as? [String: Any])
    #expect(totals["failed"] as? Int == lines.count)
    #expect(totals["points"] as? Double == 0)
    #expect(totals["possible"] as? Double == Double(lines.count + 1))
    #expect(json["status"] as? String == "error")
    #expect(cells(json)[1]["status"] as? String == "error")
    // The cell that trained is untouched by the checks after it.
    #expect(cells(json)[0]["status"] as? String == "ok")
    let html = try String(
      contentsOf: folder.appendingPathComponent("output/lab.html"),
      encoding: .utf8)
    #expect(html.components(separatedBy: "✗ failed").count - 1 == lines.count)
    #expect(html.contains("expected &gt;= 0.9; actual 0.49."))
  }

  @Test("mistakes in an expect line are located errors with did-you-mean")
  func mistakesAreLocated() throws {
    let folder = try temporaryFolder()
    try write(
      lab(checks: [
        "expect test.acuracy >= 0.9", "expect cost >= abc",
        "expect epochs decreases",
      ]), as: "lab.md", in: folder)
    let result = try labrun(["lab.md", "--data", dataFolder], in: folder)
    #expect(result.status == 1)
    #expect(result.stderr.contains("lab.md:14:8: error: unknown quantity 'test.acuracy'"))
    #expect(result.stderr.contains("did you mean 'test.accuracy'?"))
    #expect(result.stderr.contains("lab.md:15:16: error: expected a number after 'cost >=', found 'abc'"))
    #expect(result.stderr.contains("lab.md:16:15: error: 'decreases' needs one value per epoch"))
  }

  @Test("a batch counts each notebook's own checks with the hidden ones")
  func batchCountsOwnChecks() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write(
      lab(checks: ["expect test.accuracy >= 0.45 points=2", "expect cost decreases"]),
      as: "subs/ada.md", in: folder)
    try write(
      lab(checks: ["expect test.accuracy >= 0.9 points=2", "expect cost decreases"]),
      as: "subs/bob.md", in: folder)
    try write("expect net.sizes == 784-30-10 points=4\n", as: "grading.md", in: folder)
    let result = try labrun(
      ["subs", "--checks", "grading.md", "--jobs", "2", "--data", dataFolder],
      in: folder)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let csv = try String(
      contentsOf: folder.appendingPathComponent("output/summary.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let header = rows[0].map(String.init)
    func row(_ name: String) throws -> [String: String] {
      let fields = try #require(rows.first { $0[0] == "subs/\(name).md" })
      return Dictionary(uniqueKeysWithValues: zip(header, fields.map(String.init)))
    }
    let ada = try row("ada")
    #expect(ada["status"] == "ok")
    #expect(ada["checks passed"] == "3")
    #expect(ada["checks failed"] == "0")
    #expect(ada["points"] == "7")
    #expect(ada["max points"] == "7")
    let bob = try row("bob")
    #expect(bob["status"] == "failed")
    #expect(bob["checks passed"] == "2")
    #expect(bob["checks failed"] == "1")
    #expect(bob["points"] == "5")
    #expect(bob["max points"] == "7")
    #expect(csv.contains("line 14: check failed: test.accuracy is 0.49, expected >= 0.9"))
  }

  @Test("--feedback adds each hidden check's outcome and message, never its text")
  func feedback() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write(lab(checks: ["expect epochs <= 10"]), as: "subs/ada.md", in: folder)
    try write(
      """
      # Secret grading notes

      ```lab
      expect test.accuracy >= 0.45 points=3
      expect net.sizes == 784-100-10 cell="Training"
      ```
      """, as: "grading.md", in: folder)
    func run(_ extra: [String]) throws -> (html: String, json: [String: Any]) {
      let result = try labrun(
        ["subs", "--checks", "grading.md", "--jobs", "1", "--data", dataFolder]
          + extra, in: folder)
      #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
      let html = try String(
        contentsOf: folder.appendingPathComponent("output/ada.html"), encoding: .utf8)
      return (html, try reportJSON("ada", in: folder))
    }
    let secrets = [
      "points=3", "784-100-10 cell", "Secret", ">= 0.45 points", "expect test.accuracy",
      "expect net.sizes",
    ]
    // Without --feedback: nothing of the hidden checks.
    let plain = try run([])
    #expect(plain.json["feedback"] == nil)
    #expect(!plain.html.contains("Feedback"))
    for secret in secrets { #expect(!plain.html.contains(secret), "\(secret)") }

    // With it: outcome, message and points, in order; still no check text.
    let shown = try run(["--feedback"])
    let items = try #require(shown.json["feedback"] as? [[String: Any]])
    #expect(items.count == 2)
    #expect(items[0]["outcome"] as? String == "passed")
    #expect(items[0]["message"] as? String == "test.accuracy is 0.49 (>= 0.45)")
    #expect(items[0]["earned"] as? Double == 3)
    #expect(items[1]["outcome"] as? String == "failed")
    #expect(
      items[1]["message"] as? String
        == "net.sizes in section 'Training' is 784-30-10, expected == 784-100-10")
    #expect(items[1]["earned"] as? Double == 0)
    #expect(Set(items.flatMap { $0.keys }) == ["outcome", "message", "points", "earned"])
    #expect(shown.html.contains("<h2>Feedback</h2>"))
    #expect(shown.html.contains("✗ failed</strong> net.sizes in section &#39;Training&#39;")
      )
    let visible = shown.html.replacingOccurrences(of: "&gt;", with: ">")
    for secret in secrets {
      #expect(!visible.contains(secret), "\(secret)")
      #expect(!String(describing: shown.json["feedback"]!).contains(secret), "\(secret)")
    }
  }
}
