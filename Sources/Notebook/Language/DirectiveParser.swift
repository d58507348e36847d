// MARK: - Input: the lines of a lab block

/// One line of a `lab` block, as UTF-8 bytes, with where it sits in the
/// file: the line's `n`-th Unicode scalar (0-based) is at column
/// `baseColumn + n + 1`.
struct BlockLine: Sendable {
  var bytes: [UInt8]
  var line: Int
  var baseColumn: Int

  init(_ text: String, line: Int, baseColumn: Int) {
    self.bytes = Array(text.utf8)
    self.line = line
    self.baseColumn = baseColumn
  }

  /// The number of Unicode scalars in the line.
  var scalarCount: Int {
    bytes.withUnsafeBufferPointer { buffer in
      var count = 0
      for byte in buffer where byte & 0xC0 != 0x80 { count += 1 }
      return count
    }
  }
}

// MARK: - Tokens

/// A run of characters between spaces or tabs.
private struct Token {
  var text: String
  /// Column of the first scalar.
  var column: Int

  var hasEquals: Bool { text.utf8.contains(0x3D) }
}

/// An argument before validation: where its key and value were written, and
/// the override that set it, if any.
private struct RawArgument {
  var key: String
  var value: String
  var keyLocation: SourceLocation
  var valueLocation: SourceLocation
  /// `--set …` text when an override supplied the value.
  var override: String?
}

/// Splits a line into tokens, dropping the comment that `#` starts.
///
/// Works on bytes: the separators and `#` are ASCII, which never occur
/// inside a multi-byte UTF-8 sequence. Columns count scalars as it goes.
private func tokenize(_ line: BlockLine) -> [Token] {
  var tokens: [Token] = []
  line.bytes.withUnsafeBufferPointer { bytes in
    var start: Int?
    var startScalar = 0
    var scalars = 0
    func flush(_ end: Int) {
      guard let begin = start else { return }
      let text = String(decoding: bytes[begin..<end], as: UTF8.self)
      tokens.append(Token(text: text, column: line.baseColumn + startScalar + 1))
      start = nil
    }
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x23 { break }  // "#"
      if byte == 0x20 || byte == 0x09 {
        flush(index)
      } else if start == nil {
        start = index
        startScalar = scalars
      }
      if byte & 0xC0 != 0x80 { scalars += 1 }
      index += 1
    }
    flush(index)
  }
  return tokens
}

/// True for words that look like a key: a letter, then letters, digits,
/// `_` or `-`.
private func isKeyLike(_ text: some StringProtocol) -> Bool {
  guard let first = text.unicodeScalars.first,
    first.properties.isAlphabetic
  else { return false }
  return text.unicodeScalars.allSatisfy {
    $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_"
      || $0 == "-"
  }
}

// MARK: - The parser

/// Parses and validates the directives of one `lab` block against a
/// ``DirectiveLanguage``, collecting every problem.
struct DirectiveParser {
  var file: String
  var overrides: [Override]
  var language: DirectiveLanguage

  /// The valid directives and every problem of the block.
  func parse(_ lines: [BlockLine]) -> (
    directives: [Directive], diagnostics: [Diagnostic]
  ) {
    var directives: [Directive] = []
    var diagnostics: [Diagnostic] = []
    for line in lines {
      let tokens = tokenize(line)
      guard let verb = tokens.first else { continue }
      if language.spec(verb.text)?.positional?.type == .check {
        readCheck(line, verb: verb, into: &directives, &diagnostics)
        continue
      }
      var problems: [Diagnostic] = []
      if let directive = parseDirective(
        verb: verb, arguments: tokens.dropFirst(), line: line.line,
        problems: &problems)
      {
        directives.append(directive)
      }
      diagnostics += problems
    }
    return (directives, diagnostics)
  }

  /// A verb whose positional argument is a check (`expect`): the whole
  /// line is read by the check language's own parser, with its positions.
  private func readCheck(
    _ line: BlockLine, verb: Token, into directives: inout [Directive],
    _ diagnostics: inout [Diagnostic]
  ) {
    let text = String(decoding: line.bytes, as: UTF8.self)
    switch CheckParser(file: file).parse(
      text, line: line.line, baseColumn: line.baseColumn)
    {
    case .success(let check):
      let at = location(line.line, verb.column)
      directives.append(
        Directive(
          location: at, verb: verb.text,
          arguments: [.init(key: "", value: check.text, location: at)],
          values: DirectiveValues(["": [.check(check)]])))
    case .failure(let errors):
      diagnostics += errors.diagnostics
    }
  }

