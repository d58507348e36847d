import Foundation
import LabrunTestSupport
import Testing

@testable import Datasets

// MARK: - Good files

@Suite("IDX reader: good files")
struct IDXGoodFileTests {
  @Test("plain and gzipped image files give the same pixels", arguments: [
    false, true,
  ])
  func images(gzipped: Bool) throws {
    let plain = imageFile(count: 3, rows: 4, columns: 5)
    let bytes = gzipped ? gzip(plain) : plain
    let parsed = try IDX.parseImages(bytes)
    #expect(parsed.rows == 4)
    #expect(parsed.columns == 5)
    #expect(parsed.pixels == imagePixels(count: 3, rows: 4, columns: 5))
    // Image 2, row 1, column 3: 2 * 50 + 1 * 5 + 3.
    #expect(parsed.pixels[2 * 20 + 1 * 5 + 3] == 108)
  }

  @Test("plain and gzipped label files give the labels", arguments: [
    false, true,
  ])
  func labels(gzipped: Bool) throws {
    let labels: [UInt8] = [5, 0, 4, 1, 9, 2]
    let bytes = gzipped ? gzip(labelFile(labels)) : labelFile(labels)
    #expect(try IDX.parseLabels(bytes) == labels)
  }

  @Test("files on disk read the same as bytes in memory")
  func fromDisk() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let images = folder.write(
      gzip(imageFile(count: 2, rows: 2, columns: 2)), to: "images.gz")
    let labels = folder.write(labelFile([3, 1]), to: "labels")
    let read = try IDX.readImages(path: images)
    #expect(read.pixels == imagePixels(count: 2, rows: 2, columns: 2))
    #expect(try IDX.readLabels(path: labels) == [3, 1])
  }

  @Test("a gzip file of two members decodes as one stream, as gzip does")
  func twoMembers() throws {
    let whole = labelFile([1, 2, 3, 4])
    let bytes = gzip(Array(whole[..<7])) + gzip(Array(whole[7...]))
    #expect(try IDX.parseLabels(bytes) == [1, 2, 3, 4])
  }

  @Test("a gzip file whose ISIZE disagrees still decodes correctly")
  func misleadingTrailer() throws {
    // Two members: ISIZE describes only the last, so the reader cannot
    // preallocate on its word and must grow the buffer instead.
    let whole = imageFile(count: 600, rows: 40, columns: 50)  // > 1 MiB
    let cut = 1000
    let bytes = gzip(Array(whole[..<cut])) + gzip(Array(whole[cut...]))
    let parsed = try IDX.parseImages(bytes)
    #expect(parsed.pixels == Array(whole[16...]))
  }
}

// MARK: - Damaged files

@Suite("IDX reader: damaged files")
struct IDXDamagedFileTests {
  let images = imageFile(count: 3, rows: 2, columns: 3)  // 16 + 18 bytes

