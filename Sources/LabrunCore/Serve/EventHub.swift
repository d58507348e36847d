import FlyingSocks
import Foundation

/// The connected server-sent-event clients, and what is sent to them.
///
/// Each client is an `AsyncStream` of encoded event bytes that the HTTP
/// response streams out (chunked). A client that disconnects is dropped
/// when the next write to it fails (a comment every 10 s makes sure one
/// comes).
final class EventHub: @unchecked Sendable {
  private let lock = NSLock()
  private var clients: [UUID: AsyncStream<[UInt8]>.Continuation] = [:]
  private var keepAlive: DispatchSourceTimer?

  init() {
    let timer = DispatchSource.makeTimerSource(
      queue: DispatchQueue(label: "labrun.serve.keepalive"))
    timer.schedule(deadline: .now() + 10, repeating: 10)
    timer.setEventHandler { [weak self] in self?.send(raw: ": ping\n\n") }
    timer.resume()
    keepAlive = timer
  }

  deinit { keepAlive?.cancel() }

  /// How many clients are connected.
  var count: Int { lock.withLock { clients.count } }

  /// A new client's stream; it starts with a retry hint so that a browser
  /// reconnects quickly after the server restarts.
  func subscribe() -> AsyncStream<[UInt8]> {
    let id = UUID()
    let (stream, continuation) = AsyncStream.makeStream(
      of: [UInt8].self, bufferingPolicy: .bufferingNewest(256))
    continuation.onTermination = { [weak self] _ in
      self?.lock.withLock { _ = self?.clients.removeValue(forKey: id) }
    }
    continuation.yield(Array("retry: 500\n: connected\n\n".utf8))
    lock.withLock { clients[id] = continuation }
    return stream
  }

  /// Sends `event` with one line of `data` (JSON) to every client.
  func send(event: String, data: String) {
    send(raw: "event: \(event)\ndata: \(data)\n\n")
  }

  private func send(raw: String) {
    let bytes = Array(raw.utf8)
    let all = lock.withLock { Array(clients.values) }
    for client in all { client.yield(bytes) }
  }
}

/// An `AsyncStream` of byte chunks as the byte sequence FlyingFox streams
/// as a response body.
struct StreamedBytes: AsyncBufferedSequence, Sendable {
  typealias Element = UInt8
  let stream: AsyncStream<[UInt8]>

  func makeAsyncIterator() -> Iterator {
    Iterator(base: stream.makeAsyncIterator())
  }

  struct Iterator: AsyncBufferedIteratorProtocol {
    var base: AsyncStream<[UInt8]>.Iterator
    /// What is left of the last chunk when the reader asked for less.
    var rest: ArraySlice<UInt8> = []

    mutating func next() async -> UInt8? {
      guard let buffer = await nextBuffer(suggested: 1) else { return nil }
      return buffer.first
    }

    mutating func nextBuffer(suggested count: Int) async -> ArraySlice<UInt8>? {
      while rest.isEmpty {
        guard let chunk = await base.next() else { return nil }
        rest = chunk[...]
      }
      let taken = rest.prefix(Swift.max(count, 1))
      rest = rest.dropFirst(taken.count)
      return taken
    }
  }
}
