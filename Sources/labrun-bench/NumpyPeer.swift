import Foundation

// The numpy peer: script/bench-numpy.py trains the lecture network in
// float32 with one BLAS thread, in a child process, on the same MNIST
// images; it prints the median seconds per epoch as JSON.

/// What script/bench-numpy.py prints (the fields the benchmark uses).
struct NumpyResult: Decodable {
  var seconds_per_epoch: Double
  var epoch_seconds: [Double]
  var images: Int
  var training_accuracy: Double
  var numpy: String
  var peak_rss_mb: Double
}

/// Runs `executable arguments` with `environment` added to this process's;
/// returns the exit status and standard output (nil if it cannot start).
func runChild(
  _ executable: String, _ arguments: [String],
  environment: [String: String] = [:]
) -> (status: Int32, output: Data)? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment
    .merging(environment) { _, new in new }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  do { try process.run() } catch { return nil }
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, output)
}

/// `name` (script/bench-numpy.py) from the working directory (the package,
/// as `swift run` leaves it) or from above this executable
/// (.build*/release).
func peerScript(_ name: String) -> String? {
  if FileManager.default.fileExists(atPath: name) { return name }
  var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent()
  for _ in 0..<5 {
    folder = folder.deletingLastPathComponent()
    let candidate = folder.appendingPathComponent(name).path
    if FileManager.default.fileExists(atPath: candidate) { return candidate }
  }
  return nil
}

/// Why there is no numpy row.
struct NumpySkipped: Error {
  var reason: String
}

/// Trains the numpy peer on the first `images` training images of the MNIST
/// files in `folder` (one warm-up epoch, then `epochs` timed ones).
func runNumpyPeer(folder: String, images: Int, epochs: Int) -> Result<
  NumpyResult, NumpySkipped
> {
  let python = "/usr/bin/env"
  guard
    let check = runChild(python, ["python3", "-c", "import numpy"]),
    check.status == 0
  else {
    return .failure(
      NumpySkipped(reason: "numpy not available (python3 -c \"import numpy\" failed)"))
  }
  guard let script = peerScript("script/bench-numpy.py") else {
    return .failure(NumpySkipped(reason: "script/bench-numpy.py not found"))
  }
  let oneThread = [
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
  ]
  guard
    let run = runChild(
      python,
      ["python3", script, folder, "--images", "\(images)", "--epochs", "\(epochs)"],
      environment: oneThread)
  else {
    return .failure(NumpySkipped(reason: "cannot start python3 \(script)"))
  }
  guard run.status == 0 else {
    return .failure(
      NumpySkipped(reason: "python3 \(script) exited with status \(run.status)"))
  }
  do {
    return .success(try JSONDecoder().decode(NumpyResult.self, from: run.output))
  } catch {
    return .failure(
      NumpySkipped(reason: "cannot read \(script)'s output: \(error)"))
  }
}
