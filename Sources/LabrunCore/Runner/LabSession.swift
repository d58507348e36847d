import Datasets
import Dispatch
import Foundation
import NeuralNet
import Notebook
import Report
import NumberFormat

/// The state a notebook builds up as its cells run, and the running of a
/// cell: its directives (each a type in `Directives/`) in order, stopping at
/// the first failure, and the skipping of cells whose input failed.
///
/// One session runs one notebook once, cell by cell, on the calling thread
/// (a comparison fans its runs out over the cores and joins them).
final class LabSession {
  /// Where and how to find data and show progress.
  let options: RunOptions
  let console: Console
  let notebookPath: String

  /// Seeds initialisation and shuffling; `seed N` restarts it. The cache
  /// (`CellCache`) restores these when a cell replayed from it has set
  /// them.
  var generator: CountingGenerator
  var splits: Splits?
  var network: Network?
  /// True once `sgd` has trained the current network (`net` makes an
  /// untrained one); kept with the network in the cache.
  var networkIsTrained = false
  /// The candidates a `net` with a list declared, until `sgd` trains them
  /// and keeps one (``network`` is then the first of them, untrained).
  var candidates: NetworkCandidates?
  /// Data files used so far, for the footer.
  var dataFiles: [DataFile] = []

  /// What `expect` reads: the figures of every result so far, each
  /// finished cell, and whether the notebook itself has an error.
  var checkFigures = CheckFigures()
  var checkCells: [CheckState.Cell] = []
  var notebookFailed = false

  /// State parts a failed cell should have written: part → that cell.
  private var failed: [StatePart: Int] = [:]

  init(seed: UInt64, options: RunOptions, console: Console, notebookPath: String) {
    self.generator = CountingGenerator(seed: seed)
    self.options = options
    self.console = console
    self.notebookPath = notebookPath
  }

  // MARK: - Cells

  /// Runs one cell: its directives in order, stopping at the first failure.
  func run(_ cell: LabCell) -> CellReport {
    let start = DispatchTime.now()
    var report = runDirectives(of: cell)
    report.seconds = seconds(since: start)
    return report
  }

  private func runDirectives(of cell: LabCell) -> CellReport {
    var report = CellReport(
      number: cell.number, line: cell.fence.line,
      sourceLines: cell.sourceLines, firstSourceLine: cell.firstSourceLine,
      directives: cell.directives.map(\.record), status: .ok, seconds: 0,
      diagnostics: cell.diagnostics)

    if cell.hasErrors {
      report.status = .error
      markFailed(writtenBy: writtenVerbs(of: cell), cell: cell.number)
      return report
    }
    if let (part, producer) = blockedDependency(of: cell) {
      report.status = .skipped
      report.skipReason =
        "needs the \(part.noun) from cell \(producer), which failed"
      markFailed(writtenBy: cell.directives.map(\.verb), cell: cell.number)
      return report
    }

    var stopped = false
    for (index, directive) in cell.directives.enumerated() {
      do throws(CellFailure) {
        var warnings: [Diagnostic] = []
        let typed = try Directives.decode(directive)
        for result in try typed.runAll(
          in: self, at: directive, warnings: &warnings)
        {
          assert(
            type(of: typed).produces.contains {
              ObjectIdentifier($0) == ObjectIdentifier(type(of: result.content))
            }, "'\(directive.verb)' returned an undeclared \(result.kind)")
          report.results.append(result)
          checkFigures.record(result)
          // A failed check fails its cell; the cell's other lines still run.
          if let outcome = result.as(CheckOutcome.self), !outcome.passed {
            report.status = .error
          }
        }
        report.diagnostics += warnings
      } catch {
        report.status = .error
        stopped = true
        report.diagnostics.append(error.diagnostic)
        let rest = cell.directives[index...].map(\.verb)
        markFailed(writtenBy: rest, cell: cell.number)
        break
      }
    }
    // A failed check writes nothing: what the cell made is still good.
    if !stopped { markSucceeded(cell) }
    return report
  }

  /// Makes the state `cell` writes good again: it ran, or its results came
  /// from the cache.
  func markSucceeded(_ cell: LabCell) {
    for verb in cell.directives.map(\.verb) {
      for part in Self.writes(of: verb) {
        failed[part] = nil
      }
    }
  }

