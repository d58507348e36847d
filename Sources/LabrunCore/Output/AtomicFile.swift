import FileReading
import Foundation

/// Writes files so that a reader never sees half of one.
///
/// The bytes go to a hidden temporary file beside the destination, are
/// flushed to disk, and the temporary file is renamed over the destination:
/// a browser, a second labrun or a crash sees either the old file or the
/// new one, whole. A failed write leaves the old file in place.
public enum AtomicFile {
  /// The prefix of temporary files, so that stale ones can be recognised.
  static let temporaryPrefix = StaleTemporaries.prefix

  /// Writes `contents` to `path` atomically.
  /// - Throws: `RunError.cannotWrite` naming the path and the system's reason.
  public static func write(_ contents: String, to path: String) throws(RunError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary =
      directory + "/" + StaleTemporaries.name(url.lastPathComponent)
    let bytes = Array(contents.utf8)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .cannotWrite(path: path, reason: errnoText()) }
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes {
        Glibc.write(fd, $0.baseAddress, $0.count)
      }
      if n < 0 {
        if errno == EINTR { continue }
        let reason = errnoText()
        close(fd)
        unlink(temporary)
        throw .cannotWrite(path: path, reason: reason)
      }
      written += n
    }
    if fsync(fd) != 0 || close(fd) != 0 {
      let reason = errnoText()
      unlink(temporary)
      throw .cannotWrite(path: path, reason: reason)
    }
    guard rename(temporary, path) == 0 else {
      let reason = errnoText()
      unlink(temporary)
      throw .cannotWrite(path: path, reason: reason)
    }
  }

  private static func errnoText() -> String {
    String(cString: strerror(errno))
  }
}
