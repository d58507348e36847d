import Foundation
import Testing

/// The built `labrun` on small notebooks over a real-MNIST subset.
@Suite("labrun FILE", .serialized)
struct RunNotebookTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  @Test("a small notebook runs: exit 0, HTML and JSON with every cell")
  func smallNotebook() throws {
    let folder = try temporaryFolder()
    try write(
      """
      ---
      title: Small run
      seed: 7
      ---
      # Digits

      Some prose with <script>alert(1)</script> in it.

      ```lab
      load mnist train=3000 validation=1000 test=1000
      net 784-30-10
      ```

      ```lab
      sgd lr=3 batch=10 epochs=3
      evaluate on=test
      ```
      """, as: "small.md", in: folder)
    let result = try labrun(["small.md", "--data", dataFolder], in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("cell 1"))
    #expect(result.stdout.contains("cell 2"))
    // Piped output: plain epoch lines, no carriage returns.
    #expect(result.stdout.contains("epoch 3/3"))
    #expect(!result.stdout.contains("\r"))

    let html = try String(
      contentsOf: folder.appendingPathComponent("output/small.html"),
      encoding: .utf8)
    #expect(html.hasPrefix("<!doctype html>") || html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("Small run"))
    #expect(!html.contains("<script"))
    #expect(html.contains("<svg"))

    let json = try reportJSON("small", in: folder)
    let all = cells(json)
    #expect(all.count == 2)
    #expect(all.map { $0["status"] as? String } == ["ok", "ok"])
    let dataset = try #require(results(all[0], kind: "dataset").first)
    #expect(dataset["training"] as? Int == 3000)
    let training = try #require(results(all[1], kind: "training").first)
    let history = try #require(training["history"] as? [[String: Any]])
    #expect(history.count == 3)
    let evaluation = try #require(results(all[1], kind: "evaluation").first)
    #expect(evaluation["total"] as? Int == 1000)
    // 3 epochs on 3,000 images: far better than the 10% of guessing.
    let accuracy = try #require(evaluation["accuracy"] as? Double)
    #expect(accuracy > 0.6)
    let confusion = try #require(evaluation["confusion"] as? [[Int]])
    #expect(confusion.count == 10)
    #expect(confusion.joined().reduce(0, +) == 1000)
  }

  @Test("the same notebook and seed give the same numbers")
  func reproducible() throws {
    let folder = try temporaryFolder()
    try write(
      """
      ```lab
      seed 11
      load mnist train=1000 validation=200 test=200
      net 784-30-10
      sgd lr=3 batch=10 epochs=2
      ```
      """, as: "again.md", in: folder)
    var histories: [String] = []
    for _ in 0..<2 {
      let result = try labrun(["again.md", "--data", dataFolder], in: folder)
      #expect(result.status == 0, "stderr: \(result.stderr)")
      let json = try reportJSON("again", in: folder)
      let training = try #require(results(cells(json)[0], kind: "training").first)
      let history = try #require(training["history"] as? [[String: Any]])
      // Everything but the timings must be identical.
      histories.append(
        history.map {
          "\($0["trainingCost"] ?? "") \($0["validationAccuracy"] ?? "") \($0["testAccuracy"] ?? "")"
        }.joined(separator: "|"))
    }
    #expect(histories[0] == histories[1])
  }

  @Test("a failing cell: exit 1, report written, error in place, dependents skipped")
  func errorPath() throws {
    let folder = try temporaryFolder()
    try write(
      """
      # Errors

      ```lab
      load mnist train=500 validation=100 test=100
      ```

      ```lab
      net 784-30-10 hidden=sigmod
      ```

      ```lab
      sgd lr=3 batch=10 epochs=1
      ```

      ```lab
      net 784-30-10
      evaluate
      ```
      """, as: "broken.md", in: folder)
    let result = try labrun(["broken.md", "--data", dataFolder], in: folder)
    #expect(result.status == 1)
    // The error names the file, line and column of the bad value.
    #expect(result.stderr.contains("broken.md:8:22: error:"), "\(result.stderr)")
    #expect(result.stderr.contains("sigmoid"))

    let json = try reportJSON("broken", in: folder)
    let statuses = cells(json).map { $0["status"] as? String }
    // Cell 3 needs cell 2's network; cell 4 makes its own and runs.
    #expect(statuses == ["ok", "error", "skipped", "ok"])
    #expect((cells(json)[2]["skipReason"] as? String)?.contains("cell 2") == true)
    let html = try String(
      contentsOf: folder.appendingPathComponent("output/broken.html"),
      encoding: .utf8)
    #expect(html.contains("sigmod"))
    #expect(html.contains("broken.md:8:22"))
  }

  @Test("usage errors exit 2")
  func usageErrors() throws {
    let folder = try temporaryFolder()
    let missing = try labrun(["nowhere.md"], in: folder)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nowhere.md"))

    try write("# Empty\n", as: "empty.md", in: folder)
    let badFlag = try labrun(["empty.md", "--frobnicate"], in: folder)
    #expect(badFlag.status == 2)
    let badSet = try labrun(["empty.md", "--set", "sgd.lrate=3"], in: folder)
    #expect(badSet.status == 2)
    #expect(badSet.stderr.contains("did you mean 'sgd.lr'?"))
    // One "Error:" per message, not "Error: error:".
    #expect(!badSet.stderr.lowercased().contains("error: error"))
    // The same check with --watch, before anything is watched.
    let badWatchSet = try labrun(
      ["--watch", "empty.md", "--set", "sgd.lrate=3"], in: folder)
    #expect(badWatchSet.status == 2)
    #expect(badWatchSet.stderr.contains("did you mean 'sgd.lr'?"))
  }

  @Test("a folder runs its notebooks, each once; no notebook or two of one name: refused")
  func folderArgument() throws {
    let folder = try temporaryFolder()
    let lab = folder.appendingPathComponent("lab")
    try FileManager.default.createDirectory(
      at: lab.appendingPathComponent("drafts.md"),
      withIntermediateDirectories: true)
    try write("# One\n", as: "lab/one.md", in: folder)
    try write("# Two\n", as: "lab/two.md", in: folder)
    try write("not a notebook\n", as: "lab/notes.txt", in: folder)
    // An editor's lock file (Emacs) is not a notebook.
    try FileManager.default.createSymbolicLink(
      atPath: lab.appendingPathComponent(".#one.md").path,
      withDestinationPath: "root@host.1234")
    let result = try labrun(["lab/", "lab/one.md", "-o", "out"], in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let written = try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("out").path
    ).filter { !$0.hasPrefix(".") }.sorted()
    #expect(
      written == [
        "index.html", "one.html", "one.json", "summary.csv", "summary.json",
        "two.html", "two.json",
      ])
    // The index is their table of contents.
    let index = try String(
      contentsOf: folder.appendingPathComponent("out/index.html"),
      encoding: .utf8)
    #expect(index.contains("href=\"./one.html\">one.md</a>"))
    #expect(index.contains("href=\"./two.html\">two.md</a>"))
    #expect(result.stdout.contains("2 notebooks run"))
    // lab/one.md, named twice, ran once: two reports in all.
    #expect(result.stdout.components(separatedBy: "report: ").count - 1 == 2)

    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(
      at: empty, withIntermediateDirectories: true)
    let refused = try labrun(["empty"], in: folder)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("empty is a folder with no notebook (.md)"))

    // Two notebooks of one name: refused before either overwrites the other.
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("other"),
      withIntermediateDirectories: true)
    try write("# Other one\n", as: "other/one.md", in: folder)
    let clash = try labrun(["lab", "other/one.md", "-o", "out"], in: folder)
    #expect(clash.status == 2)
    #expect(
      clash.stderr.contains(
        "lab/one.md and other/one.md would both write out/one.html"))
    let html = try String(
      contentsOf: folder.appendingPathComponent("out/one.html"), encoding: .utf8)
    #expect(html.contains(">One<"))
  }

  @Test("a notebook with no lab cells still gets a report")
  func proseOnly() throws {
    let folder = try temporaryFolder()
    try write("# Just prose\n\nHello *world*.\n", as: "prose.md", in: folder)
    let result = try labrun(["prose.md", "-o", "out"], in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    let html = try String(
      contentsOf: folder.appendingPathComponent("out/prose.html"),
      encoding: .utf8)
    #expect(html.contains("<em>world</em>"))
  }
}

@Suite("labrun --help")
struct HelpTests {
  @Test("--help lists every directive with its parameters and defaults")
  func helpListsDirectives() throws {
    let help = try labrun(["--help"], in: repositoryRoot)
    #expect(help.status == 0)
    let synopses = help.stdout.split(separator: "\n").compactMap {
      $0.split(separator: " ").first.map(String.init)
    }
    for verb in ["seed", "load", "net", "sgd", "evaluate", "playground"] {
      #expect(synopses.contains(verb), "\(verb) missing")
    }
    #expect(help.stdout.contains("default 50000"))
    #expect(help.stdout.contains("--watch"))
    // `labrun help directives` says the same without rewrapping it.
    let directives = try labrun(["help", "directives"], in: repositoryRoot)
    #expect(directives.status == 0)
    #expect(directives.stdout.contains("one of sigmoid, relu, tanh, default sigmoid"))
  }
}
