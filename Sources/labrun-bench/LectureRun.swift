import Foundation

// The whole lecture notebook as a user runs it: the built `labrun` in a
// child process, whose peak resident memory the kernel reports when the
// child is reaped (getrusage(RUSAGE_CHILDREN)).

/// The `labrun` beside this program (as `swift build -c release` and
/// `./test` leave it), or `LABRUN_BIN`.
func siblingLabrun() -> String {
  if let path = ProcessInfo.processInfo.environment["LABRUN_BIN"] {
    return path
  }
  return URL(fileURLWithPath: CommandLine.arguments[0])
    .resolvingSymlinksInPath().deletingLastPathComponent()
    .appendingPathComponent("labrun").path
}

/// Runs `notebooks/lecture20.md` once without the cache and returns its
/// row, or a note saying why it could not.
///
/// Must run before any other child process of the benchmark (the peak is
/// the largest of all reaped children's) and before the benchmark grows:
/// a child's peak includes what it shared with this process until its exec.
/// - Parameter quick: one epoch per training instead of the notebook's.
func lectureRow(quick: Bool) -> Result<BenchmarkRow, LectureRunSkipped> {
  let labrun = siblingLabrun()
  guard FileManager.default.isExecutableFile(atPath: labrun) else {
    return .failure(
      LectureRunSkipped(
        reason: "no labrun at \(labrun) (build it first: swift build -c "
          + "release --product labrun, or set LABRUN_BIN)"))
  }
  let notebook = "notebooks/lecture20.md"
  guard FileManager.default.fileExists(atPath: notebook) else {
    return .failure(
      LectureRunSkipped(reason: "no \(notebook) here (run from the package)"))
  }
  let output = NSTemporaryDirectory() + "labrun-bench-lecture-\(getpid())"
  defer { try? FileManager.default.removeItem(atPath: output) }

  let process = Process()
  process.executableURL = URL(fileURLWithPath: labrun)
  process.arguments =
    [notebook, "-o", output, "-q", "--no-cache"]
    + (quick ? ["--set", "sgd.epochs=1"] : [])
  process.standardOutput = FileHandle.nullDevice
  // Its messages go to a file: a failure's first line goes into the note.
  let errors = output + ".stderr"
  _ = FileManager.default.createFile(atPath: errors, contents: nil)
  defer { try? FileManager.default.removeItem(atPath: errors) }
  process.standardError = FileHandle(forWritingAtPath: errors)
  let start = now()
  do {
    try process.run()
  } catch {
    return .failure(LectureRunSkipped(reason: "cannot start \(labrun): \(error)"))
  }
  process.waitUntilExit()
  let wall = now() - start
  guard process.terminationStatus == 0, process.terminationReason == .exit
  else {
    let how =
      process.terminationReason == .uncaughtSignal
      ? "was killed by signal \(process.terminationStatus)"
      : "exited with status \(process.terminationStatus)"
    let firstLine =
      (try? String(contentsOfFile: errors, encoding: .utf8))?
      .split(separator: "\n").first {
        // Swift's crash handler starts with a line that names only the
        // signal; the next says what happened.
        !$0.allSatisfy(\.isWhitespace) && !$0.contains("Backtracing from")
      }
      .map { ": \($0)" } ?? ""
    return .failure(
      LectureRunSkipped(reason: "labrun \(how)\(firstLine)"))
  }
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
  func seconds(_ time: timeval) -> Double {
    Double(time.tv_sec) + Double(time.tv_usec) / 1e6
  }
  return .success(
    BenchmarkRow(
      name: "lecture20.md, whole notebook" + (quick ? " (1 epoch each)" : ""),
      seconds: wall,
      cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
      imagesPerSecond: nil, gflops: nil, sgemmGflops: nil,
      percentOfSgemm: nil,
      peakMemoryMB: Double(usage.ru_maxrss) / 1024,
      notes: "labrun --no-cache in a child process; peak MB and cpu s (all "
        + "threads) are its own"))
}

/// Why the lecture row is missing.
struct LectureRunSkipped: Error {
  var reason: String
}
