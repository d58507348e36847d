import FileReading

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - File identity

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
  return FileStamp(info)
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

/// The bytes of a regular file and its stamp (`WholeFile.read`, with the
/// data set's words for what went wrong).
///
/// Refuses folders, devices and pipes (a fifo or `/dev/zero` would never
/// end). If the file changes size while being read, the bytes read so far
/// are returned; the IDX checks then catch the damage.
func readWholeFile(_ path: String) throws(DataError) -> (
  bytes: [UInt8], stamp: FileStamp
) {
  switch WholeFile.read(path) {
  case .success(let file): return (file.bytes, file.stamp)
  case .failure(let failure):
    switch failure.kind {
    case .missing: throw DataError(path: path, problem: .missingFile)
    case .directory: throw DataError(path: path, problem: .isDirectory)
    case .notRegularFile, .tooLarge, .other:
      throw DataError(path: path, problem: .unreadable(failure.reason))
    }
  }
}
