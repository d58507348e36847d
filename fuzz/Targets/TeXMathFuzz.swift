// libFuzzer target: the TeX → MathML converter. Any text is a formula;
// the converter must neither crash nor hang, place every problem inside
// the formula, and write only its own elements: whatever the input,
// the markup is a tree of known MathML tags with no text that could
// open another.
//
// Against the TeXMath module built with -enable-testing (see fuzz/run).

@testable import TeXMath

func fuzzTeXMath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private let knownTags: Set<Substring> = [
  "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mfrac", "msqrt",
  "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover",
  "mtable", "mtr", "mtd", "mstyle",
]

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  let tex = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let length = tex.unicodeScalars.count
  for display in [false, true] {
    let conversion = TeXMath.convert(tex, display: display)
    precondition((conversion.mathML == nil) == !conversion.problems.isEmpty)
    for problem in conversion.problems {
      precondition(problem.offset >= 0 && problem.offset <= length)
    }
    guard let markup = conversion.mathML else { continue }
    // Every tag is known and they nest; text holds no '<' or '>'. Bytes,
    // not Characters: a combining mark after '>' is one Character with it.
    var open: [Substring] = []
    var rest = markup.utf8[...]
    while let start = rest.firstIndex(of: UInt8(ascii: "<")) {
      precondition(!rest[..<start].contains(UInt8(ascii: ">")))
      guard let end = rest[start...].firstIndex(of: UInt8(ascii: ">")) else {
        preconditionFailure("unterminated tag")
      }
      let tag = Substring(rest[rest.index(after: start)..<end])
      if tag.hasPrefix("/") {
        precondition(open.popLast() == tag.dropFirst())
      } else {
        let name = tag.prefix { $0 != " " }
        precondition(knownTags.contains(name))
        open.append(name)
      }
      rest = rest[rest.index(after: end)...]
    }
    precondition(open.isEmpty && !rest.contains(UInt8(ascii: ">")))
  }
}
