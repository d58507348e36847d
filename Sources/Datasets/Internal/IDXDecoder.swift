import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

// MARK: - What an IDX file holds

/// The two IDX layouts MNIST-style data sets use.
enum IDXKind: Sendable {
  case images, labels

  /// 0x00000803: unsigned bytes, 3 dimensions (count, rows, columns);
  /// 0x00000801: unsigned bytes, 1 dimension (count).
  var magic: UInt32 { self == .images ? IDX.imagesMagic : IDX.labelsMagic }

  /// The number of dimensions the header lists.
  var rank: Int { self == .images ? 3 : 1 }

  /// The header's length in bytes: magic, then one UInt32 per dimension.
  var headerSize: Int { 4 + 4 * rank }

  /// What each dimension counts, for error messages.
  var dimensionNames: [String] {
    self == .images ? ["images", "rows", "columns"] : ["labels"]
  }
}

/// A decoded IDX file: its dimensions and the bytes after the header.
struct IDXContents: Sendable {
  /// (count) for labels, (count, rows, columns) for images.
  var dimensions: [Int]
  /// Row-major items: product of `dimensions` bytes.
  var payload: [UInt8]
}

/// The largest image side accepted; MNIST's is 28.
let maximumImageSide = 10_000

// MARK: - Decoding

/// Decodes a whole IDX file, gzipped or plain, checking every promise the
/// header makes.
///
/// - Parameters:
///   - bytes: the file as stored.
///   - kind: whether images or labels are expected.
///   - path: names the file in errors.
///   - checkCRC: `false` skips gzip's CRC-32, for callers that compare a
///     SHA-256 of the file with a known sum.
/// - Throws: `DataError` for an empty file, corrupt gzip, a wrong magic
///   number, bad dimensions, or a byte count other than the header's.
func decodeIDX(
  _ bytes: UnsafeRawBufferPointer, kind: IDXKind, path: String,
  checkCRC: Bool = true
) throws(DataError) -> IDXContents {
  guard !bytes.isEmpty else {
    throw DataError(path: path, problem: .emptyFile)
  }
  if isGzip(bytes) {
    let reader = try GzipReader(input: bytes, path: path, checkCRC: checkCRC)
    var source = reader
    return try decodeIDX(from: &source, kind: kind, path: path)
  }
  var source = PlainSource(bytes: bytes)
  return try decodeIDX(from: &source, kind: kind, path: path)
}

private func decodeIDX<Source: IDXByteSource>(
  from source: inout Source, kind: IDXKind, path: String
) throws(DataError) -> IDXContents {
  // MARK: Header
  var header = [UInt8](repeating: 0, count: kind.headerSize)
  let headerRead = try header.withMutableBytes(0..<4) {
    (buffer) throws(DataError) in try source.read(into: buffer)
  }
  if headerRead >= 4 {
    let magic = bigEndianWord(header, at: 0)
    guard magic == kind.magic else {
      throw DataError(
        path: path, problem: .badMagic(found: magic, expected: kind.magic))
    }
  }
  let restRead =
    headerRead < 4
    ? 0
    : try header.withMutableBytes(4..<kind.headerSize) {
      (buffer) throws(DataError) in try source.read(into: buffer)
    }
  guard headerRead + restRead == kind.headerSize else {
    throw DataError(
      path: path,
      problem: .truncated(
        expected: kind.headerSize, actual: headerRead + restRead))
  }
  let dimensions = (0..<kind.rank).map {
    Int(bigEndianWord(header, at: 4 + 4 * $0))
  }
  let payloadSize = try checkedPayloadSize(
    dimensions, kind: kind, path: path)
  let expectedTotal = kind.headerSize + payloadSize

  // MARK: Payload
  // Refuse a promise the file cannot keep before allocating for it; for
  // gzip, count what is really there so the message says how much.
  guard payloadSize <= source.maximumRemaining else {
    let actual = try source.skipRemaining(limit: Int.max)
    throw DataError(
      path: path,
      problem: .truncated(
        expected: expectedTotal, actual: kind.headerSize + actual))
  }
  let payload =
    payloadSize <= 1 << 20
      || (payloadSize <= 1 << 28 && source.confirms(total: expectedTotal))
    ? try readPreallocated(payloadSize, from: &source)
    : try readGrowing(payloadSize, from: &source)
  guard payload.count == payloadSize else {
    throw DataError(
      path: path,
      problem: .truncated(
        expected: expectedTotal, actual: kind.headerSize + payload.count))
  }

  // MARK: End
  let extra = try source.skipRemaining(limit: DataError.trailingCountLimit)
  guard extra == 0 else {
    throw DataError(
      path: path, problem: .trailingBytes(expected: expectedTotal, extra: extra))
  }
  try source.finish()
  return IDXContents(dimensions: dimensions, payload: payload)
}

