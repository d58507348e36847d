import Datasets
import Dispatch
import NeuralNet
import Notebook
import Report

/// Runs a notebook's cells through the cache.
///
/// A cell whose key (see ``CellKey``) is stored is replayed: its report
/// values come from the entry and the state it left (data selection,
/// generator, network) becomes the session's *pending* state. Pending
/// parts are restored only when a later cell has to compute and reads
/// them, so a fully cached run never loads the data or rebuilds a network.
final class CellCache {
  let settings: CacheSettings
  let store: CacheStore
  private let memo: FileHashMemo
  private let options: RunOptions
  private let console: Console

  /// The key of each part of the state as the notebook stands now.
  private var keys: [StatePart: String]
  /// Parts a replayed cell left that the session does not hold yet.
  private var pendingData: DataSelection?
  private var pendingNetwork: NetworkSnapshot?
  /// Each data set's file sums, looked up once per run.
  private var fileSums: [DatasetName: String] = [:]
  /// Entries this run used or wrote: spared by eviction.
  private var used: Set<String> = []
  private var stored = false

  /// What this run did, for the terminal and for tests.
  struct Statistics: Equatable {
    var hits = 0
    var misses = 0
    var damaged = 0
    var dataRestores = 0
    var networkRestores = 0
  }
  private(set) var statistics = Statistics()

  /// A cache for `session`'s run, or nil when `options` turn it off.
  init?(options: RunOptions, console: Console, session: LabSession) {
    settings = options.cache
    guard settings.mode != .off else { return nil }
    store = CacheStore(
      folder: settings.folder(forOutput: options.outputDirectory))
    memo = FileHashMemo(store: store)
    self.options = options
    self.console = console
    keys = [:]
    for part in StatePart.allCases {
      keys[part] = Self.key(of: part, in: session)
    }
  }

  // MARK: - Running a cell

  /// Runs `cell` in `session`, or replays it from the cache.
  func run(_ cell: LabCell, in session: LabSession) -> CellReport {
    // Cells that run nothing: the parser found errors, or a cell they
    // need failed.
    if cell.hasErrors || session.blockedDependency(of: cell) != nil {
      return session.run(cell)
    }
    let start = DispatchTime.now()
    guard let access = CellAccess(cell.directives) else {
      return compute(cell, in: session, access: nil, key: nil, start: start)
    }
    let key = self.key(of: cell, access: access, in: session)
    if let key, settings.mode == .use,
      var report = replay(cell, key: key, access: access, in: session)
    {
      report.seconds = seconds(since: start)
      return report
    }
    return compute(cell, in: session, access: access, key: key, start: start)
  }

  /// Called once after the last cell: saves the file-hash memo, removes
  /// what killed runs left, and keeps the folder within its size limit.
  func finish() {
    memo.save()
    store.removeStaleTemporaries()
    if stored {
      store.evict(toFit: settings.sizeLimit, keeping: used)
    }
  }

  // MARK: - Keys

  private func key(
    of cell: LabCell, access: CellAccess, in session: LabSession
  ) -> String? {
    var files: [String] = []
    for dataset in access.loads {
      guard let sums = sums(of: dataset) else { return nil }
      files.append(sums)
    }
    for name in access.files {
      let path = NetworkFileName.path(name, notebookPath: session.notebookPath)
      guard let sum = memo.sha256(ofFile: path) else { return nil }
      files.append("\(name) \(sum)")
    }
    var reads: [StatePart: String] = [:]
    for part in access.reads { reads[part] = keys[part] }
    return CellKey.make(
      canonical: cell.directives.map(\.canonical), reads: reads,
      files: files)
  }

  /// `dataset`'s four files' SHA-256, from the memo when unchanged; nil
  /// when the files cannot be found (the cell then runs and says why).
  private func sums(of dataset: DatasetName) -> String? {
    if let known = fileSums[dataset] { return known }
    guard
      let folder = try? DataLocator.locate(
        dataset, explicit: options.dataDirectory,
        environment: options.environment)
    else { return nil }
    var sums: [String] = []
    for kind in FileKind.allCases {
      guard let path = try? DataLoader.filePath(kind, in: folder),
        let sum = memo.sha256(ofFile: path)
      else { return nil }
      sums.append(sum)
    }
    let text = dataset.rawValue + " " + sums.joined(separator: ",")
    fileSums[dataset] = text
    return text
  }

  /// The key of `part`'s value as the session holds it.
  private static func key(of part: StatePart, in session: LabSession)
    -> String
  {
    switch part {
    case .data:
      return session.splits.map { DataSelection($0).key } ?? "none"
    case .generator:
      let state = session.generator.state
      return "seed=\(state.seed) draws=\(state.draws)"
    case .network:
      return NetworkSnapshot(session)?.key ?? "none"
    }
  }

  // MARK: - Replaying