  /// What the directive `verb` writes; a verb nobody knows could have been
  /// meant as anything.
  private static func writes(of verb: String) -> Set<StatePart> {
    Directives.type(of: verb)?.writes ?? Set(StatePart.allCases)
  }

  /// The first word of every directive line, valid or not.
  private func writtenVerbs(of cell: LabCell) -> [String] {
    cell.sourceLines.compactMap { line in
      let code = line.split(separator: "#", maxSplits: 1,
        omittingEmptySubsequences: false).first ?? ""
      return code.split(whereSeparator: { $0 == " " || $0 == "\t" })
        .first.map(String.init)
    }
  }

  private func markFailed(writtenBy verbs: [String], cell: Int) {
    for verb in verbs {
      for part in Self.writes(of: verb) where failed[part] == nil {
        failed[part] = cell
      }
    }
  }

  /// A part of the state this cell needs (before writing it itself) that a
  /// failed cell should have written.
  func blockedDependency(of cell: LabCell) -> (StatePart, Int)? {
    var madeHere: Set<StatePart> = []
    for directive in cell.directives {
      guard let type = Directives.type(of: directive.verb) else { continue }
      for part in type.needs.sorted() where !madeHere.contains(part) {
        if let producer = failed[part] { return (part, producer) }
      }
      madeHere.formUnion(type.writes)
    }
    return nil
  }

  // MARK: - What directives share

  /// The network and data that `directive` needs, or a located error that
  /// says which directive to add.
  func requireNetworkAndData(for directive: Directive)
    throws(CellFailure) -> (Network, Splits)
  {
    let splits = try requireData(for: directive)
    let network = try requireNetwork(for: directive)
    try require(network, fits: splits, for: directive)
    return (network, splits)
  }

  /// The loaded data, or a located error that says to load it.
  func requireData(for directive: Directive) throws(CellFailure) -> Splits {
    guard let splits else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(directive.verb)' needs a data set, but none is loaded",
          suggestion: "add 'load mnist' in a cell before this one"))
    }
    return splits
  }

  /// A located error when `network` does not take `splits`' images: a
  /// network made or restored before the data was loaded was not checked
  /// against it.
  func require(
    _ network: Network, fits splits: Splits, for directive: Directive
  ) throws(CellFailure) {
    if let problem = network.incompatibility(with: splits.training.data) {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(directive.verb)' cannot use this network on "
            + "\(splits.name.displayName): \(problem)",
          suggestion: "load the data set before 'net' or 'restore', which "
            + "then check the network against it"))
    }
  }

  /// The current network, or a located error naming `name` (the verb by
  /// default), what it needs ("a network") and the directives to add.
  func requireNetwork(
    for directive: Directive, name: String? = nil,
    needs: String = "a network",
    suggestion: String = "add 'net 784-30-10' in a cell before this one"
  ) throws(CellFailure) -> Network {
    if let candidates {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(name ?? directive.verb)' needs one network, but 'net' declared"
            + " \(candidates.networks.count) candidates"
            + " (\(candidates.written)) that no 'sgd' has trained yet",
          suggestion: "train them first: an 'sgd' line trains each candidate"
            + " and keeps the best by validation accuracy as the network"))
    }
    guard let network else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "'\(name ?? directive.verb)' needs \(needs), but none exists yet",
          suggestion: suggestion))
    }
    return network
  }

  // MARK: - Images

  func digit(_ split: Split, _ index: Int, classNames: [String])
    -> DigitImage
  {
    DigitImage(
      rows: split.rows, columns: split.columns,
      pixels: Array(split.image(index)), index: index,
      label: Self.className(Int(split.label(index)), classNames))
  }

  static func className(_ label: Int, _ names: [String]) -> String {
    names.indices.contains(label) ? names[label] : String(label)
  }
}

/// The networks a `net` with a list declared (`cost=quadratic,cross-entropy`),
/// waiting for the `sgd` that trains and compares them.
struct NetworkCandidates {
  /// The key that varies: `cost`, `init`, `hidden`, `output` or
  /// `architecture`.
  var parameter: String
  /// Its values as written, one per network.
  var values: [String]
  /// The untrained networks, in the order written.
  var networks: [Network]

  /// How messages name them: `cost=quadratic,cross-entropy`, `the
  /// architectures 784-30-10, 784-100-10`.
  var written: String {
    parameter == "architecture"
      ? "the architectures " + values.joined(separator: ", ")
      : "\(parameter)=" + values.joined(separator: ",")
  }
}

func seconds(since start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
