// MARK: - Tokens

/// One token of a formula, with the offset (in Unicode scalars) of its
/// first character.
struct Token: Equatable {
  enum Kind: Equatable {
    /// `\frac` → `frac`; `\,` → `,`; a lone `\` at the end → ``.
    case command(String)
    /// Any other character.
    case character(Unicode.Scalar)
    /// A run of spaces, tabs and newlines (math ignores them; `\text`
    /// keeps one space).
    case space
    case openBrace
    case closeBrace
    case superscript
    case `subscript`
    case ampersand
    /// `\\`, the end of a row.
    case newRow
    case end
  }

  var kind: Kind
  var offset: Int
}

/// Splits a formula into tokens. `%` starts a comment to the end of the
/// line, as in TeX.
func tokenize(_ tex: String) -> [Token] {
  let scalars = Array(tex.unicodeScalars)
  var tokens: [Token] = []
  tokens.reserveCapacity(scalars.count + 1)
  var index = 0
  func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
  }
  func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
  }
  while index < scalars.count {
    let start = index
    let scalar = scalars[index]
    index += 1
    let kind: Token.Kind
    switch scalar {
    case "\\":
      guard index < scalars.count else {
        kind = .command("")
        break
      }
      if isLetter(scalars[index]) {
        var end = index
        while end < scalars.count, isLetter(scalars[end]) { end += 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[index..<end])
        index = end
        kind = .command(name)
      } else if scalars[index] == "\\" {
        index += 1
        kind = .newRow
      } else {
        kind = .command(String(scalars[index]))
        index += 1
      }
    case "{": kind = .openBrace
    case "}": kind = .closeBrace
    case "^": kind = .superscript
    case "_": kind = .subscript
    case "&": kind = .ampersand
    case "%":
      while index < scalars.count, scalars[index] != "\n" { index += 1 }
      continue
    default:
      if isSpace(scalar) {
        while index < scalars.count, isSpace(scalars[index]) { index += 1 }
        kind = .space
      } else {
        kind = .character(scalar)
      }
    }
    tokens.append(Token(kind: kind, offset: start))
  }
  tokens.append(Token(kind: .end, offset: scalars.count))
  return tokens
}
