// MARK: - Errors

/// Why a data file could not be found, read or trusted.
///
/// Every error names the file (or folder) involved, says what is wrong
/// with it and what to do next. Two errors are equal when all three agree,
/// so tests can compare whole values.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file or folder the problem is about.
  public var path: String
  /// What is wrong.
  public var problem: Problem
  /// What the user can do about it, one or two sentences.
  public var hint: String

  /// Creates an error; the hint defaults to the problem's usual advice.
  public init(path: String, problem: Problem, hint: String? = nil) {
    self.path = path
    self.problem = problem
    self.hint = hint ?? problem.defaultHint
  }

  /// The kinds of things that go wrong with data files.
  public enum Problem: Equatable, Sendable {
    /// Nothing exists at the path.
    case missingFile
    /// The path is a folder where a file was expected.
    case isDirectory
    /// The file exists but could not be read; the reason from the system.
    case unreadable(String)
    /// The file holds zero bytes.
    case emptyFile
    /// The gzip stream is damaged; zlib's explanation.
    case corruptGzip(String)
    /// The first four bytes are not the IDX magic number expected.
    case badMagic(found: UInt32, expected: UInt32)
    /// The header's sizes are zero, absurd or overflow; why.
    case badDimensions(String)
    /// The (decompressed) file ends before the header's promise.
    case truncated(expected: Int, actual: Int)
    /// The (decompressed) file goes on after the header's promise; `extra`
    /// is the number of surplus bytes (a lower bound when it reaches
    /// ``DataError/trailingCountLimit``).
    case trailingBytes(expected: Int, extra: Int)
    /// The image file and its label file disagree on the count.
    case countMismatch(images: Int, labels: Int, labelsPath: String)
    /// The training and test images have different sizes.
    case shapeMismatch(training: [Int], test: [Int])
    /// A label is not a valid class index.
    case labelOutOfRange(index: Int, label: UInt8, classes: Int)
    /// The file's SHA-256 is not the known one. `lookalike` names a known
    /// file whose sum this is, when there is one (e.g. the wrong data set).
    case checksumMismatch(expected: String, actual: String, lookalike: String?)
    /// The data set was found nowhere; every place tried and what was there.
    case notFound(dataset: String, looked: [String])
  }

  /// The largest number of trailing bytes counted exactly; beyond it the
  /// count is reported as "at least".
  public static let trailingCountLimit = 1 << 24

  /// One sentence saying what is wrong, without the path or the hint.
  public var message: String {
    switch problem {
    case .missingFile:
      return "no such file"
    case .isDirectory:
      return "this is a folder, but a data file was expected"
    case .unreadable(let reason):
      return "cannot read the file: \(reason)"
    case .emptyFile:
      return "the file is empty (0 bytes)"
    case .corruptGzip(let reason):
      return "the gzip data is corrupt: \(reason)"
    case .badMagic(let found, let expected):
      return "bad magic number \(hex32(found)) (\(describeMagic(found))); "
        + "expected \(hex32(expected)) (\(describeMagic(expected)))"
    case .badDimensions(let reason):
      return "bad dimensions in the IDX header: \(reason)"
    case .truncated(let expected, let actual):
      return "the file is truncated: its header promises \(expected) bytes "
        + "of IDX data but only \(actual) are there"
    case .trailingBytes(let expected, let extra):
      let amount =
        extra >= Self.trailingCountLimit ? "at least \(extra)" : "\(extra)"
      return "the file has \(amount) unexpected byte(s) after the "
        + "\(expected) bytes its header promises"
    case .countMismatch(let images, let labels, let labelsPath):
      return "this image file holds \(images) images but its label file "
        + "\(labelsPath) holds \(labels) labels"
    case .shapeMismatch(let training, let test):
      return "training images are \(shape(training)) but test images are "
        + "\(shape(test))"
    case .labelOutOfRange(let index, let label, let classes):
      return "label \(label) of item \(index) is not a class index "
        + "(there are \(classes) classes, 0...\(classes - 1))"
    case .checksumMismatch(let expected, let actual, let lookalike):
      var text = "SHA-256 mismatch: expected \(expected), found \(actual)"
      if let lookalike { text += " (that is the sum of \(lookalike))" }
      return text
    case .notFound(let dataset, let looked):
      let places = looked.map { "\n    - " + $0 }.joined()
      return "could not find the \(dataset) data set; looked in:" + places
    }
  }

  /// `path: message`, then the hint on its own line.
  public var description: String {
    "\(path): \(message)\n  hint: \(hint)"
  }
}

