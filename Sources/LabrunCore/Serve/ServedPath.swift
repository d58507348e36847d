import Foundation

/// Maps a request's path to a file inside the served folder, or refuses it.
///
/// Only regular files under the folder are served: `..` segments are
/// refused, hidden names (`.labrun-cache`, `.labrun-tmp-…`) are not found,
/// and a symbolic link is followed only when its target is still inside the
/// folder.
public enum ServedPath: Equatable, Sendable {
  /// A regular file inside the folder (its resolved absolute path).
  case file(String)
  /// The folder itself: serve the index of reports.
  case index
  /// No such file, or a name that is never served (hidden).
  case notFound
  /// An attempt to leave the folder.
  case forbidden

  /// Resolves `requestPath` (already percent-decoded, e.g. `/a.html`)
  /// against `root`.
  public static func resolve(_ requestPath: String, root: String)
    -> ServedPath
  {
    let segments = requestPath.split(
      separator: "/", omittingEmptySubsequences: true)
    if segments.isEmpty { return .index }
    for segment in segments {
      if segment == ".." || segment.contains("\\") || segment.contains("\0") {
        return .forbidden
      }
      if segment.hasPrefix(".") { return .notFound }
    }
    guard let base = realPath(root) else { return .notFound }
    let candidate = base + "/" + segments.joined(separator: "/")
    guard let resolved = realPath(candidate) else { return .notFound }
    guard resolved.hasPrefix(base + "/") else { return .forbidden }
    var isDirectory: ObjCBool = false
    guard
      FileManager.default.fileExists(
        atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue
    else { return .notFound }
    return .file(resolved)
  }

  /// The path with every symbolic link resolved, or nil if it does not
  /// exist.
  static func realPath(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }

  /// The Content-Type for a file name.
  public static func contentType(for path: String) -> String {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "html", "htm": "text/html; charset=utf-8"
    case "json": "application/json"
    case "svg": "image/svg+xml"
    case "png": "image/png"
    case "jpg", "jpeg": "image/jpeg"
    case "css": "text/css; charset=utf-8"
    case "js": "text/javascript; charset=utf-8"
    case "txt", "md": "text/plain; charset=utf-8"
    default: "application/octet-stream"
    }
  }
}
