// Shared by every fuzz target: flags inputs slower than 100 ms.
//
// libFuzzer's own -timeout and -report_slow_units count whole seconds, so
// each entry point times its body and, when one input takes longer than
// FUZZ_SLOW_MS (100 by default), prints `slow input: N ms` and saves the
// input beside the crashes. fuzz/run re-times every saved input alone
// before calling it a failure (the machine is shared and noisy).

import Foundation

private let slowLimit: Double = {
  let text = ProcessInfo.processInfo.environment["FUZZ_SLOW_MS"] ?? "100"
  return (Double(text) ?? 100) / 1000
}()

private let slowFolder =
  ProcessInfo.processInfo.environment["FUZZ_SLOW_DIR"]

/// Runs `body` on the input and reports it when it is slow.
func timed(
  _ data: UnsafePointer<UInt8>, _ size: Int, _ body: () -> Void
) -> CInt {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  let elapsed =
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  if elapsed > slowLimit {
    let bytes = Data(bytes: data, count: size)
    let milliseconds = Int(elapsed * 1000)
    FileHandle.standardError.write(
      Data("slow input: \(milliseconds) ms (\(size) bytes)\n".utf8))
    if let slowFolder {
      let name = "slow-\(size)-\(bytes.hashValue & 0xFFFF_FFFF)"
      try? bytes.write(to: URL(fileURLWithPath: slowFolder + "/" + name))
    }
  }
  return 0
}
