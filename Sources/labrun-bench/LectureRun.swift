import Foundation

// The whole lecture notebook as a user runs it: the built `labrun` in a
// child process, whose CPU time and peak resident memory the kernel
// reports when the child is reaped (wait4).

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
/// Must run before the benchmark grows: a child's peak includes what it
/// shared with this process until its exec.
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

  // Its messages go to a file: a failure's first line goes into the note.
  let errors = output + ".stderr"
  defer { try? FileManager.default.removeItem(atPath: errors) }
  let run: ChildRun
  switch spawnAndWait(
    labrun,
    [notebook, "-o", output, "-q", "--no-cache"]
      + (quick ? ["--set", "sgd.epochs=1"] : []), errors: errors)
  {
  case .success(let finished): run = finished
  case .failure(let skipped): return .failure(skipped)
  }
  guard run.succeeded else {
    let firstLine =
      (try? String(contentsOfFile: errors, encoding: .utf8))?
      .split(separator: "\n").first {
        // Swift's crash handler starts with a line that names only the
        // signal; the next says what happened.
        !$0.allSatisfy(\.isWhitespace) && !$0.contains("Backtracing from")
      }
      .map { ": \($0)" } ?? ""
    return .failure(
      LectureRunSkipped(reason: "labrun \(run.failure)\(firstLine)"))
  }
  return .success(
    BenchmarkRow(
      name: "lecture20.md, whole notebook" + (quick ? " (1 epoch each)" : ""),
      seconds: run.wall, cpuSeconds: run.cpu,
      imagesPerSecond: nil, gflops: nil, sgemmGflops: nil,
      percentOfSgemm: nil,
      peakMemoryMB: run.peakMemoryMB,
      notes: "labrun --no-cache in a child process; peak MB and cpu s (all "
        + "threads) are its own"))
}

/// Why the lecture row is missing.
struct LectureRunSkipped: Error {
  var reason: String
}
