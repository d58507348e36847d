import Datasets
import Notebook

// MARK: - What a cell reads and writes

/// A part of the session's state that cells pass on to later cells.
enum StatePart: String, Sendable, CaseIterable, Comparable {
  case data, generator, network

  static func < (a: StatePart, b: StatePart) -> Bool {
    a.rawValue < b.rawValue
  }
}

/// Which parts of the state a cell reads (before writing them itself) and
/// which it writes: its edges in the notebook's dataflow.
struct CellAccess: Sendable, Equatable {
  var reads: Set<StatePart> = []
  var writes: Set<StatePart> = []
  /// Data sets whose files a `load` of the cell reads, in order.
  var loads: [Datasets.DatasetName] = []

  /// The access of `directives` run in order, or nil when a `load` names a
  /// data set the loader does not know (such a cell is never cached).
  init?(_ directives: [Directive]) {
    for directive in directives {
      let reads: [StatePart]
      let writes: [StatePart]
      switch directive.kind {
      case .seed:
        (reads, writes) = ([], [.generator])
      case .load(let load):
        guard let name = Datasets.DatasetName(rawValue: load.dataset.rawValue)
        else { return nil }
        (reads, writes) = ([], [.data])
        loads.append(name)
      case .net:
        // The data set's image size and class count are checked.
        (reads, writes) = ([.data, .generator], [.network, .generator])
      case .sgd:
        (reads, writes) = ([.data, .network, .generator], [.network, .generator])
      case .evaluate:
        (reads, writes) = ([.data, .network], [])
      case .playground:
        // The image size and class names, and the trained network.
        (reads, writes) = ([.data, .network], [])
      }
      self.reads.formUnion(reads.filter { !self.writes.contains($0) })
      self.writes.formUnion(writes)
    }
  }
}

// MARK: - Keys

/// The key of a cell's cached result: a SHA-256 over everything the result
/// depends on.
///
/// That is the cache format and labrun's version, the cell's directives in
/// canonical form (so spacing, comments, argument order and spellings such
/// as `3.0` do not matter, while `--set` overrides, which change the
/// directives, do), the SHA-256 of every data file a `load` reads, and the
/// value of each part of the state the cell reads: the data selection, the
/// generator's seed and draw count, and the SHA-256 of the network's
/// parameters. Since those are values, not positions in the notebook, a
/// cell that does not read what an edited cell changed keeps its key.
enum CellKey {
  static func make(
    canonical: [String], reads: [StatePart: String], files: [String]
  ) -> String {
    var text = "labrun-cache \(CacheEntry.formatVersion)\n"
    text += "labrun \(labrunVersion)\n"
    for line in canonical { text += "directive \(line)\n" }
    for file in files { text += "files \(file)\n" }
    for part in reads.keys.sorted() {
      text += "\(part.rawValue) \(reads[part] ?? "")\n"
    }
    return SHA256Digest.hex(of: Array(text.utf8))
  }
}
