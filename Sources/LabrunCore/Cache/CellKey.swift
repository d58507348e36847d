import Datasets
import Notebook

// MARK: - What a cell reads and writes

/// Which parts of the state a cell reads (before writing them itself) and
/// which it writes: its edges in the notebook's dataflow, derived from what
/// each of its directives declares (``LabDirective``).
struct CellAccess: Sendable, Equatable {
  var reads: Set<StatePart> = []
  var writes: Set<StatePart> = []
  /// Data sets whose files a `load` of the cell reads, in order.
  var loads: [DatasetName] = []
  /// Other files its directives read, as the notebook names them.
  var files: [String] = []

  /// The access of `directives` run in order, or nil when one cannot be
  /// decoded (such a cell is never cached; running it says why) or is not
  /// cacheable.
  init?(_ directives: [Directive]) {
    for directive in directives {
      guard let typed = try? Directives.decode(directive) else { return nil }
      let type = Swift.type(of: typed)
      guard type.cacheable else { return nil }
      reads.formUnion(type.reads.subtracting(writes))
      writes.formUnion(type.writes)
      loads += typed.dataSets
      files += typed.files
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
/// directives, do), the SHA-256 of every data file a `load` reads and of
/// every other file a directive reads (`restore`'s network file), and the
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
