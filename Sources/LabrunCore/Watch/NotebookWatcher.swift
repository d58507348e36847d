import Dispatch
import Foundation
import Report
import NumberFormat

/// What watch mode is doing, for the live preview.
public enum WatchEvent: Sendable, Equatable {
  /// A run of `notebook` started; its report will be `page`.
  case running(notebook: String, page: String)
  /// The report was written completely (with errors in place if `failed`).
  case finished(notebook: String, page: String, failed: Bool)
  /// The run stopped early because the notebook was saved again, or the
  /// notebook could not be read; its previous report is untouched.
  case abandoned(notebook: String, page: String)
}

/// `labrun --watch`: runs notebooks once, then again whenever one is saved.
///
/// Saves are seen through inotify on the notebooks' folders and debounced
/// (a burst of writes within `debounce` seconds is one run). A save while
/// the notebook runs cancels that run at once (between mini-batches or
/// cells, without writing a report) and starts a new one. Notebooks run one
/// at a time on a worker queue; a notebook that fails stays watched, new
/// notebooks in a watched folder are picked up and deleted ones dropped.
public final class NotebookWatcher: @unchecked Sendable {
  /// A folder to watch and, for a single notebook, the one name in it.
  struct Target: Equatable {
    var directory: String
    var onlyName: String?
  }

  private let targets: [Target]
  private let runner: NotebookRunner
  private let console: Console
  private let debounce: Double
  private let onEvent: @Sendable (WatchEvent) -> Void

  private let eventQueue = DispatchQueue(label: "labrun.watch.events")
  private let workQueue = DispatchQueue(label: "labrun.watch.run")
  private let lock = NSLock()
  // Guarded by `lock`:
  /// Bumped by every change to a notebook; a run whose number is no longer
  /// current is stale and stops.
  private var generations: [String: Int] = [:]
  /// Notebooks waiting to run, in order, each once.
  private var pending: [String] = []
  private var timers: [String: DispatchWorkItem] = [:]
  private var known: Set<String> = []
  /// Image file → the notebooks that show it (a save reruns them).
  private var imageReaders: [String: Set<String>] = [:]
  private var stopping = false
  #if canImport(Glibc)
    private var directoryWatcher: DirectoryWatcher?
  #endif

  /// - Parameters:
  ///   - paths: folders (every `.md` directly inside) and notebook files.
  ///   - runner: runs one notebook; its `isCancelled` is replaced.
  ///   - debounce: the quiet period, in seconds, that ends a burst of saves.
  ///   - onEvent: told when runs start and finish (any thread).
  public init(
    paths: [String], runner: NotebookRunner, console: Console,
    debounce: Double = 0.04,
    onEvent: @escaping @Sendable (WatchEvent) -> Void = { _ in }
  ) {
    self.targets = paths.map(Self.target(for:))
    self.runner = runner
    self.console = console
    self.debounce = debounce
    self.onEvent = onEvent
  }

  /// Starts watching, then runs every notebook once (on the worker queue;
  /// this returns at once).
  /// - Throws: `WatchError` when a folder cannot be watched.
  public func start() throws(WatchError) {
    #if canImport(Glibc)
      var directories: [String] = []
      for target in targets where !directories.contains(target.directory) {
        directories.append(target.directory)
      }
      let watcher = try DirectoryWatcher(
        directories: directories, queue: eventQueue
      ) { [weak self] events in
        self?.received(events)
      }
      lock.withLock { directoryWatcher = watcher }
      for path in notebooks() { enqueue(path) }
    #else
      throw .unsupportedPlatform
    #endif
  }

  /// Stops watching, cancels the current run and waits (up to `timeout`
  /// seconds) for it to wind down.
  /// - Returns: false when the run did not stop in time.
  @discardableResult
  public func stop(timeout: Double = 3) -> Bool {
    let timers = lock.withLock {
      stopping = true
      pending.removeAll()
      defer { self.timers.removeAll() }
      return self.timers.values
    }
    for timer in timers { timer.cancel() }
    #if canImport(Glibc)
      lock.withLock { directoryWatcher }?.cancel()
    #endif
    let done = DispatchSemaphore(value: 0)
    workQueue.async { done.signal() }
    return done.wait(timeout: .now() + timeout) == .success
  }

