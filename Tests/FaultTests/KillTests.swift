import Foundation
import LabrunTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// labrun killed, interrupted, or run twice at once: the previous report
/// survives whole, temporary files go away, the cache stays trustworthy.
@Suite("Faults: kills, Ctrl-C, two runs at once", .serialized)
struct KillTests {
  let dataFolder = repositoryRoot.appendingPathComponent("data").path

  /// A small but real notebook: MNIST, a network, training, evaluation.
  let notebook = """
    ---
    title: Killed
    seed: 5
    ---
    # Killed at random

    ```lab
    load mnist train=3000 validation=500 test=500
    net 784-30-10
    ```

    ```lab
    sgd lr=3 batch=10 epochs=2
    evaluate
    ```

    ```lab
    sgd lr=0.5,3 epochs=1
    ```
    """

  @Test("SIGKILL at 24 random moments: the previous report stays whole")
  func sigkill() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(notebook, as: "killed.md", in: folder)
    let output = folder.appendingPathComponent("output")

    // A fresh run without the cache: the reference values and timing.
    let start = Date()
    let fresh = try labrun(
      ["killed.md", "--data", dataFolder, "--no-cache"], in: folder)
    // How long a recomputing run takes; shortened below whenever a run
    // turns out to have finished before its kill (a busy machine makes
    // any single measurement long), so that kills keep landing midway.
    var duration = Date().timeIntervalSince(start)
    #expect(fresh.status == 0, "\(fresh.stderr)")
    let reference = computedValues(try reportJSON("killed", in: folder))

    var generator = SystemRandomNumberGenerator()
    var killedMidway = 0
    for trial in 0..<24 {
      let before = try ReportFiles(stem: "killed", in: output)
      #expect(before.isWhole)
      // Every other run recomputes, so that cache writes get killed too.
      var arguments = ["killed.md", "--data", dataFolder]
      if trial % 2 == 0 { arguments.append("--rerun") }
      let run = try BackgroundRun(arguments, in: folder)
      let delay = Double.random(in: 0...(duration * 1.1), using: &generator)
      usleep(UInt32(delay * 1_000_000))
      // Cached runs end in a few milliseconds; only the recomputing ones
      // are long enough to count on being killed midway.
      if trial % 2 == 0 {
        if run.process.isRunning {
          killedMidway += 1
        } else {
          duration *= 0.75
        }
      }
      #expect(run.signal(SIGKILL) != nil)

      // Whatever moment it died at, the report is a whole one: the old
      // one or the new one, never a mix or a torn file.
      let after = try ReportFiles(stem: "killed", in: output)
      #expect(after.isWhole, "trial \(trial) after \(delay) s")
    }
    #expect(killedMidway >= 6, "most kills should land during the run")

