import Foundation
import LabrunTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// MARK: - Time limits

/// Stretches the tests' time limits: `FAULT_TIME_SCALE=10` for a labrun
/// built with a sanitizer, which runs several times slower.
let timeScale: Double = {
  let text = ProcessInfo.processInfo.environment["FAULT_TIME_SCALE"] ?? ""
  return max(1, Double(text) ?? 1)
}()

// MARK: - A labrun in the background

/// A `labrun` started without waiting, to be killed or interrupted.
final class BackgroundRun: @unchecked Sendable {
  let process = Process()
  private let lock = NSLock()
  private var out = Data()
  private var err = Data()

  init(_ arguments: [String], in folder: URL) throws {
    process.executableURL = labrunExecutable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = FileHandle.nullDevice
    outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      self?.lock.withLock { self?.out.append(data) }
    }
    errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      self?.lock.withLock { self?.err.append(data) }
    }
    try process.run()
  }

  var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
  var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

  /// Sends `signal`; returns the seconds until the process ended, or nil
  /// if it still runs after `timeout` (it is then killed).
  func signal(_ signal: Int32, timeout: Double = 30) -> Double? {
    let start = Date()
    Glibc.kill(process.processIdentifier, signal)
    while process.isRunning && Date().timeIntervalSince(start) < timeout {
      usleep(2_000)
    }
    if process.isRunning {
      Glibc.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    process.waitUntilExit()
    return Date().timeIntervalSince(start)
  }

  /// Waits for the end; nil if it takes longer than `timeout` seconds.
  func wait(timeout: Double = 120) -> Int32? {
    let start = Date()
    while process.isRunning && Date().timeIntervalSince(start) < timeout {
      usleep(5_000)
    }
    if process.isRunning { return nil }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Waits until the process catches `signal` (its handler is set up), from
  /// `/proc/PID/status`. A signal sent earlier meets the disposition the
  /// process inherited, which the test runner may have set to "ignore".
  func waitUntilCatching(_ signal: Int32, timeout: Double = 60) -> Bool {
    let path = "/proc/\(process.processIdentifier)/status"
    let start = Date()
    while Date().timeIntervalSince(start) < timeout && process.isRunning {
      let status = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      for line in status.split(separator: "\n")
      where line.hasPrefix("SigCgt:") {
        let hex = line.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let mask = UInt64(hex, radix: 16) ?? 0
        if mask & (1 << UInt64(signal - 1)) != 0 { return true }
      }
      usleep(2_000)
    }
    return false
  }

  /// Waits until standard output contains `text`.
  func waitFor(_ text: String, timeout: Double = 60) -> Bool {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
      if stdout.contains(text) { return true }
      if !process.isRunning { return stdout.contains(text) }
      usleep(5_000)
    }
    return false
  }
}

// MARK: - Reports

/// The files of one report, as bytes.
struct ReportFiles: Equatable {
  var html: Data
  var json: Data

  init(stem: String, in output: URL) throws {
    html = try Data(contentsOf: output.appendingPathComponent(stem + ".html"))
    json = try Data(contentsOf: output.appendingPathComponent(stem + ".json"))
  }

  /// Both files whole: the JSON parses, the HTML ends its document.
  var isWhole: Bool {
    let text = String(decoding: html, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return text.lowercased().hasPrefix("<!doctype html>")
      && text.hasSuffix("</html>")
      && (try? JSONSerialization.jsonObject(with: json)) is [String: Any]
  }
}

/// Names in `folder` and every folder below it that start with the
/// temporary prefix of atomic writes.
func temporaryFiles(under folder: URL) -> [String] {
  let enumerator = FileManager.default.enumerator(atPath: folder.path)
  var found: [String] = []
  while let path = enumerator?.nextObject() as? String {
    if (path as NSString).lastPathComponent.hasPrefix(".labrun-tmp-") {
      found.append(path)
    }
  }
  return found
}

/// The parts of a report's JSON that a run computes (not its timings), so
/// that a cached run can be compared with a fresh one.
func computedValues(_ json: [String: Any]) -> String {
  func strip(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      var kept: [String: Any] = [:]
      for (key, inner) in object
      where !["seconds", "totalSeconds", "date", "cached", "originalSeconds"]
        .contains(key)
      {
        kept[key] = strip(inner)
      }
      return kept
    }
    if let array = value as? [Any] { return array.map(strip) }
    return value
  }
  let cells = strip(json["cells"] ?? [])
  let data = try? JSONSerialization.data(
    withJSONObject: cells, options: [.sortedKeys])
  return String(decoding: data ?? Data(), as: UTF8.self)
}

// MARK: - Mounts (root only)

/// Runs a command; true when it exits 0.
@discardableResult
func shell(_ arguments: [String]) -> Bool {
  let result = try? runProcess(
    URL(fileURLWithPath: "/usr/bin/env"), arguments)
  return result?.status == 0
}

/// A small tmpfs mounted on a fresh folder, or nil when this machine does
/// not allow mounting (not root, or in a container without the right).
func mountTmpfs(size: String) -> URL? {
  guard let folder = try? temporaryFolder() else { return nil }
  guard shell(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path])
  else {
    try? FileManager.default.removeItem(at: folder)
    return nil
  }
  return folder
}

func unmount(_ folder: URL) {
  shell(["umount", "-l", folder.path])
  try? FileManager.default.removeItem(at: folder)
}

/// Whether a tmpfs can be mounted here (checked once).
let canMount: Bool = {
  guard let folder = mountTmpfs(size: "64k") else { return false }
  unmount(folder)
  return true
}()
