import NeuralNet
import Notebook
import Report

/// `save lecture21.lrnet`: write the current network — architecture,
/// every parameter, epochs trained — to a network file
/// (docs/network-file.md) beside the notebook, for a later notebook's
/// `restore`. The file is written atomically: a reader sees the old file
/// or the whole new one, never a part.
struct Save: LabDirective {
  static let spec = DirectiveSpec(
    verb: "save",
    summary: "Save the current network to a file, for a later 'restore'.",
    positional: NetworkFileName.positional(
      verb: "save",
      doc: "The network file to write, relative to the notebook's folder "
        + "(docs/network-file.md)."),
    parameters: [], maxListLength: 1)
  static let reads: Set<StatePart> = [.network]
  static let needs: Set<StatePart> = [.network]
  static let writes: Set<StatePart> = []
  static let produces: [any ResultContent.Type] = [NetworkFileResult.self]

  /// The file's name as the notebook writes it.
  var file: String

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    file = try values.phrase("") { $0 }
  }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let network = try session.requireNetwork(
      for: directive,
      suggestion: "create and train one before it ('net …' and 'sgd …'), "
        + "or 'restore' a saved one")
    let saved = network.file
    let bytes: [UInt8]
    do {
      bytes = try saved.write(
        to: NetworkFileName.path(file, notebookPath: session.notebookPath))
    } catch {
      throw NetworkFileName.failure(error, name: file, at: directive)
    }
    return CellResult(
      NetworkFileName.result(.saved, name: file, file: saved, bytes: bytes))
  }
}
