import Foundation

// MARK: - Deciding a check

/// How one check came out.
public struct CheckResult: Sendable, Equatable {
  public var check: Check
  public var passed: Bool
  /// What the check asks, e.g. `>= 0.9` or `between 0.93 and 0.97`.
  public var expected: String
  /// What the notebook produced, e.g. `0.9512`; `none` when it produced
  /// nothing of the kind.
  public var actual: String
  /// One sentence for the report or the summary.
  public var message: String

  /// Points earned: the check's points when it passed, else 0.
  public var points: Double { passed ? check.points : 0 }
}

/// Evaluates checks against a notebook's state.
///
/// Floats (accuracies, costs, learning rates) are compared with a
/// tolerance: `==` and `!=` by default allow half a unit of the last
/// decimal written (`== 0.9483` accepts 0.94825 to 0.94835, `== 0.95`
/// accepts 0.945 to 0.955); `± t` or `tol=t` sets it. `<`, `<=`, `>`,
/// `>=` and `between` compare exactly unless a tolerance is given, which
/// widens them by it. Whole numbers, sizes and statuses are compared
/// exactly.
public enum CheckEvaluator {
  /// Decides `check` against `state`.
  public static func evaluate(_ check: Check, in state: CheckState)
    -> CheckResult
  {
    let expected = describeExpectation(check)
    func result(_ passed: Bool, _ actual: String, _ message: String)
      -> CheckResult
    {
      CheckResult(
        check: check, passed: passed, expected: expected, actual: actual,
        message: message)
    }
    let scope: Scope
    switch resolve(check.scope, in: state) {
    case .success(let found): scope = found
    case .failure(let problem): return result(false, "none", problem.text)
    }
    let name = check.quantity.rawValue + scope.suffix
    let series = check.test == .decreases || check.test == .increases
    switch series
      ? observeSeries(check.quantity, in: scope)
      : observe(check.quantity, in: scope)
    {
    case .missing(let why):
      return result(false, "none", "\(name): \(why)")
    case .value(let actual):
      let passed = compare(actual, check)
      let shown = format(actual)
      return result(
        passed, shown,
        passed
          ? "\(name) is \(shown) (\(expected))"
          : "\(name) is \(shown), expected \(expected)")
    case .series(let values):
      let shown = values.map { $0.map(format) ?? "not finite" }
        .joined(separator: ", ")
      guard values.count >= 2 else {
        return result(
          false, shown,
          "\(name) needs at least 2 epochs to compare; the last training "
            + "has \(values.count)")
      }
      if let broken = values.firstIndex(where: { $0 == nil }) {
        return result(
          false, shown,
          "\(name) is not finite in epoch \(broken + 1) (the training "
            + "diverged)")
      }
      let falling = check.test == .decreases
      for epoch in 1..<values.count {
        let before = values[epoch - 1]!, now = values[epoch]!
        let tolerance = check.tolerance ?? 0
        if falling ? !(now < before + tolerance) : !(now > before - tolerance) {
          return result(
            false, shown,
            "\(name) went from \(format(before)) in epoch \(epoch) to "
              + "\(format(now)) in epoch \(epoch + 1); expected \(expected)")
        }
      }
      return result(true, shown, "\(name) is \(shown) (\(expected))")
    }
  }

  // MARK: Scope

  private struct Scope {
    var figures: CheckFigures
    var status: CheckState.Status
    var failed: Int
    var suffix: String
  }

  private struct Problem: Error {
    var text: String
  }

  private static func resolve(_ scope: CheckScope, in state: CheckState)
    -> Result<Scope, Problem>
  {
    switch scope {
    case .notebook:
      return .success(
        Scope(
          figures: state.final, status: state.status,
          failed: state.cells.filter { $0.status == .error }.count,
          suffix: ""))
    case .cell(let number):
      guard let cell = state.cells.first(where: { $0.number == number })
      else {
        return .failure(
          Problem(
            text: "the notebook has no cell \(number) (it has "
              + "\(state.cells.count))"))
      }
      return .success(
        Scope(
          figures: cell.after, status: cell.status,
          failed: cell.status == .error ? 1 : 0,
          suffix: " after cell \(number)"))
    case .section(let heading):
      let wanted = normalised(heading)
      let cells = state.cells.filter {
        $0.heading.map(normalised) == wanted
      }
      guard let last = cells.last else {
        let headings = Array(Set(state.cells.compactMap(\.heading))).sorted()
        let guess = closestMatch(to: heading, among: headings)
        return .failure(
          Problem(
            text: "no cell under a heading '\(heading)'"
              + (guess.map { "; did you mean '\($0)'?" } ?? "")))
      }
      let status: CheckState.Status =
        cells.contains { $0.status == .error } ? .error
        : cells.contains { $0.status == .skipped } ? .skipped : .ok
      return .success(
        Scope(
          figures: last.after, status: status,
          failed: cells.filter { $0.status == .error }.count,
          suffix: " in section '\(heading)'"))
    }
  }

