/// A zero-filled, 64-byte-aligned block of floats owned by one network.
///
/// The training loop works on raw pointers into these blocks, so it never
/// allocates, copies on write, or checks exclusivity per element.
final class FloatBuffer {
  /// Number of floats.
  let count: Int
  /// First float; valid until the buffer is released.
  let base: UnsafeMutablePointer<Float>

  /// Allocates `count` floats set to zero.
  init(count: Int) {
    precondition(count >= 0)
    self.count = count
    // Whole 64-byte cache lines: no other allocation shares a line with
    // the floats, which one thread may be rewriting every batch.
    let lines = (max(count, 1) * MemoryLayout<Float>.stride + 63) / 64
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: lines * 64, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: lines * 16)
    base.initialize(repeating: 0, count: lines * 16)
  }

  /// Allocates a copy of `values`.
  convenience init(_ values: [Float]) {
    self.init(count: values.count)
    values.withUnsafeBufferPointer { source in
      guard let start = source.baseAddress else { return }
      base.update(from: start, count: values.count)
    }
  }

  deinit { base.deallocate() }

  /// Overwrites every float with `value`.
  func fill(_ value: Float) { base.update(repeating: value, count: count) }
}
