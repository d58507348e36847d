// The one entry point of every fuzz target.
//
// fuzz/run builds all targets as one binary against labrun's modules,
// compiled once with the sanitizers (compiling them is most of the build
// time), and FUZZ_TARGET, which fuzz/run sets, picks the parser it feeds.

import Foundation

private let fuzzedParser: @Sendable (UnsafePointer<UInt8>, Int) -> CInt = {
  switch ProcessInfo.processInfo.environment["FUZZ_TARGET"] {
  case "directives": return fuzzDirectives
  case "notebook": return fuzzNotebook
  case "checks": return fuzzChecks
  case "texmath": return fuzzTeXMath
  case "idx": return fuzzIDX
  case "decoded": return fuzzDecodedEntry
  case "network": return fuzzNetworkFile
  case "architecture": return fuzzArchitecture
  case "cache": return fuzzCacheEntry
  case let other:
    fatalError(
      "FUZZ_TARGET is \(other ?? "unset"): directives, notebook, checks, "
        + "texmath, idx, decoded, network, architecture or cache")
  }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzedParser(data, size)
}
