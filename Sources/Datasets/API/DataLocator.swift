import Foundation

// MARK: - Finding data

/// Finds the folder holding a data set's four IDX files, from any working
/// directory.
///
/// Places are tried in this order:
/// 1. an explicit folder (`--data DIR`), which must hold the data: a typo
///    there is an error, not a reason to quietly use other files;
/// 2. each folder in the `LABRUN_DATA` environment variable
///    (colon-separated);
/// 3. the copy committed in the repository (`data/<name>`), the repository
///    being found by walking up from the running executable, then from
///    this source file's path at build time;
/// 4. `/usr/share/datasets/<name>`, where Debian's `dataset-*` packages
///    install.
///
/// A folder given in 1 or 2 may be a data root holding `<name>/` folders
/// (like `data/` or `/usr/share/datasets/`) or the folder holding the four
/// files itself.
public enum DataLocator {
  /// The environment variable naming data folders.
  public static let environmentVariable = "LABRUN_DATA"
  /// Where Debian's data set packages install.
  public static let systemRoot = "/usr/share/datasets"

  /// Where `name`'s files are, trying explicit, LABRUN_DATA, the repository
  /// copy, /usr/share/datasets.
  ///
  /// - Returns: the folder holding the four files directly.
  /// - Throws: `DataError` with problem `.notFound`, listing every place
  ///   tried and what was wrong with it.
  public static func locate(
    _ name: DatasetName, explicit: String?,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(DataError) -> String {
    try locate(
      name, explicit: explicit, environment: environment,
      repositoryRoots: repositoryDataRoots(), systemRoots: [systemRoot])
  }

  /// ``locate(_:explicit:environment:)`` with the repository's and the
  /// system's data roots given, for tests.
  ///
  /// - Parameters:
  ///   - repositoryRoots: folders like `<repo>/data` holding `<name>/`.
  ///   - systemRoots: folders like `/usr/share/datasets` holding `<name>/`.
  public static func locate(
    _ name: DatasetName, explicit: String?, environment: [String: String],
    repositoryRoots: [String], systemRoots: [String]
  ) throws(DataError) -> String {
    var looked: [String] = []
    let home = environment["HOME"]

    if let explicit, !explicit.isEmpty {
      let folder = expandTilde(explicit, home: home)
      if let found = search(
        name, in: folder, acceptFilesDirectly: true, source: "--data",
        looked: &looked)
      {
        return found
      }
      throw DataError(
        path: folder,
        problem: .notFound(dataset: name.rawValue, looked: looked),
        hint: "--data \(explicit) was given, so nothing else was tried: "
          + "point it at a folder holding \(name.rawValue)/ or the four IDX "
          + "files, or leave it out to use the usual places.")
    }

    let fromEnvironment = (environment[environmentVariable] ?? "")
      .split(separator: ":").map { expandTilde(String($0), home: home) }
    for folder in fromEnvironment {
      if let found = search(
        name, in: folder, acceptFilesDirectly: true,
        source: environmentVariable, looked: &looked)
      {
        return found
      }
    }
    if fromEnvironment.isEmpty {
      looked.append("\(environmentVariable) (not set)")
    }
    for root in repositoryRoots {
      if let found = search(
        name, in: root, acceptFilesDirectly: false,
        source: "repository copy", looked: &looked)
      {
        return found
      }
    }
    if repositoryRoots.isEmpty {
      looked.append("the repository's data/ (repository not found)")
    }
    for root in systemRoots {
      if let found = search(
        name, in: root, acceptFilesDirectly: false,
        source: "system data sets", looked: &looked)
      {
        return found
      }
    }
    throw DataError(
      path: name.rawValue,
      problem: .notFound(dataset: name.rawValue, looked: looked))
  }

  // MARK: Repository

  /// The repository's `data` folders: found by walking up from the running
  /// executable (e.g. `.build/release/labrun`) and from this source file,
  /// to the first folder holding `data/mnist/SHA256SUMS`.
  public static func repositoryDataRoots(
    sourceFile: String = #filePath
  ) -> [String] {
    var roots: [String] = []
    for start in [executablePath(), sourceFile].compactMap({ $0 }) {
      if let root = repositoryRoot(above: start) {
        let data = joinPath(root, "data")
        if !roots.contains(data) { roots.append(data) }
      }
    }
    return roots
  }

  /// The nearest folder above `path` holding `data/mnist/SHA256SUMS`.
  static func repositoryRoot(above path: String) -> String? {
    var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
      .standardizedFileURL
    // A path has finitely many parents; 64 is a guard against loops.
    for _ in 0..<64 {
      let marker = folder.appendingPathComponent("data/mnist/SHA256SUMS")
      if pathKind(marker.path) == .regularFile { return folder.path }
      let parent = folder.deletingLastPathComponent().standardizedFileURL
      if parent.path == folder.path { return nil }
      folder = parent
    }
    return nil
  }
}

// MARK: - Looking in one place

/// The folder holding `name`'s four files: `folder/<name>`, or (when
/// allowed) `folder` itself. Notes what was wrong with each place tried.
private func search(
  _ name: DatasetName, in folder: String, acceptFilesDirectly: Bool,
  source: String, looked: inout [String]
) -> String? {
  // A folder that is not there needs saying once, not for each form.
  guard pathKind(folder) == .directory else {
    looked.append("\(folder) (\(source)): \(missingFiles(in: folder) ?? "")")
    return nil
  }
  var places = [joinPath(folder, name.rawValue)]
  if acceptFilesDirectly { places.append(folder) }
  for place in places {
    guard let problem = missingFiles(in: place) else { return place }
    looked.append("\(place) (\(source)): \(problem)")
  }
  return nil
}

/// What keeps `folder` from being a data folder, or nil if it holds all
/// four files (each gzipped or plain).
private func missingFiles(in folder: String) -> String? {
  switch pathKind(folder) {
  case .missing: return "does not exist"
  case .directory: break
  case .regularFile, .other: return "not a folder"
  }
  let missing = FileKind.allCases.filter { kind in
    pathKind(joinPath(folder, kind.gzipName)) != .regularFile
      && pathKind(joinPath(folder, kind.baseName)) != .regularFile
  }
  if missing.isEmpty { return nil }
  if missing.count == FileKind.allCases.count { return "no IDX files" }
  // A folder where a file belongs is named as such: "missing" would send
  // the reader looking for a file that seems to be there.
  let names = missing.map { kind in
    for name in [kind.gzipName, kind.baseName]
    where pathKind(joinPath(folder, name)) == .directory {
      return "\(name) (a folder, not a file)"
    }
    return kind.gzipName
  }
  return "missing " + names.joined(separator: ", ")
}

/// `~/x` → `$HOME/x`, as a shell would, for paths from front matter.
private func expandTilde(_ path: String, home: String?) -> String {
  guard let home, path == "~" || path.hasPrefix("~/") else { return path }
  return home + path.dropFirst()
}

/// The running program's absolute path, when the system tells it.
private func executablePath() -> String? {
  #if os(Linux)
    if let target = try? FileManager.default.destinationOfSymbolicLink(
      atPath: "/proc/self/exe")
    {
      return target
    }
  #endif
  return Bundle.main.executablePath
    ?? CommandLine.arguments.first.map {
      URL(fileURLWithPath: $0).standardizedFileURL.path
    }
}
