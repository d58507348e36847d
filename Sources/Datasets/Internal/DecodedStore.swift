import CCrypto
import FileReading
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Entry format

/// Reads and writes the entries of a ``DecodedDataCache``.
///
/// One file per data set and source sums, all integers little-endian:
///
///     magic        8 bytes  "LRDECODE"
///     version      UInt32   DecodedStore.version
///     name length  UInt32   n (at most 64)
///     name         n bytes  "mnist"
///     source sums  4 × 32   SHA-256 of training images, training labels,
///                           test images, test labels as stored
///     sizes        4 × UInt64  rows, columns, training count, test count
///     payload      training pixels, training labels, test pixels,
///                  test labels
///     checksum     32 bytes SHA-256 of everything before it
enum DecodedStore {
  /// Bump when the layout or what it means changes: old entries then miss.
  static let version: UInt32 = 1
  private static let magic = Array("LRDECODE".utf8)
  private static let suffix = ".decoded"
  /// Temporary files are named as labrun's other atomic writes.
  static let temporaryPrefix = StaleTemporaries.prefix

  /// The entry's path for `name` and the sources' sums (hex).
  static func path(
    in folder: String, name: DatasetName, sums: [String]
  ) -> String {
    let key = SHA256Digest.hex(
      of: Array(
        "\(version) \(name.rawValue) \(sums.joined(separator: " "))".utf8))
    return joinPath(folder, name.rawValue + "-" + key.prefix(32) + suffix)
  }

  // MARK: Reading

  /// The training and test sets stored for `name` and `sums`, or nil when
  /// there is no intact entry (missing, short, damaged, another version or
  /// other sources, a label out of range).
  static func read(
    _ name: DatasetName, sums: [String], in folder: String
  ) -> (training: Dataset, test: Dataset)? {
    let path = path(in: folder, name: name, sums: sums)
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      return nil
    }
    let header = expectedHeaderPrefix(name, sums: sums)
    let sizesLength = 4 * 8
    guard
      let head = readExactly(fd, count: header.count + sizesLength),
      Array(head[..<header.count]) == header
    else { return nil }
    let sizes = (0..<4).map { index in
      head.withUnsafeBytes {
        UInt64(littleEndian: $0.loadUnaligned(
          fromByteOffset: header.count + index * 8, as: UInt64.self))
      }
    }
    // Sizes from a file are checked before any arithmetic on them (IDX
    // counts are 32-bit: nothing below can overflow).
    let limit = UInt64(UInt32.max)
    guard sizes.allSatisfy({ $0 <= limit }), sizes[0] > 0, sizes[1] > 0
    else { return nil }
    let (rows, columns) = (Int(sizes[0]), Int(sizes[1]))
    let (trainingCount, testCount) = (Int(sizes[2]), Int(sizes[3]))
    let (pixels, overflow) = rows.multipliedReportingOverflow(by: columns)
    guard !overflow, pixels <= 1 << 24 else { return nil }
    let payload = (trainingCount + testCount) * (pixels + 1)
    guard Int(info.st_size) == head.count + payload + 32 else { return nil }

