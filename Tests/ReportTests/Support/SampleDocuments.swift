// Realistic report documents for tests and for looking at the page: a
// lecture with a data set, a network, training, an lr comparison, an
// evaluation, an error cell and a skipped cell.

import Diagnostics
import Foundation
import LabrunTestSupport
import Report

enum Samples {
  static let digits = (0..<10).map(String.init)

  /// The full lecture: every kind of result and every cell status.
  static func lecture() -> ReportDocument {
    var rng = SplitMix64(seed: 20)
    let samples = (0..<16).map { i in
      SyntheticDigits.image((i * 7 + 3) % 10, index: i * 97, using: &rng)
    }
    let dataset = DatasetResult(
      name: "mnist", training: 50_000, validation: 10_000, test: 10_000,
      rows: 28, columns: 28, classNames: digits, samples: samples)
    let network = NetworkResult(
      sizes: [784, 30, 10],
      layers: [
        .init(inputs: 784, outputs: 30, activation: "sigmoid"),
        .init(inputs: 30, outputs: 10, activation: "sigmoid"),
      ], cost: "quadratic", initialization: "gaussian N(0, 1)")
    let training = run(
      lr: 3, validation: [0.9103, 0.9287, 0.9361, 0.9440, 0.9502],
      cost: [0.0452, 0.0291, 0.0243, 0.0214, 0.0196])
    let comparison = ComparisonResult(
      parameter: "lr", values: ["0.5", "3", "100"],
      runs: [
        run(lr: 0.5, validation: [0.7712, 0.8390, 0.8654, 0.8811, 0.8903],
            cost: [0.0811, 0.0562, 0.0441, 0.0392, 0.0363]),
        run(lr: 3, validation: [0.9103, 0.9287, 0.9361, 0.9440, 0.9502],
            cost: [0.0452, 0.0291, 0.0243, 0.0214, 0.0196]),
        run(lr: 100, validation: [0.1135, 0.0982, 0.0982, 0.0982, 0.0982],
            cost: [0.4501, .infinity, .nan, .nan, .nan], diverged: 2),
      ], chosen: 1)
    let evaluation = EvaluationResult(
      split: "test", correct: 9_512, total: 10_000, classNames: digits,
      confusion: confusion(), misclassified: misclassified(using: &rng))

    var items: [ReportItem] = [
      .prose(html: """
        <p>In this lecture we train Nielsen's <em>784-30-10</em> network on \
        MNIST and look at how the <strong>learning rate</strong> changes \
        what it learns.</p>
        """),
    ]
    items.append(.cell(cell(1, line: 12, ["load mnist validation=10000"],
                            seconds: 0.412, results: [CellResult(dataset)])))
    items.append(.prose(html: "<h2>The network</h2>\n<p>Thirty hidden "
      + "neurons, sigmoid everywhere, quadratic cost.</p>"))
    items.append(.cell(cell(2, line: 20, ["net 784-30-10", "seed 42"],
                            seconds: 0.003, results: [CellResult(network)])))
    items.append(.cell(cell(3, line: 27, ["sgd lr=3 batch=10 epochs=5",
                                          "# five passes over the data"],
                            seconds: 0.21, cached: true, original: 6.84,
                            results: [CellResult(training)])))
    items.append(.prose(html: "<p>Now three learning rates from the same "
      + "starting weights.</p>"))
    items.append(.cell(cell(4, line: 35, ["sgd lr=0.5,3,100 epochs=5"],
                            seconds: 19.7, results: [CellResult(comparison)])))
    items.append(.cell(cell(5, line: 41, ["evaluate on=test",
                                          "show misclassified=12"],
                            seconds: 0.088,
                            results: [CellResult(evaluation)])))
    var broken = cell(6, line: 47, ["sgd lrate=3 epochs=2"], seconds: 0)
    broken.status = .error
    broken.diagnostics = [
      Diagnostic(
        severity: .error,
        location: SourceLocation(
          file: "notebooks/lecture20.md", line: 48, column: 5),
        message: "unknown key 'lrate'", suggestion: "did you mean 'lr'?")
    ]
    items.append(.cell(broken))
    var skipped = cell(7, line: 53, ["evaluate on=test"], seconds: 0)
    skipped.status = .skipped
    skipped.skipReason = "cell 6 failed, and this cell needs its network."
    items.append(.cell(skipped))

    return ReportDocument(
      title: "Lecture 20: learning to read digits",
      notebookPath: "notebooks/lecture20.md", items: items,
      footer: ReportFooter(
        seed: 42, labrunVersion: "0.1.0",
        dataFiles: [
          DataFileRecord(
            name: "train-images-idx3-ubyte.gz",
            sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
          DataFileRecord(
            name: "t10k-images-idx3-ubyte.gz",
            sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        ],
        totalSeconds: 27.3, date: "2026-11-25T10:00:00Z",
        overrides: ["sgd.epochs=5"]))
  }

  /// A one-cell document, small enough for a readable snapshot.
  static func small() -> ReportDocument {
    var rng = SplitMix64(seed: 7)
    let image = SyntheticDigits.image(7, index: 0, using: &rng)
    let training = run(
      lr: 3, validation: [0.91, 0.93], cost: [0.05, 0.03])
    return ReportDocument(
      title: "Tiny", notebookPath: "tiny.md",
      items: [
        .prose(html: "<p>Hello.</p>"),
        .cell(cell(1, line: 3, ["load mnist", "sgd lr=3 epochs=2"],
                   seconds: 1.5,
                   results: [
                     CellResult(
                       DatasetResult(
                         name: "mnist", training: 100, validation: 10,
                         test: 10, rows: 28, columns: 28,
                         classNames: digits, samples: [image])),
                     CellResult(training),
                   ])),
      ],
      footer: ReportFooter(
        seed: 1, labrunVersion: "0.1.0",
        dataFiles: [DataFileRecord(name: "a.gz", sha256: "00ff")],
        totalSeconds: 1.6, date: "2026-11-25T10:00:00Z"))
  }

  /// Edge cases on one page: 100 epochs, a diverged run, one epoch, a
  /// flat series, Fashion-MNIST's long class names, a cell without
  /// results and a warning.
  static func stress() -> ReportDocument {
    let fashion = [
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    var rng = SplitMix64(seed: 5)
    let long = TrainingResult(
      learningRate: 0.1, batchSize: 10, epochs: 100, l2: 5, momentum: 0.9,
      trainingImages: 50_000,
      history: (1...100).map { e in
        let x = Double(e)
        return EpochResult(
          epoch: e, trainingCost: 0.09 / (1 + x / 8) + 0.003 * sin(x),
          validationAccuracy: 0.97 - 0.08 / (1 + x / 5),
          testAccuracy: 0.968 - 0.08 / (1 + x / 5), seconds: 1.2)
      })
    var diverged = run(
      lr: 1000, validation: [0.098, 0.098, 0.098, 0.098],
      cost: [0.45, .infinity, .nan, .nan], diverged: 2)
    diverged.history[3].validationAccuracy = .nan
    let single = run(lr: 3, validation: [0.9], cost: [0.05])
    let flat = run(
      lr: 3, validation: [0.9, 0.9, 0.9], cost: [0.02, 0.02, 0.02])
    var warned = cell(5, line: 40, ["sgd lr=3 epochs=3 batch=10000"],
                      seconds: 2)
    warned.diagnostics = [
      Diagnostic(
        severity: .warning,
        location: SourceLocation(
          file: "stress.md", line: 41, column: 20),
        message: "a batch of 10000 gives only 5 updates per epoch")
    ]
    warned.results = [CellResult(flat)]
    let confusion = (0..<10).map { row in
      (0..<10).map { column in
        row == column ? 850 : (row * 3 + column * 7) % 11 == 0 ? 40 : 3
      }
    }
    let evaluation = EvaluationResult(
      split: "validation", correct: 8_500, total: 10_000,
      classNames: fashion, confusion: confusion,
      misclassified: (0..<3).map {
        SyntheticDigits.image(
          $0, index: $0, label: fashion[$0], predicted: fashion[9 - $0],
          using: &rng)
      })
    return ReportDocument(
      title: "Stress: edges of the report", notebookPath: "stress.md",
      items: [
        .cell(cell(1, line: 3, ["sgd lr=0.1 epochs=100 l2=5 momentum=0.9"],
                   seconds: 131, results: [CellResult(long)])),
        .cell(cell(2, line: 10, ["sgd lr=1000 epochs=4"], seconds: 5,
                   results: [CellResult(diverged)])),
        .cell(cell(3, line: 20, ["sgd epochs=1"], seconds: 1.3,
                   results: [CellResult(single)])),
        .cell(cell(4, line: 30, ["load fashion-mnist"], seconds: 0.5,
                   results: [CellResult(evaluation)])),
        .cell(warned),
        .cell(cell(6, line: 50, [], seconds: 0)),
      ],
      footer: ReportFooter(
        seed: 7, labrunVersion: "0.1.0", dataFiles: [], totalSeconds: 3_725,
        date: "2026-11-25T10:00:00Z"))
  }

  // MARK: - Pieces

  static func cell(
    _ number: Int, line: Int, _ source: [String], seconds: Double,
    cached: Bool = false, original: Double? = nil, results: [CellResult] = []
  ) -> CellReport {
    let directives = source.enumerated().compactMap {
      offset, text -> DirectiveRecord? in
      let words = text.split(separator: " ").map(String.init)
      guard let verb = words.first, !verb.hasPrefix("#") else { return nil }
      return DirectiveRecord(
        verb: verb, line: line + 1 + offset, column: 1,
        arguments: words.dropFirst().map { word in
          let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
          // The runner names a positional argument as its schema does.
          let positional = ["load": "dataset", "net": "sizes", "seed": "value"]
          return pair.count == 2
            ? .init(key: pair[0], value: pair[1])
            : .init(key: positional[verb] ?? "", value: word)
        })
    }
    return CellReport(
      number: number, line: line, sourceLines: source,
      firstSourceLine: line + 1, directives: directives, status: .ok,
      seconds: seconds, cached: cached, originalSeconds: original,
      results: results)
  }

  static func run(
    lr: Double, validation: [Double], cost: [Double], diverged: Int? = nil
  ) -> TrainingResult {
    TrainingResult(
      learningRate: lr, batchSize: 10, epochs: validation.count, l2: 0,
      momentum: 0, trainingImages: 50_000,
      history: validation.indices.map { i in
        EpochResult(
          epoch: i + 1, trainingCost: cost[i],
          validationAccuracy: validation[i],
          testAccuracy: validation[i] - 0.0012 + Double(i % 2) * 0.0009,
          seconds: 1.31 + Double(i) * 0.02)
      }, divergedAtEpoch: diverged)
  }

  /// A plausible 10 × 10 confusion matrix with 9,512 of 10,000 correct.
  static func confusion() -> [[Int]] {
    let totals = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    let mistakes: [(Int, Int, Int)] = [
      (4, 9, 41), (9, 4, 25), (7, 2, 24), (3, 5, 29), (5, 3, 43),
      (8, 3, 26), (2, 8, 22), (7, 9, 27), (9, 7, 19), (6, 0, 14),
      (1, 8, 12), (0, 6, 9), (8, 5, 21), (2, 3, 18), (5, 8, 20),
      (3, 8, 16), (6, 5, 15), (4, 6, 13), (9, 8, 17), (8, 9, 23),
      (1, 2, 11), (2, 7, 16), (0, 5, 8), (7, 4, 9), (5, 6, 10),
    ]
    var matrix = Array(repeating: Array(repeating: 0, count: 10), count: 10)
    for (t, p, n) in mistakes { matrix[t][p] += n }
    for row in 0..<10 {
      matrix[row][row] = totals[row] - matrix[row].reduce(0, +)
    }
    // 10,000 - 488 mistakes = 9,512 correct.
    return matrix
  }

  static func misclassified(using rng: inout SplitMix64) -> [DigitImage] {
    let pairs = [(4, 9), (7, 2), (5, 3), (9, 4), (3, 5), (8, 3), (2, 8),
                 (7, 9), (6, 0), (1, 8), (9, 7), (5, 8)]
    return pairs.enumerated().map { i, pair in
      SyntheticDigits.image(
        pair.0, index: 115 + i * 331, predicted: String(pair.1), using: &rng)
    }
  }
}
