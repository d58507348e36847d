import Foundation
import HTMLText

// MARK: - Images, embedded in the page

/// What a notebook's `![alt](url)` becomes: a local image read and put in
/// the page as a `data:` URI (so the report stays one file and makes no
/// request), or a link for a remote one, or a visible placeholder when the
/// file cannot be used. Every such case but the first comes with a
/// warning.
final class ImageEmbedder {
  /// The largest image file embedded.
  static let maxFileSize = 5_000_000
  /// At most this many bytes of images in one report: a notebook that
  /// shows one picture a thousand times should not write gigabytes.
  static let maxTotalSize = 50_000_000

  /// What the page shows for one image.
  enum Outcome: Equatable {
    /// `<img>` markup with the data inside.
    case embedded(String)
    /// A remote address, shown as a link to it.
    case link(url: String)
    /// Markup of a visible placeholder.
    case placeholder(String)
  }

  /// The kinds of image a page can show, found by their first bytes.
  enum Kind: String {
    case png = "image/png"
    case jpeg = "image/jpeg"
    case gif = "image/gif"
    case webp = "image/webp"
    case svg = "image/svg+xml"

    /// The kind of an image file's bytes, or nil.
    init?(sniffing bytes: Data) {
      let head = [UInt8](bytes.prefix(4096))
      func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
        head.count >= offset + prefix.count
          && Array(head[offset..<(offset + prefix.count)]) == prefix
      }
      if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
        self = .png
      } else if starts([0xFF, 0xD8, 0xFF]) {
        self = .jpeg
      } else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) {
        self = .gif
      } else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) {
        self = .webp
      } else {
        // SVG is text: an XML declaration, comments or a doctype may come
        // before the `<svg` element.
        let text = String(decoding: head, as: UTF8.self).lowercased()
        guard let svg = text.range(of: "<svg"),
          text[..<svg.lowerBound].allSatisfy({ $0.isWhitespace || $0.isASCII }),
          text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("<")
        else { return nil }
        self = .svg
      }
    }
  }

  /// The notebook's folder: local images are found relative to it.
  let folder: URL
  /// The same folder as the notebook's path names it (`notebooks`, or
  /// empty), for messages: a report shows no path of the machine.
  let folderName: String
  private var read: [String: Result<(Kind, String), ImageProblem>] = [:]
  /// Every local image file named, found or not, in order: what a watch
  /// must also look at.
  private(set) var files: [String] = []
  private var embeddedBytes = 0

  /// - Parameter notebookPath: The notebook's path, as given.
  init(notebookPath: String) {
    folder = URL(fileURLWithPath: notebookPath).deletingLastPathComponent()
    let slash = notebookPath.lastIndex(of: "/")
    folderName = slash.map { String(notebookPath[...$0]) } ?? ""
  }

  /// Why an image is not shown, for the warning and the placeholder.
  struct ImageProblem: Error, Equatable {
    var message: String
    var suggestion: String?
    /// A few words for the placeholder.
    var reason = "not shown"
  }

  /// What `url` (as libcmark gives it: percent-encoded) becomes, with a
  /// warning for anything but an embedded image.
  func embed(url: String, alt: String, title: String)
    -> (Outcome, ImageProblem?)
  {
    let shown = url.removingPercentEncoding ?? url
    if let scheme = Self.scheme(of: url), scheme != "file" {
      if scheme == "http" || scheme == "https" {
        return (
          .link(url: url),
          ImageProblem(
            message: "remote image \(quoted(shown)) is not loaded (a report"
              + " makes no request); it is shown as a link",
            suggestion: "save it next to the notebook and write"
              + " ![\(alt.isEmpty ? "…" : alt)](figures/name.png)"))
      }
      return (
        .placeholder(placeholder(alt: alt, url: shown, reason: "not a local file")),
        ImageProblem(
          message: "image \(quoted(shown)) is not shown: only local files"
            + " are embedded",
          suggestion: "save it next to the notebook and refer to it by its path"))
    }
    var path = shown
    if path.hasPrefix("file://") { path = String(path.dropFirst(7)) }
    // A query or fragment names no file.
    if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
      path = String(path[..<cut])
    }
    guard !path.isEmpty else {
      return (
        .placeholder(placeholder(alt: alt, url: shown, reason: "no file named")),
        ImageProblem(
          message: "image without a file name is not shown",
          suggestion: "write ![\(alt.isEmpty ? "…" : alt)](figures/name.png)"))
    }
    let file = path.hasPrefix("/")
      ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    let key = file.standardizedFileURL.path
    if read[key] == nil { files.append(key) }
    let result = read[key] ?? load(file, shown: shown)
    read[key] = result
    switch result {
    case .failure(let problem):
      return (
        .placeholder(placeholder(alt: alt, url: shown, reason: problem.reason)),
        problem)
    case .success(let (kind, base64)):
      guard embeddedBytes + base64.utf8.count <= Self.maxTotalSize else {
        let problem = ImageProblem(
          message: "image \(quoted(shown)) is not embedded: the report"
            + " already holds \(Self.maxTotalSize / 1_000_000) MB of images",
          suggestion: "make the images smaller, or show fewer of them")
        return (
          .placeholder(placeholder(alt: alt, url: shown, reason: "too many images")),
          problem)
      }
      embeddedBytes += base64.utf8.count
      let titleAttribute = title.isEmpty ? "" : " title=\"\(title.htmlEscaped)\""
      // Always an <img>, SVG too: a script inside an image never runs.
      return (
        .embedded(
          "<img src=\"data:\(kind.rawValue);base64,\(base64)\""
            + " alt=\"\(alt.htmlEscaped)\"\(titleAttribute) />"),
        nil)
    }
  }

  private func load(_ file: URL, shown: String)
    -> Result<(Kind, String), ImageProblem>
  {
    let path = file.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    else {
      return .failure(
        ImageProblem(
          message: "image \(quoted(shown)) not found"
            + (shown.hasPrefix("/") ? "" : " (looked for"
              + " \(quoted(folderName + shown, limit: 80)))"),
          suggestion: "paths are relative to the notebook's folder",
          reason: "not found"))
    }
    var info = stat()
    guard !isDirectory.boolValue, stat(path, &info) == 0,
      info.st_mode & S_IFMT == S_IFREG
    else {
      return .failure(
        ImageProblem(
          message: "image \(quoted(shown)) is not a file", suggestion: nil,
          reason: "not a file"))
    }
    guard Int(info.st_size) <= Self.maxFileSize else {
      return .failure(
        ImageProblem(
          message: "image \(quoted(shown)) is not embedded: it holds"
            + " \(Int(info.st_size) / 1_000_000) MB, more than the"
            + " \(Self.maxFileSize / 1_000_000) MB an image may hold",
          suggestion: "save it smaller (a PNG or JPEG of at most 1600 pixels"
            + " across is plenty for a page)",
          reason: "larger than \(Self.maxFileSize / 1_000_000) MB"))
    }
    // Read with a limit too: a file of the system may say it is empty and
    // never end, or never answer.
    let data: Data
    switch readFile(path, limit: Self.maxFileSize) {
    case .success(let bytes): data = Data(bytes)
    case .failure(let failure):
      return .failure(
        ImageProblem(
          message: "image \(quoted(shown)) cannot be read: \(failure.reason)",
          suggestion: nil, reason: "cannot be read"))
    }
    guard let kind = Kind(sniffing: data) else {
      return .failure(
        ImageProblem(
          message: "image \(quoted(shown)) is not a PNG, JPEG, GIF, WebP or"
            + " SVG file",
          suggestion: "save it as PNG, JPEG, GIF, WebP or SVG",
          reason: "not an image"))
    }
    return .success((kind, data.base64EncodedString()))
  }

  /// What shows where an image could not be: its description and why.
  private func placeholder(alt: String, url: String, reason: String) -> String {
    let label = alt.isEmpty ? url : alt
    return "<span class=\"image-missing\" role=\"img\""
      + " aria-label=\"\(label.htmlEscaped)\">[image: \(label.htmlEscaped)"
      + " — \(reason.htmlEscaped)]</span>"
  }

  /// A URL's scheme (`https`, `data`, lower-cased), or nil for a path. A
  /// protocol-relative `//host/x` counts as `https`.
  static func scheme(of url: String) -> String? {
    if url.hasPrefix("//") { return "https" }
    guard let colon = url.firstIndex(of: ":") else { return nil }
    let scheme = url[..<colon]
    guard let first = scheme.first, first.isASCII, first.isLetter,
      scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
    else { return nil }
    // `C:` would be a drive letter, not a scheme.
    return scheme.count > 1 ? scheme.lowercased() : nil
  }
}
