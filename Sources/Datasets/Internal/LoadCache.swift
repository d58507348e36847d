import FileReading
import Foundation

// MARK: - In-process memo

/// Remembers loaded data sets so that a notebook run again (watch mode) or
/// several notebooks in one process decompress each file only once.
///
/// Keyed by the four paths and each file's device, inode, size and
/// modification time: replacing or touching a file makes the entry stale.
final class LoadCache: @unchecked Sendable {
  /// What identifies one load.
  struct Key: Hashable, Sendable {
    var name: DatasetName
    var paths: [String]
    var stamps: [FileStamp]
    var checksums: ChecksumPolicy
  }

  /// The one cache of this process.
  static let shared = LoadCache()

  /// Enough for both data sets from two places; each MNIST entry holds
  /// about 55 MB (shared with the callers' copies, which are CoW arrays).
  private let capacity = 4
  private let lock = NSLock()
  // Guarded by `lock`; oldest first.
  private var entries: [(key: Key, value: LoadedData)] = []

  func value(for key: Key) -> LoadedData? {
    lock.withLock {
      guard let index = entries.firstIndex(where: { $0.key == key }) else {
        return nil
      }
      let entry = entries.remove(at: index)
      entries.append(entry)
      return entry.value
    }
  }

  func store(_ value: LoadedData, for key: Key) {
    lock.withLock {
      // A newer version of the same files replaces the old entry.
      entries.removeAll { $0.key.paths == key.paths || $0.key == key }
      entries.append((key, value))
      if entries.count > capacity { entries.removeFirst() }
    }
  }

  func removeAll() {
    lock.withLock { entries.removeAll() }
  }
}
