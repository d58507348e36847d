import CZlib

// MARK: - Byte sources

/// Yields a file's IDX bytes in order, whether stored plain or gzipped.
protocol IDXByteSource {
  /// An upper bound on the bytes still to come, known without decoding
  /// them; used to refuse absurd headers before allocating.
  var maximumRemaining: Int { get }
  /// Fills `buffer` as far as the data goes; returns the bytes written
  /// (fewer than `buffer.count` only at the end of the data).
  mutating func read(into buffer: UnsafeMutableRawBufferPointer)
    throws(DataError) -> Int
  /// Whether something besides the header backs the promise of `total`
  /// decoded bytes (for gzip: the ISIZE trailer), so that allocating all
  /// of it up front is safe.
  func confirms(total: Int) -> Bool
  /// Checks that the data ended properly (e.g. the gzip trailer is there).
  mutating func finish() throws(DataError)
}

extension IDXByteSource {
  /// Reads and discards the rest of the data; returns how many bytes there
  /// were, counting at most `limit`.
  mutating func skipRemaining(limit: Int) throws(DataError) -> Int {
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    var total = 0
    while total < limit {
      let got = try scratch.withMutableBytes(0..<scratch.count) {
        (buffer) throws(DataError) in try read(into: buffer)
      }
      total += got
      if got < scratch.count { break }
    }
    return min(total, limit)
  }
}

/// An uncompressed IDX file already in memory.
struct PlainSource: IDXByteSource {
  let bytes: UnsafeRawBufferPointer
  var offset = 0

  var maximumRemaining: Int { bytes.count - offset }

  mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let count = min(buffer.count, bytes.count - offset)
    guard count > 0, let target = buffer.baseAddress,
      let base = bytes.baseAddress
    else { return 0 }
    target.copyMemory(from: base + offset, byteCount: count)
    offset += count
    return count
  }

  func confirms(total: Int) -> Bool { total <= bytes.count }

  func finish() {}
}

// MARK: - gzip through zlib

/// Decompresses a gzip file held in memory, one `read` at a time.
///
/// Accepts several gzip members one after another (as `gzip` does) but
/// rejects anything else after the last member. zlib checks each member's
/// CRC-32 and length trailer itself.
final class GzipReader: IDXByteSource {
  /// The most a deflate stream can expand: 258 bytes per 2-bit code
  /// gives ratios just over 1000:1.
  static let maximumRatio = 1032

  private let input: UnsafeRawBufferPointer
  private let path: String
  /// The z_stream lives at a fixed address: zlib keeps a pointer back to
  /// it and refuses a stream that moved.
  private let stream: UnsafeMutablePointer<z_stream>
  /// Where in `input` the next bytes for zlib start.
  private var inputOffset = 0
  /// The last member ended cleanly and no input is left.
  private var ended = false
  /// The input ran out in the middle of a member.
  private var cutShort = false

  /// Starts decompressing `input`, which must outlive the reader.
  ///
  /// - Parameter checkCRC: `false` skips computing the CRC-32 of the
  ///   output (about 10% of the time), for callers that compare the whole
  ///   file's SHA-256 with a known sum anyway, a stronger check.
  init(input: UnsafeRawBufferPointer, path: String, checkCRC: Bool = true)
    throws(DataError)
  {
    self.input = input
    self.path = path
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // 15 + 16: the largest window, and expect a gzip (not zlib) header.
    let status = inflateInit2_(
      stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
      stream.deallocate()
      throw DataError(
        path: path, problem: .unreadable("zlib could not start (\(status))"))
    }
    if !checkCRC { inflateValidate(stream, 0) }
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
  }

  var maximumRemaining: Int {
    let (bound, overflow) = (input.count - inputOffset)
      .multipliedReportingOverflow(by: Self.maximumRatio)
    return overflow ? Int.max : bound + 1024
  }

  /// True when the last member's ISIZE trailer (the decoded length modulo
  /// 2^32, little-endian) matches `total`.
  func confirms(total: Int) -> Bool {
    guard input.count >= 18 else { return false }
    let end = input.count
    let size = (1...4).reduce(UInt32(0)) { $0 << 8 | UInt32(input[end - $1]) }
    return size == UInt32(truncatingIfNeeded: total)
  }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError)
    -> Int
  {
    guard let target = buffer.baseAddress else { return 0 }
    var produced = 0
    while produced < buffer.count && !ended && !cutShort {
      // avail_in/avail_out are 32-bit: feed at most 1 GiB at a time.
      let inputLeft = input.count - inputOffset
      let inChunk = min(inputLeft, 1 << 30)
      let outChunk = min(buffer.count - produced, 1 << 30)
      guard inChunk > 0 else {
        cutShort = true
        break
      }
      stream.pointee.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress!.advanced(by: inputOffset)
          .assumingMemoryBound(to: UInt8.self))
      stream.pointee.avail_in = UInt32(inChunk)
      stream.pointee.next_out = target.advanced(by: produced)
        .assumingMemoryBound(to: UInt8.self)
      stream.pointee.avail_out = UInt32(outChunk)
      let status = inflate(stream, Z_NO_FLUSH)
      inputOffset += inChunk - Int(stream.pointee.avail_in)
      produced += outChunk - Int(stream.pointee.avail_out)
      switch status {
      case Z_OK:
        continue
      case Z_BUF_ERROR:
        // No progress: with output room left, the input must be used up.
        if stream.pointee.avail_out > 0 { cutShort = true }
      case Z_STREAM_END:
        try startNextMember()
      default:
        throw corrupt(zlibMessage(status))
      }
    }
    return produced
  }

  func finish() throws(DataError) {
    if cutShort || !ended {
      throw corrupt(
        "the compressed data stops before the end of the gzip stream "
          + "(the file was cut short?)")
    }
  }

  /// After a member's end: go on with the next member, or stop.
  private func startNextMember() throws(DataError) {
    let left = input.count - inputOffset
    guard left > 0 else {
      ended = true
      return
    }
    let next = input[inputOffset]
    let second = left > 1 ? input[inputOffset + 1] : 0
    guard next == 0x1f && second == 0x8b else {
      throw corrupt(
        "\(left) byte(s) of garbage after the end of the gzip stream")
    }
    let status = inflateReset(stream)
    guard status == Z_OK else { throw corrupt(zlibMessage(status)) }
  }

  private func zlibMessage(_ status: Int32) -> String {
    if let message = stream.pointee.msg {
      return String(cString: message)
    }
    switch status {
    case Z_NEED_DICT: return "needs a preset dictionary"
    case Z_MEM_ERROR: return "out of memory"
    default: return "zlib error \(status)"
    }
  }

  private func corrupt(_ reason: String) -> DataError {
    DataError(path: path, problem: .corruptGzip(reason))
  }
}

/// Whether `bytes` start with the gzip magic number 1f 8b.
func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
  bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}
