import NumberFormat
import Foundation
import Notebook
import Report

#if canImport(Glibc)
  import Glibc
#endif

/// How a batch runs its notebooks.
public struct BatchOptions: Sendable {
  /// Notebooks run at once (each in a process of its own).
  public var jobs: Int
  /// Wall-clock limit per notebook, in seconds.
  public var timeout: Double
  /// Address-space cap per notebook, in megabytes (0: none).
  public var memoryLimitMB: Int
  /// Folder for the reports and the summary.
  public var outputDirectory: String
  /// Arguments every child gets after its notebook and `--output`
  /// (`--data`, `--set`, `--no-cache`, `--rerun`).
  public var childArguments: [String]
  /// The instructor's hidden checks, already read.
  public var checks: [Check]
  /// The checks file's path, for the summary.
  public var checksFile: String?
  /// The labrun executable the children run (default: this one).
  public var executable: String?
  /// True to add each hidden check's outcome and message (not its text)
  /// to the student's report and JSON (`--feedback`).
  public var feedback = false

  public init(
    jobs: Int, timeout: Double = 300, memoryLimitMB: Int = 0,
    outputDirectory: String = "output", childArguments: [String] = [],
    checks: [Check] = [], checksFile: String? = nil, executable: String? = nil,
    feedback: Bool = false
  ) {
    self.feedback = feedback
    self.jobs = max(1, jobs)
    self.timeout = timeout
    self.memoryLimitMB = memoryLimitMB
    self.outputDirectory = outputDirectory
    self.childArguments = childArguments
    self.checks = checks
    self.checksFile = checksFile
    self.executable = executable
  }
}

/// Runs many notebooks, each in a labrun process of its own, a few at a
/// time; records how each ended (a timeout, a crash, running out of
/// memory, an unreadable file never stops the others) and writes the
/// summary. The per-cell cache in the output folder is shared by the
/// processes (its entries are written atomically), so a cell every
/// notebook has in common (`load mnist`) is computed once.
public struct BatchRunner: Sendable {
  public var options: BatchOptions
  public var console: Console

  public init(options: BatchOptions, console: Console) {
    self.options = options
    self.console = console
  }

  /// Runs `notebooks`; `isInterrupted` is asked often, and true stops
  /// the batch: running children are killed, the summary lists what
  /// finished and marks the rest interrupted. Returns the summary, also
  /// written to the output folder.
  public func run(
    _ notebooks: [String], isInterrupted: @escaping @Sendable () -> Bool
  ) throws(RunError) -> BatchSummary {
    let output = options.outputDirectory
    do {
      try FileManager.default.createDirectory(
        atPath: output + "/.labrun-batch", withIntermediateDirectories: true)
    } catch {
      throw .cannotWrite(path: output, reason: "\(error)")
    }
    let executable = options.executable ?? ChildProcess.currentExecutable()
    var environment = ProcessInfo.processInfo.environment
    if options.memoryLimitMB > 0 {
      environment[ChildProcess.memoryLimitVariable] = String(
        options.memoryLimitMB)
    }
    let start = DispatchTime.now()
    var records = [SubmissionRecord?](repeating: nil, count: notebooks.count)
    var running: [pid_t: (index: Int, child: ChildProcess, timedOut: Bool)] = [:]
    var next = 0
    var finished = 0
    var interrupted = false

    func finish(_ index: Int, _ record: SubmissionRecord) {
      records[index] = record
      finished += 1
      announce(record, count: finished, of: notebooks.count)
    }

    while next < notebooks.count || !running.isEmpty {
      if isInterrupted() {
        interrupted = true
        for (_, job) in running { job.child.kill(SIGKILL) }
        for (pid, job) in running {
          var status: Int32 = 0
          _ = waitpid(pid, &status, 0)
          records[job.index] = SubmissionRecord(
            notebook: notebooks[job.index], status: .interrupted,
            message: "stopped by Ctrl-C",
            seconds: seconds(since: job.child.started))
        }
        running.removeAll()
        break
      }
      while running.count < options.jobs, next < notebooks.count {
        let index = next
        next += 1
        let notebook = notebooks[index]
        do {
          let child = try ChildProcess(
            executable: executable,
            // `--` before the notebook: a file named `-x.md` is no option.
            arguments: ["--output", output, "--quiet"]
              + options.childArguments + ["--", notebook],
            environment: environment, logPath: logPath(for: notebook))
          running[child.pid] = (index, child, false)
        } catch {
          finish(
            index,
            SubmissionRecord(
              notebook: notebook, status: .crashed, message: "\(error)"))
        }
      }
      var status: Int32 = 0
      var usage = rusage()
      let pid = wait4(-1, &status, WNOHANG, &usage)
      if pid > 0, let job = running.removeValue(forKey: pid) {
        finish(
          job.index,
          record(
            for: notebooks[job.index], exit: ChildExit(waitStatus: status),
            timedOut: job.timedOut, seconds: seconds(since: job.child.started),
            peakKB: Double(usage.ru_maxrss),
            cpuSeconds: Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
              + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6))
        continue
      }
      for (pid, job) in running where !job.timedOut
        && seconds(since: job.child.started) > options.timeout
      {
        job.child.kill(SIGKILL)
        running[pid]?.timedOut = true
      }
      usleep(10_000)
    }
    for index in notebooks.indices where records[index] == nil {
      records[index] = SubmissionRecord(
        notebook: notebooks[index], status: .interrupted,
        message: "not run: the batch was stopped")
    }
    let summary = BatchSummary(
      checksFile: options.checksFile, notebooks: records.map { $0! })
    let paths = try SummaryFiles.write(summary, to: output)
    printTotals(summary, seconds: seconds(since: start), paths: paths,
      interrupted: interrupted)
    return summary
  }

