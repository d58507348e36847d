import Foundation

extension Network {
  // MARK: - Saving and loading

  /// This network as a ``NetworkFile``: its architecture, epochs and
  /// parameters.
  public var file: NetworkFile {
    NetworkFile(
      architecture: architecture, epochsTrained: epochsTrained,
      parameters: parameters)
  }

  /// Creates the network a file describes: the same architecture, epochs
  /// and parameter bits, so it predicts exactly as the saved network did.
  public convenience init(_ file: NetworkFile) {
    precondition(
      file.parameters.count == file.architecture.parameterCount,
      "a network file's parameters fit its architecture")
    self.init(file.architecture, seed: 0)
    epochsTrained = file.epochsTrained
    // Each layer takes as many weights and biases as it was built with
    // (none for a pool), in ``parameters``' order.
    var weights: [[Float]] = []
    var biases: [[Float]] = []
    var start = 0
    for (layerWeights, layerBiases) in zip(self.weights, self.biases) {
      weights.append(Array(file.parameters[start..<start + layerWeights.count]))
      start += layerWeights.count
      biases.append(Array(file.parameters[start..<start + layerBiases.count]))
      start += layerBiases.count
    }
    self.weights = weights
    self.biases = biases
  }

  /// Writes the network to `path` (see docs/network-file.md), atomically:
  /// a reader sees the old file or the whole new one, never a part.
  ///
  /// - Throws: ``NetworkFileError`` when the file cannot be written.
  public func save(to path: String) throws(NetworkFileError) {
    try file.write(to: path)
  }

  /// Reads the network saved at `path`.
  ///
  /// - Throws: ``NetworkFileError`` when the file is missing, unreadable,
  ///   not a network file, of another version, truncated or damaged.
  public static func load(from path: String) throws(NetworkFileError)
    -> Network
  {
    Network(try NetworkFile.read(from: path))
  }
}

extension NetworkFile {
  /// Writes the file to `path`, atomically: a temporary file in the same
  /// folder renamed into place, so a reader sees the old file or the whole
  /// new one, never a part.
  ///
  /// - Returns: the bytes written.
  /// - Throws: ``NetworkFileError`` when the file cannot be written.
  @discardableResult
  public func write(to path: String) throws(NetworkFileError) -> [UInt8] {
    let bytes = encoded()
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
      return bytes
    } catch {
      throw NetworkFileError(
        path: path, reason: .unwritable(error.localizedDescription))
    }
  }

  /// Reads and decodes the network file at `path`.
  ///
  /// - Throws: ``NetworkFileError`` when the file is missing, unreadable,
  ///   not a network file, of another version, truncated or damaged.
  public static func read(from path: String) throws(NetworkFileError)
    -> NetworkFile
  {
    try decode(readBytes(from: path), path: path)
  }

  /// The bytes of the regular file at `path`.
  ///
  /// - Throws: ``NetworkFileError/Reason/unreadable(_:)`` for a missing
  ///   file, a folder, a pipe or a device.
  public static func readBytes(from path: String) throws(NetworkFileError)
    -> [UInt8]
  {
    do {
      // A folder, a pipe or a device is refused before reading: reading
      // /dev/zero would never end.
      let type = try FileManager.default.attributesOfItem(atPath: path)[.type]
      guard type as? FileAttributeType == .typeRegular else {
        throw NetworkFileError(
          path: path, reason: .unreadable("it is not a regular file"))
      }
      return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch let error as NetworkFileError {
      throw error
    } catch {
      throw NetworkFileError(
        path: path, reason: .unreadable(error.localizedDescription))
    }
  }
}
