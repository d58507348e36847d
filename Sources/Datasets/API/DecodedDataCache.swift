// MARK: - A decoded data cache shared across processes

/// A folder of data sets already decompressed and checked, shared by every
/// labrun process that uses it (a batch's notebooks, later runs).
///
/// The first load of a data set writes its decoded pixels and labels there;
/// later loads read them instead of decompressing the IDX files again
/// (MNIST: 55 MB read and summed instead of 11 MB inflated and parsed).
///
/// An entry is found by the SHA-256 of the four source files' bytes as
/// they are now (every load computes them anyway, to check the published
/// sums and for the report), the data set's name and the entry format's
/// version. A key by content, rather than by size and modification time,
/// cannot be fooled by a file rewritten within one clock tick at the same
/// size, nor by a clock set back; a copy of the same files elsewhere finds
/// the same entry. The entry repeats the four sums in its header and
/// carries a SHA-256 of everything before it, so a damaged, cut-short or
/// foreign file is never used: the load decodes the sources and writes
/// the entry afresh. Entries are written to a temporary name and renamed
/// into place, so processes writing the same entry at once each leave a
/// whole one.
public struct DecodedDataCache: Sendable, Equatable {
  /// The folder holding the entries (made when the first one is written).
  public var folder: String
  /// Whether loads use entries found there (`false`: only write them, as
  /// `--rerun` does).
  public var reads: Bool

  /// Entries of one data set kept in the folder (older ones, from files
  /// since replaced, are removed when a new one is written).
  public static let entriesPerDataset = 2

  /// A cache in `folder`.
  public init(folder: String, reads: Bool = true) {
    self.folder = folder
    self.reads = reads
  }
}
