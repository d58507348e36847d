import CZlib
import Foundation

@testable import Datasets

// MARK: - Building IDX files

/// An IDX file: big-endian magic, dimensions, then `payload`.
func idxFile(magic: UInt32, dimensions: [UInt32], payload: [UInt8])
  -> [UInt8]
{
  var bytes: [UInt8] = []
  for word in [magic] + dimensions {
    bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) }
  }
  return bytes + payload
}

/// `count` images of `rows`×`columns` whose pixel (i, r, c) is
/// `(i * 50 + r * columns + c) % 256`, so every byte's place is checkable.
func imagePixels(count: Int, rows: Int, columns: Int) -> [UInt8] {
  var pixels: [UInt8] = []
  for i in 0..<count {
    for r in 0..<rows {
      for c in 0..<columns {
        pixels.append(UInt8((i * 50 + r * columns + c) % 256))
      }
    }
  }
  return pixels
}

/// An IDX image file with ``imagePixels(count:rows:columns:)``.
func imageFile(count: Int, rows: Int, columns: Int) -> [UInt8] {
  idxFile(
    magic: 0x803,
    dimensions: [UInt32(count), UInt32(rows), UInt32(columns)],
    payload: imagePixels(count: count, rows: rows, columns: columns))
}

/// An IDX label file.
func labelFile(_ labels: [UInt8]) -> [UInt8] {
  idxFile(magic: 0x801, dimensions: [UInt32(labels.count)], payload: labels)
}

// MARK: - gzip through zlib

/// `bytes` compressed as a gzip file (one member), written by zlib.
func gzip(_ bytes: [UInt8]) -> [UInt8] {
  var stream = z_stream()
  // 15 + 16: largest window, gzip wrapper.
  let status = deflateInit2_(
    &stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
    ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
  precondition(status == Z_OK, "deflateInit2 failed")
  defer { deflateEnd(&stream) }
  let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 64
  var output = [UInt8](repeating: 0, count: bound)
  var input = bytes
  let written = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      stream.next_in = inBuffer.baseAddress
      stream.avail_in = UInt32(inBuffer.count)
      stream.next_out = outBuffer.baseAddress
      stream.avail_out = UInt32(outBuffer.count)
      let result = deflate(&stream, Z_FINISH)
      precondition(result == Z_STREAM_END, "deflate did not finish")
      return outBuffer.count - Int(stream.avail_out)
    }
  }
  return Array(output[..<written])
}

// MARK: - Temporary folders

/// A fresh folder under the system's temporary directory; call `remove()`
/// when done (tests run in parallel, each with its own).
struct TemporaryFolder {
  let path: String

  init() {
    var template = Array(
      (NSTemporaryDirectory() + "/labrun-datasets-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer {
      mkdtemp($0.baseAddress!)
    }
    precondition(made != nil, "mkdtemp failed")
    path = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
      as: UTF8.self)
  }

  /// `path/name`.
  func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to `path/name`, creating folders on the way.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) -> String {
    let target = file(name)
    let folder = (target as NSString).deletingLastPathComponent
    try! FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    try! Data(bytes).write(to: URL(fileURLWithPath: target))
    return target
  }

  /// Creates the folder `path/name`.
  @discardableResult
  func makeFolder(_ name: String) -> String {
    try! FileManager.default.createDirectory(
      atPath: file(name), withIntermediateDirectories: true)
    return file(name)
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

// MARK: - A tiny data set

/// Training labels of the tiny data set (4 images of 3×2).
let tinyTrainingLabels: [UInt8] = [5, 0, 4, 1]
/// Test labels of the tiny data set (2 images of 3×2).
let tinyTestLabels: [UInt8] = [7, 2]

/// Writes the four files of a tiny data set into `folder/subfolder`,
/// gzipped or plain; returns the folder.
@discardableResult
func writeTinyDataset(
  in folder: TemporaryFolder, subfolder: String = "tiny",
  gzipped: Bool = true,
  trainingLabels: [UInt8] = tinyTrainingLabels
) -> String {
  let files: [(FileKind, [UInt8])] = [
    (.trainingImages, imageFile(count: 4, rows: 3, columns: 2)),
    (.trainingLabels, labelFile(trainingLabels)),
    (.testImages, imageFile(count: 2, rows: 3, columns: 2)),
    (.testLabels, labelFile(tinyTestLabels)),
  ]
  for (kind, bytes) in files {
    let name = subfolder + "/" + (gzipped ? kind.gzipName : kind.baseName)
    folder.write(gzipped ? gzip(bytes) : bytes, to: name)
  }
  return folder.file(subfolder)
}

/// The problem `body` throws, or nil when it succeeds.
func problem<T>(_ body: () throws(DataError) -> T) -> DataError.Problem? {
  do {
    _ = try body()
    return nil
  } catch {
    return error.problem
  }
}

/// The error `body` throws, or nil when it succeeds.
func dataError<T>(_ body: () throws(DataError) -> T) -> DataError? {
  do {
    _ = try body()
    return nil
  } catch {
    return error
  }
}
