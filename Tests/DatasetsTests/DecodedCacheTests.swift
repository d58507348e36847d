import Dispatch
import Foundation
import Testing

@testable import Datasets

/// The decoded data cache as other processes meet it: each load here skips
/// the in-process memo (`useCache: false`), as a fresh labrun process
/// would, so only the folder carries what an earlier load decoded.
@Suite("Decoded data cache")
struct DecodedCacheTests {
  /// A load of the tiny data set in `directory` through `cache`.
  func load(
    _ directory: String, _ cache: DecodedDataCache?
  ) throws -> LoadedData {
    try DataLoader.load(
      .mnist, from: directory, checksums: .recordOnly, useCache: false,
      decoded: cache)
  }

  /// The entries (not temporary files) in the cache folder.
  func entries(_ cache: DecodedDataCache) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: cache.folder))
      ?? []).filter { $0.hasSuffix(".decoded") }.sorted()
  }

  /// Every file in the cache folder, hidden ones included.
  func allFiles(_ cache: DecodedDataCache) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: cache.folder))
      ?? []).sorted()
  }

  /// The same images and labels, and the same files with the same sums.
  func expectSame(_ a: LoadedData, _ b: LoadedData) {
    #expect(a.training == b.training)
    #expect(a.test == b.test)
    #expect(a.files == b.files)
    #expect(a.name == b.name && a.directory == b.directory)
  }

  @Test("a miss writes an entry; a hit reads it; both give the bits of a load without it")
  func missThenHit() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let plain = try load(directory, nil)
    #expect(entries(cache).isEmpty)

    let miss = try load(directory, cache)
    expectSame(miss, plain)
    #expect(entries(cache).count == 1)

    let hit = try load(directory, cache)
    expectSame(hit, plain)
    #expect(entries(cache).count == 1)
    #expect(allFiles(cache) == entries(cache))  // no temporary file left
  }

  @Test("a hit really comes from the entry, not from decoding")
  func hitReadsEntry() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let real = try load(directory, cache)
    // An entry for the same sources with other (but valid) contents: a
    // load that finds it must return it, which proves nothing is decoded.
    var pixels = real.training.pixels
    pixels[0] = 250
    let planted = Dataset(
      rows: 3, columns: 2, pixels: pixels, labels: real.training.labels)
    #expect(
      DecodedStore.write(
        .mnist, sums: real.files.map(\.sha256), training: planted,
        test: real.test, in: cache.folder))
    let hit = try load(directory, cache)
    #expect(hit.training == planted)

    // `reads: false` (--rerun) decodes and rewrites the entry.
    let refreshed = try load(
      directory, DecodedDataCache(folder: cache.folder, reads: false))
    expectSame(refreshed, real)
    expectSame(try load(directory, cache), real)
  }

  @Test("changed source files miss, and get their own entry")
  func staleSources() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    _ = try load(directory, cache)
    let before = entries(cache)
    // Same size, same name: only the contents (the labels) differ.
    writeTinyDataset(in: folder, trainingLabels: [9, 9, 9, 9])
    let changed = try load(directory, cache)
    #expect(changed.training.labels == [9, 9, 9, 9])
    expectSame(changed, try load(directory, nil))
    let after = entries(cache)
    #expect(after.count == 2)
    #expect(Set(after).isSuperset(of: before))
    #expect(try load(directory, cache).training.labels == [9, 9, 9, 9])
  }

  @Test("old entries of a data set are removed beyond the most recent two")
  func keepsRecentEntries() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    for label: UInt8 in [1, 2, 3, 4] {
      writeTinyDataset(in: folder, trainingLabels: [label, 0, 0, 0])
      _ = try load(directory, cache)
    }
    #expect(entries(cache).count == DecodedDataCache.entriesPerDataset)
    #expect(try load(directory, cache).training.labels == [4, 0, 0, 0])
  }

  /// Damage done to an entry, by name.
  static let damages: [(String, @Sendable (inout [UInt8]) -> Void)] = [
    ("a flipped pixel", { $0[$0.count - 40] ^= 0x01 }),
    ("a flipped checksum byte", { $0[$0.count - 1] ^= 0x80 }),
    ("cut short", { $0.removeLast(7) }),
    ("a byte too many", { $0.append(0) }),
    ("empty", { $0 = [] }),
    ("another format version", { $0[8] &+= 1 }),
    ("another magic", { $0[0] = UInt8(ascii: "X") }),
    ("absurd sizes", {
      // rows: after magic, version, name length, "mnist" and four sums.
      for i in 0..<8 { $0[8 + 4 + 4 + 5 + 4 * 32 + i] = 0xff }
    }),
  ]

  @Test("a damaged entry is ignored and rebuilt", arguments: 0..<8)
  func damaged(case index: Int) throws {
    let (_, damage) = Self.damages[index]
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let good = try load(directory, cache)
    let entry = cache.folder + "/" + (try #require(entries(cache).first))
    let intact = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry)))
    var bytes = intact
    damage(&bytes)
    try Data(bytes).write(to: URL(fileURLWithPath: entry))

    expectSame(try load(directory, cache), good)
    // Rebuilt: the same bytes a first write gives.
    #expect(
      try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry))) == intact)
  }

  @Test("an entry with labels out of range is not used, checksum or not")
  func labelsChecked() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let good = try load(directory, nil)
    let bad = Dataset(
      rows: 3, columns: 2, pixels: good.training.pixels,
      labels: [5, 0, 4, 10])
    #expect(
      DecodedStore.write(
        .mnist, sums: good.files.map(\.sha256), training: bad,
        test: good.test, in: cache.folder))
    expectSame(try load(directory, cache), good)
  }

  @Test("files that fail their known sums are refused, entry or not")
  func checksumsStillChecked() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    _ = try load(directory, cache)
    #expect(entries(cache).count == 1)
    // The published MNIST sums: the tiny files are not MNIST.
    let error = try #require(
      dataError { () throws(DataError) in
        try DataLoader.load(
          .mnist, from: directory, checksums: .known, useCache: false,
          decoded: cache)
      })
    guard case .checksumMismatch = error.problem else {
      Issue.record("expected .checksumMismatch, got \(error.problem)")
      return
    }
  }

  @Test("processes loading at once each get the data and leave one whole entry")
  func concurrentLoads() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let directory = writeTinyDataset(in: folder)
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let plain = try load(directory, nil)
    let results = Results(count: 16)
    DispatchQueue.concurrentPerform(iterations: 16) { index in
      results.set(index, try? self.load(directory, cache))
    }
    for index in 0..<16 {
      let loaded = try #require(results.get(index))
      expectSame(loaded, plain)
    }
    #expect(entries(cache).count == 1)
    #expect(allFiles(cache) == entries(cache))
    expectSame(try load(directory, cache), plain)
  }

  @Test("the repository's MNIST: a hit holds the same 70,000 images and labels")
  func realMNIST() throws {
    let directory = try DataLocator.locate(
      .mnist, explicit: nil, environment: [:])
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let cache = DecodedDataCache(folder: folder.file("cache"))
    let plain = try DataLoader.load(
      .mnist, from: directory, checksums: .known, useCache: false)
    let miss = try DataLoader.load(
      .mnist, from: directory, checksums: .known, useCache: false,
      decoded: cache)
    let hit = try DataLoader.load(
      .mnist, from: directory, checksums: .known, useCache: false,
      decoded: cache)
    expectSame(miss, plain)
    expectSame(hit, plain)
    #expect(hit.training.count == 60_000 && hit.test.count == 10_000)
    #expect(entries(cache).count == 1)
  }
}

/// Slots filled by concurrent loads, read after they joined.
private final class Results: @unchecked Sendable {
  private var values: [LoadedData?]
  private let lock = NSLock()
  init(count: Int) { values = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: LoadedData?) {
    lock.withLock { values[index] = value }
  }
  func get(_ index: Int) -> LoadedData? { lock.withLock { values[index] } }
}
