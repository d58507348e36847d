import Foundation
import Testing

/// What a run of the built `labrun` printed and returned.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the `labrun` executable that SwiftPM built beside the tests (or
/// the one `LABRUN_BIN` names, e.g. a release build).
func labrun(
  _ arguments: [String], in directory: URL,
  environment: [String: String] = [:]
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = labrunExecutable
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  env.merge(environment) { _, new in new }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read both pipes while the process runs, so that neither fills up.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  DispatchQueue.global().async(group: group) {
    outData = out.fileHandleForReading.readDataToEndOfFile()
  }
  DispatchQueue.global().async(group: group) {
    errData = err.fileHandleForReading.readDataToEndOfFile()
  }
  process.waitUntilExit()
  group.wait()
  return ProcessResult(
    status: process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}

let labrunExecutable: URL = {
  if let path = ProcessInfo.processInfo.environment["LABRUN_BIN"] {
    return URL(fileURLWithPath: path)
  }
  // The test bundle lives in SwiftPM's products folder, beside `labrun`.
  let bundle = URL(fileURLWithPath: CommandLine.arguments[0])
    .resolvingSymlinksInPath()
  var folder = bundle.deletingLastPathComponent()
  while folder.path != "/" {
    let candidate = folder.appendingPathComponent("labrun")
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(
      atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue
    {
      return candidate
    }
    folder = folder.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: "labrun")
}()

/// The repository's root (for `notebooks/` and `data/`).
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A fresh empty folder for one test.
func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("labrun-e2e-\(UUID().uuidString)")
  try FileManager.default.createDirectory(
    at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `text` as `name` in `folder`.
@discardableResult
func write(_ text: String, as name: String, in folder: URL) throws -> URL {
  let url = folder.appendingPathComponent(name)
  try text.write(to: url, atomically: true, encoding: .utf8)
  return url
}

/// The report's JSON, parsed.
func reportJSON(_ stem: String, in folder: URL) throws -> [String: Any] {
  let data = try Data(
    contentsOf: folder.appendingPathComponent("output/\(stem).json"))
  let object = try JSONSerialization.jsonObject(with: data)
  return try #require(object as? [String: Any])
}

func cells(_ json: [String: Any]) -> [[String: Any]] {
  json["cells"] as? [[String: Any]] ?? []
}

/// The results of one kind in a cell's JSON.
func results(_ cell: [String: Any], kind: String) -> [[String: Any]] {
  (cell["results"] as? [[String: Any]] ?? []).filter {
    $0["kind"] as? String == kind
  }
}