  // MARK: - Changes

  /// The notebooks the watched paths name now, sorted by path.
  public func notebooks() -> [String] {
    var paths: [String] = []
    for target in targets {
      if let name = target.onlyName {
        paths.append(Self.join(target.directory, name))
        continue
      }
      paths += Self.notebooks(in: target.directory)
    }
    var seen: Set<String> = []
    return paths.filter { seen.insert($0).inserted }
  }

  private func received(_ events: [DirectoryWatcher.Event]) {
    var changed: [String] = []
    // A saved image reruns the notebooks that show it.
    for event in events {
      let readers = lock.withLock {
        imageReaders[Self.join(event.directory, event.name)] ?? []
      }
      for path in readers.sorted() where !changed.contains(path) {
        changed.append(path)
      }
    }
    for event in events where Self.isNotebookName(event.name) {
      let relevant = targets.contains {
        $0.directory == event.directory
          && ($0.onlyName == nil || $0.onlyName == event.name)
      }
      let path = Self.join(event.directory, event.name)
      if relevant && !changed.contains(path) { changed.append(path) }
    }
    for path in changed { changeSeen(path) }
  }

  /// A write or rename touched `path`: stop its run now, and look again
  /// once the burst of writes is over.
  private func changeSeen(_ path: String) {
    let item = DispatchWorkItem { [weak self] in self?.settled(path) }
    let previous: DispatchWorkItem? = lock.withLock {
      guard !stopping else { return nil }
      generations[path, default: 0] += 1
      defer { timers[path] = item }
      return timers[path]
    }
    previous?.cancel()
    eventQueue.asyncAfter(deadline: .now() + debounce, execute: item)
  }

  /// The burst on `path` is over: run it, or drop it if it is gone.
  private func settled(_ path: String) {
    lock.withLock { _ = timers.removeValue(forKey: path) }
    if FileManager.default.fileExists(atPath: path) {
      enqueue(path)
    } else {
      let wasKnown = lock.withLock {
        pending.removeAll { $0 == path }
        return known.remove(path) != nil
      }
      if wasKnown {
        console.line("removed: \(path) (no longer watched)")
      }
    }
  }

  private func enqueue(_ path: String) {
    let added = lock.withLock {
      guard !stopping else { return false }
      known.insert(path)
      guard !pending.contains(path) else { return false }
      pending.append(path)
      return true
    }
    if added { workQueue.async { [weak self] in self?.drain() } }
  }

  // MARK: - Running

  /// Runs what is pending, one notebook at a time (on `workQueue`).
  private func drain() {
    while true {
      let next: (String, Int)? = lock.withLock {
        guard !stopping, !pending.isEmpty else { return nil }
        let path = pending.removeFirst()
        return (path, generations[path, default: 0])
      }
      guard let (path, generation) = next else { return }
      run(path, generation: generation)
    }
  }

  private func isStale(_ path: String, _ generation: Int) -> Bool {
    lock.withLock { stopping || generations[path, default: 0] != generation }
  }

