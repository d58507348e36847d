import Foundation

// labrun-bench --edit-loop: the edit–run loop's targets, measured on the
// built `labrun` as a user runs it (a new process each time, so start-up,
// the cache, rendering and writing the report are all included).
//
//   swift build -c release && .build/release/labrun-bench --edit-loop
//
// Targets: a cached re-run of the lecture ≤ 100 ms; a cold run of a
// notebook with no lab cells ≤ 50 ms (medians).

/// One measured command: wall-clock and CPU time of the child process.
private struct Timing {
  var wall: Double
  var cpu: Double
}

/// Runs `arguments` with output discarded; nil when it could not start or
/// failed.
private func timedRun(_ executable: String, _ arguments: [String]) -> Timing? {
  guard case .success(let run) = spawnAndWait(executable, arguments),
    run.succeeded
  else { return nil }
  return Timing(wall: run.wall, cpu: run.cpu)
}

/// The `labrun` to measure: `LABRUN_BIN`, else the one beside this program.
private func labrunPath() -> String {
  if let path = ProcessInfo.processInfo.environment["LABRUN_BIN"] { return path }
  let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  return me.deletingLastPathComponent().appendingPathComponent("labrun").path
}

/// Whether every cell of the report at `path` says `cached: true`.
private func allCached(_ path: String) -> Bool {
  guard let data = FileManager.default.contents(atPath: path),
    let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
    let cells = json["cells"] as? [[String: Any]], !cells.isEmpty
  else { return false }
  return cells.allSatisfy { $0["cached"] as? Bool == true }
}

/// Measures the edit–run loop and prints one line per measurement; the
/// exit status is 1 when a target is missed or a run fails.
func runEditLoopBenchmark(quick: Bool) -> Int32 {
  let labrun = labrunPath()
  guard FileManager.default.isExecutableFile(atPath: labrun) else {
    print("no labrun at \(labrun): build it first (swift build -c release) "
      + "or set LABRUN_BIN")
    return 2
  }
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  let lecturePath = root.appendingPathComponent("notebooks/lecture20.md").path
  guard let lecture = try? String(contentsOfFile: lecturePath, encoding: .utf8)
  else {
    print("cannot read \(lecturePath)")
    return 2
  }
  let folder = NSTemporaryDirectory() + "labrun-edit-loop-\(getpid())"
  try? FileManager.default.createDirectory(
    atPath: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: folder) }
  let notebook = folder + "/lecture20.md"
  let output = folder + "/output"
  let runs = quick ? 5 : 21
  var failed = false
  let loadBefore = loadAverage()
  print("labrun: \(labrun); \(runs) runs per row, medians")

  func report(
    _ name: String, _ timings: [Timing], target: Double?, note: String = ""
  ) {
    guard timings.count == runs || target == nil, !timings.isEmpty else {
      print("\(name): a run failed")
      failed = true
      return
    }
    let wall = median(timings.map(\.wall)) * 1000
    let best = (timings.map(\.wall).min() ?? 0) * 1000
    let cpu = median(timings.map(\.cpu)) * 1000
    var line =
      name.padding(toLength: 38, withPad: " ", startingAt: 0)
      + String(
        format: "median %7.1f ms  min %7.1f ms  cpu %7.1f ms", wall, best, cpu)
    if let target {
      let met = wall <= target
      failed = failed || !met
      line += String(format: "  target ≤ %.0f ms: %@", target, met ? "met" : "MISSED")
    }
    print(line + (note.isEmpty ? "" : "  (\(note))"))
  }

  // The cold run trains the lecture and fills the cache.
  try? lecture.write(toFile: notebook, atomically: true, encoding: .utf8)
  let cold = timedRun(labrun, [notebook, "-o", output, "-q", "--rerun"])
  report("lecture, computed (fills the cache)", cold.map { [$0] } ?? [], target: nil)

  let cached = (0..<runs).compactMap { _ in
    timedRun(labrun, [notebook, "-o", output, "-q"])
  }
  let json = output + "/lecture20.json"
  report(
    "lecture, cached re-run", cached, target: 100,
    note: allCached(json) ? "every cell cached" : "NOT every cell cached")
  failed = failed || !allCached(json)

  // A prose edit before each run: still every cell from the cache.
  let edited = (0..<runs).compactMap { index -> Timing? in
    let text = lecture.replacingOccurrences(
      of: "MNIST is the \"hello world\"",
      with: "MNIST (edit \(index)) is the \"hello world\"")
    try? text.write(toFile: notebook, atomically: true, encoding: .utf8)
    return timedRun(labrun, [notebook, "-o", output, "-q"])
  }
  report(
    "lecture, prose edited, re-run", edited, target: 100,
    note: allCached(json) ? "every cell cached" : "NOT every cell cached")

  // The lecture's prose alone, each run into a fresh output folder.
  var prose = ""
  var inLab = false
  for line in lecture.split(separator: "\n", omittingEmptySubsequences: false) {
    if line.hasPrefix("```lab") { inLab = true; continue }
    if inLab { if line.hasPrefix("```") { inLab = false }; continue }
    prose += line + "\n"
  }
  let prosePath = folder + "/prose.md"
  try? prose.write(toFile: prosePath, atomically: true, encoding: .utf8)
  let proseRuns = (0..<runs).compactMap { index in
    timedRun(labrun, [prosePath, "-o", folder + "/fresh-\(index)", "-q"])
  }
  report("notebook without lab cells, cold", proseRuns, target: 50)

  if let before = loadBefore, let after = loadAverage() {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print(
      String(
        format: "load average %.2f before, %.2f after, on %d cores%@", before,
        after, cores,
        max(before, after) > Double(cores) - 0.5
          ? " (busy machine: wall-clock times inflated; see cpu and min)"
          : ""))
  }
  return failed ? 1 : 0
}
