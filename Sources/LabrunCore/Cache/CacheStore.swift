import FileReading
import Datasets
import Foundation

/// The cache folder: one file per cell entry, and a memo of data files'
/// SHA-256.
///
///     <output>/.labrun-cache/
///       cells/<key>.cell     one entry each (see CacheEntry)
///       file-hashes          size, times and inode → SHA-256 of data files
///       data/                data sets decoded once for every process
///                            (Datasets' DecodedDataCache)
///
/// Every file is written to a temporary name and renamed into place, so a
/// reader (another labrun process too) sees a whole file or none. An
/// entry's modification time is its last use: a hit touches it, and the
/// oldest go first when the folder outgrows its limit.
final class CacheStore: @unchecked Sendable {
  let folder: String
  var cellsFolder: String { folder + "/cells" }

  init(folder: String) { self.folder = folder }

  func path(ofEntry key: String) -> String { cellsFolder + "/" + key + ".cell" }

  // MARK: - Entries

  /// The bytes of `key`'s entry, or nil when there is none.
  func read(_ key: String) -> [UInt8]? { readFile(path(ofEntry: key)) }

  /// Stores an entry atomically; a failure only means a later miss.
  func write(_ bytes: [UInt8], for key: String) -> Bool {
    makeFolder(cellsFolder) && writeAtomically(bytes, to: path(ofEntry: key))
  }

  /// Marks the entry as just used (eviction takes the least recent first).
  func touch(_ key: String) { _ = utimensat(AT_FDCWD, path(ofEntry: key), nil, 0) }

  /// Drops a damaged entry (another process may have replaced it with a
  /// good one meanwhile; that costs one recomputation at worst).
  func remove(_ key: String) { unlink(path(ofEntry: key)) }

  /// Removes temporary files that killed runs left (a listing of the
  /// folder: well under a millisecond for hundreds of entries).
  func removeStaleTemporaries() {
    StaleTemporaries.remove(in: folder)
    StaleTemporaries.remove(in: cellsFolder)
    // The decoded data sets' folder (Load.swift), whose entries are only
    // written on a miss: a killed writer's 55 MB must not wait for one.
    StaleTemporaries.remove(in: folder + "/data")
  }

  /// Removes the least recently used entries until the entries take at most
  /// `limit` bytes, sparing `keep` (this run's own) unless nothing else is
  /// left.
  /// - Returns: the keys removed.
  @discardableResult
  func evict(toFit limit: Int, keeping keep: Set<String>) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(
      atPath: cellsFolder)
    else { return [] }
    var entries: [(key: String, size: Int, used: Int)] = []
    var total = 0
    for name in names where name.hasSuffix(".cell") && !name.hasPrefix(".") {
      var info = stat()
      guard stat(cellsFolder + "/" + name, &info) == 0 else { continue }
      let size = Int(info.st_size)
      let used = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
      entries.append((String(name.dropLast(5)), size, used))
      total += size
    }
    guard total > limit else { return [] }
    // Oldest first; this run's entries only when the others are not enough.
    entries.sort { a, b in
      let (aKept, bKept) = (keep.contains(a.key), keep.contains(b.key))
      return aKept != bKept ? !aKept : a.used < b.used
    }
    var removed: [String] = []
    for entry in entries where total > limit {
      remove(entry.key)
      total -= entry.size
      removed.append(entry.key)
    }
    return removed
  }

  // MARK: - Files

  private func makeFolder(_ path: String) -> Bool {
    (try? FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)) != nil
  }

  /// A whole file, or nil when it cannot be read. A file that shrank
  /// while being read is short: the checksum says so.
  func readFile(_ path: String) -> [UInt8]? {
    try? WholeFile.read(path).get().bytes
  }

  /// Writes to a temporary name unique to this process and call, then
  /// renames it over `path`. No fsync: a torn file after a power cut fails
  /// its checksum and is recomputed, which costs less than syncing.
  func writeAtomically(_ bytes: [UInt8], to path: String) -> Bool {
    let url = URL(fileURLWithPath: path)
    let temporary =
      url.deletingLastPathComponent().path + "/" + AtomicFile.temporaryPrefix
      + "\(getpid())-\(UInt64.random(in: 0...UInt64.max))-"
      + url.lastPathComponent
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes {
        Glibc.write(fd, $0.baseAddress, $0.count)
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { break }
      written += n
    }
    let closed = close(fd) == 0
    guard written == bytes.count, closed, rename(temporary, path) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }
}