// MARK: - Hints

extension DataError.Problem {
  /// The usual advice for this problem.
  var defaultHint: String {
    switch self {
    case .missingFile:
      return "Check the path, or pass --data DIR pointing at a folder that "
        + "holds the four IDX files (or a <name>/ folder with them)."
    case .isDirectory:
      return "Remove or rename the folder and put the data file in its place."
    case .unreadable:
      return "Check the file's permissions and that it is a regular file."
    case .emptyFile, .truncated, .corruptGzip:
      return "The file is damaged or was cut short (an interrupted copy or "
        + "download?). Restore it: `git checkout -- data/` for the "
        + "repository's MNIST, `apt-get install --reinstall "
        + "dataset-fashion-mnist` for Fashion-MNIST."
    case .badMagic:
      return "Make sure each file is what its name says (images vs labels) "
        + "and is an IDX file, gzipped at most once."
    case .badDimensions, .trailingBytes, .shapeMismatch, .labelOutOfRange:
      return "The file is not a valid MNIST-style IDX file; replace it with "
        + "a good copy."
    case .countMismatch:
      return "The image and label files come from different sets; use the "
        + "four files of one data set together."
    case .checksumMismatch:
      return "The file is not the published one (damaged, modified, or from "
        + "another data set). Replace it with a good copy: `git checkout -- "
        + "data/` for MNIST, `apt-get install --reinstall "
        + "dataset-fashion-mnist` for Fashion-MNIST."
    case .notFound(let dataset, _):
      var hint = "Pass --data DIR (a folder holding \(dataset)/ or the four "
        + "IDX files) or set LABRUN_DATA."
      if dataset == DatasetName.fashionMNIST.rawValue {
        hint += " Or install it: `apt-get install dataset-fashion-mnist`."
      } else if dataset == DatasetName.mnist.rawValue {
        hint += " The repository keeps a copy in data/mnist: restore it with "
          + "`git checkout -- data/mnist`."
      }
      return hint
    }
  }
}

// MARK: - Formatting helpers

/// `0x00000803`.
func hex32(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: max(0, 8 - digits.count))
    + digits
}

/// `60000×28×28`.
private func shape(_ dimensions: [Int]) -> String {
  dimensions.map(String.init).joined(separator: "×")
}

/// What a four-byte magic number means, in words.
func describeMagic(_ magic: UInt32) -> String {
  let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: magic >> $0) }
  if bytes[0] == 0x1f && bytes[1] == 0x8b {
    return "gzip data: the file was compressed twice?"
  }
  if let text = String(validating: bytes, as: UTF8.self) {
    let lower = text.lowercased()
    if lower.hasPrefix("<!d") || lower.hasPrefix("<htm") || lower == "<?xm" {
      return "an HTML/XML page, probably saved by a failed download"
    }
  }
  if bytes[0] == 0x50 && bytes[1] == 0x4b {
    return "a zip archive"
  }
  guard bytes[0] == 0 && bytes[1] == 0 else {
    return "not an IDX file"
  }
  let types: [UInt8: String] = [
    0x08: "unsigned bytes", 0x09: "signed bytes", 0x0b: "16-bit integers",
    0x0c: "32-bit integers", 0x0d: "32-bit floats", 0x0e: "64-bit floats",
  ]
  let dimensions = Int(bytes[3])
  let plural = dimensions == 1 ? "" : "s"
  switch (bytes[2], dimensions) {
  case (0x08, 3): return "an IDX image file: unsigned bytes, 3 dimensions"
  case (0x08, 1): return "an IDX label file: unsigned bytes, 1 dimension"
  default:
    guard let type = types[bytes[2]] else {
      return "not an IDX file: unknown element type \(bytes[2])"
    }
    return "an IDX file of \(type) with \(dimensions) dimension\(plural)"
  }
}
