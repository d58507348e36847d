import FileReading
import Dispatch
import Foundation

// MARK: - Checksum policy

/// Which SHA-256 sums a load compares the files against.
public enum ChecksumPolicy: Sendable, Hashable {
  /// The published sums built into labrun (the default).
  case known
  /// Sums given by file name, e.g. for data labrun does not know.
  case custom([String: String])
  /// Compute each file's sum for the record, but compare it with nothing.
  case recordOnly
}

// MARK: - Loading

/// Loads a data set's four IDX files and checks them thoroughly.
public enum DataLoader {
  /// Loads the training and test splits of `name` from `directory`.
  ///
  /// Each of the four files may be gzipped (`train-images-idx3-ubyte.gz`,
  /// preferred when both exist) or plain (`train-images-idx3-ubyte`). The
  /// training images are decompressed on one thread while the other three
  /// files are handled on another. Results are kept in memory: loading the
  /// same unchanged files again in this process returns at once.
  ///
  /// - Parameters:
  ///   - name: which data set, for its checksums and class count.
  ///   - directory: the folder holding the four files directly.
  /// - Throws: `DataError`: first any damaged file (missing, unreadable,
  ///   corrupt, bad header, wrong size), then any checksum mismatch, then
  ///   disagreements between files (counts, image sizes, labels); within
  ///   each, in the order training images, training labels, test images,
  ///   test labels.
  public static func load(_ name: DatasetName, from directory: String)
    throws(DataError) -> LoadedData
  {
    try load(name, from: directory, checksums: .known)
  }

  /// Loads `name` from `directory`, comparing SHA-256 sums as `checksums`
  /// says; see ``load(_:from:)``.
  ///
  /// - Parameters:
  ///   - useCache: `false` to bypass the in-process memo.
  ///   - decoded: a folder of decoded data sets shared with other
  ///     processes: an intact entry for these exact files is read instead
  ///     of decompressing them, and a load that decodes writes one. The
  ///     files are still read and their SHA-256 checked every time; the
  ///     data returned is the same bits either way.
  public static func load(
    _ name: DatasetName, from directory: String, checksums: ChecksumPolicy,
    useCache: Bool = true, decoded: DecodedDataCache? = nil
  ) throws(DataError) -> LoadedData {
    switch pathKind(directory) {
    case .directory: break
    case .missing:
      throw DataError(
        path: directory, problem: .missingFile,
        hint: "The data folder does not exist. " + name.restoreAdvice)
    case .regularFile, .other:
      throw DataError(
        path: directory, problem: .unreadable("not a folder"),
        hint: "Give the folder holding the four IDX files, not a file.")
    }
    let paths = try FileKind.allCases.map { (kind) throws(DataError) in
      try filePath(kind, in: directory)
    }
    // Stamps from `stat` let an unchanged folder skip all the work.
    let stamps = try paths.map { (path) throws(DataError) in
      try fileStamp(path)
    }
    let key = LoadCache.Key(
      name: name, paths: paths, stamps: stamps, checksums: checksums)
    if useCache, let cached = LoadCache.shared.value(for: key) {
      return cached
    }
    let expected = expectedSums(name, checksums)
    let reads = paths.map { (path) in
      Result { () throws(DataError) in try readWholeFile(path) }
    }
    // With a decoded cache, the sums come first: they are its key.
    let sums = decoded == nil ? nil : sourceSums(reads)
    let loaded: LoadedData
    if let decoded, decoded.reads, let sums,
      zip(paths, sums).allSatisfy({ path, sum in
        expected?[fileName(path)].map { $0.lowercased() == sum } ?? true
      }),
      let stored = DecodedStore.read(name, sums: sums, in: decoded.folder)
    {
      loaded = LoadedData(
        name: name, directory: directory, training: stored.training,
        test: stored.test,
        files: zip(paths, sums).map { path, sum in
          DataFile(path: path, name: fileName(path), sha256: sum)
        })
    } else {
      let results = loadFiles(
        paths, reads: reads, sums: sums, expected: expected)
      do throws(DataError) {
        loaded = try assemble(
          name, directory: directory, paths: paths, results: results,
          expected: expected)
      } catch {
        throw advised(error, for: name)
      }
      if let decoded, let sums {
        DecodedStore.write(
          name, sums: sums, training: loaded.training, test: loaded.test,
          in: decoded.folder)
      }
    }
    if useCache {
      let fresh = LoadCache.Key(
        name: name, paths: paths,
        stamps: reads.compactMap { try? $0.get().stamp },
        checksums: checksums)
      LoadCache.shared.store(loaded, for: fresh)
    }
    return loaded
  }