  @Test("a truncated file says how much is missing", arguments: [
    false, true,
  ])
  func truncated(gzipped: Bool) {
    let cut = Array(images.dropLast())
    let bytes = gzipped ? gzip(cut) : cut
    #expect(
      problem { () throws(DataError) in try IDX.parseImages(bytes) }
        == .truncated(expected: 34, actual: 33))
  }

  @Test("a file cut inside its header is truncated, not misread")
  func truncatedHeader() {
    #expect(
      problem { () throws(DataError) in
        try IDX.parseImages(Array(images[..<10]))
      } == .truncated(expected: 16, actual: 10))
    #expect(
      problem { () throws(DataError) in
        try IDX.parseLabels([0, 0])
      } == .truncated(expected: 8, actual: 2))
  }

  @Test("a gzip file cut in the middle is truncated")
  func gzipCutShort() {
    let big = imageFile(count: 200, rows: 28, columns: 28)
    let compressed = gzip(big)
    let cut = Array(compressed[..<(compressed.count / 2)])
    let found = problem { () throws(DataError) in try IDX.parseImages(cut) }
    guard case .truncated(let expected, let actual) = found else {
      Issue.record("expected .truncated, got \(String(describing: found))")
      return
    }
    #expect(expected == big.count)
    #expect(actual > 16 && actual < big.count)
  }

  @Test("a gzip file missing its trailer is corrupt gzip")
  func gzipWithoutTrailer() {
    let cut = Array(gzip(images).dropLast(8))
    let found = problem { () throws(DataError) in try IDX.parseImages(cut) }
    guard case .corruptGzip(let reason) = found else {
      Issue.record("expected .corruptGzip, got \(String(describing: found))")
      return
    }
    #expect(reason.contains("cut short"))
  }

  @Test("trailing bytes are counted", arguments: [false, true])
  func trailing(gzipped: Bool) {
    let long = images + [1, 2, 3, 4, 5]
    let bytes = gzipped ? gzip(long) : long
    #expect(
      problem { () throws(DataError) in try IDX.parseImages(bytes) }
        == .trailingBytes(expected: 34, extra: 5))
  }

  @Test("a label file read as images names both magic numbers")
  func wrongMagic() throws {
    let error = try #require(
      dataError { () throws(DataError) in
        try IDX.parseImages(labelFile([1, 2]), path: "x/labels.idx")
      })
    #expect(error.problem == .badMagic(found: 0x801, expected: 0x803))
    #expect(error.description.hasPrefix("x/labels.idx: "))
    #expect(error.description.contains("0x00000801 (an IDX label file"))
    #expect(error.description.contains("0x00000803 (an IDX image file"))
  }

  @Test("magic numbers are explained", arguments: [
    (idxFile(magic: 0x0d03, dimensions: [1, 1, 1], payload: [0, 0, 0, 0]),
     "32-bit floats with 3 dimensions"),
    (Array("<!DOCTYPE html><html>".utf8), "failed download"),
    (gzip(gzip(imageFile(count: 1, rows: 1, columns: 1))), "compressed twice"),
    (Array("hello, world, not IDX".utf8), "not an IDX file"),
  ])
  func magicExplained(bytes: [UInt8], words: String) throws {
    let error = try #require(
      dataError { () throws(DataError) in try IDX.parseImages(bytes) })
    guard case .badMagic = error.problem else {
      Issue.record("expected .badMagic, got \(error.problem)")
      return
    }
    #expect(error.message.contains(words))
  }

  @Test("zero or absurd dimensions are refused", arguments: [
    ([0, 28, 28], "0 images"),
    ([10, 0, 28], "0 rows"),
    ([10, 28, 0], "0 columns"),
    ([10, 100_000, 28], "absurd"),
    ([10, 28, 4_000_000_000], "absurd"),
  ] as [([UInt32], String)])
  func badDimensions(dimensions: [UInt32], words: String) {
    let bytes = idxFile(magic: 0x803, dimensions: dimensions, payload: [])
    let found = problem { () throws(DataError) in try IDX.parseImages(bytes) }
    guard case .badDimensions(let reason) = found else {
      Issue.record("expected .badDimensions, got \(String(describing: found))")
      return
    }
    #expect(reason.contains(words))
  }

  @Test("a huge promise on a small file is truncated without allocating it")
  func hugePromise() {
    // 4 billion images of 10,000 × 10,000: 4e17 bytes, from a 16-byte file.
    let plain = idxFile(
      magic: 0x803, dimensions: [4_000_000_000, 10_000, 10_000], payload: [])
    let expected = 16 + 4_000_000_000 * 100_000_000
    #expect(
      problem { () throws(DataError) in try IDX.parseImages(plain) }
        == .truncated(expected: expected, actual: 16))
    #expect(
      problem { () throws(DataError) in try IDX.parseImages(gzip(plain)) }
        == .truncated(expected: expected, actual: 16))
  }

  @Test("a label file with zero labels is refused")
  func zeroLabels() {
    let found = problem { () throws(DataError) in
      try IDX.parseLabels(labelFile([]))
    }
    #expect(found == .badDimensions("the header says 0 labels"))
  }

  @Test("corrupt gzip data gives zlib's reason", arguments: [
    "crc", "method", "data",
  ])
  func corruptGzip(damage: String) {
    var bytes = gzip(imageFile(count: 20, rows: 10, columns: 10))
    switch damage {
    case "crc": bytes[bytes.count - 8] ^= 0xff  // CRC-32 in the trailer
    case "method": bytes[2] = 9  // only 8 (deflate) exists
    default:
      // A block type of 3 is reserved: the first deflate byte after the
      // 10-byte header holds BFINAL and BTYPE in its low 3 bits.
      bytes[10] = 0b111
    }
    let found = problem { () throws(DataError) in try IDX.parseImages(bytes) }
    guard case .corruptGzip(let reason) = found else {
      Issue.record("expected .corruptGzip, got \(String(describing: found))")
      return
    }
    #expect(!reason.isEmpty)
  }

  @Test("garbage after the gzip stream is corrupt gzip")
  func garbageAfterGzip() {
    let bytes = gzip(images) + [0, 1, 2]
    let found = problem { () throws(DataError) in try IDX.parseImages(bytes) }
    #expect(
      found == .corruptGzip("3 byte(s) of garbage after the end of the gzip "
        + "stream"))
  }

  @Test("an empty file is reported as empty")
  func empty() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let path = folder.write([], to: "empty-idx3-ubyte")
    let error = try #require(
      dataError { () throws(DataError) in try IDX.readImages(path: path) })
    #expect(error.problem == .emptyFile)
    #expect(error.description.contains(path))
  }

  @Test("a folder where a file should be is reported as a folder")
  func folderInstead() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let path = folder.makeFolder("train-labels-idx1-ubyte.gz")
    let error = try #require(
      dataError { () throws(DataError) in try IDX.readLabels(path: path) })
    #expect(error.problem == .isDirectory)
    #expect(error.description.contains(path))
  }

  @Test("a missing file is reported as missing, with its path")
  func missing() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let path = folder.file("nothing-here.gz")
    let error = try #require(
      dataError { () throws(DataError) in try IDX.readImages(path: path) })
    #expect(error.problem == .missingFile)
    #expect(error.description.hasPrefix(path + ": no such file"))
    #expect(error.description.contains("hint: "))
  }

  @Test("a device is refused instead of read forever")
  func device() {
    #expect(
      problem { () throws(DataError) in try IDX.readImages(path: "/dev/zero") }
        == .unreadable("not a regular file (a device, pipe or socket?)"))
  }

  @Test("every prefix of a good gzip file fails cleanly")
  func everyPrefix() {
    let bytes = gzip(imageFile(count: 2, rows: 3, columns: 3))
    for length in 0..<bytes.count {
      let found = problem { () throws(DataError) in
        try IDX.parseImages(Array(bytes[..<length]))
      }
      #expect(found != nil, "prefix of \(length) bytes was accepted")
    }
  }
}

