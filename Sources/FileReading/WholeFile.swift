#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// labrun's one reader of whole files (notebooks, images, data sets, cache
/// entries), with plain system calls: Foundation's `FileManager.contents`
/// leaks a page on an empty file and blocks on a pipe.
public struct WholeFile: Sendable {
  /// The file's bytes.
  public var bytes: [UInt8]
  /// What identifies this version of the file (device, inode, size, time).
  public var stamp: FileStamp

  /// Why a file could not be read.
  public struct Failure: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
      /// Nothing at the path (or a path through a file).
      case missing
      /// A folder.
      case directory
      /// A device, a pipe or a socket: it could block or never end.
      case notRegularFile
      /// More than the caller's limit.
      case tooLarge
      /// Anything else the system said.
      case other
    }
    public var kind: Kind
    /// What went wrong, in the system's words where it gave some.
    public var reason: String
  }

  /// Reads the regular file at `path`, at most `limit` bytes.
  ///
  /// Never waits: the file is opened non-blocking, so one that would block
  /// (`/proc/kmsg`, which says it is a regular file) fails instead; and a
  /// file that says it is empty but is not (`/proc` files) is read to its
  /// end. A file that changes size while it is read gives what was read;
  /// the callers' checksums and format checks catch the damage.
  public static func read(_ path: String, limit: Int = .max)
    -> Result<WholeFile, Failure>
  {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return .failure(Failure(errno: errno)) }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      return .failure(Failure(errno: errno))
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: return .failure(Failure(errno: EISDIR))
    default:
      return .failure(
        Failure(
          kind: .notRegularFile,
          reason: "not a regular file (a device, pipe or socket?)"))
    }
    let tooLarge = Failure(
      kind: .tooLarge, reason: "it holds more than \(limit / 1_000_000) MB")
    guard Int(info.st_size) <= limit else { return .failure(tooLarge) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(info.st_size) + 1)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = chunk.withUnsafeMutableBytes {
        systemRead(descriptor, $0.baseAddress, $0.count)
      }
      if got < 0 {
        if errno == EINTR { continue }
        return .failure(Failure(errno: errno))
      }
      if got == 0 { break }
      bytes.append(contentsOf: chunk[..<got])
      if bytes.count > limit { return .failure(tooLarge) }
    }
    return .success(WholeFile(bytes: bytes, stamp: FileStamp(info)))
  }
}

/// The system's `read` (inside `WholeFile`, `read` is its own method).
private func systemRead(
  _ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int
) -> Int {
  read(descriptor, buffer, count)
}

extension WholeFile.Failure {
  /// The failure an `errno` value names.
  init(errno code: Int32) {
    let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
    switch code {
    case ENOENT, ENOTDIR: self.init(kind: .missing, reason: text)
    case EISDIR: self.init(kind: .directory, reason: text)
    default: self.init(kind: .other, reason: text)
    }
  }
}

/// What identifies one version of a file: its device, inode, size and
/// modification time.
public struct FileStamp: Hashable, Sendable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int
  public var modifiedSeconds: Int
  public var modifiedNanoseconds: Int

  /// The stamp of what `stat` or `fstat` reported.
  public init(_ info: stat) {
    #if canImport(Darwin)
      let modified = info.st_mtimespec
    #else
      let modified = info.st_mtim
    #endif
    device = UInt64(truncatingIfNeeded: info.st_dev)
    inode = UInt64(truncatingIfNeeded: info.st_ino)
    size = Int(info.st_size)
    modifiedSeconds = Int(modified.tv_sec)
    modifiedNanoseconds = Int(modified.tv_nsec)
  }
}