/// Reads up to `size` bytes into an array allocated once at that size.
private func readPreallocated<Source: IDXByteSource>(
  _ size: Int, from source: inout Source
) throws(DataError) -> [UInt8] {
  var failure: DataError?
  let payload = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
    prefaultInBackground(UnsafeMutableRawBufferPointer(buffer))
    do throws(DataError) {
      count = try source.read(into: UnsafeMutableRawBufferPointer(buffer))
    } catch {
      failure = error
      count = 0
    }
  }
  if let failure { throw failure }
  return payload
}

/// Asks the kernel, on another thread, to map the pages of a large fresh
/// buffer while this thread fills it from the start.
///
/// Faulting in MNIST's 47 MB page by page costs about 20 ms on the
/// decompressing thread; done ahead of it, most of that disappears.
/// `MADV_POPULATE_WRITE` only maps pages, it never changes their bytes,
/// so running alongside the writer is safe, and if the buffer is gone by
/// then the call fails harmlessly.
private func prefaultInBackground(_ buffer: UnsafeMutableRawBufferPointer) {
  #if os(Linux)
    let page = 4096
    guard buffer.count >= 1 << 22, let base = buffer.baseAddress else {
      return
    }
    let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
    guard end > start else { return }
    DispatchQueue.global(qos: .userInitiated).async {
      _ = madvise(
        UnsafeMutableRawPointer(bitPattern: start), end - start,
        23 /* MADV_POPULATE_WRITE, Linux 5.14 */)
    }
  #endif
}

/// Reads up to `size` bytes in chunks, so that memory grows only with the
/// data really there: for promises nothing corroborates (a forged header
/// on a small file must not make us allocate gigabytes).
private func readGrowing<Source: IDXByteSource>(
  _ size: Int, from source: inout Source
) throws(DataError) -> [UInt8] {
  var payload: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 22)
  while payload.count < size {
    let wanted = min(chunk.count, size - payload.count)
    let got = try chunk.withMutableBytes(0..<wanted) {
      (buffer) throws(DataError) in try source.read(into: buffer)
    }
    payload.append(contentsOf: chunk[..<got])
    if got < wanted { break }
  }
  return payload
}

/// The payload's byte count, after checking each dimension is sane and the
/// product does not overflow.
private func checkedPayloadSize(
  _ dimensions: [Int], kind: IDXKind, path: String
) throws(DataError) -> Int {
  for (value, name) in zip(dimensions, kind.dimensionNames) {
    guard value > 0 else {
      throw DataError(
        path: path, problem: .badDimensions("the header says 0 \(name)"))
    }
  }
  if kind == .images {
    for (value, name) in zip(dimensions.dropFirst(), ["rows", "columns"])
    where value > maximumImageSide {
      throw DataError(
        path: path,
        problem: .badDimensions(
          "\(value) \(name) per image is absurd (at most "
            + "\(maximumImageSide) accepted)"))
    }
  }
  var product = 1
  for value in dimensions {
    let (next, overflow) = product.multipliedReportingOverflow(by: value)
    // Leave room for the header so the total cannot overflow either.
    guard !overflow, next <= Int.max - 64 else {
      let shape = dimensions.map(String.init).joined(separator: " × ")
      throw DataError(
        path: path,
        problem: .badDimensions("\(shape) bytes is too large to address"))
    }
    product = next
  }
  return product
}

/// The big-endian UInt32 at `offset` (IDX headers are big-endian).
private func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
  bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
}

extension [UInt8] {
  /// `withUnsafeMutableBytes` over `range`, keeping the error type (the
  /// standard library's version rethrows `any Error`).
  mutating func withMutableBytes<Result>(
    _ range: Range<Int>,
    _ body: (UnsafeMutableRawBufferPointer) throws(DataError) -> Result
  ) throws(DataError) -> Result {
    try withUnsafeMutableBufferPointer { (buffer) throws(DataError) in
      try body(
        UnsafeMutableRawBufferPointer(
          UnsafeMutableBufferPointer(rebasing: buffer[range])))
    }
  }
}
