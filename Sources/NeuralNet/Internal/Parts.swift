import CKernels

/// Work cut into parts that run at the same time, one thread each.
///
/// Layers split a batch's work so that every output element is computed
/// by one part, in the same order as on one thread: the parts change the
/// time, never a bit.
enum Parts {
  /// Calls `body(part)` for every part in `0..<count` at once (the calling
  /// thread runs one of them and those its helper threads have not begun;
  /// see `lr_parts_run`) and returns when all have finished.
  static func run(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
      body(0)
      return
    }
    // The parts write disjoint memory; the caller guarantees it.
    withoutActuallyEscaping(body) { body in
      var work = body
      withUnsafeMutablePointer(to: &work) { work in
        lr_parts_run(
          Int32(count),
          { context, part in
            context!.assumingMemoryBound(to: ((Int) -> Void).self)
              .pointee(Int(part))
          }, work)
      }
    }
  }

  /// Part `part` of `0..<total` cut into `parts` near-equal ranges.
  static func range(_ part: Int, of parts: Int, _ total: Int) -> Range<Int> {
    total * part / parts..<total * (part + 1) / parts
  }
}

/// A relay between the parts of one ``Parts/run(_:_:)`` (see
/// `lr_relay_wait`): part p takes step s once part p − 1 has passed it.
final class Relay {
  let pointer: OpaquePointer

  init() {
    guard let relay = lr_relay_create() else {
      fatalError("out of memory for a relay between threads")
    }
    pointer = relay
  }

  deinit { lr_relay_destroy(pointer) }
}
