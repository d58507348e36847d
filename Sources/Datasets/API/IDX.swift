// MARK: - IDX files

/// Reads IDX files, the format MNIST ships in, plain or gzipped.
///
/// An IDX file is a big-endian header (magic number, then one UInt32 per
/// dimension) followed by the items. Every read checks the magic number,
/// that the dimensions are non-zero and sane, and that the bytes match the
/// header's promise exactly; gzip goes through zlib, which also checks the
/// CRC-32 and length trailer. Whether a file is gzipped is decided by its
/// first two bytes (1f 8b), not its name.
public enum IDX {
  /// Magic number of an image file: unsigned bytes, 3 dimensions.
  public static let imagesMagic: UInt32 = 0x0000_0803
  /// Magic number of a label file: unsigned bytes, 1 dimension.
  public static let labelsMagic: UInt32 = 0x0000_0801

  // MARK: Files

  /// Reads an image file: (count, rows, columns) unsigned bytes.
  ///
  /// - Returns: the image size and the pixels, row-major, (count, rows,
  ///   columns).
  /// - Throws: `DataError` naming `path` if the file is missing, unreadable
  ///   or not a valid IDX image file.
  public static func readImages(path: String) throws(DataError) -> (
    rows: Int, columns: Int, pixels: [UInt8]
  ) {
    let file = try readWholeFile(path).bytes
    return try file.withUnsafeBufferPointer { (bytes) throws(DataError) in
      try parseImages(UnsafeRawBufferPointer(bytes), path: path)
    }
  }

  /// Reads a label file: (count) unsigned bytes.
  ///
  /// - Throws: `DataError` naming `path` if the file is missing, unreadable
  ///   or not a valid IDX label file.
  public static func readLabels(path: String) throws(DataError) -> [UInt8] {
    let file = try readWholeFile(path).bytes
    return try file.withUnsafeBufferPointer { (bytes) throws(DataError) in
      try parseLabels(UnsafeRawBufferPointer(bytes), path: path)
    }
  }

  // MARK: Bytes in memory

  /// Parses an image file's bytes (plain or gzipped) already in memory.
  ///
  /// - Parameter path: names the source in errors.
  public static func parseImages(
    _ bytes: UnsafeRawBufferPointer, path: String = "<memory>"
  ) throws(DataError) -> (rows: Int, columns: Int, pixels: [UInt8]) {
    let contents = try decodeIDX(bytes, kind: .images, path: path)
    return (contents.dimensions[1], contents.dimensions[2], contents.payload)
  }

  /// Parses a label file's bytes (plain or gzipped) already in memory.
  ///
  /// - Parameter path: names the source in errors.
  public static func parseLabels(
    _ bytes: UnsafeRawBufferPointer, path: String = "<memory>"
  ) throws(DataError) -> [UInt8] {
    try decodeIDX(bytes, kind: .labels, path: path).payload
  }

  /// Parses an image file's bytes (plain or gzipped).
  public static func parseImages(_ bytes: [UInt8], path: String = "<memory>")
    throws(DataError) -> (rows: Int, columns: Int, pixels: [UInt8])
  {
    try bytes.withUnsafeBufferPointer { (buffer) throws(DataError) in
      try parseImages(UnsafeRawBufferPointer(buffer), path: path)
    }
  }

  /// Parses a label file's bytes (plain or gzipped).
  public static func parseLabels(_ bytes: [UInt8], path: String = "<memory>")
    throws(DataError) -> [UInt8]
  {
    try bytes.withUnsafeBufferPointer { (buffer) throws(DataError) in
      try parseLabels(UnsafeRawBufferPointer(buffer), path: path)
    }
  }
}