  /// The cell's report from its entry, with the state it left made
  /// pending; nil when there is no intact entry.
  private func replay(
    _ cell: LabCell, key: String, access: CellAccess, in session: LabSession
  ) -> CellReport? {
    guard let bytes = store.read(key) else {
      statistics.misses += 1
      return nil
    }
    let entry: CacheEntry
    do throws(DecodingFailure) {
      entry = try CacheEntry.decode(bytes, expectedKey: key)
      // An entry must change exactly what the cell writes.
      guard (entry.data != nil) == access.writes.contains(.data),
        (entry.generator != nil) == access.writes.contains(.generator),
        (entry.network != nil) == access.writes.contains(.network)
      else {
        throw DecodingFailure(offset: 0, reason: "state of another cell")
      }
    } catch {
      statistics.damaged += 1
      statistics.misses += 1
      console.line(
        "  cell \(cell.number): cache entry unusable (\(error.reason)); "
          + "recomputing")
      store.remove(key)
      return nil
    }
    // A network file the cell saved that is gone or changed since: the
    // cell runs again and writes it.
    guard
      NetworkFileName.savedFilesIntact(
        entry.results, notebookPath: session.notebookPath,
        sha256: memo.sha256(ofFile:))
    else {
      statistics.misses += 1
      return nil
    }
    statistics.hits += 1
    store.touch(key)
    used.insert(key)

    if let data = entry.data {
      pendingData = data
      keys[.data] = data.key
      for file in data.files where !session.dataFiles.contains(file) {
        session.dataFiles.append(file)
      }
    }
    if let generator = entry.generator {
      // Cheap to recreate at once: a few draws.
      session.generator = CountingGenerator(generator)
      keys[.generator] = Self.key(of: .generator, in: session)
    }
    if let network = entry.network {
      pendingNetwork = network
      keys[.network] = network.key
    }
    session.markSucceeded(cell)

    return CellReport(
      number: cell.number, line: cell.fence.line,
      sourceLines: cell.sourceLines, firstSourceLine: cell.firstSourceLine,
      directives: cell.directives.map(\.record), status: .ok, seconds: 0,
      cached: true, originalSeconds: entry.seconds,
      diagnostics: cell.diagnostics
        + entry.diagnostics.map { $0.diagnostic(in: cell) },
      results: entry.results)
  }

  // MARK: - Computing

  /// Runs the cell for real after restoring the pending state it touches,
  /// and stores what it computed under `key`.
  private func compute(
    _ cell: LabCell, in session: LabSession, access: CellAccess?,
    key: String?, start: DispatchTime
  ) -> CellReport {
    let touched = access.map { $0.reads.union($0.writes) }
      ?? Set(StatePart.allCases)
    if let failure = restore(touched, in: session, for: cell) {
      return failure
    }
    var report = session.run(cell)
    let written = access?.writes ?? Set(StatePart.allCases)
    for part in written {
      keys[part] = Self.key(of: part, in: session)
    }
    if let key, let access, report.status == .ok, !options.isCancelled() {
      save(report, of: cell, key: key, writes: access.writes, from: session)
    }
    report.seconds = seconds(since: start)
    return report
  }

  private func save(
    _ report: CellReport, of cell: LabCell, key: String,
    writes: Set<StatePart>, from session: LabSession
  ) {
    let entry = CacheEntry(
      key: key, seconds: report.seconds, results: report.results,
      diagnostics: report.diagnostics.dropFirst(cell.diagnostics.count).map {
        AnchoredDiagnostic($0, in: cell)
      },
      data: writes.contains(.data)
        ? session.splits.map(DataSelection.init) : nil,
      generator: writes.contains(.generator) ? session.generator.state : nil,
      network: writes.contains(.network)
        ? NetworkSnapshot(session) : nil)
    // A part the cell should have set but did not: nothing to replay.
    guard (entry.data != nil) == writes.contains(.data),
      (entry.network != nil) == writes.contains(.network)
    else { return }
    if store.write(entry.encoded(), for: key) {
      used.insert(key)
      stored = true
    }
  }

  /// Gives the session the pending parts among `parts`; a report saying
  /// why when the data cannot be loaded again.
  private func restore(
    _ parts: Set<StatePart>, in session: LabSession, for cell: LabCell
  ) -> CellReport? {
    if parts.contains(.network), let snapshot = pendingNetwork {
      if !snapshot.restore(in: session) {
        session.network = nil
        session.candidates = nil
      }
      pendingNetwork = nil
      statistics.networkRestores += 1
    }
    guard parts.contains(.data), let selection = pendingData else {
      return nil
    }
    pendingData = nil
    statistics.dataRestores += 1
    do throws(DataError) {
      guard let name = DatasetName(rawValue: selection.dataset) else {
        throw DataError(
          path: selection.dataset, problem: .unreadable("unknown data set"))
      }
      let folder = try DataLocator.locate(
        name, explicit: options.dataDirectory,
        environment: options.environment)
      let data = try DataLoader.load(
        name, from: folder, checksums: .known,
        decoded: options.decodedDataCache)
      guard let splits = selection.splits(from: data) else {
        throw DataError(
          path: folder,
          problem: .unreadable("the data files changed during the run"),
          hint: "Run labrun again.")
      }
      session.splits = splits
      return nil
    } catch {
      var report = CellReport(
        number: cell.number, line: cell.fence.line,
        sourceLines: cell.sourceLines, firstSourceLine: cell.firstSourceLine,
        directives: cell.directives.map(\.record), status: .error,
        seconds: 0, diagnostics: cell.diagnostics)
      report.diagnostics.append(
        .error(
          at: cell.fence,
          "cannot restore the data of the cached cells before: "
            + "\(error.path): \(error.message)",
          suggestion: error.hint))
      return report
    }
  }
}