  private static func normalised(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespaces).lowercased()
  }

  // MARK: Observing

  private enum Observed {
    case value(CheckValue)
    case series([Double?])
    case missing(String)
  }

  private static let noTraining = "no training yet (no sgd cell ran)"
  private static let noNetwork = "no network yet (no net cell ran)"
  private static let noData = "no data set loaded (no load cell ran)"

  private static func observe(_ quantity: CheckQuantity, in scope: Scope)
    -> Observed
  {
    let figures = scope.figures
    func number(_ value: Double?, _ why: String) -> Observed {
      value.map { .value(.number($0, decimals: 0)) } ?? .missing(why)
    }
    func whole(_ value: Int?, _ why: String) -> Observed {
      number(value.map(Double.init), why)
    }
    func series(_ values: [Double?]?, _ why: String) -> Observed {
      guard let values, !values.isEmpty else { return .missing(why) }
      return .series(values)
    }
    let training = figures.training
    switch quantity {
    case .testAccuracy, .validationAccuracy:
      let test = quantity == .testAccuracy
      let split = test ? "test" : "validation"
      return number(
        test ? figures.testAccuracy : figures.validationAccuracy,
        "no \(split) accuracy yet (no 'evaluate on=\(split)', nor a "
          + "training measured on the \(split) set)")
    case .testCorrect:
      return whole(figures.testEvaluation?.correct, "no 'evaluate on=test' yet")
    case .validationCorrect:
      return whole(
        figures.validationEvaluation?.correct,
        "no 'evaluate on=validation' yet")
    case .cost:
      guard let training else { return .missing(noTraining) }
      guard let last = training.costs.last else {
        return .missing("the last training has no epoch")
      }
      return number(last, "not finite in the last epoch (the training diverged)")
    case .epochs: return whole(training?.epochs, noTraining)
    case .batch: return whole(training?.batchSize, noTraining)
    case .lr: return number(training?.learningRate, noTraining)
    case .l2: return number(training?.l2, noTraining)
    case .momentum: return number(training?.momentum, noTraining)
    case .netSizes:
      return figures.networkSizes.map { .value(.sizes($0)) }
        ?? .missing(noNetwork)
    case .netLayers:
      return whole(figures.networkSizes.map { $0.count - 1 }, noNetwork)
    case .netParameters:
      return whole(
        figures.networkSizes.map { sizes in
          zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
        }, noNetwork)
    case .dataTrain: return whole(figures.data?.train, noData)
    case .dataValidation: return whole(figures.data?.validation, noData)
    case .dataTest: return whole(figures.data?.test, noData)
    case .status: return .value(.status(scope.status.rawValue))
    case .cellsFailed: return whole(scope.failed, "")
    }
  }

  /// For `decreases` and `increases`: the last training's values per
  /// epoch instead of the last value.
  private static func observeSeries(
    _ quantity: CheckQuantity, in scope: Scope
  ) -> Observed {
    guard let training = scope.figures.training else {
      return .missing(noTraining)
    }
    switch quantity {
    case .cost: return .series(training.costs)
    case .testAccuracy where !training.testAccuracies.isEmpty:
      return .series(training.testAccuracies)
    case .validationAccuracy where !training.validationAccuracies.isEmpty:
      return .series(training.validationAccuracies)
    default:
      return .missing("the last training has no \(quantity.rawValue) per epoch")
    }
  }

  // MARK: Comparing

  private static func compare(_ actual: CheckValue, _ check: Check) -> Bool {
    switch (actual, check.test) {
    case (.number(let value, _), .between(let low, let high)):
      let tolerance = check.tolerance ?? 0
      return value >= low - tolerance && value <= high + tolerance
    case (.number(let value, _), .compare(let comparison, .number(let target, let decimals))):
      let measured = check.quantity.kind.isMeasured
      let equalTolerance =
        measured ? check.tolerance ?? 0.5 * pow(10, -Double(decimals)) : 0
      // Decimal text is not exact in binary: a hair of slack so that
      // 0.9483 written equals 9483/10000 computed.
      let slack = measured ? 1e-12 : 0
      let tolerance = measured ? check.tolerance ?? 0 : 0
      switch comparison {
      case .equal: return abs(value - target) <= equalTolerance + slack
      case .notEqual: return abs(value - target) > equalTolerance + slack
      case .less: return value < target + tolerance
      case .lessOrEqual: return value <= target + tolerance + slack
      case .greater: return value > target - tolerance
      case .greaterOrEqual: return value >= target - tolerance - slack
      }
    case (.sizes(let sizes), .compare(let comparison, .sizes(let target))):
      return comparison == .equal ? sizes == target : sizes != target
    case (.status(let status), .compare(let comparison, .status(let target))):
      return comparison == .equal ? status == target : status != target
    default:
      return false
    }
  }

  // MARK: Text

  /// What the check asks, in words and symbols: `>= 0.9`, `== 0.9483 ±
  /// 0.00005`, `between 0.93 and 0.97`, `each epoch below the one before`.
  public static func describeExpectation(_ check: Check) -> String {
    let tolerance = check.tolerance.map { " ± " + format($0) } ?? ""
    switch check.test {
    case .decreases:
      return "each epoch lower than the one before" + tolerance
    case .increases:
      return "each epoch higher than the one before" + tolerance
    case .between(let low, let high):
      return "between \(format(low)) and \(format(high))" + tolerance
    case .compare(let comparison, let value):
      var text = comparison.rawValue + " " + format(value)
      if case .number(_, let decimals) = value, check.quantity.kind.isMeasured,
        comparison == .equal || comparison == .notEqual
      {
        text += " ± " + format(check.tolerance ?? 0.5 * pow(10, -Double(decimals)))
      } else {
        text += tolerance
      }
      return text
    }
  }

  static func format(_ value: CheckValue) -> String {
    switch value {
    case .number(let number, _): format(number)
    case .sizes(let sizes): sizes.map(String.init).joined(separator: "-")
    case .status(let status): status
    }
  }

  /// At most 6 significant digits, no trailing zeros: `0.9512`, `3`,
  /// `5e-05`.
  public static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value))
    }
    return String(format: "%.6g", value)
  }
}
