#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

import Foundation

/// Temporary files of labrun's atomic writes: `<prefix><pid>-<anything>`,
/// renamed into place when whole. A process killed before the rename leaves
/// one behind; whoever next writes beside it removes it.
public enum StaleTemporaries {
  /// The prefix of every temporary file labrun writes (hidden, and never a
  /// name a notebook, report or cache entry has).
  public static let prefix = ".labrun-tmp-"

  /// The name of a temporary file for this process, unique within it.
  public static func name(_ suffix: String) -> String {
    prefix + "\(getpid())-" + suffix
  }

  /// Removes the temporary files in `directory` whose writing process no
  /// longer runs (never this process's own, nor a live one's).
  public static func remove(in directory: String) {
    guard
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return }
    for name in names where name.hasPrefix(prefix) {
      let rest = name.dropFirst(prefix.count)
      guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash])
      else { continue }
      if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
        unlink(directory + "/" + name)
      }
    }
  }
}
