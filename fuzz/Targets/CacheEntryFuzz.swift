// libFuzzer target: the cache-entry reader (`CacheEntry.decode`).
//
// Linked against LabrunCore built by SwiftPM with -enable-testing (see
// fuzz/run), so the internal reader is reachable.
//
// An entry ends in a SHA-256 of the rest, so random changes would only
// ever test the checksum. The first byte therefore chooses: odd, the input
// is a whole entry file as it is (header, length and checksum checks);
// even, the rest is an entry's body after its key and labrun version, and
// this target wraps it in a valid header and checksum, so the fuzzer
// reaches the decoding of results, diagnostics, data and the network.

import Datasets
import Foundation
@testable import LabrunCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCacheEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private let key = "fuzz"

/// FUZZ_SHOW=1 prints what each input decoded to (to check the seeds).
private let showOutcome =
  ProcessInfo.processInfo.environment["FUZZ_SHOW"] != nil

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  guard size > 0 else { return }
  let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  let whole = data[0] & 1 == 1
  let file = whole ? rest : wrap(body: rest)
  // A whole file is read for the key it names, so that it can pass.
  var reader = ByteReader(file, offset: 20)
  let expected = whole ? (try? reader.string()) ?? key : key
  do {
    let entry = try CacheEntry.decode(file, expectedKey: expected)
    // What decodes must encode to the same bytes: nothing is half-read.
    precondition(entry.key == expected)
    precondition(entry.encoded() == file)
    if showOutcome { print("decoded: \(entry.results.count) results") }
  } catch {
    if showOutcome { print("refused: \(error.description)") }
  }
}

/// A whole entry file around `body` (what follows key and version).
func wrap(body: [UInt8]) -> [UInt8] {
  var inner = ByteWriter()
  inner.string(key)
  inner.string(labrunVersion)
  inner.raw(body)
  var file = ByteWriter()
  file.raw(CacheEntry.magic)
  file.u32(CacheEntry.formatVersion)
  file.u64(UInt64(inner.bytes.count))
  file.raw(inner.bytes)
  file.raw(SHA256Digest.hex(of: file.bytes).utf8)
  return file.bytes
}
