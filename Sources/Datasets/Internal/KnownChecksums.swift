// MARK: - Published checksums

/// SHA-256 of each published file, both as distributed (`.gz`) and
/// decompressed (for folders where someone ran `gunzip`).
///
/// MNIST's `.gz` sums are the ones in `data/mnist/SHA256SUMS`;
/// Fashion-MNIST's were computed from Debian's `dataset-fashion-mnist`
/// (0.0~git20200523.55506a9-1), which ships Zalando's original files.
enum KnownChecksums {
  /// File name → SHA-256 hex, per data set.
  static func sums(for name: DatasetName) -> [String: String] {
    switch name {
    case .mnist: return mnist
    case .fashionMNIST: return fashionMNIST
    }
  }

  /// Which known file has this sum, e.g. "MNIST's
  /// train-images-idx3-ubyte.gz": to explain a mismatch.
  static func owner(of sum: String) -> String? {
    for name in DatasetName.allCases {
      for (file, known) in sums(for: name) where known == sum {
        return "\(name.displayName)'s \(file)"
      }
    }
    return nil
  }

  private static let mnist = [
    "train-images-idx3-ubyte.gz":
      "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
    "train-labels-idx1-ubyte.gz":
      "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
    "t10k-images-idx3-ubyte.gz":
      "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
    "t10k-labels-idx1-ubyte.gz":
      "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
    "train-images-idx3-ubyte":
      "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte":
      "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte":
      "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte":
      "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
  ]

  private static let fashionMNIST = [
    "train-images-idx3-ubyte.gz":
      "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz":
      "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz":
      "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz":
      "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    "train-images-idx3-ubyte":
      "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte":
      "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte":
      "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte":
      "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
  ]
}