  // MARK: - One notebook's outcome

  /// Where a child's output goes (its errors, for the summary's note).
  func logPath(for notebook: String) -> String {
    options.outputDirectory + "/" + Self.logName(for: notebook)
  }

  /// The log's path inside the output folder.
  static func logName(for notebook: String) -> String {
    ".labrun-batch/" + NotebookRunner.reportName(for: notebook) + ".log"
  }

  /// The summary's row for a child that ended with `exit`.
  func record(
    for notebook: String, exit: ChildExit, timedOut: Bool, seconds: Double,
    peakKB: Double, cpuSeconds: Double? = nil
  ) -> SubmissionRecord {
    let stem = NotebookRunner.reportName(for: notebook)
    let output = options.outputDirectory
    var row = SubmissionRecord(
      notebook: notebook, log: Self.logName(for: notebook), status: .ok,
      seconds: seconds,
      peakMemoryMB: peakKB / 1024)
    row.cpuSeconds = cpuSeconds
    let log = (try? String(contentsOfFile: logPath(for: notebook), encoding: .utf8)) ?? ""
    let firstError = log.split(separator: "\n").first {
      $0.contains("error:")
    }.map { String($0.prefix(300)) }
    // A report counts only when this run wrote it (not a previous run's).
    let jsonPath = output + "/" + stem + ".json"
    let fresh = Self.modified(jsonPath).map {
      $0 >= Date().addingTimeInterval(-seconds - 1)
    } ?? false
    let reading = fresh ? ReportReading(
      jsonAt: jsonPath,
      headings: options.checks.contains { if case .section = $0.scope { true } else { false } }
        ? ReportReading.headings(ofNotebookAt: notebook) : [:]) : nil
    switch exit {
    case .exited(0) where reading != nil, .exited(1) where reading != nil:
      row.status = exit == .exited(0) ? .ok : .failed
    case .exited(let code) where code == 130 || code == 143:
      row.status = .interrupted
      row.message = "stopped by a signal"
    case .exited:
      row.status = .unreadable
      row.message = firstError ?? "labrun could not run it (see \(logPath(for: notebook)))"
    case .signalled(let signal):
      if timedOut {
        row.status = .timeout
        row.message = "killed after \(SummaryFiles.number(options.timeout)) s"
      } else if log.contains("allocate") || log.contains("out of memory") {
        row.status = .outOfMemory
        row.message = "ran out of memory (cap \(options.memoryLimitMB) MB)"
      } else {
        row.status = .crashed
        row.message = "ended by signal \(signal) (\(Self.signalName(signal)))"
      }
    }
    if let reading, row.status == .ok || row.status == .failed {
      row.report = stem + ".html"
      row.title = reading.title
      row.errors = reading.errors
      row.testAccuracy = reading.state.final.testAccuracy
      row.validationAccuracy = reading.state.final.validationAccuracy
      if row.status == .failed {
        row.message = reading.firstError ?? reading.firstFailedCheck ?? firstError
      }
    } else if Self.modified(output + "/" + stem + ".html") != nil,
      row.status != .unreadable
    {
      // An earlier run's report: linked, but its figures are not this run's.
      row.report = stem + ".html"
    }
    if !options.checks.isEmpty {
      let state = reading?.state
        ?? CheckState(cells: [], final: CheckFigures(), status: .error)
      let results = options.checks.map { CheckEvaluator.evaluate($0, in: state) }
      row.record(results)
      if options.feedback, reading != nil, row.report != nil {
        Self.giveFeedback(results, inReport: output + "/" + stem)
      }
    }
    if let reading, row.status == .ok || row.status == .failed {
      row.recordOwn(reading.ownChecks)
    }
    return row
  }

