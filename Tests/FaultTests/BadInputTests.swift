import Foundation
import LabrunTestSupport
import Testing

/// Every kind of bad input, through the built `labrun`: a located message
/// that says what to do, a non-zero exit, and never a crash or a hang.
@Suite("Bad input through the labrun binary", .serialized)
struct BadInputTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// Writes raw bytes as `name` in `folder`.
  @discardableResult
  func writeBytes(_ bytes: [UInt8], as name: String, in folder: URL) throws
    -> URL
  {
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
  }

  // MARK: - Notebooks

  @Test("invalid UTF-8 names the file, line and column, and the fix")
  func invalidUTF8() throws {
    let folder = try temporaryFolder()
    try writeBytes(
      Array("# Title\n\nok é\nbad ".utf8) + [0xFF, 0x41, 0x0A],
      as: "bad.md", in: folder)
    let result = try labrun(["bad.md"], in: folder)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "bad.md:4:5: error: cannot read the notebook: invalid UTF-8 on line"
          + " 4: byte 0xFF is not part of a valid character\n"
          + "  = help: save the file as UTF-8"), "\(result.stderr)")
  }

  @Test("a binary file is refused at its first bad byte, no report made")
  func binaryFile() throws {
    let folder = try temporaryFolder()
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[0] = 0x89  // as in a PNG: never valid UTF-8 at the start
    try writeBytes(bytes, as: "image.md", in: folder)
    let result = try labrun(["image.md"], in: folder)
    #expect(result.status == 1)
    #expect(result.stderr.contains("image.md:1:1: error: cannot read the notebook: invalid UTF-8"))
    #expect(
      !FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("output/image.html").path))
  }

  @Test("a BOM, CRLF line endings and tabs keep columns right")
  func bomCRLFTabs() throws {
    let folder = try temporaryFolder()
    try writeBytes(
      [0xEF, 0xBB, 0xBF]
        + Array("# T\r\n\r\n```lab\r\n\tsgd\tlr=x\r\n```\r\n".utf8),
      as: "crlf.md", in: folder)
    let result = try labrun(["crlf.md"], in: folder)
    #expect(result.status == 1)
    // The tab is one column: sgd at 2, lr at 6, its value at 9.
    #expect(
      result.stderr.contains(
        "crlf.md:4:9: error: expected a positive number for 'lr', found 'x'"),
      "\(result.stderr)")
    let json = try reportJSON("crlf", in: folder)
    #expect(json["title"] as? String == "T")
  }

  @Test("an unterminated lab fence is an error at the fence")
  func unterminatedFence() throws {
    let folder = try temporaryFolder()
    try write("# T\n\n```lab\nseed 3\n\nmore prose\n", as: "open.md", in: folder)
    let result = try labrun(["open.md"], in: folder)
    #expect(result.status == 1)
    #expect(result.stderr.contains("open.md:3:1: error: unclosed lab block"))
    #expect(result.stderr.contains("add a line ``` after the block"))
  }

  @Test("an empty file gives an empty report and exit 0")
  func emptyFile() throws {
    let folder = try temporaryFolder()
    try writeBytes([], as: "empty.md", in: folder)
    let result = try labrun(["empty.md"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(cells(try reportJSON("empty", in: folder)).isEmpty)
  }

  @Test("a line of a million characters: located errors, short terminal lines")
  func millionCharacterLine() throws {
    let folder = try temporaryFolder()
    let long = String(repeating: "a", count: 1_000_000)
    try write(
      "\(long)\n\n```lab\n\(long) x\nsgd lr=y \(long)=1\n```\n",
      as: "long.md", in: folder)
    let start = Date()
    let result = try labrun(["long.md"], in: folder)
    #expect(Date().timeIntervalSince(start) < 30 * timeScale)
    #expect(result.status == 1)
    #expect(result.stderr.contains("long.md:4:1: error: unknown directive 'aaaa"))
    #expect(result.stderr.contains("long.md:5:8: error: expected a positive number for 'lr', found 'y'"))
    #expect(result.stderr.contains("long.md:5:10: error: unknown key 'aaaa"))
    // Neither the terminal nor the diagnostics echo the whole line.
    for line in (result.stdout + result.stderr).split(separator: "\n") {
      #expect(line.count < 300, "\(line.prefix(80))…")
    }
  }

  @Test("a 10 MB notebook of 20,000 cells runs in time linear in its size")
  func tenMegabytes() throws {
    let folder = try temporaryFolder()
    func notebook(cells: Int) -> String {
      var text = "---\ntitle: Big\n---\n# Big\n\n"
      text.reserveCapacity(cells * 520)
      for index in 0..<cells {
        text += "Paragraph \(index) with *emphasis*, `code` and a "
        text += "[link](https://example.org/\(index)). "
        text += String(repeating: "lorem ipsum dolor sit amet ", count: 14)
        text += "\n\n```lab\nseed \(index + 1)\n# a comment\nsgd lrate=3\n```\n\n"
      }
      return text
    }
    try write(notebook(cells: 5_000), as: "quarter.md", in: folder)
    try write(notebook(cells: 20_000), as: "big.md", in: folder)
    let size = try FileManager.default.attributesOfItem(
      atPath: folder.appendingPathComponent("big.md").path)[.size] as? Int
    #expect((size ?? 0) > 9_500_000)

    func timed(_ name: String) throws -> (Double, ProcessResult) {
      let start = Date()
      let result = try labrun([name, "-q"], in: folder)
      return (Date().timeIntervalSince(start), result)
    }
    let (quarter, _) = try timed("quarter.md")
    let (whole, result) = try timed("big.md")
    #expect(result.status == 1)  // every cell has the bad key
    #expect(result.stderr.contains("big.md:160003:5: error: unknown key 'lrate'"))
    let json = try reportJSON("big", in: folder)
    #expect(cells(json).count == 20_000)
    // Four times the size: about four times the time (quadratic would be
    // sixteen). Generous, for a shared and noisy machine.
    #expect(whole < max(8 * quarter, 2), "5,000 cells \(quarter) s, 20,000 \(whole) s")
    #expect(whole < 60 * timeScale)
  }

  // MARK: - Values

  @Test("values the engine cannot hold are refused where they are written")
  func values() throws {
    let folder = try temporaryFolder()
    try write(
      """
      ```lab
      sgd lr=nan batch=0 epochs=-1
      sgd lr=inf l2=1e300 momentum=1e-50
      net 784-1000000-1000000-10
      net 784-10000-10000-10000-10000-10
      load mnist train=99999999999999999999
      ```

      ```lab
      load mnist train=60000 validation=10000
      ```
      """, as: "values.md", in: folder)
    let start = Date()
    let result = try labrun(["values.md", "--data", dataFolder], in: folder)
    // Refused before allocating: no terabyte was asked of the system.
    #expect(Date().timeIntervalSince(start) < 20 * timeScale)
    #expect(result.status == 1)
    for expected in [
      "values.md:2:8: error: expected a positive number for 'lr', found 'nan'",
      "values.md:2:18: error: expected a positive integer for 'batch', found '0'",
      "values.md:2:27: error: expected an integer from 1 to 10000 for 'epochs', found '-1'",
      "values.md:3:8: error: expected a positive number for 'lr', found 'inf'",
      "values.md:3:15: error: '1e300' is too large for 'l2'",
      "values.md:4:9: error: 1000000 is too large: sizes go up to 10000",
      "values.md:5:5: error: network 784-10000-10000-10000-10000-10 has"
        + " 307,980,010 parameters and would need about 3.7 GB of memory",
      "values.md:6:18: error: expected a positive integer for 'train'",
      "values.md:10:18: error: the MNIST training file holds 60000 images, but"
        + " train=60000 and validation=10000 ask for 70000\n   |\n"
        + "10 | load mnist train=60000 validation=10000\n"
        + "   |                  ^\n"
        + "   = help: keep train + validation at most 60000, e.g. train=50000",
    ] {
      #expect(result.stderr.contains(expected), "\(expected)\n\(result.stderr)")
    }
  }

  // MARK: - Training that diverges

  @Test("divergence: the epoch in the cell, words in the report, valid JSON")
  func divergence() throws {
    let folder = try temporaryFolder()
    try write(
      """
      ```lab
      load mnist train=1000 validation=100 test=100
      net 784-30-10 hidden=relu output=softmax cost=cross-entropy
      sgd lr=1e12 epochs=3
      evaluate
      ```
      """, as: "diverge.md", in: folder)
    let result = try labrun(["diverge.md", "--data", dataFolder], in: folder)
    #expect(
      result.stderr.contains(
        "diverge.md:4:8: warning: training diverged: the cost became"
          + " infinite or NaN in epoch 1"), "\(result.stderr)")
    // The rate is spelled as the notebook wrote it, not 1000000000000.
    #expect(
      result.stderr.contains("try a smaller learning rate than lr=1e12"),
      "\(result.stderr)")
    #expect(result.stdout.contains("cost NaN") || result.stdout.contains("cost ∞"))
    #expect(!result.stdout.contains("nan,"))

    // JSONSerialization refuses NaN and infinities: parsing is the check.
    let json = try reportJSON("diverge", in: folder)
    let cell = try #require(cells(json).first)
    let training = try #require(results(cell, kind: "training").first)
    #expect(training["divergedAtEpoch"] as? Int == 1)
    let history = try #require(training["history"] as? [[String: Any]])
    #expect(history.count == 1)
    #expect(history.first?["trainingCost"] is NSNull)

    let html = try String(
      contentsOf: folder.appendingPathComponent("output/diverge.html"),
      encoding: .utf8)
    #expect(html.contains("training diverged"))
    // The banner over the training table says it in words.
    #expect(html.contains("The cost became NaN (not a number) at epoch 1"))
    #expect(html.contains("(lr = 1e12)"))
  }

  // MARK: - Data files

  /// A copy of the repository's MNIST in a fresh folder, changed by `damage`.
  func damagedData(_ damage: (URL) throws -> Void) throws -> URL {
    let folder = try temporaryFolder()
    let mnist = folder.appendingPathComponent("data/mnist")
    try FileManager.default.createDirectory(
      at: mnist, withIntermediateDirectories: true)
    let source = repositoryRoot.appendingPathComponent("data/mnist")
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(name),
        to: mnist.appendingPathComponent(name))
    }
    try damage(mnist)
    try write(
      "```lab\nload mnist train=100 validation=10 test=10\n```\n",
      as: "load.md", in: folder)
    return folder
  }

  @Test(
    "damaged data: each names the file and the fix",
    arguments: [
      ("missing", "missing t10k-labels-idx1-ubyte.gz"),
      ("truncated", "train-images-idx3-ubyte.gz: the file is truncated"),
      ("corrupt", "t10k-images-idx3-ubyte.gz: SHA-256 mismatch"),
      ("changed", "t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"),
      ("folder", "train-labels-idx1-ubyte.gz (a folder, not a file)"),
    ])
  func damagedDataFile(kind: String, expected: String) throws {
    let folder = try damagedData { mnist in
      func url(_ name: String) -> URL { mnist.appendingPathComponent(name) }
      switch kind {
      case "missing":
        try FileManager.default.removeItem(at: url("t10k-labels-idx1-ubyte.gz"))
      case "truncated":
        let data = try Data(contentsOf: url("train-images-idx3-ubyte.gz"))
        try data.prefix(100_000).write(to: url("train-images-idx3-ubyte.gz"))
      case "corrupt":
        var data = try Data(contentsOf: url("t10k-images-idx3-ubyte.gz"))
        data[5000] ^= 0xFF
        try data.write(to: url("t10k-images-idx3-ubyte.gz"))
      case "changed":
        // A valid gzip of a valid IDX file, one label changed: only the
        // checksum can tell.
        var data = try Data(contentsOf: url("t10k-labels-idx1-ubyte.gz"))
        let plain = try gunzip(data)
        var bytes = [UInt8](plain)
        bytes[100] = (bytes[100] + 1) % 10
        data = try gzip(Data(bytes))
        try data.write(to: url("t10k-labels-idx1-ubyte.gz"))
      default:
        try FileManager.default.removeItem(at: url("train-labels-idx1-ubyte.gz"))
        try FileManager.default.createDirectory(
          at: url("train-labels-idx1-ubyte.gz"),
          withIntermediateDirectories: false)
      }
    }
    let result = try labrun(["load.md", "--data", "data"], in: folder)
    #expect(result.status == 1)
    #expect(result.stderr.contains("load.md:2:6: error: "), "\(result.stderr)")
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    // And what to do about it.
    #expect(
      result.stderr.contains("git checkout -- data/mnist")
        || result.stderr.contains("--data"))
    let cell = try #require(cells(try reportJSON("load", in: folder)).first)
    #expect(cell["status"] as? String == "error")
  }

  // MARK: - Output

  @Test("an output path that is a file fails at once, before any cell runs")
  func outputIsAFile() throws {
    let folder = try temporaryFolder()
    try write("```lab\nseed 1\n```\n", as: "nb.md", in: folder)
    try write("not a folder", as: "taken", in: folder)
    let result = try labrun(["nb.md", "-o", "taken"], in: folder)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "taken: error: cannot create the output folder: a file of that name"
          + " is in the way; choose another folder with --output"),
      "\(result.stderr)")
    #expect(!result.stdout.contains("cell 1"))
    #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    let empty = try labrun(["nb.md", "-o", ""], in: folder)
    #expect(empty.status == 1)
    #expect(
      empty.stderr.contains(
        "cannot create the output folder: the folder name is empty"),
      "\(empty.stderr)")
  }
}

// MARK: - gzip through the system's tool

private func gzip(_ data: Data) throws -> Data {
  try runProcess(
    URL(fileURLWithPath: "/bin/gzip"), ["-c"], input: data
  ).output
}

private func gunzip(_ data: Data) throws -> Data {
  try runProcess(
    URL(fileURLWithPath: "/bin/gzip"), ["-dc"], input: data
  ).output
}
