import Foundation

// Helpers shared by the test targets that drive the built `labrun`
// (EndToEndTests, FaultTests).

/// What a run of the built `labrun` printed and returned.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  /// Standard output's bytes, for binary output.
  public var output: Data = Data()
}

/// Runs the `labrun` executable that SwiftPM built beside the tests (or
/// the one `LABRUN_BIN` names, e.g. a release build).
public func labrun(
  _ arguments: [String], in directory: URL,
  environment: [String: String] = [:]
) throws -> ProcessResult {
  try runProcess(
    labrunExecutable, arguments, in: directory, environment: environment)
}

/// Runs `executable` to its end, feeding it `input`, and collects what it
/// printed.
public func runProcess(
  _ executable: URL, _ arguments: [String], in directory: URL? = nil,
  environment: [String: String] = [:], input: Data? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  var env = ProcessInfo.processInfo.environment
  env.merge(environment) { _, new in new }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  let inPipe = Pipe()
  process.standardOutput = out
  process.standardError = err
  process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
  try process.run()
  // Feed and read the pipes while the process runs, so none fills up.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  if let input {
    DispatchQueue.global().async(group: group) {
      inPipe.fileHandleForWriting.write(input)
      try? inPipe.fileHandleForWriting.close()
    }
  }
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
    stderr: String(decoding: errData, as: UTF8.self),
    output: outData)
}

/// The `labrun` binary the tests run.
public let labrunExecutable: URL = {
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
public let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// A fresh empty folder for one test.
public func temporaryFolder() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("labrun-e2e-\(UUID().uuidString)")
  try FileManager.default.createDirectory(
    at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `text` as `name` in `folder`.
@discardableResult
public func write(_ text: String, as name: String, in folder: URL) throws -> URL {
  let url = folder.appendingPathComponent(name)
  try text.write(to: url, atomically: true, encoding: .utf8)
  return url
}

/// A report file that is not a JSON object.
public struct NotAnObject: Error, CustomStringConvertible {
  public var path: String
  public var description: String { "\(path) is not a JSON object" }
}

/// The report's JSON, parsed.
public func reportJSON(_ stem: String, in folder: URL) throws -> [String: Any] {
  let url = folder.appendingPathComponent("output/\(stem).json")
  let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
  guard let dictionary = object as? [String: Any] else {
    throw NotAnObject(path: url.path)
  }
  return dictionary
}

/// The `cells` array of a report's JSON.
public func cells(_ json: [String: Any]) -> [[String: Any]] {
  json["cells"] as? [[String: Any]] ?? []
}

/// The results of one kind in a cell's JSON.
public func results(_ cell: [String: Any], kind: String) -> [[String: Any]] {
  (cell["results"] as? [[String: Any]] ?? []).filter {
    $0["kind"] as? String == kind
  }
}
