import ArgumentParser
import Foundation
import LabrunCore
import Notebook

/// `labrun FOLDER --jobs N`: a class's submissions, each notebook in a
/// process of its own, with a time limit and a memory cap, and the
/// instructor's summary.
extension Run {
  /// True when a batch option is given: the notebooks run in child
  /// processes.
  var isBatch: Bool {
    jobs != nil || timeout != nil || memoryLimit != nil || checks != nil
  }

  /// Checks the batch options and reads the checks file (its mistakes are
  /// usage errors, at their line and column).
  mutating func validateBatch() throws {
    if let jobs, jobs < 1 {
      throw ValidationError("--jobs must be at least 1")
    }
    if let timeout, !(timeout > 0) {
      throw ValidationError("--timeout must be a number of seconds above 0")
    }
    if let memoryLimit, memoryLimit < 256 {
      throw ValidationError(
        "--memory-limit is in megabytes and must be at least 256; "
          + "a small lab needs about 300")
    }
    if watch && isBatch {
      throw ValidationError(
        "--watch runs notebooks in this process; --jobs, --timeout, "
          + "--memory-limit and --checks are for a batch")
    }
    guard let checks else {
      if feedback {
        throw ValidationError(
          "--feedback shows the hidden checks' outcomes; give them with"
            + " --checks FILE")
      }
      return
    }
    guard let data = FileManager.default.contents(atPath: checks) else {
      throw ValidationError("cannot read the checks file \(checks)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ValidationError("the checks file \(checks) is not UTF-8 text")
    }
    let (found, diagnostics) = CheckFile.parse(text, file: checks)
    if found.isEmpty && diagnostics.isEmpty { return }
    if !diagnostics.isEmpty {
      throw ValidationError(
        diagnostics.map(\.description).joined(separator: "\n"))
    }
    _ = found
  }

  /// The checks of `--checks` (validated already).
  var hiddenChecks: [Check] {
    guard let checks, let data = FileManager.default.contents(atPath: checks)
    else { return [] }
    return CheckFile.parse(String(decoding: data, as: UTF8.self), file: checks)
      .checks
  }

  /// Runs the notebooks as a batch and writes the summary.
  func runBatch() throws {
    var childArguments: [String] = []
    if let data { childArguments += ["--data", data] }
    for text in overrides { childArguments += ["--set", text] }
    if noCache { childArguments.append("--no-cache") }
    if rerun { childArguments.append("--rerun") }
    let console = Console(style: quiet ? .quiet : .plain)
    let runner = BatchRunner(
      options: BatchOptions(
        jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
        timeout: timeout ?? 300, memoryLimitMB: memoryLimit ?? 4096,
        outputDirectory: output, childArguments: childArguments,
        checks: hiddenChecks, checksFile: checks, feedback: feedback),
      console: console)
    // Ctrl-C stops the batch: the children are killed, what finished is
    // kept and summarised.
    let trap = SignalTrap { _ in }
    let summary: BatchSummary
    do {
      summary = try runner.run(files) { trap.signal != nil }
    } catch {
      console.diagnostic("\(error)")
      throw ExitCode(1)
    }
    if let signal = trap.signal {
      throw ExitCode(SignalTrap.status(for: signal))
    }
    let failing = summary.notebooks.contains {
      $0.status != .ok || $0.checksFailed > 0
    }
    if failing { throw ExitCode(1) }
  }
}

/// `labrun summarize out1/ out2/ … --output all/`: merges the summaries of
/// shards graded apart (on several machines) into one, with the reports.
struct Summarize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge the summaries of batches run apart into one.",
    discussion: """
      Each FOLDER is the output folder of a batch (it holds summary.json and
      the reports). The reports are copied into --output, which gets one
      summary.csv, summary.json and index.html for them all. A notebook in
      two shards is listed once, from the last shard named.
      """)

  @Argument(help: "Output folders of batches (each with summary.json).")
  var folders: [String]

  @Option(name: .shortAndLong, help: "Folder for the merged summary.")
  var output: String

  mutating func validate() throws {
    if folders.isEmpty {
      throw ValidationError("name the output folders to merge")
    }
    for folder in folders {
      guard FileManager.default.fileExists(atPath: folder + "/summary.json")
      else {
        throw ValidationError(
          "\(folder) has no summary.json; run 'labrun FOLDER --jobs N "
            + "--output \(folder)' first")
      }
    }
  }

  func run() throws {
    let manager = FileManager.default
    try manager.createDirectory(
      atPath: output, withIntermediateDirectories: true)
    let target = URL(fileURLWithPath: output).standardizedFileURL.path
    var rows: [SubmissionRecord] = []
    var position: [String: Int] = [:]
    var checksFile: String?
    for folder in folders {
      let summary: BatchSummary
      do {
        summary = try SummaryFiles.read(jsonAt: folder + "/summary.json")
      } catch {
        FileHandle.standardError.write(
          Data("error: \(folder)/summary.json: \(error)\n".utf8))
        throw ExitCode(1)
      }
      checksFile = checksFile ?? summary.checksFile
      let source = URL(fileURLWithPath: folder).standardizedFileURL.path
      for row in summary.notebooks {
        if source != target {
          var names = row.log.map { [$0] } ?? []
          if let report = row.report {
            names += [report, String(report.dropLast(".html".count)) + ".json"]
          }
          try manager.createDirectory(
            atPath: target + "/.labrun-batch", withIntermediateDirectories: true)
          for name in names
          where manager.fileExists(atPath: source + "/" + name) {
            try? manager.removeItem(atPath: target + "/" + name)
            try manager.copyItem(
              atPath: source + "/" + name, toPath: target + "/" + name)
          }
        }
        let key = row.report ?? row.notebook
        if let index = position[key] {
          FileHandle.standardError.write(
            Data(
              "warning: \(row.notebook) is in two shards; keeping the one in \(folder)\n"
                .utf8))
          rows[index] = row
        } else {
          position[key] = rows.count
          rows.append(row)
        }
      }
    }
    let merged = BatchSummary(checksFile: checksFile, notebooks: rows)
    let paths = try SummaryFiles.write(merged, to: output)
    print(
      "\(rows.count) notebooks from \(folders.count) folders; summary: "
        + paths.joined(separator: ", "))
  }
}
