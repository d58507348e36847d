import Datasets
import Foundation
import NeuralNet
import Notebook
import Report

// What `save` and `restore` share: where a network file named in a
// notebook lies, how its name is checked, what the report says of it, and
// how the cache knows the file is still the one a cell saw.

/// A network file named in a notebook (`lecture21.lrnet`).
enum NetworkFileName {
  /// The positional argument of `save` and `restore`.
  static func positional(verb: String, doc: String) -> PositionalSpec {
    PositionalSpec(
      name: "file", label: "network file",
      type: .phrase(
        PhraseCheck(
          expectation: "a file name ending in .lrnet, such as lecture21.lrnet",
          check: { problem(in: $0, verb: verb) })),
      doc: doc)
  }

  /// Why `text` cannot name a network file, if it cannot. The extension
  /// is required so that a slip (`save lecture21.md`) never overwrites a
  /// notebook or a data file.
  static func problem(in text: String, verb: String) -> PhraseCheck.Problem? {
    if let space = text.firstIndex(of: " ") {
      return PhraseCheck.Problem(
        offset: text.distance(from: text.startIndex, to: space),
        message: "a network file's name has no spaces",
        suggestion: "write it as one word, e.g. '\(verb) "
          + text.replacingOccurrences(of: " ", with: "-") + "'")
    }
    guard text.hasSuffix(".lrnet"), text.count > ".lrnet".count,
      !text.hasSuffix("/.lrnet")
    else {
      let stem = (text as NSString).deletingPathExtension
      return PhraseCheck.Problem(
        offset: 0,
        message: "a network file's name ends in .lrnet, found '\(text)'",
        suggestion: "write '\(verb) \(stem.isEmpty ? "network" : stem).lrnet'")
    }
    return nil
  }

  /// The file's path: `name` itself when absolute, else relative to the
  /// folder of the notebook that names it (not the working directory), so
  /// a notebook runs the same from anywhere.
  static func path(_ name: String, notebookPath: String) -> String {
    if name.hasPrefix("/") { return name }
    return URL(fileURLWithPath: notebookPath).deletingLastPathComponent()
      .appendingPathComponent(name).standardizedFileURL.path
  }

  /// The report's account of `file`, whose bytes are `bytes`.
  static func result(
    _ action: NetworkFileResult.Action, name: String, file: NetworkFile,
    bytes: [UInt8]
  ) -> NetworkFileResult {
    let parameterBytes = file.parameters.flatMap { value in
      (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) }
    }
    return NetworkFileResult(
      action: action, file: name, architecture: file.architecture.notation,
      parameters: file.parameters.count, epochsTrained: file.epochsTrained,
      bytes: bytes.count, sha256: SHA256Digest.hex(of: bytes),
      parametersSHA256: SHA256Digest.hex(of: parameterBytes))
  }

  /// Whether the files that `results` say were saved still hold what was
  /// saved (`sha256(path)` hashes a file, nil when it is missing): a
  /// cached `save` is replayed only then, else the cell runs again and
  /// writes the file anew.
  static func savedFilesIntact(
    _ results: [CellResult], notebookPath: String,
    sha256: (String) -> String?
  ) -> Bool {
    results.allSatisfy { result in
      guard let saved = result.as(NetworkFileResult.self), saved.action == .saved
      else { return true }
      return sha256(path(saved.file, notebookPath: notebookPath)) == saved.sha256
    }
  }

  /// A network-file error as a cell's failure, at the file's name.
  static func failure(
    _ error: NetworkFileError, name: String, at directive: Directive
  ) -> CellFailure {
    CellFailure(
      diagnostic: .error(
        at: directive.location(of: ""), "\(name): \(error.message)",
        suggestion: error.suggestion))
  }
}