  /// Finds `name` with ``DataLocator`` and loads it with the known sums.
  ///
  /// - Parameter explicit: a `--data DIR` folder, if the user gave one.
  public static func locateAndLoad(
    _ name: DatasetName, explicit: String?,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(DataError) -> LoadedData {
    let directory = try DataLocator.locate(
      name, explicit: explicit, environment: environment)
    return try load(name, from: directory)
  }

  /// Forgets every data set loaded so far in this process.
  public static func clearCache() {
    LoadCache.shared.removeAll()
  }

  /// Where `kind`'s file is in `directory`: the `.gz` file, else the plain
  /// one.
  ///
  /// - Throws: `DataError` if neither exists, or one is a folder.
  public static func filePath(_ kind: FileKind, in directory: String)
    throws(DataError) -> String
  {
    let compressed = joinPath(directory, kind.gzipName)
    let plain = joinPath(directory, kind.baseName)
    switch (pathKind(compressed), pathKind(plain)) {
    case (.missing, .missing):
      throw DataError(
        path: compressed, problem: .missingFile,
        hint: "Put \(kind.gzipName) (or the decompressed \(kind.baseName)) "
          + "in \(directory), or pass --data DIR pointing at a folder that "
          + "holds all four files.")
    case (.missing, _): return plain
    default: return compressed
    }
  }
}

// MARK: - Four files on two threads

/// What loading one file produced.
private struct FileResult: Sendable {
  var contents: IDXContents
  var sha256: String
}

/// The sum each file must have, by file name (nil: compare nothing).
private func expectedSums(
  _ name: DatasetName, _ policy: ChecksumPolicy
) -> [String: String]? {
  switch policy {
  case .known: return KnownChecksums.sums(for: name)
  case .custom(let sums): return sums
  case .recordOnly: return nil
  }
}

/// Fixed slots written concurrently, each by exactly one thread, and read
/// only after both threads have joined.
private final class Slots<Value>: @unchecked Sendable {
  let values: UnsafeMutablePointer<Value?>
  let count: Int

  init(count: Int) {
    self.count = count
    values = .allocate(capacity: count)
    values.initialize(repeating: nil, count: count)
  }

