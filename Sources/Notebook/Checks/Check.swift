// MARK: - The check language: what an `expect` line says

/// A quantity a notebook produced, that a check can name.
///
/// Each has one kind of value: a fraction in [0, 1] (accuracies), a real
/// number (a cost, a learning rate), a whole number (epochs, image counts),
/// a list of layer sizes, or a cell status.
public enum CheckQuantity: String, CaseIterable, Sendable, Equatable {
  /// The latest test accuracy: of the last `evaluate on=test`, or of the
  /// last epoch of a training measured on the test set, whichever came later.
  case testAccuracy = "test.accuracy"
  /// The latest validation accuracy, as for `test.accuracy`.
  case validationAccuracy = "validation.accuracy"
  /// Images the last `evaluate on=test` classified correctly.
  case testCorrect = "test.correct"
  /// Images the last `evaluate on=validation` classified correctly.
  case validationCorrect = "validation.correct"
  /// The last training's mean cost in its last epoch (per epoch with
  /// `decreases`).
  case cost
  /// The last training's parameters.
  case epochs, lr, batch, l2, momentum
  /// The current network's layer sizes, e.g. `784-30-10`.
  case netSizes = "net.sizes"
  /// The current network's weights and biases.
  case netParameters = "net.parameters"
  /// The current network's layers of weights (`784-30-10` has 2).
  case netLayers = "net.layers"
  /// The last `load`'s image counts.
  case dataTrain = "data.train"
  case dataValidation = "data.validation"
  case dataTest = "data.test"
  /// `ok`, `error` or `skipped`: the notebook's (any failed cell makes it
  /// `error`), a cell's, or a section's (its worst cell).
  case status
  /// How many cells failed (in the notebook, or the section).
  case cellsFailed = "cells.failed"

  /// What kind of value the quantity has.
  public var kind: Kind {
    switch self {
    case .testAccuracy, .validationAccuracy: .fraction
    case .cost, .lr, .l2, .momentum: .real
    case .testCorrect, .validationCorrect, .epochs, .batch, .netParameters,
      .netLayers, .dataTrain, .dataValidation, .dataTest, .cellsFailed:
      .integer
    case .netSizes: .sizes
    case .status: .status
    }
  }

  /// True for quantities with one value per epoch of the last training,
  /// which `decreases` and `increases` look at.
  public var hasEpochSeries: Bool {
    self == .cost || self == .testAccuracy || self == .validationAccuracy
  }

  /// The kinds of value.
  public enum Kind: Sendable, Equatable {
    case fraction, real, integer, sizes, status

    /// Floats are compared with a tolerance; the rest exactly.
    public var isMeasured: Bool { self == .fraction || self == .real }
  }

  /// Other spellings authors reach for, for did-you-mean.
  static let aliases: [String: String] = [
    "accuracy": "test.accuracy", "acc": "test.accuracy",
    "loss": "cost", "eta": "lr", "learning_rate": "lr", "rate": "lr",
    "sizes": "net.sizes", "net": "net.sizes", "layers": "net.layers",
    "parameters": "net.parameters", "params": "net.parameters",
    "batch_size": "batch", "failed": "cells.failed", "errors": "cells.failed",
    "train": "data.train", "training": "data.train",
  ]
}

/// How a check compares the quantity with what it expects.
public enum CheckTest: Sendable, Equatable {
  /// `== v`, `!= v`, `< v`, `<= v`, `> v`, `>= v`.
  case compare(Comparison, CheckValue)
  /// `between low high`, both included.
  case between(Double, Double)
  /// `decreases`: every epoch's value below the one before.
  case decreases
  /// `increases`: every epoch's value above the one before.
  case increases

  /// The comparison operators.
  public enum Comparison: String, CaseIterable, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<="
    case greater = ">", greaterOrEqual = ">="
  }
}

/// The value on the right of a comparison.
public enum CheckValue: Sendable, Equatable {
  /// A number, with the decimals written after the point (`0.9483` has 4),
  /// which set the default tolerance of `==`.
  case number(Double, decimals: Int)
  /// Layer sizes, `784-30-10`.
  case sizes([Int])
  /// `ok`, `error` or `skipped`.
  case status(String)
}

/// Which part of the notebook a check looks at: the whole (its final
/// state), one cell by number, or a section by its heading.
public enum CheckScope: Sendable, Equatable {
  case notebook
  case cell(Int)
  case section(String)
}

/// One `expect …` line, read and checked for mistakes.
public struct Check: Sendable, Equatable {
  /// The line as written (trimmed), for the instructor's summary.
  public var text: String
  /// Where `expect` starts.
  public var location: SourceLocation
  public var quantity: CheckQuantity
  public var test: CheckTest
  /// An explicit tolerance (`± 0.01`, `tol=0.01`); nil for the default.
  public var tolerance: Double?
  /// What a pass is worth (`points=2`; default 1).
  public var points: Double
  public var scope: CheckScope

  public init(
    text: String, location: SourceLocation, quantity: CheckQuantity,
    test: CheckTest, tolerance: Double? = nil, points: Double = 1,
    scope: CheckScope = .notebook
  ) {
    self.text = text
    self.location = location
    self.quantity = quantity
    self.test = test
    self.tolerance = tolerance
    self.points = points
    self.scope = scope
  }
}
