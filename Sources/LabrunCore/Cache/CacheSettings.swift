/// How a run uses the per-cell cache.
public struct CacheSettings: Sendable, Equatable {
  public enum Mode: Sendable, Equatable {
    /// Replay cells whose key is stored; store the others (the default).
    case use
    /// `--rerun`: compute every cell and store the results afresh.
    case refresh
    /// `--no-cache`: neither read nor write the cache.
    case off
  }

  public var mode: Mode
  /// The cache folder; nil means `<output folder>/.labrun-cache`.
  public var folder: String?
  /// Bytes of entries kept; the least recently used go first beyond it.
  public var sizeLimit: Int

  /// 512 MB: a few hundred trained lectures.
  public static let defaultSizeLimit = 512 << 20
  /// The folder's name inside the output folder.
  public static let folderName = ".labrun-cache"

  public init(
    mode: Mode = .use, folder: String? = nil,
    sizeLimit: Int = CacheSettings.defaultSizeLimit
  ) {
    self.mode = mode
    self.folder = folder
    self.sizeLimit = sizeLimit
  }

  /// The folder a run writing its reports to `outputDirectory` uses.
  public func folder(forOutput outputDirectory: String) -> String {
    folder ?? (outputDirectory + "/" + Self.folderName)
  }
}
