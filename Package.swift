// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "labrun",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "labrun", targets: ["labrun"]),
    .executable(name: "labrun-bench", targets: ["labrun-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // MARK: - C libraries from Debian's -dev packages
    .systemLibrary(
      name: "Ccmark", pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),
    // OpenBLAS only for labrun-bench's comparison: labrun never links it.
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CCrypto", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]),

    // MARK: - The engine's numerical kernels, in C: fixed-order products
    // with explicit fused multiply-adds, one variant per instruction set.
    .target(
      name: "CKernels", exclude: ["products.inc"],
      cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),

    // The benchmark's probe of one core's FMA rate at each vector width.
    .target(
      name: "CFMAProbe",
      cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])]),
    // The benchmark's probe of a cache line's round trip between two cores.
    .target(name: "CLineProbe", cSettings: [.unsafeFlags(["-O2"])]),

    // MARK: - The notebook: Markdown, front matter, directives; its math
    .target(name: "HTMLText"),
    // labrun's one number formatter, for every target that prints numbers.
    .target(name: "NumberFormat"),
    // labrun's one reader of whole files (notebooks, images, data, cache).
    .target(name: "FileReading"),
    .target(name: "TeXMath", dependencies: ["HTMLText"]),
    // labrun's one located message, shared by the notebook, the report and
    // the runner (and the cache, which stores it).
    .target(name: "Diagnostics"),
    .target(
      name: "Notebook",
      dependencies: [
        "Ccmark", "Yams", "TeXMath", "HTMLText", "NumberFormat", "FileReading",
        "Diagnostics",
      ]),

    // MARK: - The engine: data sets, then the network that trains on them
    .target(name: "Datasets", dependencies: ["CZlib", "CCrypto", "FileReading"]),
    .target(
      name: "NeuralNet", dependencies: ["Datasets", "CKernels", "NumberFormat"]),

    // MARK: - The report: HTML, SVG and JSON from plain values
    .target(
      name: "Report",
      dependencies: ["HTMLText", "NumberFormat", "Datasets", "Diagnostics"]),

    // MARK: - The runner and the command line
    .target(
      name: "LabrunCore",
      dependencies: [
        "Notebook", "Datasets", "NeuralNet", "Report", "HTMLText",
        "NumberFormat", "Diagnostics", "FileReading",
        .product(name: "FlyingFox", package: "FlyingFox"),
      ]),
    .executableTarget(
      name: "labrun",
      dependencies: [
        "LabrunCore", "NeuralNet",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .executableTarget(
      name: "labrun-bench",
      dependencies: [
        "NeuralNet", "Datasets", "CKernels", "COpenBLAS", "CFMAProbe",
        "CLineProbe",
      ]),

    // MARK: - Tests
    .testTarget(
      name: "NotebookTests",
      dependencies: ["Notebook", "LabrunCore", "LabrunTestSupport"],
      exclude: ["Golden"]),
    .testTarget(name: "TeXMathTests", dependencies: ["TeXMath"]),
    .testTarget(
      name: "DatasetsTests", dependencies: ["Datasets", "LabrunTestSupport"]),
    .testTarget(
      name: "NeuralNetTests", dependencies: ["NeuralNet", "Datasets"],
      exclude: ["Golden"]),
    .testTarget(
      name: "KernelTests", dependencies: ["CKernels", "LabrunTestSupport"]),
    .testTarget(
      name: "ReportTests",
      dependencies: [
        "Report", "HTMLText", "NumberFormat", "Datasets", "Diagnostics",
        "LabrunTestSupport",
      ],
      exclude: ["Snapshots"]),
    .testTarget(name: "LabrunCoreTests", dependencies: ["LabrunCore"]),
    .target(name: "LabrunTestSupport", path: "Tests/LabrunTestSupport"),
    .testTarget(
      name: "EndToEndTests", dependencies: ["labrun", "LabrunTestSupport"],
      exclude: ["Golden"]),
    .testTarget(
      name: "FaultTests", dependencies: ["labrun", "LabrunTestSupport"]),
  ]
)