    // The next run cleans up what the killed ones left, and what it reads
    // from the cache is what a fresh run computes.
    let next = try labrun(["killed.md", "--data", dataFolder], in: folder)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(temporaryFiles(under: output) == [])
    #expect(computedValues(try reportJSON("killed", in: folder)) == reference)
  }

  @Test("a damaged cache entry is recomputed, never served")
  func damagedCacheEntries() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(notebook, as: "cached.md", in: folder)
    let first = try labrun(["cached.md", "--data", dataFolder], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    let reference = computedValues(try reportJSON("cached", in: folder))

    let cells = folder.appendingPathComponent("output/.labrun-cache/cells")
    let names = try FileManager.default.contentsOfDirectory(atPath: cells.path)
      .filter { $0.hasSuffix(".cell") }
    try #require(names.count >= 2)
    // Damage them every way a crash or a disk could: cut short, one bit
    // flipped, emptied, or replaced by garbage.
    for (index, name) in names.enumerated() {
      let url = cells.appendingPathComponent(name)
      var bytes = try Data(contentsOf: url)
      switch index % 4 {
      case 0: bytes = bytes.prefix(bytes.count / 2)
      case 1: bytes[bytes.count / 3] ^= 0x10
      case 2: bytes = Data()
      default: bytes = Data((0..<bytes.count).map { UInt8(truncatingIfNeeded: $0) })
      }
      try bytes.write(to: url)
    }
    let second = try labrun(["cached.md", "--data", dataFolder], in: folder)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(computedValues(try reportJSON("cached", in: folder)) == reference)
  }

  @Test("SIGINT stops a run promptly and keeps the previous report")
  func sigint() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(
      """
      ```lab
      load mnist
      net 784-30-10
      sgd epochs=30
      ```
      """, as: "long.md", in: folder)
    let output = folder.appendingPathComponent("output")
    // A previous report, from a quick version of the same notebook.
    let quick = try labrun(
      ["long.md", "--data", dataFolder, "--set", "sgd.epochs=1",
       "--set", "load.train=1000"], in: folder)
    #expect(quick.status == 0, "\(quick.stderr)")
    let before = try ReportFiles(stem: "long", in: output)

    for trial in 0..<3 {
      let run = try BackgroundRun(
        ["long.md", "--data", dataFolder, "--no-cache"], in: folder)
      // In training, or (the last trial) while loading the data.
      if trial < 2 {
        #expect(run.waitFor("epoch 1/30"), "\(run.stdout)\(run.stderr)")
        usleep(UInt32(trial) * 300_000)
      } else {
        // As soon as labrun handles Ctrl-C: it is still loading the data.
        #expect(run.waitUntilCatching(SIGINT))
      }
      let seconds = try #require(run.signal(SIGINT, timeout: 10 * timeScale))
      // Prompt (under 0.1 s when the machine is idle); the bound leaves room
    // for a loaded CI machine (1.4 s seen) and is far below the 10 s wait.
    #expect(seconds < 3.0 * timeScale, "stopped after \(seconds) s")
      // 130 once labrun has set up its handler; before that (a busy
      // machine, the first milliseconds) the signal's default action.
      let interrupted =
        run.process.terminationReason == .uncaughtSignal
        ? run.process.terminationStatus == SIGINT
        : run.process.terminationStatus == 130
      #expect(interrupted, "\(run.process.terminationStatus)")
      #expect(try ReportFiles(stem: "long", in: output) == before)
      #expect(temporaryFiles(under: output) == [])
    }
  }

  @Test("SIGINT ends --watch promptly")
  func sigintWatch() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("# Watched\n\n```lab\nseed 2\n```\n", as: "w.md", in: folder)
    let run = try BackgroundRun(["--watch", "--no-serve", "w.md"], in: folder)
    #expect(
      run.waitFor("report", timeout: 30), "\(run.stdout)\(run.stderr)")
    #expect(run.waitUntilCatching(SIGINT))
    let seconds = try #require(run.signal(SIGINT, timeout: 10 * timeScale))
    // Prompt (under 0.1 s when the machine is idle); the bound leaves room
    // for a loaded CI machine (1.4 s seen) and is far below the 10 s wait.
    #expect(seconds < 3.0 * timeScale, "stopped after \(seconds) s")
    #expect(run.process.terminationStatus == 130 || run.process.terminationStatus == 0)
  }

  @Test("a reader that goes away (labrun … | head): the report is written")
  func closedPipe() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(notebook, as: "piped.md", in: folder)
    let process = Process()
    process.executableURL = labrunExecutable
    process.arguments = ["piped.md", "--data", dataFolder, "--no-cache"]
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    // Like `head -1`: read one line, then close the reading end.
    let handle = pipe.fileHandleForReading
    var first = Data()
    while !first.contains(0x0A) {
      let chunk = handle.availableData
      if chunk.isEmpty { break }
      first.append(chunk)
    }
    try handle.close()
    try pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    let files = try ReportFiles(
      stem: "piped", in: folder.appendingPathComponent("output"))
    #expect(files.isWhole)
  }

  @Test("two runs at once on the same notebook and output: both finish, whole")
  func twoAtOnce() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write(notebook, as: "twice.md", in: folder)
    let output = folder.appendingPathComponent("output")
    for trial in 0..<4 {
      // Each run tells its report apart by the seed it records.
      let extra = trial % 2 == 0 ? ["--rerun"] : []
      let a = try BackgroundRun(
        ["twice.md", "--data", dataFolder, "--set", "seed=101"] + extra,
        in: folder)
      let b = try BackgroundRun(
        ["twice.md", "--data", dataFolder, "--set", "seed=202"] + extra,
        in: folder)
      #expect(a.wait() == 0, "\(a.stderr)")
      #expect(b.wait() == 0, "\(b.stderr)")
      let files = try ReportFiles(stem: "twice", in: output)
      #expect(files.isWhole)
      let json = try reportJSON("twice", in: folder)
      let overrides = json["overrides"] as? [String] ?? []
      #expect(overrides == ["seed=101"] || overrides == ["seed=202"], "\(overrides)")
      let html = String(decoding: files.html, as: UTF8.self)
      #expect(html.contains("seed=101") || html.contains("seed=202"))
      #expect(temporaryFiles(under: output) == [])
    }
    // Entries written by both at once read back as a fresh run computes.
    let fresh = try labrun(
      ["twice.md", "--data", dataFolder, "--set", "seed=101", "--no-cache"],
      in: folder)
    #expect(fresh.status == 0)
    let reference = computedValues(try reportJSON("twice", in: folder))
    let cached = try labrun(
      ["twice.md", "--data", dataFolder, "--set", "seed=101"], in: folder)
    #expect(cached.status == 0)
    #expect(computedValues(try reportJSON("twice", in: folder)) == reference)
  }
}
