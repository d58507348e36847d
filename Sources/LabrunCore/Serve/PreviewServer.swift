import FlyingFox
import FlyingSocks
import Foundation

/// Serves the output folder on 127.0.0.1 while `labrun --watch` runs, and
/// tells open pages when to reload.
///
/// HTML pages get `LiveReloadScript` inserted as they are served (the files
/// on disk are unchanged); `/_labrun/events` is a server-sent-events stream
/// of `running`, `progress`, `abandoned` and `reload` events, each with a
/// JSON line `{"notebook": …, "page": …}`.
public final class PreviewServer: @unchecked Sendable {
  /// The port tried first (the README documents it).
  public static let defaultPort: UInt16 = 8020

  /// The folder served.
  public let root: String
  private let hub = EventHub()
  private let lock = NSLock()
  private var server: HTTPServer?
  private var task: Task<Void, any Error>?
  /// The run shown in progress events, and when progress was last sent.
  private var current: (notebook: String, page: String)?
  private var lastProgress = DispatchTime(uptimeNanoseconds: 0)

  public init(root: String) {
    self.root = root
  }

  /// The number of pages listening for events (for tests).
  public var listeners: Int { hub.count }

  // MARK: - Starting

  /// Starts serving on 127.0.0.1 at `port`, or at the first free port of
  /// the next `attempts`; port 0 lets the system choose. A port counts as
  /// taken when its server is not listening within `listenTimeout` seconds.
  /// - Returns: the port it listens on.
  /// - Throws: `ServeError.noFreePort` when every port tried is taken.
  public func start(
    port: UInt16, attempts: Int = 20, listenTimeout: TimeInterval = 20
  ) async throws(ServeError) -> UInt16 {
    let candidates: [UInt16] =
      port == 0
      ? [0]
      : (0..<attempts).compactMap {
        let p = Int(port) + $0
        return p <= Int(UInt16.max) ? UInt16(p) : nil
      }
    for candidate in candidates where candidate == 0 || Self.isFree(candidate) {
      do {
        let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: candidate)
        let server = HTTPServer(
          address: address, timeout: 30, logger: .disabled,
          handler: Handler(owner: self))
        let task = Task { try await server.run() }
        // Returns as soon as the socket listens; the bound is for a machine
        // so loaded that the server's task starts late (3 s was seen to
        // run out while other builds ran).
        try await server.waitUntilListening(timeout: listenTimeout)
        guard case .ip4(_, let bound) = await server.listeningAddress else {
          task.cancel()
          continue
        }
        lock.withLock {
          self.server = server
          self.task = task
        }
        return bound
      } catch {
        continue
      }
    }
    throw .noFreePort(first: port, attempts: attempts)
  }

  /// Stops listening (open event streams end with the process).
  public func stop() {
    let task = lock.withLock { self.task }
    task?.cancel()
  }

  /// Whether nothing listens on 127.0.0.1:`port` now (a bind succeeds).
  static func isFree(_ port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var yes: Int32 = 1
    setsockopt(
      fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    return result == 0
  }

  // MARK: - Events

  /// Forwards what watch mode does to the open pages.
  public func send(_ event: WatchEvent) {
    switch event {
    case .running(let notebook, let page):
      lock.withLock { current = (notebook, page) }
      hub.send(event: "running", data: Self.json(notebook, page))
    case .finished(let notebook, let page, _):
      lock.withLock { current = nil }
      hub.send(event: "reload", data: Self.json(notebook, page))
    case .abandoned(let notebook, let page):
      lock.withLock { current = nil }
      hub.send(event: "abandoned", data: Self.json(notebook, page))
    }
  }

  /// Training progress of the current run (at most ten events a second).
  public func progress(label: String, fraction: Double) {
    let run: (notebook: String, page: String)? = lock.withLock {
      // Read the clock under the lock: the runs of a comparison report
      // from several threads, and time must not go backwards here.
      let now = DispatchTime.now()
      guard let current,
        fraction >= 1
          || now.uptimeNanoseconds
            >= lastProgress.uptimeNanoseconds + 100_000_000
      else { return nil }
      lastProgress = now
      return current
    }
    guard let run else { return }
    hub.send(
      event: "progress",
      data: Self.json(
        run.notebook, run.page,
        extra: ["label": label, "fraction": min(max(fraction, 0), 1)]))
  }

  static func json(
    _ notebook: String, _ page: String, extra: [String: any Sendable] = [:]
  ) -> String {
    var object: [String: Any] = ["notebook": notebook, "page": page]
    for (key, value) in extra { object[key] = value }
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  // MARK: - Requests

  func respond(to request: HTTPRequest) async -> HTTPResponse {
    guard request.method == .GET || request.method == .HEAD else {
      return Self.text(.methodNotAllowed, "only GET and HEAD\n")
    }
    // A page elsewhere that rebinds its own name to 127.0.0.1 must not
    // read the reports: only loopback names are answered.
    if let host = request.headers[.host], !Self.isLoopback(host: host) {
      return Self.text(.forbidden, "the preview answers 127.0.0.1 only\n")
    }
    if request.path == LiveReloadScript.eventsPath {
      return HTTPResponse(
        statusCode: .ok,
        headers: [
          .contentType: "text/event-stream",
          .init("Cache-Control"): "no-store",
        ],
        body: HTTPBodySequence(from: StreamedBytes(stream: hub.subscribe())))
    }
    switch ServedPath.resolve(request.path, root: root) {
    case .forbidden:
      return Self.text(.forbidden, "outside the output folder\n")
    case .notFound:
      return notFound(request.path)
    case .index:
      return page(LiveReloadScript.inject(into: indexPage()))
    case .file(let path):
      guard let data = FileManager.default.contents(atPath: path) else {
        return Self.text(.notFound, "not found: \(request.path)\n")
      }
      let type = ServedPath.contentType(for: path)
      if type.hasPrefix("text/html") {
        return page(
          LiveReloadScript.inject(into: String(decoding: data, as: UTF8.self)))
      }
      return HTTPResponse(
        statusCode: .ok,
        headers: [.contentType: type, .init("Cache-Control"): "no-store"],
        body: data)
    }
  }

  /// A missing report is often one whose first run has not finished (the
  /// address is printed before it): a page that waits for it, with the
  /// reload hook, rather than a bare 404 the reader must retry by hand.
  private func notFound(_ path: String) -> HTTPResponse {
    let name = String(path.drop { $0 == "/" })
    guard name.hasSuffix(".html"), !name.contains("/") else {
      return Self.text(.notFound, "not found: \(path)\n")
    }
    let html = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8">
      <title>\(Self.escape(name)) (waiting)</title></head>
      <body style="font-family:system-ui,sans-serif;max-width:40em;margin:2em auto">
      <h1>No report yet</h1>
      <p><code>\(Self.escape(name))</code> is not in the output folder yet.
      If its notebook is being run, this page shows the report as soon as
      it is written. <a href="/">All reports</a></p>
      </body></html>
      """
    var response = page(LiveReloadScript.inject(into: html))
    response.statusCode = .notFound
    return response
  }

  private func page(_ html: String) -> HTTPResponse {
    HTTPResponse(
      statusCode: .ok,
      headers: [
        .contentType: "text/html; charset=utf-8",
        .init("Cache-Control"): "no-store",
      ],
      body: Data(html.utf8))
  }

  private static func text(_ status: HTTPStatusCode, _ body: String)
    -> HTTPResponse
  {
    HTTPResponse(
      statusCode: status,
      headers: [.contentType: "text/plain; charset=utf-8"],
      body: Data(body.utf8))
  }

  /// Whether a Host header names this machine's loopback (any port).
  static func isLoopback(host: String) -> Bool {
    var name = host.lowercased()
    if name.hasPrefix("["), let end = name.firstIndex(of: "]") {
      name = String(name[name.index(after: name.startIndex)..<end])
    } else if let colon = name.firstIndex(of: ":") {
      name = String(name[..<colon])
    }
    return name == "127.0.0.1" || name == "localhost" || name == "::1"
  }

  /// A list of the reports in the folder, newest first.
  func indexPage() -> String {
    let names =
      ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
      .filter { $0.hasSuffix(".html") && !$0.hasPrefix(".") }.sorted()
    let items = names.map {
      let escaped = Self.escape($0)
      let link = $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? escaped
      return "<li><a href=\"\(Self.escape(link))\">\(escaped)</a></li>"
    }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>labrun reports</title></head>
      <body style="font-family:system-ui,sans-serif;max-width:40em;margin:2em auto">
      <h1>Reports</h1>
      <ul>\(items.joined())</ul>
      \(names.isEmpty ? "<p>No report yet.</p>" : "")
      </body></html>
      """
  }

  private static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;")
      .replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// FlyingFox's handler: every request goes to `respond(to:)`.
  private struct Handler: HTTPHandler {
    let owner: PreviewServer
    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
      await owner.respond(to: request)
    }
  }
}

/// Why the preview server could not start.
public enum ServeError: Error, Equatable, Sendable, CustomStringConvertible {
  case noFreePort(first: UInt16, attempts: Int)

  public var description: String {
    switch self {
    case .noFreePort(let first, let attempts):
      "error: no free port for the preview among 127.0.0.1:\(first)–"
        + "\(Int(first) + attempts - 1); choose one with --port N, or "
        + "turn the preview off with --no-serve"
    }
  }
}
