import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Turns Ctrl-C (SIGINT) and SIGTERM into a call on a queue, so that labrun
/// can cancel its run and leave cleanly instead of dying mid-write.
///
/// The signals are ignored at the process level and delivered through
/// dispatch sources. A second signal while the first is being handled
/// leaves at once (status 128 + signal), for a run that does not stop.
public final class SignalTrap: @unchecked Sendable {
  private var sources: [any DispatchSourceSignal] = []
  private let lock = NSLock()
  private var received: Int32?

  /// Starts catching `signals`; `handler` gets the first one's number.
  public init(
    signals: [Int32] = [SIGINT, SIGTERM],
    handler: @escaping @Sendable (Int32) -> Void
  ) {
    let queue = DispatchQueue(label: "labrun.signals")
    for number in signals {
      Glibc.signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(
        signal: number, queue: queue)
      source.setEventHandler { [weak self] in
        guard let self else { return }
        let first = self.lock.withLock {
          defer { if self.received == nil { self.received = number } }
          return self.received == nil
        }
        if first {
          // The handler may wait for the run to stop; a second Ctrl-C
          // must still get through, so it runs elsewhere.
          DispatchQueue.global().async { handler(number) }
        } else {
          Foundation.exit(Self.status(for: number))
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The signal caught, if any (the run's `isCancelled` asks this).
  public var signal: Int32? { lock.withLock { received } }

  /// The conventional exit status for a process ended by `signal`.
  public static func status(for signal: Int32) -> Int32 { 128 + signal }
}
