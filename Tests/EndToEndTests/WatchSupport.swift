import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A `labrun --watch` running in the background, its output collected as
/// it comes.
final class WatchProcess: @unchecked Sendable {
  let process = Process()
  let folder: URL
  private let lock = NSLock()
  private var out = ""
  private var err = ""

  /// Starts `labrun --watch` in `folder` with `arguments` after it.
  init(_ arguments: [String], in folder: URL) throws {
    self.folder = folder
    process.executableURL = labrunExecutable
    process.arguments = ["--watch"] + arguments
    process.currentDirectoryURL = folder
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let text = String(decoding: handle.availableData, as: UTF8.self)
      self?.lock.withLock { self?.out += text }
    }
    errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let text = String(decoding: handle.availableData, as: UTF8.self)
      self?.lock.withLock { self?.err += text }
    }
    try process.run()
  }

  var stdout: String { lock.withLock { out } }
  var stderr: String { lock.withLock { err } }

  /// Ends the process if it still runs (tests call this in a `defer`).
  func kill() {
    if process.isRunning {
      Glibc.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  /// Sends `signal` and waits up to `timeout` seconds for the exit status.
  func interrupt(_ signal: Int32 = SIGINT, timeout: Double = 10) -> Int32? {
    Glibc.kill(process.processIdentifier, signal)
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    return process.isRunning ? nil : process.terminationStatus
  }

  /// The preview's port, from the `preview: http://127.0.0.1:N/…` line.
  func port(timeout: Double = 20) throws -> UInt16 {
    let found = waitUntil(timeout: timeout) {
      self.stdout.contains("preview: http://127.0.0.1:")
    }
    try #require(found, "no preview line; stdout: \(stdout) stderr: \(stderr)")
    let text = stdout
    let start = try #require(text.range(of: "http://127.0.0.1:"))
    let digits = text[start.upperBound...].prefix { $0.isNumber }
    return try #require(UInt16(digits))
  }

  /// How many times stdout says `notebook` started running.
  func runs(of notebook: String) -> Int {
    stdout.components(separatedBy: "\n").filter { $0 == "▶ " + notebook }
      .count
  }

  /// The report's HTML as it is on disk now ("" when there is none).
  func report(_ stem: String) -> String {
    (try? String(
      contentsOf: folder.appendingPathComponent("output/\(stem).html"),
      encoding: .utf8)) ?? ""
  }
}

/// Polls `condition` every 20 ms for up to `timeout` seconds.
func waitUntil(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if condition() { return true }
    usleep(20_000)
  }
  return condition()
}

// MARK: - Saving like an editor

/// The ways editors save a file (see FACTS.md, "File watching on Linux").
enum SaveStyle: String, CaseIterable, Sendable {
  /// Truncate and rewrite the file itself.
  case inPlace
  /// Write a temporary file beside it, then rename it over the file.
  case atomicRename
  /// Rename the file to `name~`, write a new file, delete the backup.
  case vim
}

func save(_ text: String, to url: URL, style: SaveStyle) throws {
  let fm = FileManager.default
  switch style {
  case .inPlace:
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: 0)
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
  case .atomicRename:
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp\(getpid())")
    try Data(text.utf8).write(to: temporary)
    guard rename(temporary.path, url.path) == 0 else {
      throw CocoaError(.fileWriteUnknown)
    }
  case .vim:
    let backup = URL(fileURLWithPath: url.path + "~")
    guard rename(url.path, backup.path) == 0 else {
      throw CocoaError(.fileWriteUnknown)
    }
    #expect(fm.createFile(atPath: url.path, contents: Data(text.utf8)))
    try fm.removeItem(at: backup)
  }
}

// MARK: - Raw HTTP

/// A blocking TCP connection to 127.0.0.1, for requests that URLSession
/// would clean up (`/../etc/passwd`) and for reading an event stream.
final class RawConnection {
  private let fd: Int32

  init(port: UInt16, timeout: Double = 10) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var limit = timeval(
      tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
    setsockopt(
      fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw POSIXError(.ECONNREFUSED)
    }
  }

  deinit { close(fd) }

  /// Sends a GET for `target` exactly as written.
  func get(_ target: String) {
    let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Connection: close\r\n\r\n"
    let bytes = Array(request.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
  }

  /// Reads until `done` says the text so far is enough, the peer closes, or
  /// the timeout passes.
  func read(until done: (String) -> Bool = { _ in false }) -> String {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n <= 0 { break }
      data.append(contentsOf: buffer[0..<n])
      if done(String(decoding: data, as: UTF8.self)) { break }
    }
    return String(decoding: data, as: UTF8.self)
  }
}

/// GET `target` from the preview: status code and the whole response.
func rawGET(_ target: String, port: UInt16) throws -> (status: Int, text: String) {
  let connection = try RawConnection(port: port)
  connection.get(target)
  let text = connection.read()
  let statusLine = text.prefix { $0 != "\r" }
  let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
  return (code ?? 0, text)
}
