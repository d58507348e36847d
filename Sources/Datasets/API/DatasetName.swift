// MARK: - Data set names

/// A data set labrun knows how to find, check and load.
///
/// The raw value is the folder name used under a data root, e.g.
/// `data/mnist/` or `/usr/share/datasets/fashion-mnist/`.
public enum DatasetName: String, Sendable, CaseIterable {
  /// Handwritten digits 0–9 (LeCun, Cortes and Burges).
  case mnist
  /// Zalando's photos of clothing, a drop-in replacement for MNIST.
  case fashionMNIST = "fashion-mnist"

  /// The human-readable name of each class, indexed by label (10 entries).
  public var classNames: [String] {
    switch self {
    case .mnist:
      return (0...9).map(String.init)
    case .fashionMNIST:
      return [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
      ]
    }
  }

  /// The name to show in reports: "MNIST" or "Fashion-MNIST".
  public var displayName: String {
    switch self {
    case .mnist: return "MNIST"
    case .fashionMNIST: return "Fashion-MNIST"
    }
  }

  /// What a playground asks its reader to draw: "a digit".
  public var drawingSubject: String {
    switch self {
    case .mnist: return "a digit"
    case .fashionMNIST: return "a piece of clothing"
    }
  }

  /// How a drawing is turned into an image like this data set's.
  public var drawingPreparation: DrawingPreparation {
    switch self {
    case .mnist: return .digitBoxCentreOfMass
    case .fashionMNIST: return .fillFrameCentred
    }
  }

  /// How to get good copies of this data set's files back, one sentence.
  public var restoreAdvice: String {
    switch self {
    case .mnist:
      return "Restore the repository's copy with `git checkout -- "
        + "data/mnist`, or pass --data DIR with a good copy."
    case .fashionMNIST:
      return "Reinstall it with `apt-get install --reinstall "
        + "dataset-fashion-mnist`, or pass --data DIR with a good copy."
    }
  }

  /// The Debian package that installs this data set, if there is one.
  public var debianPackage: String? {
    switch self {
    case .mnist: return nil
    case .fashionMNIST: return "dataset-fashion-mnist"
    }
  }
}

// MARK: - Preparing a drawing

/// How a drawing was shrunk and placed to make a data set's images; a
/// playground prepares a reader's drawing the same way.
public enum DrawingPreparation: String, Sendable, Codable, CaseIterable {
  /// MNIST: the ink's bounding box is scaled so that its longer side is 20
  /// of 28 pixels, then placed so that its centre of mass sits on the
  /// centre pixel (14, 14).
  case digitBoxCentreOfMass = "digit-box-centre-of-mass"
  /// Fashion-MNIST: the ink's bounding box is scaled so that its longer
  /// side fills the 28 pixels, then centred in the frame.
  case fillFrameCentred = "fill-frame-centred"

  /// The rule in words, for the page: "the way MNIST's digits were made".
  public var summary: String {
    switch self {
    case .digitBoxCentreOfMass:
      return "its longer side scaled to 20 of 28 pixels and its centre of "
        + "mass put in the middle"
    case .fillFrameCentred:
      return "its longer side scaled to fill the frame and the whole "
        + "centred"
    }
  }
}

// MARK: - The four files of a data set

/// One of the four IDX files every MNIST-style data set consists of.
public enum FileKind: Sendable, CaseIterable, Equatable {
  case trainingImages, trainingLabels, testImages, testLabels

  /// The file's name without the `.gz` suffix, e.g.
  /// `train-images-idx3-ubyte`.
  public var baseName: String {
    switch self {
    case .trainingImages: return "train-images-idx3-ubyte"
    case .trainingLabels: return "train-labels-idx1-ubyte"
    case .testImages: return "t10k-images-idx3-ubyte"
    case .testLabels: return "t10k-labels-idx1-ubyte"
    }
  }

  /// The compressed file name as distributed, e.g.
  /// `train-images-idx3-ubyte.gz`.
  public var gzipName: String { baseName + ".gz" }

  /// Whether the file holds images (IDX magic 0x803) or labels (0x801).
  public var holdsImages: Bool {
    self == .trainingImages || self == .testImages
  }
}

// MARK: - Loaded data

/// A file that was loaded, with the SHA-256 of its bytes as stored.
public struct DataFile: Sendable, Equatable, Codable {
  /// The full path the file was read from.
  public var path: String
  /// The file name, e.g. `train-images-idx3-ubyte.gz`.
  public var name: String
  /// SHA-256 of the file's bytes on disk, 64 lowercase hex digits.
  public var sha256: String

  /// Creates a file record.
  public init(path: String, name: String, sha256: String) {
    self.path = path
    self.name = name
    self.sha256 = sha256
  }
}

/// Both splits of a data set, checked and ready to train on.
public struct LoadedData: Sendable {
  /// Which data set this is.
  public var name: DatasetName
  /// The folder the four files were read from.
  public var directory: String
  /// Every image of the training file (60,000 for MNIST).
  public var training: Dataset
  /// Every image of the test file (10,000 for MNIST).
  public var test: Dataset
  /// The four files in the order training images, training labels,
  /// test images, test labels, each with its SHA-256.
  public var files: [DataFile]

  /// Creates a loaded data set from its parts.
  public init(
    name: DatasetName, directory: String, training: Dataset, test: Dataset,
    files: [DataFile]
  ) {
    self.name = name
    self.directory = directory
    self.training = training
    self.test = test
    self.files = files
  }
}