  private func location(_ line: Int, _ column: Int) -> SourceLocation {
    SourceLocation(file: file, line: line, column: column)
  }

  // MARK: Arguments

  /// Reads `key=value` and positional tokens, reporting malformed ones
  /// (`=3`, `lr=`, `lr =3`, `lr = 3`) and still keeping what can be read.
  private func readArguments(
    _ tokens: ArraySlice<Token>, line: Int, problems: inout [Diagnostic]
  ) -> [RawArgument] {
    let tokens = Array(tokens)
    var arguments: [RawArgument] = []
    var index = 0
    while index < tokens.count {
      let token = tokens[index]
      let here = location(line, token.column)
      let next = index + 1 < tokens.count ? tokens[index + 1] : nil

      if !token.hasEquals {
        // `lr =3` or `lr = 3`: a key, then a token starting with '='.
        if let next, next.text.hasPrefix("="), isKeyLike(token.text) {
          var value = String(next.text.dropFirst())
          var valueColumn = next.column + 1
          var used = 2
          if value.isEmpty, index + 2 < tokens.count,
            !tokens[index + 2].hasEquals
          {
            value = tokens[index + 2].text
            valueColumn = tokens[index + 2].column
            used = 3
          }
          problems.append(
            spacedEquals(key: token.text, value: value, at: here))
          if !value.isEmpty {
            arguments.append(
              RawArgument(
                key: token.text, value: value, keyLocation: here,
                valueLocation: location(line, valueColumn)))
          }
          index += used
          continue
        }
        var written = token.text
        if written.hasSuffix(","), next != nil, written.count > 1 {
          written.removeLast()
          problems.append(commaBetweenArguments(tokens, at: index, line: line))
        }
        arguments.append(
          RawArgument(
            key: "", value: written, keyLocation: here, valueLocation: here))
        index += 1
        continue
      }

      let parts = token.text.split(
        separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(parts[0])
      let value = parts.count > 1 ? String(parts[1]) : ""
      if key.isEmpty {
        problems.append(
          .error(
            at: here,
            "malformed argument \(quoted(token.text)): expected key=value,"
              + " found no key before '='"))
        index += 1
        continue
      }
      if value.isEmpty {
        // `lr= 3`: the value was separated from its '='.
        if let next, !next.hasEquals, isKeyLike(key) {
          problems.append(spacedEquals(key: key, value: next.text, at: here))
          arguments.append(
            RawArgument(
              key: key, value: next.text, keyLocation: here,
              valueLocation: location(line, next.column)))
          index += 2
          continue
        }
        problems.append(
          .error(
            at: here,
            "malformed argument \(quoted(token.text)): expected key=value,"
              + " found no value after '='"))
        index += 1
        continue
      }
      let keyLength = key.unicodeScalars.count
      var written = value
      // `lr=3, batch=10`: a comma and a space between arguments, as in a
      // function call; the value itself is fine.
      if written.hasSuffix(","), next != nil, written.count > 1 {
        written.removeLast()
        problems.append(commaBetweenArguments(tokens, at: index, line: line))
      }
      arguments.append(
        RawArgument(
          key: key, value: written, keyLocation: here,
          valueLocation: location(line, token.column + keyLength + 1)))
      index += 1
    }
    return arguments
  }

  /// "arguments are separated by spaces", at the comma ending the token
  /// `tokens[index]`, suggesting the line without such commas.
  private func commaBetweenArguments(
    _ tokens: [Token], at index: Int, line: Int
  ) -> Diagnostic {
    let token = tokens[index]
    return .error(
      at: location(line, token.column + token.text.unicodeScalars.count - 1),
      "arguments are separated by spaces, not commas",
      suggestion: "write \(quoted(Self.plainArguments(tokens), limit: 60))")
  }

  /// The tokens as one argument list written the way the language wants:
  /// no brackets around it, no commas between arguments.
  private static func plainArguments(_ tokens: some Collection<Token>)
    -> String
  {
    tokens.map { token in
      var text = Substring(token.text)
      while text.last == "," || text.last == ")" { text.removeLast() }
      return String(text)
    }.filter { !$0.isEmpty }.joined(separator: " ")
  }

  /// Layer sizes written as a list, `net [784, 30, 10]`, `net 784 30 10`
  /// or `net 784x30x10`: one error saying how sizes are written, instead of
  /// one per piece. Nil when the positional tokens do not look like that.
  private func misspelledSizes(
    _ tokens: ArraySlice<Token>, spec: DirectiveSpec, line: Int
  ) -> Diagnostic? {
    // An architecture (a phrase) may be written with spaces and `28x28`;
    // only brackets, commas and `*` are a misspelling there.
    let isPhrase: Bool
    switch spec.positional?.type {
    case .layerSizes?: isPhrase = false
    case .phrase?: isPhrase = true
    default: return nil
    }
    let positional = tokens.prefix { !$0.hasEquals }
    guard let first = positional.first else { return nil }
    let wrong: Set<Character> = ["[", "]", "(", ")", ",", "*"]
    let separators = wrong.union(["x", "X", "×"])
    let text = positional.map(\.text).joined(separator: " ")
    guard !text.contains("-"),
      text.allSatisfy({ $0.isASCII && $0.isNumber || $0 == " " || separators.contains($0) }),
      isPhrase
        ? text.contains(where: { wrong.contains($0) })
        : positional.count > 1 || text.contains(where: { separators.contains($0) })
    else { return nil }
    // A list of architectures (`28x28 100 10, 28x28 30 10`) is no slip.
    if case .phrase(let check)? = spec.positional?.type,
      spec.positional?.allowsList == true,
      text.split(separator: ",").allSatisfy({
        let start = $0.drop { $0 == " " }
        return check.check(String(start.reversed().drop { $0 == " " }.reversed())) == nil
      })
    {
      return nil
    }
    let sizes = text.split(whereSeparator: { !($0.isASCII && $0.isNumber) })
    guard sizes.count >= 2 else { return nil }
    let fixed = sizes.joined(separator: "-")
    return .error(
      at: location(line, first.column),
      "layer sizes are one word, joined by '-': found \(quoted(text, limit: 40))",
      suggestion: "write \(quoted(spec.verb + " " + fixed, limit: 60))")
  }

  /// For a verb whose positional argument is a phrase, its words (up to
  /// the first `key=value`) as one token, spaced as written, so a mistake's
  /// offset in it is a column of the line.
  private static func joiningPhrase(
    _ tokens: ArraySlice<Token>, spec: DirectiveSpec
  ) -> ArraySlice<Token> {
    guard case .phrase? = spec.positional?.type else { return tokens }
    let words = tokens.prefix { !$0.hasEquals }
    guard words.count > 1, let first = words.first else { return tokens }
    var text = ""
    var end = first.column
    for word in words {
      text += String(repeating: " ", count: max(word.column - end, 0))
      text += word.text
      end = word.column + word.text.unicodeScalars.count
    }
    return ArraySlice(
      [Token(text: text, column: first.column)]
        + tokens.dropFirst(words.count))
  }

  private func spacedEquals(key: String, value: String, at here: SourceLocation)
    -> Diagnostic
  {
    .error(
      at: here,
      "malformed argument: expected key=value without spaces around '='",
      suggestion: value.isEmpty
        ? nil : "write \(quoted(key + "=" + value, limit: 60))")
  }

  /// Replaces or adds the arguments the command line's overrides set.
  private func applyOverrides(
    to arguments: inout [RawArgument], spec: DirectiveSpec,
    verb: SourceLocation
  ) {
    for override in overrides {
      let key: String
      if override.verb == spec.verb {
        key = override.key == spec.positional?.name ? "" : override.key
      } else if override.verb == nil, spec.verb == "seed",
        override.key == "seed"
      {
        key = ""
      } else {
        continue
      }
      if let index = arguments.firstIndex(where: { $0.key == key }) {
        arguments[index].value = override.value
        arguments[index].override = override.text
      } else {
        arguments.append(
          RawArgument(
            key: key, value: override.value, keyLocation: verb,
            valueLocation: verb, override: override.text))
      }
    }
  }

  // MARK: Validation

  private func parseDirective(
    verb token: Token, arguments tokens: ArraySlice<Token>, line: Int,
    problems: inout [Diagnostic]
  ) -> Directive? {
    let verbLocation = location(line, token.column)
    // `sgd(lr=3, epochs=2)`: written as a function call.
    if let paren = token.text.firstIndex(of: "("),
      let spec = language.spec(String(token.text[..<paren]))
    {
      let column = token.column
        + token.text[..<paren].unicodeScalars.count
      let rest = String(token.text[token.text.index(after: paren)...])
      let written = [Token(text: spec.verb, column: token.column)]
        + (rest.isEmpty ? [] : [Token(text: rest, column: column + 1)])
        + Array(tokens)
      problems.append(
        .error(
          at: location(line, column),
          "'\(spec.verb)' is not called like a function: write its arguments"
            + " after it, separated by spaces, without parentheses or commas",
          suggestion: "write \(quoted(Self.plainArguments(written), limit: 60))"))
      return nil
    }
    guard let spec = language.spec(token.text) else {
      let verbs = language.verbs
      let close = closestMatch(to: token.text, among: verbs)
      problems.append(
        .error(
          at: verbLocation,
          "unknown directive \(quoted(token.text)); expected one of "
            + verbs.joined(separator: ", "),
          suggestion: close.map { "did you mean '\($0)'?" }))
      return nil
    }
    if let problem = misspelledSizes(tokens, spec: spec, line: line) {
      problems.append(problem)
      return nil
    }
    var arguments = readArguments(
      Self.joiningPhrase(tokens, spec: spec), line: line, problems: &problems)
    applyOverrides(to: &arguments, spec: spec, verb: verbLocation)

    var values: [String: [Value]] = [:]
    var firstKey: [String: SourceLocation] = [:]
    var firstList: (name: String, location: SourceLocation)?
    /// Whether `argument`'s list (named `name` in messages) is the
    /// directive's one list; an error at it when another came first.
    func claimsTheList(_ name: String, _ argument: RawArgument, _ note: String)
      -> Bool
    {
      guard let first = firstList else {
        firstList = (name, argument.valueLocation)
        return true
      }
      problems.append(
        oneListOnly(spec, first: first, at: argument.valueLocation, note: note))
      return false
    }
    var sawPositional = false

    for argument in arguments {
      let fromOverride = argument.override.map { " (set by --set \($0))" } ?? ""
      if argument.key.isEmpty {
        guard let positional = spec.positional else {
          problems.append(unexpectedPositional(argument, spec: spec))
          continue
        }
        if sawPositional {
          problems.append(
            .error(
              at: argument.valueLocation,
              "unexpected argument \(quoted(argument.value)); '\(spec.verb)'"
                + " takes one \(positional.label) and key=value parameters"
                + " (\(spec.parameters.map(\.name).joined(separator: ", ")))"))
          continue
        }
        sawPositional = true
        if let parsed = check(
          argument, type: positional.type, subject: "the \(positional.label)",
          allowsList: positional.allowsList,
          maxList: positional.allowsList ? spec.maxListLength : 1,
          note: fromOverride, problems: &problems)
        {
          if parsed.count > 1, spec.atMostOneList,
            !claimsTheList("the \(positional.label)", argument, fromOverride)
          {
            continue
          }
          values[""] = parsed
        }
        continue
      }

      guard let parameter = spec.parameter(argument.key) else {
        problems.append(unknownKey(argument, spec: spec))
        continue
      }
      if let first = firstKey[argument.key] {
        problems.append(
          .error(
            at: argument.keyLocation,
            "duplicate key '\(argument.key)'; it was first given at line"
              + " \(first.line), column \(first.column)"))
        continue
      }
      firstKey[argument.key] = argument.keyLocation
      guard
        let parsed = check(
          argument, type: parameter.type, subject: "'\(parameter.name)'",
          allowsList: parameter.allowsList, maxList: spec.maxListLength,
          note: fromOverride, problems: &problems)
      else { continue }
      if parsed.count > 1, spec.atMostOneList, !parameter.listIsSet,
        !claimsTheList("'\(argument.key)'", argument, fromOverride)
      {
        continue
      }
      values[argument.key] = parsed
    }

    if !sawPositional, let positional = spec.positional {
      problems.append(
        .error(
          at: verbLocation,
          "missing \(positional.label) for '\(spec.verb)': expected"
            + " \(positional.type.expectation)"))
    }
    guard !problems.contains(where: \.isError) else { return nil }
    guard let filled = withDefaults(spec: spec, values: values) else {
      problems.append(
        .error(at: verbLocation, "internal error: bad defaults for '\(spec.verb)'"))
      return nil
    }
    return Directive(
      location: verbLocation, verb: spec.verb,
      arguments: arguments.map {
        Directive.Argument(key: $0.key, value: $0.value, location: $0.valueLocation)
      },
      values: DirectiveValues(filled))
  }

  /// A second list in a directive that compares one setting at a time;
  /// `first` names the first list ("'lr'", "the architecture").
  private func oneListOnly(
    _ spec: DirectiveSpec, first: (name: String, location: SourceLocation),
    at here: SourceLocation, note: String
  ) -> Diagnostic {
    .error(
      at: here,
      "only one parameter of '\(spec.verb)' may hold a list, and"
        + " \(first.name) already does (line \(first.location.line),"
        + " column \(first.location.column))\(note)",
      suggestion: "compare one parameter at a time, in separate"
        + " '\(spec.verb)' lines")
  }

  /// Checks a value or a list of values, reporting each bad item at its own
  /// column.
  private func check(
    _ argument: RawArgument, type: ValueType, subject: String,
    allowsList: Bool, maxList: Int, note: String,
    problems: inout [Diagnostic]
  ) -> [Value]? {
    let start = argument.valueLocation
    // Columns inside an override's text mean nothing in the file.
    func at(_ offset: Int) -> SourceLocation {
      guard argument.override == nil else { return start }
      var location = start
      location.column += offset
      return location
    }
    let items = argument.value.split(
      separator: ",", omittingEmptySubsequences: false)
    if items.count > 1, !allowsList {
      problems.append(
        .error(
          at: start,
          "expected a single value for \(subject), found a list"
            + " \(quoted(argument.value))\(note)"))
      return nil
    }
    if items.count > maxList {
      problems.append(
        .error(
          at: start,
          "expected at most \(maxList) values for \(subject), found"
            + " \(items.count)\(note)"))
      return nil
    }
    var parsed: [Value] = []
    var offset = 0
    var failed = false
    for written in items {
      defer { offset += written.unicodeScalars.count + 1 }
      // A phrase's words may be spaced after a list's commas:
      // `net 28x28 conv5x5x20 pool2 100 10, 28x28 100 10`.
      var item = written
      var itemOffset = offset
      if case .phrase = type, items.count > 1 {
        while item.first == " " {
          item.removeFirst()
          itemOffset += 1
        }
        while item.last == " " { item.removeLast() }
      }
      if item.isEmpty {
        problems.append(
          .error(
            at: at(itemOffset),
            "expected \(type.expectation) for \(subject), found an empty"
              + " item in the list \(quoted(argument.value))\(note)"))
        failed = true
        continue
      }
      switch type.parse(String(item), subject: subject) {
      case .success(let value):
        parsed.append(value)
      case .failure(let problem):
        problems.append(
          .error(
            at: at(itemOffset + problem.offset), problem.message + note,
            suggestion: problem.suggestion))
        failed = true
      }
    }
    return failed ? nil : parsed
  }

  private func unknownKey(_ argument: RawArgument, spec: DirectiveSpec)
    -> Diagnostic
  {
    let names = spec.parameters.map(\.name)
    var aliases: [String: String] = [:]
    for parameter in spec.parameters {
      for alias in parameter.aliases { aliases[alias] = parameter.name }
    }
    let close = closestMatch(to: argument.key, among: names, aliases: aliases)
    let valid = names.isEmpty
      ? "'\(spec.verb)' takes no parameters"
      : "expected one of " + names.joined(separator: ", ")
    return .error(
      at: argument.keyLocation,
      "unknown key \(quoted(argument.key)) for '\(spec.verb)'; \(valid)",
      suggestion: close.map { "did you mean '\($0)'?" })
  }

  private func unexpectedPositional(
    _ argument: RawArgument, spec: DirectiveSpec
  ) -> Diagnostic {
    let names = spec.parameters.map(\.name)
    var suggestion: String?
    if let parameter = spec.parameter(argument.value) {
      let value = parameter.isOptional ? "…" : parameter.defaultValue
      suggestion = "write '\(parameter.name)=\(value)'"
    }
    return .error(
      at: argument.valueLocation,
      "unexpected argument \(quoted(argument.value)); '\(spec.verb)' takes"
        + " only key=value parameters (" + names.joined(separator: ", ")
        + ")",
      suggestion: suggestion)
  }

  // MARK: Defaults

  /// The checked values with every parameter's default filled in (an
  /// optional parameter stays absent); nil only
  /// if a spec's default fails its own type (a bug in the spec).
  private func withDefaults(spec: DirectiveSpec, values: [String: [Value]])
    -> [String: [Value]]?
  {
    var filled = values
    for parameter in spec.parameters
    where filled[parameter.name] == nil && !parameter.isOptional {
      guard
        case .success(let value) = parameter.type.parse(
          parameter.defaultValue, subject: parameter.name)
      else { return nil }
      filled[parameter.name] = [value]
    }
    return filled
  }
}