    let digest = StreamingSHA256()
    digest.update(head)
    guard
      let trainingPixels = readArray(fd, count: trainingCount * pixels, digest),
      let trainingLabels = readArray(fd, count: trainingCount, digest),
      let testPixels = readArray(fd, count: testCount * pixels, digest),
      let testLabels = readArray(fd, count: testCount, digest),
      let stored = readExactly(fd, count: 32),
      let computed = digest.finish(), computed == stored
    else { return nil }
    let classes = name.classNames.count
    guard !trainingLabels.contains(where: { Int($0) >= classes }),
      !testLabels.contains(where: { Int($0) >= classes })
    else { return nil }
    // A hit marks the entry as recently used (older ones go first).
    _ = futimens(fd, nil)
    return (
      Dataset(
        rows: rows, columns: columns, pixels: trainingPixels,
        labels: trainingLabels),
      Dataset(
        rows: rows, columns: columns, pixels: testPixels, labels: testLabels)
    )
  }

  // MARK: Writing

  /// Stores `training` and `test` for `name` and `sums`; a failure (a full
  /// disk, a folder that cannot be made) only means a later miss.
  @discardableResult
  static func write(
    _ name: DatasetName, sums: [String], training: Dataset, test: Dataset,
    in folder: String
  ) -> Bool {
    guard
      (try? FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true)) != nil
    else { return false }
    let path = path(in: folder, name: name, sums: sums)
    let temporary = joinPath(
      folder,
      StaleTemporaries.name("\(UInt64.random(in: 0...UInt64.max))" + suffix))
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    var head = expectedHeaderPrefix(name, sums: sums)
    for size in [training.rows, training.columns, training.count, test.count] {
      withUnsafeBytes(of: UInt64(size).littleEndian) { head += $0 }
    }
    let digest = StreamingSHA256()
    var ok = true
    for part in [head, training.pixels, training.labels, test.pixels, test.labels]
    {
      digest.update(part)
      ok = ok && writeAll(fd, part)
    }
    if ok, let sum = digest.finish() {
      ok = writeAll(fd, sum)
    } else {
      ok = false
    }
    ok = close(fd) == 0 && ok
    guard ok, rename(temporary, path) == 0 else {
      unlink(temporary)
      return false
    }
    removeOldEntries(of: name, in: folder, keeping: path)
    return true
  }

  /// Removes all but the most recently used entries of `name`, and the
  /// temporary files of writers that no longer run.
  private static func removeOldEntries(
    of name: DatasetName, in folder: String, keeping kept: String
  ) {
    StaleTemporaries.remove(in: folder)
    guard let names = try? FileManager.default.contentsOfDirectory(
      atPath: folder)
    else { return }
    var entries: [(path: String, used: Int)] = []
    for file in names {
      let path = joinPath(folder, file)
      if file.hasPrefix(temporaryPrefix) { continue }
      guard file.hasPrefix(name.rawValue + "-"), file.hasSuffix(suffix),
        path != kept
      else { continue }
      var info = stat()
      guard stat(path, &info) == 0 else { continue }
      entries.append(
        (path, Int(info.st_mtim.tv_sec) * 1_000_000_000
          + Int(info.st_mtim.tv_nsec)))
    }
    entries.sort { $0.used > $1.used }
    for entry in entries.dropFirst(DecodedDataCache.entriesPerDataset - 1) {
      unlink(entry.path)
    }
  }

  // MARK: Helpers

  /// Magic, version, name and the four sums: what an entry for `name` and
  /// `sums` must begin with.
  private static func expectedHeaderPrefix(
    _ name: DatasetName, sums: [String]
  ) -> [UInt8] {
    var bytes = magic
    let nameBytes = Array(name.rawValue.utf8)
    withUnsafeBytes(of: version.littleEndian) { bytes += $0 }
    withUnsafeBytes(of: UInt32(nameBytes.count).littleEndian) { bytes += $0 }
    bytes += nameBytes
    for sum in sums { bytes += hexBytes(sum) }
    return bytes
  }

  /// 32 bytes from 64 hex digits (zeros for anything else: such a sum
  /// never comes from SHA256Digest, and then matches no entry written).
  private static func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    guard digits.count == 64 else { return [UInt8](repeating: 0, count: 32) }
    func value(_ c: UInt8) -> UInt8 {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
      default: 0
      }
    }
    return (0..<32).map { value(digits[2 * $0]) << 4 | value(digits[2 * $0 + 1]) }
  }

  /// Exactly `count` bytes from `fd`, or nil at an early end or error.
  private static func readExactly(_ fd: Int32, count: Int) -> [UInt8]? {
    readArray(fd, count: count, nil)
  }

  /// Reads `count` bytes straight into a new array, adding them to
  /// `digest` if given.
  private static func readArray(
    _ fd: Int32, count: Int, _ digest: StreamingSHA256?
  ) -> [UInt8]? {
    var complete = true
    let bytes = [UInt8](unsafeUninitializedCapacity: count) {
      buffer, initialized in
      var done = 0
      while done < count {
        let n = Glibc.read(fd, buffer.baseAddress! + done, count - done)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        done += n
      }
      if done < count {
        // Zeros for the rest, so the array is initialised; it is dropped.
        (buffer.baseAddress! + done).initialize(repeating: 0, count: count - done)
        complete = false
      }
      initialized = count
    }
    guard complete else { return nil }
    digest?.update(bytes)
    return bytes
  }

  /// Writes all of `bytes` to `fd`.
  private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
      var written = 0
      while written < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return false }
        written += n
      }
      return true
    }
  }
}

// MARK: - SHA-256 in pieces

/// SHA-256 over several buffers, through OpenSSL's EVP interface (a
/// reference: copies share one running digest).
private struct StreamingSHA256 {
  private final class Context {
    let pointer: OpaquePointer?
    var failed: Bool
    init() {
      pointer = EVP_MD_CTX_new()
      failed = pointer == nil
        || EVP_DigestInit_ex(pointer, EVP_sha256(), nil) != 1
    }
    deinit { EVP_MD_CTX_free(pointer) }
  }
  private let context = Context()

  func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
      guard raw.count > 0, !context.failed else { return }
      if EVP_DigestUpdate(context.pointer, raw.baseAddress, raw.count) != 1 {
        context.failed = true
      }
    }
  }

  /// The 32-byte digest, or nil if OpenSSL failed at any step (then an
  /// entry is neither written nor trusted).
  func finish() -> [UInt8]? {
    guard !context.failed else { return nil }
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    let status = digest.withUnsafeMutableBufferPointer {
      EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length)
    }
    guard status == 1, length == 32 else { return nil }
    return digest
  }
}
