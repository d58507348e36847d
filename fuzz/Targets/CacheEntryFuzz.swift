// libFuzzer target: the cache-entry reader (`CacheEntry.decode`).
//
// Linked against LabrunCore built by SwiftPM with -enable-testing (see
// fuzz/run and Entry.swift), so the internal reader is reachable.
//
// An entry ends in a SHA-256 of the rest, so random changes would only
// ever test the checksum. The first byte therefore chooses: odd, the input
// is a whole entry file as it is (header, length and checksum checks);
// even, the rest is an entry's body after its key and labrun version (the
// `BinaryEncoder` form of a `CacheEntry`), and this target wraps it in a
// valid header and checksum, so the fuzzer reaches the decoding of
// results, diagnostics, data and the network.

import Datasets
import Foundation
@testable import LabrunCore

func fuzzCacheEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
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
  let named = try? BinaryDecoder.decodePrefix(String.self, from: file, offset: 20).0
  let expected = whole ? named ?? key : key
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
  let inner = BinaryEncoder.encode(key) + BinaryEncoder.encode(labrunVersion) + body
  var file = CacheEntry.magic
  withUnsafeBytes(of: CacheEntry.formatVersion.littleEndian) { file += $0 }
  withUnsafeBytes(of: UInt64(inner.count).littleEndian) { file += $0 }
  file += inner
  file += Array(SHA256Digest.hex(of: file).utf8)
  return file
}
