import Foundation

extension Network {
  // MARK: - Saving and loading

  /// This network as a ``NetworkFile``: its shape, epochs and parameters.
  public var file: NetworkFile {
    NetworkFile(
      configuration: configuration, epochsTrained: epochsTrained,
      parameters: parameters)
  }

  /// Creates the network a file describes: the same shape, epochs and
  /// parameter bits, so it predicts exactly as the saved network did.
  public convenience init(_ file: NetworkFile) {
    precondition(
      file.parameters.count == file.configuration.parameterCount,
      "a network file's parameters fit its shape")
    self.init(file.configuration, seed: 0)
    epochsTrained = file.epochsTrained
    var weights: [[Float]] = []
    var biases: [[Float]] = []
    var start = 0
    let sizes = file.configuration.sizes
    for (inputs, outputs) in zip(sizes, sizes.dropFirst()) {
      weights.append(Array(file.parameters[start..<start + inputs * outputs]))
      start += inputs * outputs
      biases.append(Array(file.parameters[start..<start + outputs]))
      start += outputs
    }
    self.weights = weights
    self.biases = biases
  }

  /// Writes the network to `path` (see docs/network-file.md), atomically:
  /// a reader sees the old file or the whole new one, never a part.
  ///
  /// - Throws: ``NetworkFileError`` when the file cannot be written.
  public func save(to path: String) throws(NetworkFileError) {
    do {
      try Data(file.encoded()).write(
        to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw NetworkFileError(
        path: path, reason: .unwritable(error.localizedDescription))
    }
  }

  /// Reads the network saved at `path`.
  ///
  /// - Throws: ``NetworkFileError`` when the file is missing, unreadable,
  ///   not a network file, of another version, truncated or damaged.
  public static func load(from path: String) throws(NetworkFileError)
    -> Network
  {
    let bytes: [UInt8]
    do {
      // A folder, a pipe or a device is refused before reading: reading
      // /dev/zero would never end.
      let type = try FileManager.default.attributesOfItem(atPath: path)[.type]
      guard type as? FileAttributeType == .typeRegular else {
        throw NetworkFileError(
          path: path, reason: .unreadable("it is not a regular file"))
      }
      bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch let error as NetworkFileError {
      throw error
    } catch {
      throw NetworkFileError(
        path: path, reason: .unreadable(error.localizedDescription))
    }
    return Network(try NetworkFile.decode(bytes, path: path))
  }
}
