#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - File identity

/// What identifies one version of a file: used to key the load cache.
struct FileStamp: Hashable, Sendable {
  var device: UInt64
  var inode: UInt64
  var size: Int
  var modifiedSeconds: Int
  var modifiedNanoseconds: Int
}

/// What is at a path, without reading it.
enum PathKind: Equatable {
  case missing, directory, regularFile, other
}

/// Stats `path` (following symbolic links).
func pathKind(_ path: String) -> PathKind {
  var info = stat()
  guard stat(path, &info) == 0 else { return .missing }
  switch info.st_mode & S_IFMT {
  case S_IFDIR: return .directory
  case S_IFREG: return .regularFile
  default: return .other
  }
}

/// The stamp of the regular file at `path`, or the error opening it would
/// give.
func fileStamp(_ path: String) throws(DataError) -> FileStamp {
  var info = stat()
  guard stat(path, &info) == 0 else {
    throw openError(path: path, code: errno)
  }
  try requireRegularFile(info, path: path)
  return stamp(of: info)
}

private func stamp(of info: stat) -> FileStamp {
  #if canImport(Darwin)
    let modified = info.st_mtimespec
  #else
    let modified = info.st_mtim
  #endif
  return FileStamp(
    device: UInt64(truncatingIfNeeded: info.st_dev),
    inode: UInt64(truncatingIfNeeded: info.st_ino),
    size: Int(info.st_size),
    modifiedSeconds: Int(modified.tv_sec),
    modifiedNanoseconds: Int(modified.tv_nsec))
}

private func requireRegularFile(_ info: stat, path: String) throws(DataError) {
  switch info.st_mode & S_IFMT {
  case S_IFREG: return
  case S_IFDIR: throw DataError(path: path, problem: .isDirectory)
  default:
    throw DataError(
      path: path, problem: .unreadable("not a regular file (a device, "
        + "pipe or socket?)"))
  }
}

private func openError(path: String, code: Int32) -> DataError {
  switch code {
  case ENOENT, ENOTDIR: return DataError(path: path, problem: .missingFile)
  case EISDIR: return DataError(path: path, problem: .isDirectory)
  default:
    return DataError(path: path, problem: .unreadable(systemMessage(code)))
  }
}

/// The C library's text for an `errno` value.
func systemMessage(_ code: Int32) -> String {
  guard let text = strerror(code) else { return "error \(code)" }
  return String(cString: text)
}

// MARK: - Reading whole files

/// The bytes of a regular file, read in one go, and its stamp.
///
/// Refuses folders, devices and pipes (a fifo or `/dev/zero` would never
/// end). If the file changes size while being read, the bytes read so far
/// are returned; the IDX checks then catch the damage.
func readWholeFile(_ path: String) throws(DataError) -> (
  bytes: [UInt8], stamp: FileStamp
) {
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
  guard descriptor >= 0 else { throw openError(path: path, code: errno) }
  defer { close(descriptor) }
  var info = stat()
  guard fstat(descriptor, &info) == 0 else {
    throw DataError(path: path, problem: .unreadable(systemMessage(errno)))
  }
  try requireRegularFile(info, path: path)
  let size = Int(info.st_size)
  var failure: Int32 = 0
  let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
    var done = 0
    while done < size {
      let got = read(descriptor, buffer.baseAddress! + done, size - done)
      if got < 0 {
        if errno == EINTR { continue }
        failure = errno
        break
      }
      if got == 0 { break }
      done += got
    }
    count = done
  }
  guard failure == 0 else {
    throw DataError(path: path, problem: .unreadable(systemMessage(failure)))
  }
  return (bytes, stamp(of: info))
}
