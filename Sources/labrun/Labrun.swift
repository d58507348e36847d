import ArgumentParser
import Foundation
import LabrunCore
import NeuralNet
import Notebook

/// `labrun`: runs lab notebooks and writes their reports.
@main
struct Labrun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "labrun",
    abstract: "Run Markdown lab notebooks and write self-contained HTML reports.",
    discussion: """
      Each notebook is CommonMark with fenced ```lab blocks of directives.
      labrun runs the blocks in order and writes output/<name>.html and
      output/<name>.json. See 'labrun help directives' for the directives.

      Exit status: 0 when every cell ran, 1 when a cell failed (the report
      is still written), 2 for usage errors.

      Options of a run ('labrun help run' explains each): --output DIR,
      --data DIR, --set verb.key=value, --quiet, --no-cache, --rerun,
      --watch [PATH...], --port N, --no-serve; a batch: --jobs N,
      --timeout S, --memory-limit MB, --checks FILE, --feedback.

      """ + "\n" + DirectiveLanguage.helpText(),
    version: "\(labrunVersion) (kernels: \(KernelVariant.current); this CPU "
      + "runs \(KernelVariant.available.map(\.rawValue).joined(separator: ", ")))",
    subcommands: [Run.self, Directives.self, Summarize.self],
    defaultSubcommand: Run.self)

  /// Maps usage errors to exit status 2 (ArgumentParser's default is 64).
  static func main() {
    // `labrun … | head` closes the pipe early: the run goes on and still
    // writes its report, instead of dying of SIGPIPE at the next line.
    signal(SIGPIPE, SIG_IGN)
    // A child of a batch: its memory cap, before anything is allocated.
    MemoryLimit.apply(from: ProcessInfo.processInfo.environment)
    // LABRUN_KERNELS=portable|avx2|avx512|neon forces a kernel variant
    // (every variant gives the same numbers; this is for checking that).
    do {
      try KernelVariant.selectFromEnvironment(
        ProcessInfo.processInfo.environment)
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      Foundation.exit(2)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        FileHandle.standardError.write(
          Data((fullMessage(for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}

/// `labrun [FILE...]`: runs notebooks once.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run notebooks and write their reports (the default).")

  @Argument(
    help: "Notebooks to run, or folders of them (default: notebooks/).",
    completion: .file(extensions: ["md"]))
  var files: [String] = []

  @Option(name: .shortAndLong, help: "Folder for the reports.")
  var output = "output"

  @Option(
    help: ArgumentHelp(
      "Folder with the data sets (also LABRUN_DATA).",
      valueName: "dir"))
  var data: String?

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Override a directive's parameter everywhere, e.g. sgd.epochs=1.",
      valueName: "verb.key=value"))
  var overrides: [String] = []

  @Flag(name: .shortAndLong, help: "Print only errors.")
  var quiet = false

  @Flag(
    name: .customLong("no-cache"),
    help: "Neither read nor write the per-cell cache (output/.labrun-cache).")
  var noCache = false

  @Flag(help: "Recompute every cell and refresh the cache with the results.")
  var rerun = false

  /// What `--no-cache` and `--rerun` ask of the cache.
  var cacheSettings: CacheSettings {
    CacheSettings(mode: noCache ? .off : rerun ? .refresh : .use)
  }

  @Flag(
    help: ArgumentHelp(
      "Run, then run again whenever a notebook is saved (default folder: "
        + "notebooks/); serve the reports with live reload."))
  var watch = false

  @Option(
    help: ArgumentHelp(
      "With --watch: the preview's port on 127.0.0.1 (the next free one if "
        + "taken; 0 lets the system choose).",
      valueName: "n"))
  var port: UInt16 = PreviewServer.defaultPort

  @Flag(name: .customLong("no-serve"), help: "With --watch: no preview server.")
  var noServe = false

  @Option(
    help: ArgumentHelp(
      "Run the notebooks as a batch, N processes at once (default: the "
        + "number of cores); writes summary.csv, summary.json, index.html.",
      valueName: "n"))
  var jobs: Int?

  @Option(
    help: ArgumentHelp(
      "Batch: wall-clock limit per notebook (default 300); a notebook "
        + "over it is killed and recorded as timeout.",
      valueName: "seconds"))
  var timeout: Double?

  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "Batch: memory (address space) per notebook (default 4096).",
      valueName: "megabytes"))
  var memoryLimit: Int?

  @Option(
    help: ArgumentHelp(
      "Batch: the instructor's checks (expect lines), run against each "
        + "notebook's final state; reported in the summary only.",
      valueName: "file"))
  var checks: String?

  @Flag(
    help: ArgumentHelp(
      "Batch: add each hidden check's outcome and message (not its text)"
        + " to the student's report and JSON."))
  var feedback = false

  mutating func validate() throws {
    if noCache && rerun {
      throw ValidationError(
        "--no-cache and --rerun contradict each other: --no-cache leaves "
          + "the cache alone, --rerun refreshes it; give one of them")
    }
    for text in overrides {
      if case .failure(let diagnostic) = Override.parse(text) {
        // ArgumentParser prints "Error: " before it: no second "error:".
        throw ValidationError(diagnostic.explanation)
      }
    }
    try validateBatch()
    if watch {
      try validateWatch()
      return
    }
    if files.isEmpty {
      files = NotebookWatcher.notebooks(in: "notebooks")
      if files.isEmpty {
        throw ValidationError(
          "no notebook given and none found in notebooks/; "
            + "try 'labrun notebooks/lecture20.md'")
      }
    }
    // A folder stands for its notebooks, as with --watch and no argument.
    var notebooks: [String] = []
    for file in files {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory)
      else { throw ValidationError("no such file: \(file)") }
      guard isDirectory.boolValue else {
        notebooks.append(file)
        continue
      }
      let inside = NotebookWatcher.notebooks(in: file)
      if inside.isEmpty {
        throw ValidationError(
          "\(file) is a folder with no notebook (.md) in it; "
            + "name a notebook, e.g. 'labrun notebooks/lecture20.md'")
      }
      notebooks += inside
    }
    // A notebook named twice (itself and its folder) runs once.
    var seen = Set<String>()
    files = notebooks.filter {
      seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted
    }
    // Two notebooks of one name would write one report over the other.
    var byReport: [String: String] = [:]
    for file in files {
      let name = NotebookRunner.reportName(for: file)
      if let other = byReport.updateValue(file, forKey: name) {
        throw ValidationError(
          "\(other) and \(file) would both write \(output)/\(name).html; "
            + "run them one at a time with a different --output each")
      }
    }
  }

  func run() throws {
    if watch { try runWatch() }
    if isBatch { return try runBatch() }
    let parsed = overrides.compactMap { try? Override.parse($0).get() }
    let console = Console(
      style: quiet ? .quiet : Console.automaticStyle(),
      colour: Console.automaticColour())
    // Ctrl-C cancels the run between mini-batches; no report is written.
    let trap = SignalTrap { signal in
      // A run that does not notice (loading, evaluating) is left anyway.
      Thread.sleep(forTimeInterval: 5)
      Foundation.exit(SignalTrap.status(for: signal))
    }
    let runner = NotebookRunner(
      options: RunOptions(
        outputDirectory: output, dataDirectory: data, overrides: parsed,
        isCancelled: { trap.signal != nil }, cache: cacheSettings),
      console: console)
    var failed = false
    var records: [SubmissionRecord] = []
    let start = Date()
    for file in files {
      if files.count > 1 { console.line("== \(file)") }
      let began = Date()
      var ran = false
      var problem: String?
      do {
        let summary = try runner.run(notebookAt: file)
        console.line(
          (summary.failed ? "report with errors: " : "report: ")
            + summary.htmlPath)
        failed = failed || summary.failed
        ran = true
      } catch RunError.cancelled {
        console.diagnostic("interrupted: \(file) (its report is unchanged)")
        throw ExitCode(SignalTrap.status(for: trap.signal ?? SIGINT))
      } catch {
        console.diagnostic("\(error)")
        problem = "\(error)"
        failed = true
      }
      records.append(
        .inProcess(
          notebook: file, outputDirectory: output, ran: ran, error: problem,
          seconds: Date().timeIntervalSince(began)))
    }
    // Several notebooks (a course's lectures): an index of their reports.
    if files.count > 1 {
      let failedCells = records.reduce(0) { $0 + $1.errors }
      let seconds = Date().timeIntervalSince(start)
      console.line(
        "\(records.count) notebooks run, \(failedCells) error"
          + (failedCells == 1 ? "" : "s") + " in cells, "
          + String(format: "%.1f s", seconds))
      do {
        let paths = try SummaryFiles.write(
          BatchSummary(notebooks: records), to: output)
        console.line("index: " + paths[2])
      } catch {
        console.diagnostic("\(error)")
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }
}

/// `labrun directives`: the directive reference.
struct Directives: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List every directive with its parameters, types and defaults.",
    discussion: DirectiveLanguage.helpText())

  func run() {
    print(DirectiveLanguage.helpText())
  }
}