// MARK: - Data file hashes

/// Remembers data files' SHA-256 by their size, modification and change
/// times, inode and device, so that a cached run knows its data is
/// unchanged without reading it (MNIST's 11 MB cost about 10 ms to hash).
final class FileHashMemo: @unchecked Sendable {
  private struct Stamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64  // ns
    var changed: Int64  // ns

    init?(path: String) {
      var info = stat()
      guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
        return nil
      }
      device = UInt64(info.st_dev)
      inode = UInt64(info.st_ino)
      size = Int64(info.st_size)
      modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000
        + Int64(info.st_mtim.tv_nsec)
      changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000
        + Int64(info.st_ctim.tv_nsec)
    }

    init(_ fields: [Substring]) {
      device = UInt64(fields[0]) ?? 0
      inode = UInt64(fields[1]) ?? 0
      size = Int64(fields[2]) ?? -1
      modified = Int64(fields[3]) ?? -1
      changed = Int64(fields[4]) ?? -1
    }

    var text: String { "\(device) \(inode) \(size) \(modified) \(changed)" }
  }

  private let store: CacheStore
  private var path: String { store.folder + "/file-hashes" }
  /// path → (stamp, sha256); read on first use.
  private var known: [String: (Stamp, String)]?
  private var added = false
  /// Files that each entry of the memo file may name: the newest are kept.
  private static let capacity = 64

  init(store: CacheStore) { self.store = store }

  /// The SHA-256 of the file at `path`, from the memo when the file is
  /// unchanged since it was hashed, else computed; nil when unreadable.
  func sha256(ofFile path: String) -> String? {
    guard let stamp = Stamp(path: path) else { return nil }
    if known == nil { known = load() }
    if let (seen, sum) = known?[path], seen == stamp { return sum }
    guard let sum = try? SHA256Digest.hex(ofFile: path),
      // A file changed while it was hashed gets no memo entry.
      Stamp(path: path) == stamp
    else { return nil }
    known?[path] = (stamp, sum)
    added = true
    return sum
  }

  /// Writes the memo back if this run hashed a file.
  func save() {
    guard added, let ours = known else { return }
    // Keep this run's files, then what another process may have recorded
    // meanwhile, up to the capacity.
    var entries = ours
    for (path, entry) in load()
    where entries[path] == nil && entries.count < Self.capacity {
      entries[path] = entry
    }
    let lines = entries.map { path, entry in
      "\(entry.1) \(entry.0.text) \(path)"
    }
    let text = lines.sorted().joined(separator: "\n") + "\n"
    guard (try? FileManager.default.createDirectory(
      atPath: store.folder, withIntermediateDirectories: true)) != nil
    else { return }
    _ = store.writeAtomically(Array(text.utf8), to: path)
    added = false
  }

  /// The memo file's entries; a damaged line is skipped (it only costs a
  /// rehash).
  private func load() -> [String: (Stamp, String)] {
    guard let bytes = store.readFile(path) else { return [:] }
    var entries: [String: (Stamp, String)] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let fields = line.split(
        separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
      guard fields.count == 7, fields[0].count == 64,
        fields[0].allSatisfy(\.isHexDigit)
      else { continue }
      entries[String(fields[6])] = (Stamp(Array(fields[1...5])), String(fields[0]))
    }
    return entries
  }
}
