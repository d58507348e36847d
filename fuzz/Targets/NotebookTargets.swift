// The one entry point of the directives, notebook and checks targets.
//
// The three are built as one binary from the Notebook module's sources
// (compiling that module with the sanitizers is most of a target's build
// time), and FUZZ_TARGET, which fuzz/run sets, picks the parser it feeds.

import Foundation

private let fuzzedParser: @Sendable (UnsafePointer<UInt8>, Int) -> CInt = {
  switch ProcessInfo.processInfo.environment["FUZZ_TARGET"] {
  case "directives": return fuzzDirectives
  case "notebook": return fuzzNotebook
  case "checks": return fuzzChecks
  case let other:
    fatalError("FUZZ_TARGET is \(other ?? "unset"): directives, notebook or checks")
  }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNotebookTargets(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzedParser(data, size)
}