  deinit {
    values.deinitialize(count: count)
    values.deallocate()
  }
}

/// The SHA-256 of each file read, or nil if one could not be read.
private func sourceSums(
  _ reads: [Result<(bytes: [UInt8], stamp: FileStamp), DataError>]
) -> [String]? {
  let files = reads.compactMap { try? $0.get() }
  guard files.count == reads.count else { return nil }
  let sums = Slots<String>(count: files.count)
  DispatchQueue.concurrentPerform(iterations: files.count) { index in
    sums.values[index] = SHA256Digest.hex(of: files[index].bytes)
  }
  return files.indices.map { sums.values[$0]! }
}

/// Hashes (unless `sums` are given) and decodes the four files read (in
/// `FileKind.allCases` order); a read error wins over a decoding error.
///
/// Decompressing the training images is most of the time (about 0.1 s for
/// MNIST), so one thread does only that while the other hashes all four
/// files and decodes the other three.
private func loadFiles(
  _ paths: [String],
  reads: [Result<(bytes: [UInt8], stamp: FileStamp), DataError>],
  sums known: [String]?, expected: [String: String]?
) -> [Result<FileResult, DataError>] {
  let kinds = FileKind.allCases
  let decoded = Slots<Result<IDXContents, DataError>>(count: kinds.count)
  let sums = Slots<String>(count: kinds.count)
  DispatchQueue.concurrentPerform(iterations: 2) { thread in
    for index in kinds.indices {
      guard case .success(let file) = reads[index] else { continue }
      let bytes = file.bytes
      if thread == 1 {
        sums.values[index] = known?[index] ?? SHA256Digest.hex(of: bytes)
      }
      guard (kinds[index] == .trainingImages) == (thread == 0) else {
        continue
      }
      let kind: IDXKind = kinds[index].holdsImages ? .images : .labels
      // A file whose SHA-256 will be compared needs no CRC-32 as well.
      let summed = expected?[fileName(paths[index])] != nil
      decoded.values[index] = bytes.withUnsafeBytes { raw in
        Result { () throws(DataError) in
          try decodeIDX(
            raw, kind: kind, path: paths[index], checkCRC: !summed)
        }
      }
    }
  }
  return kinds.indices.map { (index) -> Result<FileResult, DataError> in
    Result { () throws(DataError) -> FileResult in
      _ = try reads[index].get()
      return FileResult(
        contents: try decoded.values[index]!.get(),
        sha256: sums.values[index]!)
    }
  }
}

// MARK: - Advice

/// `error` with a hint that names this data set's way to get good files.
private func advised(_ error: DataError, for name: DatasetName) -> DataError {
  var error = error
  switch error.problem {
  case .emptyFile, .truncated, .trailingBytes, .corruptGzip:
    error.hint = "The file is damaged or was cut short (an interrupted "
      + "copy or download?). " + name.restoreAdvice
  case .checksumMismatch(_, _, let lookalike?):
    error.hint = "This is \(lookalike), not a \(name.displayName) file: "
      + "point --data at \(name.displayName)'s files."
  case .checksumMismatch:
    error.hint = "The file is not the published one (damaged or "
      + "modified). " + name.restoreAdvice
  default:
    break
  }
  return error
}

// MARK: - Putting the splits together

/// Checks the four files against each other and builds the data set.
private func assemble(
  _ name: DatasetName, directory: String, paths: [String],
  results: [Result<FileResult, DataError>], expected: [String: String]?
) throws(DataError) -> LoadedData {
  // Damage first ("truncated at byte N" says more than a wrong sum), then
  // sums (which can name the file a wrong one really is), then whether
  // the files agree with each other.
  var files: [FileResult] = []
  for result in results {
    switch result {
    case .success(let file): files.append(file)
    case .failure(let error): throw error
    }
  }
  for (path, file) in zip(paths, files) {
    guard let wanted = expected?[fileName(path)]?.lowercased(),
      file.sha256 != wanted
    else { continue }
    throw DataError(
      path: path,
      problem: .checksumMismatch(
        expected: wanted, actual: file.sha256,
        lookalike: KnownChecksums.owner(of: file.sha256)))
  }
  let training = try split(
    images: files[0], imagesPath: paths[0], labels: files[1],
    labelsPath: paths[1], classes: name.classNames.count)
  let test = try split(
    images: files[2], imagesPath: paths[2], labels: files[3],
    labelsPath: paths[3], classes: name.classNames.count)
  guard training.rows == test.rows && training.columns == test.columns else {
    throw DataError(
      path: paths[2],
      problem: .shapeMismatch(
        training: [training.count, training.rows, training.columns],
        test: [test.count, test.rows, test.columns]))
  }
  let records = zip(paths, files).map { path, file in
    DataFile(path: path, name: fileName(path), sha256: file.sha256)
  }
  return LoadedData(
    name: name, directory: directory, training: training, test: test,
    files: records)
}

/// One split from its image and label files, after checking they agree.
private func split(
  images: FileResult, imagesPath: String, labels: FileResult,
  labelsPath: String, classes: Int
) throws(DataError) -> Dataset {
  let shape = images.contents.dimensions  // (count, rows, columns)
  let labelBytes = labels.contents.payload  // (count)
  guard shape[0] == labelBytes.count else {
    throw DataError(
      path: imagesPath,
      problem: .countMismatch(
        images: shape[0], labels: labelBytes.count, labelsPath: labelsPath))
  }
  // The network indexes a one-hot vector by label: check before it does.
  if let bad = labelBytes.firstIndex(where: { Int($0) >= classes }) {
    throw DataError(
      path: labelsPath,
      problem: .labelOutOfRange(
        index: bad, label: labelBytes[bad], classes: classes))
  }
  return Dataset(
    rows: shape[1], columns: shape[2], pixels: images.contents.payload,
    labels: labelBytes)
}

// MARK: - Paths

/// `directory/name` without a doubled slash.
func joinPath(_ directory: String, _ name: String) -> String {
  if directory.isEmpty { return name }
  return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// The last component of `path`.
func fileName(_ path: String) -> String {
  String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? "")
}
