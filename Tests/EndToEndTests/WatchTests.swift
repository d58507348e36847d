import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `labrun --watch` as an instructor uses it: save, see the report change.
@Suite("labrun --watch", .serialized)
struct WatchTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// A prose-only notebook (runs in milliseconds) that says `marker`.
  func prose(_ marker: String) -> String {
    "# Notes\n\nThe marker is \(marker).\n"
  }

  /// A notebook that trains for a while (about 6 ms an epoch, release).
  func training(epochs: Int) -> String {
    """
    # Long

    ```lab
    load mnist train=2000 validation=200 test=200
    net 784-30-10
    sgd lr=3 batch=10 epochs=\(epochs)
    ```
    """
  }

  /// A folder `notebooks/` with `name` holding `text`.
  func notebookFolder(_ name: String, _ text: String) throws -> (URL, URL) {
    let folder = try temporaryFolder()
    let notebooks = folder.appendingPathComponent("notebooks")
    try FileManager.default.createDirectory(
      at: notebooks, withIntermediateDirectories: true)
    let file = try write(text, as: name, in: notebooks)
    return (folder, file)
  }

  @Test("each way an editor saves reruns the notebook")
  func threeWaysOfSaving() throws {
    let (folder, file) = try notebookFolder("notes.md", prose("v0"))
    let watch = try WatchProcess(
      ["--port", "0", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.report("notes").contains("marker is v0") },
      "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    for (index, style) in SaveStyle.allCases.enumerated() {
      let marker = "v\(index + 1)-\(style.rawValue)"
      try save(prose(marker), to: file, style: style)
      #expect(
        waitUntil { watch.report("notes").contains("marker is \(marker).") },
        "\(style) save not seen; stdout: \(watch.stdout)")
    }
    #expect(watch.process.isRunning)
    #expect(watch.stderr.isEmpty, "stderr: \(watch.stderr)")
  }

  @Test("saving an image the notebook shows reruns it")
  func savedImageReruns() throws {
    let (folder, _) = try notebookFolder(
      "figure.md", "# Figure\n\n![the plot](figures/plot.svg)\n")
    let figures = folder.appendingPathComponent("notebooks/figures")
    try FileManager.default.createDirectory(
      at: figures, withIntermediateDirectories: true)
    func svg(_ width: Int) -> String {
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\"/>"
    }
    func embedded(_ width: Int) -> String {
      "data:image/svg+xml;base64," + Data(svg(width).utf8).base64EncodedString()
    }
    let image = try write(svg(10), as: "plot.svg", in: figures)
    let watch = try WatchProcess(["--no-serve"], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.report("figure").contains(embedded(10)) },
      "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    for (index, style) in SaveStyle.allCases.enumerated() {
      try save(svg(20 + index), to: image, style: style)
      #expect(
        waitUntil { watch.report("figure").contains(embedded(20 + index)) },
        "\(style) save of the image not seen; stdout: \(watch.stdout)")
    }
    #expect(watch.stderr.isEmpty, "stderr: \(watch.stderr)")
  }

  @Test("a burst of ten saves gives one or two runs, not ten")
  func burstIsDebounced() throws {
    let (folder, file) = try notebookFolder("notes.md", prose("start"))
    let watch = try WatchProcess(["--no-serve"], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.report("notes").contains("marker is start") })
    // Let the first run's line land before counting.
    #expect(waitUntil { watch.stdout.contains("report: output/notes.html") })
    let before = watch.runs(of: "notebooks/notes.md")
    for i in 1...10 {
      try save(prose("burst \(i)"), to: file, style: .inPlace)
    }
    #expect(waitUntil { watch.report("notes").contains("marker is burst 10.") })
    usleep(500_000)
    let burstRuns = watch.runs(of: "notebooks/notes.md") - before
    #expect((1...2).contains(burstRuns), "stdout: \(watch.stdout)")
  }

  @Test("a failing notebook shows its error in the report and stays watched")
  func failingNotebookStaysWatched() throws {
    let broken = """
      # Broken

      ```lab
      sgd lr=fast
      ```
      """
    let (folder, file) = try notebookFolder("lab.md", broken)
    let watch = try WatchProcess(
      ["--no-serve", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.stdout.contains("report with errors") },
      "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    // The terminal says where: the cell and the notebook's line.
    #expect(watch.stdout.contains("failed: cell 1 (line 3)"))
    #expect(watch.stderr.contains("notebooks/lab.md:4:"))
    let report = watch.report("lab")
    #expect(report.contains("lr"))
    #expect(report.contains("fast"))

    try save(prose("fixed"), to: file, style: .atomicRename)
    #expect(waitUntil { watch.report("lab").contains("marker is fixed") },
      "stdout: \(watch.stdout)")
    #expect(watch.process.isRunning)
  }

  @Test("new notebooks are picked up; deleted ones are dropped quietly")
  func newAndDeletedNotebooks() throws {
    let (folder, _) = try notebookFolder("a.md", prose("a"))
    let watch = try WatchProcess(["--no-serve"], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.report("a").contains("marker is a") })
    let notebooks = folder.appendingPathComponent("notebooks")
    let added = try write(prose("b"), as: "b.md", in: notebooks)
    #expect(waitUntil { watch.report("b").contains("marker is b") },
      "stdout: \(watch.stdout)")
    try FileManager.default.removeItem(at: added)
    #expect(waitUntil { watch.stdout.contains("removed: notebooks/b.md") })
    // Still watching the rest.
    try save(prose("a2"), to: notebooks.appendingPathComponent("a.md"),
      style: .inPlace)
    #expect(waitUntil { watch.report("a").contains("marker is a2") })
    #expect(watch.stderr.isEmpty, "stderr: \(watch.stderr)")
  }

  @Test("a save during training cancels the run and starts again")
  func saveDuringTrainingRestarts() throws {
    let (folder, file) = try notebookFolder("long.md", training(epochs: 200))
    let watch = try WatchProcess(
      ["--no-serve", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.stdout.contains("epoch 2/200") },
      "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    try save(prose("short now"), to: file, style: .inPlace)
    #expect(waitUntil { watch.report("long").contains("marker is short now") },
      "stdout: \(watch.stdout)")
    #expect(watch.stdout.contains("changed during the run: starting again"))
    // The cancelled run wrote nothing: the only report is the new one.
    #expect(!watch.stdout.contains("epoch 200/200"))
  }

  @Test("a path that does not exist is a usage error (exit 2)")
  func missingPath() throws {
    let folder = try temporaryFolder()
    let result = try labrun(["--watch", "drafts/"], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.contains("no such file or folder: drafts/"))
    // And with no path and no notebooks/ folder, the default is named.
    let bare = try labrun(["--watch"], in: folder)
    #expect(bare.status == 2)
    #expect(bare.stderr.contains("notebooks"))
  }

  @Test("two watched notebooks of one name are warned of; a folder x.md is skipped")
  func sameNameWarning() throws {
    let (folder, _) = try notebookFolder("notes.md", prose("first"))
    let drafts = folder.appendingPathComponent("drafts")
    try FileManager.default.createDirectory(
      at: drafts, withIntermediateDirectories: true)
    try write(prose("second"), as: "notes.md", in: drafts)
    // A folder whose name ends in .md is not a notebook: no error for it
    // (it sorts before notes.md, so it would come up before the warning).
    try FileManager.default.createDirectory(
      at: drafts.appendingPathComponent("archive.md"),
      withIntermediateDirectories: true)
    let watch = try WatchProcess(
      ["notebooks", "drafts", "--no-serve", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    #expect(
      waitUntil {
        watch.stderr.contains(
          "warning: drafts/notes.md and notebooks/notes.md both write notes.html")
      }, "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    #expect(!watch.stderr.contains("archive.md"), "stderr: \(watch.stderr)")
  }

  // MARK: - The preview server

  @Test("served pages get the reload hook; the files on disk have no script")
  func servedPageHasHook() throws {
    let (folder, _) = try notebookFolder("notes.md", prose("served"))
    let watch = try WatchProcess(["--port", "0"], in: folder)
    defer { watch.kill() }
    let port = try watch.port()
    #expect(waitUntil { watch.report("notes").contains("marker is served") })
    let page = try rawGET("/notes.html", port: port)
    #expect(page.status == 200)
    #expect(page.text.contains("marker is served"))
    #expect(page.text.contains("/_labrun/events"))
    #expect(page.text.contains("sessionStorage"))
    #expect(!watch.report("notes").contains("<script"))
    let json = try rawGET("/notes.json", port: port)
    #expect(json.status == 200)
    #expect(!json.text.contains("<script"))
    // A report not written yet: a waiting page that reloads itself.
    let waiting = try rawGET("/later.html", port: port)
    #expect(waiting.status == 404)
    #expect(waiting.text.contains("No report yet"))
    #expect(waiting.text.contains("/_labrun/events"))
    let missing = try rawGET("/later.json", port: port)
    #expect(missing.status == 404)
    #expect(!missing.text.contains("<script"))
  }

  @Test(
    "paths outside the output folder are refused",
    arguments: [
      "/../etc/passwd", "/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
      "/..%2f..%2fetc%2fpasswd", "/notes/../../etc/passwd",
      "//etc/passwd", "/.labrun-cache/x", "/%2e%2e%5c%2e%2e%5cetc/passwd",
    ])
  func outsideRefused(target: String) throws {
    let (folder, _) = try notebookFolder("notes.md", prose("x"))
    // Something private beside the output folder, and a hidden file in it.
    try write("secret", as: "private.txt", in: folder)
    let watch = try WatchProcess(["--port", "0"], in: folder)
    defer { watch.kill() }
    let port = try watch.port()
    #expect(waitUntil { watch.report("notes").contains("marker is x") })
    let response = try rawGET(target, port: port)
    #expect(response.status != 200, "\(target): \(response.text.prefix(200))")
    #expect(!response.text.contains("root:"))
    let sibling = try rawGET("/../private.txt", port: port)
    #expect(sibling.status != 200)
    #expect(!sibling.text.contains("secret"))
  }

  @Test("a connected page is told to reload after a save")
  func eventStreamReload() throws {
    let (folder, file) = try notebookFolder("notes.md", prose("one"))
    let watch = try WatchProcess(["--port", "0"], in: folder)
    defer { watch.kill() }
    let port = try watch.port()
    #expect(waitUntil { watch.report("notes").contains("marker is one") })
    let events = try RawConnection(port: port)
    events.get("/_labrun/events")
    let opening = events.read { $0.contains(": connected") }
    #expect(opening.contains("text/event-stream"))
    try save(prose("two"), to: file, style: .atomicRename)
    let stream = events.read { $0.contains("event: reload") }
    #expect(stream.contains("event: running"))
    #expect(stream.contains("event: reload"))
    #expect(stream.contains("\"page\":\"notes.html\""))
    // The reload comes after the report is complete on disk.
    #expect(watch.report("notes").contains("marker is two"))
  }

  @Test("a connected page sees training progress, then the reload")
  func eventStreamProgress() throws {
    let (folder, file) = try notebookFolder("long.md", prose("none yet"))
    let watch = try WatchProcess(
      ["--port", "0", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    let port = try watch.port()
    #expect(waitUntil { watch.report("long").contains("marker is none yet") })
    let events = try RawConnection(port: port, timeout: 60)
    events.get("/_labrun/events")
    _ = events.read { $0.contains(": connected") }
    // Long enough (about a second) for progress events, which the server
    // sends at most ten a second: 20 epochs took 0.1 s once the engine
    // was rewritten, and no progress event came.
    try save(training(epochs: 200), to: file, style: .inPlace)
    let stream = events.read { $0.contains("event: reload") }
    let progress = try #require(stream.range(of: "event: progress"))
    let reload = try #require(stream.range(of: "event: reload"))
    #expect(progress.lowerBound < reload.lowerBound)
    #expect(stream.contains("\"label\":\"epoch "))
    #expect(stream.contains("\"page\":\"long.html\""))
  }

  // MARK: - Ctrl-C

  @Test("Ctrl-C during training exits 130 and leaves no temporary files")
  func interruptInWatchMode() throws {
    let (folder, _) = try notebookFolder("long.md", training(epochs: 500))
    let watch = try WatchProcess(["--port", "0", "--data", dataFolder], in: folder)
    defer { watch.kill() }
    #expect(waitUntil { watch.stdout.contains("epoch 2/500") },
      "stdout: \(watch.stdout) stderr: \(watch.stderr)")
    #expect(watch.interrupt(SIGINT, timeout: 10) == 130)
    let output = folder.appendingPathComponent("output")
    let names = (try? FileManager.default.contentsOfDirectory(
      atPath: output.path)) ?? []
    #expect(!names.contains { $0.hasPrefix(".labrun-tmp-") }, "\(names)")
    // The cancelled run wrote no partial report.
    #expect(!names.contains("long.html"))
  }

  @Test("Ctrl-C in a single run exits 130 without a report")
  func interruptSingleRun() throws {
    let folder = try temporaryFolder()
    try write(training(epochs: 500), as: "long.md", in: folder)
    let process = Process()
    process.executableURL = labrunExecutable
    process.arguments = ["long.md", "--data", dataFolder]
    process.currentDirectoryURL = folder
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    let lock = NSLock()
    nonisolated(unsafe) var text = ""
    out.fileHandleForReading.readabilityHandler = { handle in
      let chunk = String(decoding: handle.availableData, as: UTF8.self)
      lock.withLock { text += chunk }
    }
    try process.run()
    defer {
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
      }
    }
    #expect(waitUntil { lock.withLock { text.contains("epoch 2/500") } })
    kill(process.processIdentifier, SIGINT)
    #expect(waitUntil(timeout: 10) { !process.isRunning })
    #expect(process.terminationStatus == 130)
    let output = folder.appendingPathComponent("output")
    let names = (try? FileManager.default.contentsOfDirectory(
      atPath: output.path)) ?? []
    #expect(!names.contains("long.html"))
    #expect(!names.contains { $0.hasPrefix(".labrun-tmp-") })
  }
}
