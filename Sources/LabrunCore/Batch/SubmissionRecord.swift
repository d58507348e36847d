import Foundation
import Notebook

/// One notebook of a batch, as the instructor's summary lists it: a row of
/// `summary.csv`, an entry of `summary.json`, a line of `index.html`.
public struct SubmissionRecord: Codable, Sendable, Equatable {
  /// How a notebook's run ended.
  public enum Status: String, Codable, Sendable, CaseIterable {
    /// Every cell ran.
    case ok
    /// The report is written, with failed cells (or failed checks).
    case failed
    /// Killed at the wall-clock limit.
    case timeout
    /// Ended by a signal (a crash, or killed from outside).
    case crashed
    /// Ran out of the memory cap.
    case outOfMemory = "out-of-memory"
    /// Could not be read (not UTF-8, not a file, too large): no report.
    case unreadable
    /// Stopped by Ctrl-C before it finished, or never started.
    case interrupted
  }

  /// One hidden check's outcome.
  public struct CheckRecord: Codable, Sendable, Equatable {
    public var text: String
    public var line: Int
    public var passed: Bool
    public var expected: String
    public var actual: String
    public var message: String
    public var points: Double
    public var maxPoints: Double

    init(_ result: CheckResult) {
      text = result.check.text
      line = result.check.location.line
      passed = result.passed
      expected = result.expected
      actual = result.actual
      message = result.message
      points = result.points
      maxPoints = result.check.points
    }
  }

  /// The notebook's path as given.
  public var notebook: String
  /// The report page's file name inside the output folder, when written.
  public var report: String?
  /// The run's output (its errors, a crash's backtrace), inside the output
  /// folder; the index links it when there is no report.
  public var log: String?
  public var title: String?
  public var status: Status
  /// Why, for a status other than ok (the first error, or the signal).
  public var message: String?
  public var checksPassed: Int
  public var checksFailed: Int
  public var points: Double
  public var maxPoints: Double
  public var testAccuracy: Double?
  public var validationAccuracy: Double?
  /// Wall-clock time of the notebook's process.
  public var seconds: Double
  /// Error diagnostics in the report (cells and notebook).
  public var errors: Int
  /// The process's peak resident memory.
  public var peakMemoryMB: Double?
  /// Processor time the process used (user and system): what the run
  /// costs, whatever else the machine was doing.
  public var cpuSeconds: Double?
  /// The hidden checks, in the checks file's order.
  public var checks: [CheckRecord]

  public init(
    notebook: String, report: String? = nil, log: String? = nil,
    title: String? = nil,
    status: Status, message: String? = nil, checksPassed: Int = 0,
    checksFailed: Int = 0, points: Double = 0, maxPoints: Double = 0,
    testAccuracy: Double? = nil, validationAccuracy: Double? = nil,
    seconds: Double = 0, errors: Int = 0, peakMemoryMB: Double? = nil,
    checks: [CheckRecord] = []
  ) {
    self.notebook = notebook
    self.report = report
    self.log = log
    self.title = title
    self.status = status
    self.message = message
    self.checksPassed = checksPassed
    self.checksFailed = checksFailed
    self.points = points
    self.maxPoints = maxPoints
    self.testAccuracy = testAccuracy
    self.validationAccuracy = validationAccuracy
    self.seconds = seconds
    self.errors = errors
    self.peakMemoryMB = peakMemoryMB
    self.checks = checks
  }

  /// Adds the notebook's own `expect` checks to the counts and points
  /// (after the hidden ones are recorded).
  mutating func recordOwn(_ checks: [(passed: Bool, points: Double)]) {
    for check in checks {
      if check.passed { checksPassed += 1 } else { checksFailed += 1 }
      points += check.passed ? check.points : 0
      maxPoints += check.points
    }
  }

  /// Records the hidden checks' outcomes.
  mutating func record(_ results: [CheckResult]) {
    checks = results.map(CheckRecord.init)
    checksPassed = results.filter(\.passed).count
    checksFailed = results.count - checksPassed
    points = results.reduce(0) { $0 + $1.points }
    maxPoints = results.reduce(0) { $0 + $1.check.points }
  }
}

/// `summary.json`: every notebook of a batch (or of merged shards).
public struct BatchSummary: Codable, Sendable, Equatable {
  public var labrun: String
  /// The instructor's checks file, when one was given.
  public var checksFile: String?
  public var notebooks: [SubmissionRecord]

  public init(
    labrun: String = labrunVersion, checksFile: String? = nil,
    notebooks: [SubmissionRecord]
  ) {
    self.labrun = labrun
    self.checksFile = checksFile
    self.notebooks = notebooks
  }
}
