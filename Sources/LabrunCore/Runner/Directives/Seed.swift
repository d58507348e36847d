import Notebook
import Report

/// `seed N`: restart the random numbers, so that what follows repeats.
struct Seed: LabDirective {
  static let spec = DirectiveSpec(
    verb: "seed",
    summary: "Reseed the random numbers, so that what follows repeats exactly.",
    positional: PositionalSpec(
      name: "value", label: "seed", type: .unsigned64, doc: "The seed."),
    maxListLength: 1)
  static let reads: Set<StatePart> = []
  static let needs: Set<StatePart> = []
  static let writes: Set<StatePart> = [.generator]
  static let produces: [any ResultContent.Type] = []

  /// The seed.
  var value: UInt64

  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch) {
    value = try values.unsigned("")
  }

  /// The directive written in code.
  init(_ value: UInt64) { self.value = value }

  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult? {
    session.generator = CountingGenerator(seed: value)
    return nil
  }
}