// MARK: - SHA-256

@Suite("SHA-256")
struct SHA256Tests {
  @Test("known digests (FIPS 180-2 examples)")
  func knownDigests() {
    #expect(
      SHA256Digest.hex(of: Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256Digest.hex(of: [])
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test("a file's digest equals the digest of its bytes")
  func fileDigest() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let bytes = imageFile(count: 5, rows: 7, columns: 7)
    let path = folder.write(bytes, to: "f")
    #expect(try SHA256Digest.hex(ofFile: path) == SHA256Digest.hex(of: bytes))
  }
}

// MARK: - Mutated files

@Suite("IDX reader: mutated files")
struct IDXMutationTests {
  @Test("randomly damaged files either decode consistently or throw", arguments: [
    false, true,
  ])
  func mutations(gzipped: Bool) {
    let plain = imageFile(count: 4, rows: 5, columns: 3)
    let original = gzipped ? gzip(plain) : plain
    var generator = SplitMix64(seed: gzipped ? 1 : 2)
    var accepted = 0
    for _ in 0..<3000 {
      var bytes = original
      for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let at = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
        case 1: bytes.removeSubrange(at...)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
        default: bytes.remove(at: at)
        }
        if bytes.isEmpty { break }
      }
      guard let parsed = try? IDX.parseImages(bytes) else { continue }
      accepted += 1
      if gzipped {
        // The CRC-32 passed, so only harmless header bytes (time stamp,
        // OS) can have changed: the pixels must be the original ones.
        #expect(parsed.pixels == Array(plain[16...]))
      } else {
        // A plain file accepted must be header + exactly its promise.
        #expect(bytes.count == 16 + parsed.pixels.count)
        #expect(parsed.pixels == Array(bytes[16...]))
        #expect(parsed.pixels.count % (parsed.rows * parsed.columns) == 0)
      }
    }
    // Most damage must be noticed (a changed pixel in a plain file is not
    // damage the reader can see, hence not all).
    #expect(accepted < 1500)
  }
}
