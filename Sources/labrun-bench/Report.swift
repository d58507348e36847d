import Foundation

/// One line of the benchmark's table.
struct BenchmarkRow: Codable {
  /// What was measured.
  var name: String
  /// Median seconds per epoch (or per evaluation, per load).
  var seconds: Double
  /// Median CPU seconds of the measuring thread for the same work (nil
  /// where several threads share it).
  var cpuSeconds: Double?
  /// Images handled per second (nil for a whole notebook).
  var imagesPerSecond: Double?
  /// Matrix arithmetic per second achieved (nil where there is none),
  /// dense-equivalent: 2·m·n·k per product, although the engine skips the
  /// terms of zero inputs.
  var gflops: Double?
  /// `gflops` as a percentage of one core's FMA peak (``FMAPeak``).
  var percentOfPeak: Double? = nil
  /// Seconds one-thread `cblas_sgemm` alone needs for the same products.
  var sgemmSeconds: Double? = nil
  /// The rate one-thread `cblas_sgemm` reaches on the same shapes.
  var sgemmGflops: Double?
  /// `gflops / sgemmGflops` in percent.
  var percentOfSgemm: Double?
  /// `seconds / sgemmSeconds`: labrun's time over OpenBLAS's sgemm-only
  /// time for the same products (1 would be the floor).
  var timeOverSgemm: Double? = nil
  /// For a peer's row: its seconds over labrun's on the same network.
  var timeOverLabrun: Double? = nil
  /// Peak resident memory of the process after this row, in MB.
  var peakMemoryMB: Double
  /// Anything else worth knowing (repetitions, accuracy, checks).
  var notes: String
}

/// Everything the benchmark writes with `--json`.
struct BenchmarkReport: Codable {
  var data: String
  var quick: Bool
  var cores: Int
  /// 1-minute load average before and after the run: above the core count,
  /// other processes were competing and wall-clock times are inflated.
  var loadAverageBefore: Double?
  var loadAverageAfter: Double?
  var cpu: CPUDescription
  /// The engine's kernel variant in this run, and those this CPU runs.
  var kernels: String
  var kernelsAvailable: [String]
  /// Measured: one core's FMA rate at each width, by a probe.
  var fmaPeak: FMAPeak
  /// Measured: one thread's `cblas_sgemm` on 1024×1024×1024.
  var sgemmPeak: PracticalPeak
  var rows: [BenchmarkRow]
}

/// The rows as an aligned plain-text table.
func table(_ rows: [BenchmarkRow]) -> String {
  let header = [
    "configuration", "s/epoch", "cpu s", "images/s", "GFLOP/s", "% peak",
    "sgemm s", "labrun÷sgemm", "peak MB", "notes",
  ]
  func number(_ value: Double?, _ digits: Int) -> String {
    guard let value, value.isFinite else { return "-" }
    return String(format: "%.\(digits)f", value)
  }
  let lines = rows.map { row in
    [
      row.name, number(row.seconds, 4), number(row.cpuSeconds, 4),
      number(row.imagesPerSecond, 0),
      number(row.gflops, 1), number(row.percentOfPeak, 0),
      number(row.sgemmSeconds, 4),
      row.timeOverSgemm.map { String(format: "%.2f×", $0) } ?? "-",
      number(row.peakMemoryMB, 0), row.notes,
    ]
  }
  let widths = header.indices.map { column in
    ([header] + lines).map { $0[column].count }.max() ?? 0
  }
  func format(_ cells: [String]) -> String {
    zip(cells, widths).enumerated().map { column, pair in
      let (cell, width) = pair
      let padding = String(repeating: " ", count: width - cell.count)
      // Numbers right-aligned, words left-aligned.
      return column == 0 || column == cells.count - 1
        ? cell + padding : padding + cell
    }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
  }
  let rule = widths.map { String(repeating: "-", count: $0) }
  return ([format(header), format(rule)] + lines.map(format))
    .joined(separator: "\n")
}