  private func run(_ path: String, generation: Int) {
    guard FileManager.default.fileExists(atPath: path) else { return }
    let page = Self.page(for: path)
    var runner = self.runner
    runner.options.isCancelled = { [weak self] in
      self?.isStale(path, generation) ?? true
    }
    console.line("▶ \(path)")
    // Watched folders may hold two notebooks of one name: say that their
    // reports overwrite each other (a single run refuses them outright).
    if let other = notebooks().first(where: {
      $0 != path && Self.page(for: $0) == page
    }) {
      console.diagnostic(
        "warning: \(path) and \(other) both write \(page); the report "
          + "shows whichever ran last; rename one of them")
    }
    onEvent(.running(notebook: path, page: page))
    let start = DispatchTime.now()
    do {
      let summary = try runner.run(notebookAt: path)
      watchImages(summary.imageFiles, of: path)
      let elapsed = Format.duration(seconds(since: start))
      if summary.failed {
        console.line(
          "report with errors: \(summary.htmlPath) (\(elapsed)); "
            + Self.failures(in: summary.document))
      } else {
        console.line("report: \(summary.htmlPath) (\(elapsed))")
      }
      onEvent(.finished(notebook: path, page: page, failed: summary.failed))
    } catch .cancelled {
      if !lock.withLock({ stopping }) {
        console.line("↻ \(path) changed during the run: starting again")
      }
      onEvent(.abandoned(notebook: path, page: page))
    } catch {
      // Unreadable (mid-save, permissions) or unwritable: say so and keep
      // watching; the next save tries again.
      console.diagnostic(error.description)
      onEvent(.abandoned(notebook: path, page: page))
    }
  }

  /// Remembers which images `notebook` shows and watches their folders
  /// too (a folder that cannot be watched is said once, and the notebook
  /// still reruns when it is saved itself).
  private func watchImages(_ files: [String], of notebook: String) {
    #if canImport(Glibc)
      let folders = lock.withLock {
        for (image, readers) in imageReaders where readers.contains(notebook) {
          imageReaders[image]?.remove(notebook)
        }
        for file in files { imageReaders[file, default: []].insert(notebook) }
        // A folder that is not there (a figure not made yet) is not.
        return Set(
          files.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
            .filter { FileManager.default.fileExists(atPath: $0) })
      }
      guard !folders.isEmpty else { return }
      eventQueue.async { [weak self] in
        guard let self, let watcher = self.lock.withLock({ self.directoryWatcher })
        else { return }
        for folder in folders.sorted() where !watcher.add(directory: folder) {
          self.console.diagnostic(
            "warning: cannot watch \(folder) for saved images; save the"
              + " notebook to see a new image")
        }
      }
    #endif
  }

  /// "failed: cell 2 (line 14), cell 3 (line 20)" for the terminal.
  static func failures(in document: ReportDocument) -> String {
    var where_: [String] = []
    for case .cell(let cell) in document.items where cell.status == .error {
      where_.append("cell \(cell.number) (line \(cell.line))")
    }
    if where_.isEmpty {
      return "the notebook has errors (see above)"
    }
    return "failed: " + where_.joined(separator: ", ")
  }

  // MARK: - Names

  /// The notebooks directly in `folder` (not in its subfolders), sorted by
  /// name; a folder called `x.md` is not one.
  public static func notebooks(in folder: String) -> [String] {
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter(isNotebookName).sorted().map { join(folder, $0) }
      .filter { path in
        var isDirectory: ObjCBool = false
        return !FileManager.default.fileExists(
          atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue
      }
  }

  /// A name watch mode runs: `*.md`, not hidden, not an editor's lock or
  /// backup file (`.#x.md`, `#x.md#`, `x.md~`).
  static func isNotebookName(_ name: String) -> Bool {
    name.hasSuffix(".md") && name.count > 3 && !name.hasPrefix(".")
      && !name.hasPrefix("#")
  }

  /// The report's file name for a notebook: `lecture20.html`.
  public static func page(for notebookPath: String) -> String {
    NotebookRunner.reportName(for: notebookPath) + ".html"
  }

  static func target(for path: String) -> Target {
    var isDirectory: ObjCBool = false
    var trimmed = path
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    if FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return Target(directory: trimmed, onlyName: nil)
    }
    let url = URL(fileURLWithPath: trimmed)
    let name = url.lastPathComponent
    let slash = trimmed.lastIndex(of: "/")
    let directory = slash.map { String(trimmed[..<$0]) } ?? "."
    return Target(
      directory: directory.isEmpty ? "/" : directory, onlyName: name)
  }

  static func join(_ directory: String, _ name: String) -> String {
    directory == "." ? name : directory.hasSuffix("/") ? directory + name
      : directory + "/" + name
  }
}
