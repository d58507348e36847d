// libFuzzer target: the reader of the decoded data cache's entries
// (DecodedStore.read), on a file holding the input.
//
// Against the Datasets module built with -enable-testing (see fuzz/run). The
// first byte says whether to make the entry's trailing SHA-256 right
// (odd) before reading, so that the checks behind it (sizes against the
// file's length, labels in range) are reached too; the rest is the file.

@testable import Datasets
import Foundation

/// A folder of this process's own for the one entry file.
private let folder: String = {
  let path = NSTemporaryDirectory() + "/labrun-fuzz-decoded-\(getpid())"
  try? FileManager.default.createDirectory(
    atPath: path, withIntermediateDirectories: true)
  return path
}()

/// The source sums the seeds were written for (fuzz/corpus/decoded).
private let sums = Array(
  repeating: String(repeating: "ab", count: 32), count: 4)

func fuzzDecodedEntry(_ data: UnsafePointer<UInt8>, _ size: Int)
  -> CInt
{
  timed(data, size) { check(data, size) }
}

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  guard size > 0 else { return }
  var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  if data[0] & 1 == 1, bytes.count >= 32 {
    let body = Array(bytes[..<(bytes.count - 32)])
    let hex = Array(SHA256Digest.hex(of: body).utf8)
    func nibble(_ c: UInt8) -> UInt8 {
      c >= UInt8(ascii: "a") ? c - UInt8(ascii: "a") + 10 : c - UInt8(ascii: "0")
    }
    bytes = body + (0..<32).map { nibble(hex[2 * $0]) << 4 | nibble(hex[2 * $0 + 1]) }
  }
  let path = DecodedStore.path(in: folder, name: .mnist, sums: sums)
  guard FileManager.default.createFile(atPath: path, contents: Data(bytes))
  else { return }
  guard let entry = DecodedStore.read(.mnist, sums: sums, in: folder) else {
    return
  }
  // What came back is whole and usable as MNIST-style data.
  for set in [entry.training, entry.test] {
    precondition(set.pixels.count == set.count * set.rows * set.columns)
    precondition(set.labels.allSatisfy { $0 < 10 })
  }
}
