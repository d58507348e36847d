import ArgumentParser
import Foundation
import LabrunCore
import Notebook

/// `labrun --watch [PATH...]`: the edit–run loop with a live preview.
extension Run {
  /// Folders and notebooks may be named; the default is `notebooks/`.
  mutating func validateWatch() throws {
    if files.isEmpty { files = ["notebooks"] }
    for path in files {
      var isDirectory: ObjCBool = false
      guard
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      else {
        throw ValidationError(
          "no such file or folder: \(path); --watch takes notebooks (.md) "
            + "and folders of them")
      }
      if !isDirectory.boolValue && !path.hasSuffix(".md") {
        throw ValidationError("\(path) is not a notebook (.md) or a folder")
      }
    }
  }

  /// Serves, runs every notebook, then waits for saves until Ctrl-C.
  func runWatch() throws -> Never {
    let parsed = overrides.compactMap { try? Override.parse($0).get() }
    let server = noServe ? nil : PreviewServer(root: output)
    var onProgress: (@Sendable (String, Double) -> Void)?
    if let server {
      onProgress = { server.progress(label: $0, fraction: $1) }
    }
    let console = Console(
      style: quiet ? .quiet : Console.automaticStyle(),
      onProgress: onProgress, colour: Console.automaticColour())
    let runner = NotebookRunner(
      options: RunOptions(
        outputDirectory: output, dataDirectory: data, overrides: parsed,
        cache: cacheSettings),
      console: console)
    let watcher = NotebookWatcher(
      paths: files, runner: runner, console: console
    ) { event in server?.send(event) }

    if let server {
      try? FileManager.default.createDirectory(
        atPath: output, withIntermediateDirectories: true)
      let bound = try Self.wait { [port] () throws(ServeError) in
        try await server.start(port: port)
      }
      let pages = watcher.notebooks().map(NotebookWatcher.page(for:))
      let base = "http://127.0.0.1:\(bound)/"
      if pages.count > 0 && pages.count <= 3 {
        for page in pages { console.line("preview: " + base + page) }
      } else {
        console.line("preview: " + base)
      }
    }
    do {
      try watcher.start()
    } catch {
      console.diagnostic("\(error)")
      throw ExitCode(1)
    }
    console.line(
      "watching \(files.joined(separator: ", ")) for saves; Ctrl-C to stop")
    let trap = SignalTrap { signal in
      watcher.stop(timeout: 3)
      server?.stop()
      console.line("stopped")
      Foundation.exit(SignalTrap.status(for: signal))
    }
    withExtendedLifetime(trap) { dispatchMain() }
  }

  /// Runs `body` on the concurrency pool and waits for it (the command's
  /// `run` is synchronous).
  static func wait<T: Sendable, E: Error>(
    _ body: @escaping @Sendable () async throws(E) -> T
  ) throws(E) -> T {
    let box = ResultBox<T, E>()
    let done = DispatchSemaphore(value: 0)
    Task {
      do throws(E) {
        box.result = .success(try await body())
      } catch {
        box.result = .failure(error)
      }
      done.signal()
    }
    done.wait()
    return try box.result!.get()
  }
}

private final class ResultBox<T: Sendable, E: Error>: @unchecked Sendable {
  var result: Result<T, E>?
}
