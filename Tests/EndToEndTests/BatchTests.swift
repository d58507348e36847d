import Foundation
import Testing

/// Grading a class: `labrun FOLDER --jobs N` with submissions that time
/// out, crash, are not UTF-8 or have errors; hidden checks; shards merged.
@Suite(.serialized) struct BatchTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// A small lab a student hands in.
  func lab(_ title: String, lr: String = "3", epochs: Int = 2, train: Int = 500)
    -> String
  {
    """
    ---
    title: \(title)
    ---
    # Lab

    ## Training

    ```lab
    load mnist train=\(train) validation=100 test=500
    net 784-30-10
    sgd lr=\(lr) batch=10 epochs=\(epochs)
    evaluate
    ```

    """
  }

  /// The rows of a CSV without quoted commas in the fields read.
  func rows(_ folder: URL) throws -> [[String: String]] {
    let text = try String(contentsOf: folder.appendingPathComponent("summary.csv"), encoding: .utf8)
    let lines = text.split(separator: "\r\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    return lines.dropFirst().map { line in
      // Quoted fields come last (the message): split the rest.
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        .map(String.init)
      var row: [String: String] = [:]
      for (key, value) in zip(header, fields) { row[key] = value }
      return row
    }
  }

  /// The children of `parent` whose command line names `notebook`.
  func child(of parent: Int32, running notebook: String) -> Int32? {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for entry in entries {
      guard let pid = Int32(entry),
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { continue }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, Int32(fields[1]) == parent,
        let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
        String(decoding: command, as: UTF8.self).contains(notebook)
      else { continue }
      return pid
    }
    return nil
  }

  /// The decoded MNIST entries in `output`'s cache folder.
  func decodedEntries(_ output: URL) -> [URL] {
    let folder = output.appendingPathComponent(".labrun-cache/data")
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".decoded") }.sorted()
      .map { folder.appendingPathComponent($0) }
  }

  /// A report's per-epoch figures and evaluation, which must not depend on
  /// where the images came from.
  func figures(_ stem: String, in output: URL) throws -> String {
    let url = output.appendingPathComponent("\(stem).json")
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: url))
        as? [String: Any])
    var text: [String] = []
    for cell in json["cells"] as? [[String: Any]] ?? [] {
      for result in cell["results"] as? [[String: Any]] ?? [] {
        switch result["kind"] as? String {
        case "training":
          for epoch in result["history"] as? [[String: Any]] ?? [] {
            text.append(
              "\(epoch["trainingCost"] ?? "-") \(epoch["testAccuracy"] ?? "-")")
          }
        case "evaluation":
          text.append("\(result["correct"] ?? "-")/\(result["total"] ?? "-")")
        default: break
        }
      }
    }
    return text.joined(separator: "\n")
  }

  @Test("a batch decodes MNIST once: later processes read the decoded copy, a damaged one is rewritten, --no-cache writes none")
  func decodedDataShared() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write(lab("A", lr: "3"), as: "subs/a.md", in: folder)
    try write(lab("B", lr: "2"), as: "subs/b.md", in: folder)
    let out = folder.appendingPathComponent("out")
    let first = try labrun(
      ["subs", "--jobs", "2", "--data", dataFolder, "-o", "out"], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    let entries = decodedEntries(out)
    #expect(entries.count == 1)
    let entry = try #require(entries.first)
    let intact = try Data(contentsOf: entry)
    #expect(intact.count > 70_000 * 784)

    // Damage the entry; a new submission (its training not cached) runs
    // from it: the same numbers as without any cache, and a whole entry
    // again afterwards.
    var damaged = intact
    damaged[damaged.count / 2] ^= 0xff
    try damaged.write(to: entry)
    try write(lab("C", lr: "1"), as: "subs/c.md", in: folder)
    let second = try labrun(
      ["subs/c.md", "--data", dataFolder, "-o", "out"], in: folder)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(try Data(contentsOf: entry) == intact)
    let fresh = try labrun(
      ["subs/c.md", "--data", dataFolder, "-o", "plain", "--no-cache"],
      in: folder)
    #expect(fresh.status == 0, "\(fresh.stderr)")
    #expect(decodedEntries(folder.appendingPathComponent("plain")).isEmpty)
    #expect(
      try figures("c", in: out)
        == figures("c", in: folder.appendingPathComponent("plain")))
    // And from the intact entry: the same numbers again.
    try write(lab("D", lr: "0.5"), as: "subs/d.md", in: folder)
    for (output, flags) in [("out", [String]()), ("plain", ["--no-cache"])] {
      let run = try labrun(
        ["subs/d.md", "--data", dataFolder, "-o", output] + flags, in: folder)
      #expect(run.status == 0, "\(run.stderr)")
    }
    #expect(try Data(contentsOf: entry) == intact)
    #expect(
      try figures("d", in: out)
        == figures("d", in: folder.appendingPathComponent("plain")))
    #expect(try figures("d", in: out) != figures("c", in: out))
  }

  @Test("timeout, SIGKILL, non-UTF-8 and errors: one row each, every one linked")
  func everySubmissionHasARow() throws {
    let folder = try temporaryFolder()
    let subs = folder.appendingPathComponent("subs")
    try FileManager.default.createDirectory(at: subs, withIntermediateDirectories: true)
    try write(lab("Good"), as: "subs/good.md", in: folder)
    try write(
      "# Broken\n```lab\nload mnist train=500\nnet 784-30-10\nsgd lr=3 lrate=4\n```\n",
      as: "subs/broken.md", in: folder)
    // Latin-1 "# été": not UTF-8.
    try Data([0x23, 0x20, 0xE9, 0x74, 0xE9, 0x0A])
      .write(to: subs.appendingPathComponent("latin.md"))
    try write(lab("Loop", epochs: 10000, train: 5000), as: "subs/loop.md", in: folder)
    try write(lab("Crash", epochs: 10000, train: 5000), as: "subs/crash.md", in: folder)

    let process = Process()
    process.executableURL = labrunExecutable
    process.arguments = [
      "subs", "--jobs", "3", "--timeout", "6", "--data", dataFolder, "-o", "out",
    ]
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Kill the child running crash.md from outside, as the OOM killer or
    // a user would.
    var killed = false
    for _ in 0..<200 where !killed {
      Thread.sleep(forTimeInterval: 0.05)
      if let pid = child(of: process.processIdentifier, running: "crash.md") {
        Thread.sleep(forTimeInterval: 0.5)
        killed = kill(pid, SIGKILL) == 0
      }
    }
    process.waitUntilExit()
    #expect(killed)
    #expect(process.terminationStatus == 1)

    let out = folder.appendingPathComponent("out")
    let table = try rows(out)
    let status = Dictionary(
      uniqueKeysWithValues: table.map { ($0["notebook"]!, $0["status"]!) })
    #expect(
      status == [
        "subs/good.md": "ok", "subs/broken.md": "failed",
        "subs/latin.md": "unreadable", "subs/loop.md": "timeout",
        "subs/crash.md": "crashed",
      ])
    let good = try #require(table.first { $0["notebook"] == "subs/good.md" })
    #expect(Double(good["test accuracy"] ?? "") != nil)
    #expect(good["title"] == "Good")
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
    let notebooks = json?["notebooks"] as? [[String: Any]] ?? []
    #expect(notebooks.count == 5)
    let latin = notebooks.first { $0["notebook"] as? String == "subs/latin.md" }
    let latinMessage = latin?["message"] as? String ?? ""
    #expect(latinMessage.contains("invalid UTF-8 on line 1"), "\(latinMessage)")
    let crash = notebooks.first { $0["notebook"] as? String == "subs/crash.md" }
    let crashMessage = crash?["message"] as? String ?? ""
    #expect(crashMessage.contains("SIGKILL"), "\(crashMessage)")

    // The index links every notebook: its report, or its log.
    let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
    for link in [
      "./good.html", "./broken.html", "./.labrun-batch/latin.log",
      "./.labrun-batch/loop.log", "./.labrun-batch/crash.log",
    ] {
      #expect(index.contains("href=\"\(link)\""), "\(link)")
      let target = out.appendingPathComponent(String(link.dropFirst(2)))
      #expect(FileManager.default.fileExists(atPath: target.path), "\(link)")
    }
    #expect(!index.contains("http"))
    // The killed children's process groups are gone too.
    #expect(child(of: process.processIdentifier, running: "loop.md") == nil)
  }

  @Test("hidden checks reach the summary, never the student's report or JSON")
  func hiddenChecksStayHidden() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write(lab("Ada"), as: "subs/ada.md", in: folder)
    try write(lab("Bob", lr: "0.001"), as: "subs/bob.md", in: folder)
    try write(
      """
      # Grading, lab 3 (secret)

      ```lab
      expect net.sizes == 784-30-10 points=2
      expect test.accuracy >= 0.2 points=3
      expect cost decreases cell="Training"
      ```
      """, as: "grading.md", in: folder)
    let result = try labrun(
      ["subs", "--checks", "grading.md", "--jobs", "2", "--data", dataFolder],
      in: folder)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let out = folder.appendingPathComponent("output")
    let table = try rows(out)
    let ada = try #require(table.first { $0["notebook"] == "subs/ada.md" })
    let bob = try #require(table.first { $0["notebook"] == "subs/bob.md" })
    #expect(ada["max points"] == "6")
    #expect(ada["points"] == "6")
    #expect(ada["checks passed"] == "3")
    // lr=0.001 learns nearly nothing in two epochs.
    #expect(bob["checks failed"] != "0")
    let summary = try String(
      contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
    #expect(summary.contains("expect net.sizes == 784-30-10 points=2"))
    for stem in ["ada", "bob"] {
      for ext in ["html", "json"] {
        let text = try String(
          contentsOf: out.appendingPathComponent("\(stem).\(ext)"), encoding: .utf8)
        #expect(!text.contains("expect"), "\(stem).\(ext)")
        #expect(!text.contains("secret"), "\(stem).\(ext)")
        #expect(!text.contains("points="), "\(stem).\(ext)")
      }
    }

    // A mistake in the checks file is a usage error at its place.
    try write("expect test.acuracy >= 0.9\n", as: "bad.md", in: folder)
    let bad = try labrun(["subs", "--checks", "bad.md"], in: folder)
    #expect(bad.status == 2)
    #expect(
      bad.stderr.contains(
        "bad.md:1:8: error: unknown quantity 'test.acuracy'; did you mean 'test.accuracy'?"))
  }

  @Test("a notebook over the memory cap is recorded as out-of-memory, the others run")
  func memoryCap() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write(
      "# Big\n```lab\nload mnist train=500\nnet 784-10000-10000-10\nsgd lr=3 epochs=1\n```\n",
      as: "subs/big.md", in: folder)
    try write("# Small\n\nProse only.\n", as: "subs/small.md", in: folder)
    let result = try labrun(
      ["subs", "--memory-limit", "256", "--jobs", "2", "--data", dataFolder],
      in: folder, environment: ["SWIFT_BACKTRACE": "enable=no"])
    #expect(result.status == 1)
    let table = try rows(folder.appendingPathComponent("output"))
    let status = Dictionary(
      uniqueKeysWithValues: table.map { ($0["notebook"]!, $0["status"]!) })
    #expect(status == ["subs/big.md": "out-of-memory", "subs/small.md": "ok"])
    let tiny = try labrun(["subs", "--memory-limit", "10"], in: folder)
    #expect(tiny.status == 2)
    #expect(tiny.stderr.contains("--memory-limit is in megabytes"))
  }

  @Test("Ctrl-C stops a batch at once: children killed, what finished kept")
  func interruptKeepsWhatFinished() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("subs"), withIntermediateDirectories: true)
    try write("# Quick\n\nProse only.\n", as: "subs/a-quick.md", in: folder)
    try write(lab("Long", epochs: 10000, train: 5000), as: "subs/b-long.md", in: folder)
    try write(lab("Never", epochs: 10000, train: 5000), as: "subs/c-never.md", in: folder)
    let process = Process()
    process.executableURL = labrunExecutable
    process.arguments = ["subs", "--jobs", "2", "--data", dataFolder]
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var long: Int32?
    for _ in 0..<200 where long == nil {
      Thread.sleep(forTimeInterval: 0.05)
      long = child(of: process.processIdentifier, running: "b-long.md")
    }
    #expect(long != nil)
    Thread.sleep(forTimeInterval: 1)
    let sent = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(sent) < 5)
    #expect(process.terminationStatus == 130)
    if let long { #expect(kill(long, 0) != 0) }
    let table = try rows(folder.appendingPathComponent("output"))
    let status = Dictionary(
      uniqueKeysWithValues: table.map { ($0["notebook"]!, $0["status"]!) })
    #expect(
      status == [
        "subs/a-quick.md": "ok", "subs/b-long.md": "interrupted",
        "subs/c-never.md": "interrupted",
      ])
  }

  @Test("the README's sharding: script/grade-shard on two shards, then labrun summarize")
  func summarizeMergesShards() throws {
    let folder = try temporaryFolder()
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("class"), withIntermediateDirectories: true)
    for name in ["one", "two", "three"] {
      try write("# Notebook \(name)\n\nProse only.\n", as: "class/\(name).md", in: folder)
    }
    let script = repositoryRoot.appendingPathComponent("script/grade-shard")
    for shard in ["0", "1"] {
      let run = try runProcess(
        URL(fileURLWithPath: "/bin/bash"), [script.path, shard, "2", "class"],
        in: folder, environment: ["LABRUN": labrunExecutable.path, "JOBS": "2"])
      #expect(run.status == 0, "\(run.stderr)")
    }
    let merged = try labrun(
      ["summarize", "out-0", "out-1", "--output", "all"], in: folder)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(merged.stdout.contains("3 notebooks from 2 folders"))
    let all = folder.appendingPathComponent("all")
    let table = try rows(all)
    // Name order: one, three, two; shard 0 has one and two.
    #expect(
      table.map { $0["notebook"]! } == ["class/one.md", "class/two.md", "class/three.md"])
    #expect(table.allSatisfy { $0["status"] == "ok" })
    let index = try String(contentsOf: all.appendingPathComponent("index.html"), encoding: .utf8)
    for name in ["one", "two", "three"] {
      #expect(index.contains("href=\"./\(name).html\""))
      #expect(
        FileManager.default.fileExists(atPath: all.appendingPathComponent("\(name).html").path))
    }
    let missing = try labrun(["summarize", "nowhere", "--output", "all"], in: folder)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nowhere has no summary.json"))
  }
}
