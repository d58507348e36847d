import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc

  /// Reports the files saved, renamed or removed in a set of folders, using
  /// Linux's inotify.
  ///
  /// Watching the folder rather than the file is what catches every way an
  /// editor saves: in place (CLOSE_WRITE on the name), atomically (a
  /// temporary file renamed over the name: MOVED_TO) and Vim-style (the old
  /// file renamed to a backup, a new file written under the name). A watch
  /// on the file itself would die with the first rename.
  final class DirectoryWatcher: @unchecked Sendable {
    /// Something happened to `name` inside `directory`.
    struct Event: Sendable, Equatable {
      var directory: String
      var name: String
      /// The path as the watcher was given the folder (`dir/name`).
      var path: String { directory + "/" + name }
    }

    private let fd: Int32
    private let source: DispatchSourceRead
    /// Watch descriptor → folder, as given.
    private var folders: [Int32: String] = [:]

    /// Starts watching `directories`; `handler` runs on `queue` with the
    /// events of one read (already split into single events).
    /// - Throws: `WatchError.cannotWatch` naming the folder and the reason.
    init(
      directories: [String], queue: DispatchQueue,
      handler: @escaping @Sendable ([Event]) -> Void
    ) throws(WatchError) {
      let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
      guard fd >= 0 else {
        throw .cannotWatch(path: "inotify", reason: Self.errnoText())
      }
      let mask = Self.mask
      var folders: [Int32: String] = [:]
      for directory in directories {
        let wd = inotify_add_watch(fd, directory, mask)
        guard wd >= 0 else {
          let reason = Self.errnoText()
          close(fd)
          throw .cannotWatch(path: directory, reason: reason)
        }
        folders[wd] = directory
      }
      self.fd = fd
      self.folders = folders
      source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
      source.setEventHandler { [weak self] in
        guard let events = self?.readEvents(), !events.isEmpty else { return }
        handler(events)
      }
      source.setCancelHandler { close(fd) }
      source.resume()
    }

    /// Saves and renames into a folder; deletions and renames away, so that
    /// a deleted notebook is dropped.
    private static let mask = UInt32(
      IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)

    /// Watches one more folder (an image's). Call it on the handler's
    /// queue, where the events are read. False when it cannot be watched.
    func add(directory: String) -> Bool {
      guard !folders.values.contains(directory) else { return true }
      let wd = inotify_add_watch(fd, directory, Self.mask)
      guard wd >= 0 else { return false }
      folders[wd] = directory
      return true
    }

    /// Stops watching and closes the inotify descriptor.
    func cancel() {
      source.cancel()
    }

    // MARK: - Reading events

    /// Reads every pending event. Each is a 16-byte header (wd, mask,
    /// cookie, len: four 32-bit integers) followed by `len` bytes of name,
    /// NUL-padded.
    private func readEvents() -> [Event] {
      var events: [Event] = []
      var buffer = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let n = buffer.withUnsafeMutableBytes {
          read(fd, $0.baseAddress, $0.count)
        }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        events += Self.parse(buffer[0..<n], folders: folders)
      }
      return events
    }

    /// Splits raw inotify bytes into events for the known folders.
    static func parse(_ bytes: ArraySlice<UInt8>, folders: [Int32: String])
      -> [Event]
    {
      var events: [Event] = []
      let header = 16
      bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset + header <= raw.count {
          let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
          let length = Int(
            raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
          let end = offset + header + length
          guard end <= raw.count else { break }
          let nameBytes = raw[(offset + header)..<end].prefix { $0 != 0 }
          if let folder = folders[wd], !nameBytes.isEmpty {
            events.append(
              Event(
                directory: folder,
                name: String(decoding: nameBytes, as: UTF8.self)))
          }
          offset = end
        }
      }
      return events
    }

    private static func errnoText() -> String {
      String(cString: strerror(errno))
    }
  }
#endif

/// Why watch mode could not start.
public enum WatchError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A folder could not be watched (missing, no permission, too many
  /// watches).
  case cannotWatch(path: String, reason: String)
  /// Watch mode needs Linux's inotify.
  case unsupportedPlatform

  public var description: String {
    switch self {
    case .cannotWatch(let path, let reason):
      "\(path): error: cannot watch for changes: \(reason)"
    case .unsupportedPlatform:
      "error: --watch needs Linux (inotify)"
    }
  }
}
