import Foundation
import NeuralNet
import Notebook
import Report

/// `restore lecture21.lrnet`: make the network a network file holds the
/// current one — the architecture, every parameter bit and the epochs it
/// trained — instead of a fresh `net`; training after it goes on from
/// there. The cache keys the cell by the file's SHA-256, so a file saved
/// anew is read anew.
struct Restore: LabDirective {
  static let spec = DirectiveSpec(
    verb: "restore",
    summary: "Start from a network saved by 'save' (instead of 'net').",
    positional: NetworkFileName.positional(
      verb: "restore",
      doc: "The network file to read, relative to the notebook's folder "
        + "(docs/network-file.md)."),
    parameters: [], maxListLength: 1)
  // The data set, to check that the network takes its images.
  static let reads: Set<StatePart> = [.data]
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = [.network]
  static let produces: [any ResultContent.Type] = [NetworkFileResult.self]

  /// The file's name as the notebook writes it.
  var file: String

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    file = try values.phrase("") { $0 }
  }

  var files: [String] { [file] }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    let path = NetworkFileName.path(file, notebookPath: session.notebookPath)
    guard FileManager.default.fileExists(atPath: path) else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: ""),
          "there is no network file '\(file)' (looked for \(path))",
          suggestion: "run the notebook that saves it first ('save \(file)'"
            + " after its training); the name is relative to this "
            + "notebook's folder"))
    }
    let bytes: [UInt8]
    let saved: NetworkFile
    do {
      bytes = try NetworkFile.readBytes(from: path)
      saved = try NetworkFile.decode(bytes, path: file)
    } catch {
      throw NetworkFileName.failure(error, name: file, at: directive)
    }
    let architecture = saved.architecture
    if let splits = session.splits {
      let training = splits.training
      let input = architecture.input
      let fits = Net.takes(training, input: input)
      let classes = splits.name.classNames.count
      if !fits || architecture.outputCount != classes {
        let takes =
          !fits
          ? "takes inputs of \(input) but \(splits.name.displayName) images "
            + "are \(training.rows)×\(training.columns)"
          : "has \(architecture.outputCount) outputs but "
            + "\(splits.name.displayName) has \(classes) classes"
        throw CellFailure(
          diagnostic: .error(
            at: directive.location(of: ""),
            "the network in '\(file)' (\(architecture.notation)) \(takes)",
            suggestion: "load the data set it was trained on before "
              + "restoring it, or train a new network with 'net'"))
      }
    }
    session.network = Network(saved)
    session.candidates = nil
    session.networkIsTrained = true
    return CellResult(
      NetworkFileName.result(.restored, name: file, file: saved, bytes: bytes))
  }
}