  /// Adds the hidden checks' outcomes and messages, never their text, to
  /// the report `stem`.html and .json, each rewritten whole; a report that
  /// cannot be read or written keeps what the student's run wrote.
  static func giveFeedback(_ results: [CheckResult], inReport stem: String) {
    let items = results.map {
      FeedbackItem(passed: $0.passed, message: $0.message, points: $0.check.points)
    }
    for (ext, add) in [
      ("html", { Feedback.adding(items, toPage: $0) }),
      ("json", { Feedback.adding(items, toJSON: $0) }),
    ] as [(String, (String) -> String?)] {
      let path = stem + "." + ext
      guard let data = FileManager.default.contents(atPath: path),
        let text = String(data: data, encoding: .utf8),
        let changed = add(text)
      else { continue }
      try? AtomicFile.write(changed, to: path)
    }
  }

  static func modified(_ path: String) -> Date? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[
      .modificationDate] as? Date
  }

  static func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGKILL: "SIGKILL"
    case SIGSEGV: "SIGSEGV"
    case SIGABRT: "SIGABRT"
    case SIGTRAP: "SIGTRAP, a Swift runtime error"
    case SIGILL: "SIGILL"
    case SIGBUS: "SIGBUS"
    case SIGTERM: "SIGTERM"
    case SIGFPE: "SIGFPE"
    default: "signal \(signal)"
    }
  }

  // MARK: - Printing

  private func announce(_ row: SubmissionRecord, count: Int, of total: Int) {
    var text = "[\(count)/\(total)] \(row.status.rawValue) \(row.notebook)"
      + "  " + Format.duration(row.seconds)
    if row.maxPoints > 0 {
      text += "  points \(SummaryFiles.number(row.points))/"
        + SummaryFiles.number(row.maxPoints)
    }
    if let accuracy = row.testAccuracy ?? row.validationAccuracy {
      text += "  accuracy " + String(format: "%.2f%%", accuracy * 100)
    }
    if let message = row.message, row.status != .ok {
      text += "  (\(message))"
    }
    console.line(text)
  }

  private func printTotals(
    _ summary: BatchSummary, seconds: Double, paths: [String],
    interrupted: Bool
  ) {
    var counts: [SubmissionRecord.Status: Int] = [:]
    for row in summary.notebooks { counts[row.status, default: 0] += 1 }
    let tally = SubmissionRecord.Status.allCases.compactMap { status in
      counts[status].map { "\($0) \(status.rawValue)" }
    }.joined(separator: ", ")
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    console.line(
      (interrupted ? "interrupted: " : "")
        + "\(summary.notebooks.count) notebooks (\(tally)) in "
        + Format.duration(seconds) + " with \(options.jobs) job"
        + (options.jobs == 1 ? "" : "s")
        + "; this process's peak memory \(usage.ru_maxrss / 1024) MB")
    console.line("summary: " + paths.joined(separator: ", "))
  }

  private func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  }
}

// MARK: - Runs in this process

extension SubmissionRecord {
  /// The summary's row for a notebook run in this process (a folder of
  /// lectures): from its report, or the error that kept it from running.
  public static func inProcess(
    notebook: String, outputDirectory: String, ran: Bool, error: String?,
    seconds: Double
  ) -> SubmissionRecord {
    let stem = NotebookRunner.reportName(for: notebook)
    guard ran,
      let reading = ReportReading(
        jsonAt: outputDirectory + "/" + stem + ".json")
    else {
      return SubmissionRecord(
        notebook: notebook, status: .unreadable, message: error,
        seconds: seconds)
    }
    return SubmissionRecord(
      notebook: notebook, report: stem + ".html", title: reading.title,
      status: reading.failed ? .failed : .ok,
      message: reading.failed ? reading.firstError : nil,
      testAccuracy: reading.state.final.testAccuracy,
      validationAccuracy: reading.state.final.validationAccuracy,
      seconds: seconds, errors: reading.errors)
  }
}
