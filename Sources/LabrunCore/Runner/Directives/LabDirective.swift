import Datasets
import Notebook
import Report

// MARK: - One directive, one type

/// A verb of the `lab` language: its schema, its typed value, the state it
/// reads and writes, and how it runs — all in one type, in one file of
/// this folder (`Seed.swift`, `SGD.swift`, …), as swift-argument-parser's
/// `ParsableCommand` keeps a command's arguments and its `run` together.
///
/// Where the halves live: the Notebook target parses, and it cannot see the
/// engine (NeuralNet, Datasets) or the runner. So it owns only what every
/// verb shares: the schema's vocabulary (``DirectiveSpec``, ``ValueType``)
/// and a parser that checks a line against any ``DirectiveLanguage`` and
/// hands back a ``Directive`` of checked values. The verbs themselves live
/// here, above both: each declares its `spec` (which drives the parser,
/// `labrun directives`, did-you-mean and `--set`), decodes the checked
/// values into its own typed fields — in the engine's own vocabulary
/// (`Activation`, `Cost`, `DatasetName`…), so no mirror types — and runs.
/// ``Directives`` lists them; nothing else names a verb.
///
/// Adding a directive: a file here with a type conforming to this
/// protocol, its line in ``Directives/all``, and its tests. A new kind of
/// result is one more file, in Report: its type conforming to
/// `ResultContent` (its HTML and its JSON) in its section file, named in
/// the directive's ``produces``; nothing else lists the kinds.
protocol LabDirective: Sendable, Equatable {
  /// The verb, its positional argument and parameters, with types,
  /// defaults and docs.
  static var spec: DirectiveSpec { get }
  /// The state it reads from earlier directives, whether or not it must
  /// have it (keys the cache: a change to any of these recomputes it).
  static var reads: Set<StatePart> { get }
  /// The part of `reads` it cannot run without: when the cell that should
  /// have made one failed, this directive's cell is skipped.
  static var needs: Set<StatePart> { get }
  /// The state it makes or changes for later directives.
  static var writes: Set<StatePart> { get }
  /// The kinds of result `run` returns (none, one, or one per form): the
  /// registry's ``Directives/resultKinds`` is made of them, and it is how
  /// the cache reads a stored result back. The runner checks, in debug
  /// builds, that a result's type was declared.
  static var produces: [any ResultContent.Type] { get }
  /// False when its result depends on more than `reads` (`expect` reads
  /// earlier cells' results): a cell holding it is never cached.
  static var cacheable: Bool { get }

  /// The typed value of a line that passed `spec`'s checks.
  init(_ values: DirectiveValues) throws(DirectiveValues.Mismatch)

  /// Runs against the session's state; returns what it shows, if anything.
  /// Warnings go into `warnings`; a failure is a located error.
  func run(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> CellResult?

  /// Runs, returning everything it shows: ``run(in:at:warnings:)``'s one
  /// result unless the directive shows several (`net` with candidates).
  func runAll(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> [CellResult]

  /// The data sets whose files it reads (the cache keys them by content).
  var dataSets: [DatasetName] { get }
  /// Other files it reads, named as the notebook writes them (relative to
  /// its folder): the cache keys them by content, and a cell naming a
  /// missing one is computed (it fails saying so).
  var files: [String] { get }
}

extension LabDirective {
  func runAll(
    in session: LabSession, at directive: Directive,
    warnings: inout [Diagnostic]
  ) throws(CellFailure) -> [CellResult] {
    try run(in: session, at: directive, warnings: &warnings).map { [$0] } ?? []
  }
  var dataSets: [DatasetName] { [] }
  var files: [String] { [] }
  static var cacheable: Bool { true }
}

// MARK: - The registry

/// Every directive labrun runs, in the order a notebook usually uses them
/// (the order of `labrun directives`).
enum Directives {
  static let all: [any LabDirective.Type] = [
    Seed.self, Load.self, Net.self, SGD.self, Evaluate.self,
    Playground.self, ShowWeights.self, Save.self, Restore.self, Expect.self,
  ]

  /// Every kind of result the directives produce, by kind: how a cached
  /// result is read back (``ResultKinds``, passed to the decoder in its
  /// `userInfo`). Derived from the registry, so it is the only list.
  static let resultKinds = ResultKinds(all.flatMap { $0.produces })

  /// The language the notebook parser checks `lab` blocks against.
  static let language = DirectiveLanguage(all.map { $0.spec })

  private static let byVerb: [String: any LabDirective.Type] =
    Dictionary(all.map { ($0.spec.verb, $0) }, uniquingKeysWith: { a, _ in a })

  /// The type that declares `verb`, if any.
  static func type(of verb: String) -> (any LabDirective.Type)? {
    byVerb[verb]
  }

  /// The typed value of a parsed directive.
  ///
  /// Fails only when a spec and its decoder disagree (a bug the registry's
  /// tests catch), never for anything a user types: the parser has checked
  /// every value against the same spec.
  static func decode(_ directive: Directive) throws(CellFailure)
    -> any LabDirective
  {
    guard let type = byVerb[directive.verb] else {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location,
          "internal error: no directive type for '\(directive.verb)'"))
    }
    do {
      return try type.init(directive.values)
    } catch {
      throw CellFailure(
        diagnostic: .error(
          at: directive.location(of: error.key),
          "internal error: '\(directive.verb)' expected \(error.expected)"
            + " for '\(error.key)'"))
    }
  }
}

// MARK: - The dataflow between cells

/// A part of the session's state that directives pass on to later ones.
/// Each directive declares which parts it reads, needs and writes; the
/// cache's keys (``CellAccess``) and the skipping of cells after a failure
/// are both derived from those declarations.
enum StatePart: String, Sendable, CaseIterable, Comparable {
  case data, generator, network

  static func < (a: StatePart, b: StatePart) -> Bool {
    a.rawValue < b.rawValue
  }

  /// How a message names it: "needs the data set from cell 2".
  var noun: String {
    switch self {
    case .data: "data set"
    case .generator: "random numbers"
    case .network: "network"
    }
  }
}

// MARK: - The language labrun runs, for callers above the runner

extension DirectiveLanguage {
  /// The directives labrun runs.
  public static var labrun: DirectiveLanguage { Directives.language }

  /// Every directive labrun runs, as `labrun directives` prints it.
  public static func helpText() -> String { labrun.helpText() }
}

extension Notebook {
  /// Parses a notebook written in labrun's directive language.
  public static func parse(
    source: String, path: String, overrides: [Override] = []
  ) -> Notebook {
    parse(
      source: source, path: path, overrides: overrides,
      language: .labrun)
  }

  /// Reads and parses a notebook written in labrun's directive language.
  public static func load(path: String, overrides: [Override] = [])
    throws(Diagnostic) -> Notebook
  {
    try load(path: path, overrides: overrides, language: .labrun)
  }
}

extension Override {
  /// Parses and checks `--set` text against labrun's directives.
  public static func parse(_ text: String) -> Result<Override, Diagnostic> {
    parse(text, language: .labrun)
  }
}
