// MARK: - Command-line overrides

/// A setting from the command line, `--set sgd.epochs=1`, that replaces (or
/// adds) a key in every directive with that verb, or `--set seed=7` /
/// `--set title=…` for the front matter.
public struct Override: Sendable, Equatable {
  /// The verb it applies to, or nil for a front-matter key.
  public var verb: String?
  /// The parameter's key, or the positional argument's name
  /// (`load.dataset`, `net.sizes`, `seed.value`), or a front-matter key.
  public var key: String
  /// The value, already checked against the key's type.
  public var value: String
  /// The override as written, for messages.
  public var text: String

  /// Creates an override without checking it; prefer `parse(_:)`.
  public init(verb: String?, key: String, value: String, text: String) {
    self.verb = verb
    self.key = key
    self.value = value
    self.text = text
  }

  /// The front-matter keys an override may set.
  public static let frontMatterKeys = ["seed", "title"]

  /// Parses and checks `verb.key=value` or `seed=N` / `title=TEXT` against
  /// the directive language; errors name the valid choices.
  ///
  /// `--set seed=N` sets the front matter's seed and the value of every
  /// `seed` directive.
  public static func parse(_ text: String, language: DirectiveLanguage)
    -> Result<Override, Diagnostic>
  {
    func fail(_ message: String, _ suggestion: String? = nil)
      -> Result<Override, Diagnostic>
    {
      .failure(
        .error(
          at: nil, "invalid override \(quoted(text, limit: 60)): \(message)",
          suggestion: suggestion))
    }
    let parts = text.split(
      separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2 else {
      return fail("expected verb.key=value (e.g. sgd.epochs=1) or seed=N")
    }
    let target = String(parts[0])
    let value = String(parts[1])
    guard !value.isEmpty else {
      return fail("expected a value after '='")
    }
    let names = target.split(
      separator: ".", maxSplits: 1, omittingEmptySubsequences: false)

    guard names.count == 2 else {
      return parseFrontMatterKey(
        target, value: value, text: text, language: language, fail: fail)
    }
    let verb = String(names[0])
    let key = String(names[1])
    guard let spec = language.spec(verb) else {
      let verbs = language.verbs
      return fail(
        "unknown directive \(quoted(verb)); expected one of "
          + verbs.joined(separator: ", "),
        closestMatch(to: verb, among: verbs).map { "did you mean '\($0)'?" })
    }
    var keys = spec.parameters.map(\.name)
    if let positional = spec.positional { keys.insert(positional.name, at: 0) }
    let type: ValueType
    let allowsList: Bool
    if let positional = spec.positional, positional.name == key {
      type = positional.type
      allowsList = false
    } else if let parameter = spec.parameter(key) {
      type = parameter.type
      allowsList = parameter.allowsList
    } else {
      var aliases: [String: String] = [:]
      for parameter in spec.parameters {
        for alias in parameter.aliases { aliases[alias] = parameter.name }
      }
      return fail(
        "unknown key \(quoted(key)) for '\(verb)'; expected one of "
          + keys.joined(separator: ", "),
        closestMatch(to: key, among: keys, aliases: aliases).map {
          "did you mean '\(verb).\($0)'?"
        })
    }
    let items = value.split(separator: ",", omittingEmptySubsequences: false)
    if items.count > 1, !allowsList {
      return fail(
        "expected a single value for '\(verb).\(key)', found a list")
    }
    if items.count > spec.maxListLength {
      return fail(
        "expected at most \(spec.maxListLength) values for"
          + " '\(verb).\(key)', found \(items.count)")
    }
    for item in items {
      if case .failure(let problem) = type.parse(
        String(item), subject: "'\(verb).\(key)'")
      {
        return fail(problem.message, problem.suggestion)
      }
    }
    return .success(Override(verb: verb, key: key, value: value, text: text))
  }

  private static func parseFrontMatterKey(
    _ key: String, value: String, text: String, language: DirectiveLanguage,
    fail: (String, String?) -> Result<Override, Diagnostic>
  ) -> Result<Override, Diagnostic> {
    switch key {
    case "seed":
      if case .failure(let problem) = ValueType.unsigned64.parse(
        value, subject: "'seed'")
      {
        return fail(problem.message, nil)
      }
    case "title":
      break
    default:
      // `--set epochs=3`: point at the directive that has that key.
      let owners = language.specs.filter {
        $0.parameter(key) != nil || $0.positional?.name == key
      }
      var suggestion = owners.first.map {
        "did you mean '\($0.verb).\(key)=\(value)'?"
      }
      if suggestion == nil,
        let close = closestMatch(to: key, among: frontMatterKeys)
      {
        suggestion = "did you mean '\(close)=\(value)'?"
      }
      return fail(
        "unknown setting \(quoted(key)); expected verb.key=value (e.g."
          + " sgd.epochs=1) or a front-matter key: "
          + frontMatterKeys.joined(separator: ", "),
        suggestion)
    }
    return .success(Override(verb: nil, key: key, value: value, text: text))
  }
}
