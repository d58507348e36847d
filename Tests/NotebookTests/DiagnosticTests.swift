import Testing

import LabrunCore
@testable import Notebook

/// Expects the cells' diagnostics to be exactly `expected`, each at its
/// marker: (marker, message, suggestion).
private func expectDiagnostics(
  _ marked: String, _ expected: [(Int, String, String?)],
  crlf: Bool = false, overrides: [Override] = [],
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let (notebook, text) = parseMarked(marked, overrides: overrides, crlf: crlf)
  let found = notebook.cells.flatMap(\.diagnostics)
  #expect(
    found.count == expected.count,
    "\(found.map(\.description))", sourceLocation: sourceLocation)
  for (diagnostic, (marker, message, suggestion)) in zip(found, expected) {
    #expect(diagnostic.severity == .error, sourceLocation: sourceLocation)
    #expect(
      diagnostic.location == text.location(marker),
      "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.message == message, sourceLocation: sourceLocation)
    #expect(diagnostic.suggestion == suggestion, sourceLocation: sourceLocation)
  }
}

@Suite("Directive errors: message, line and column")
struct DirectiveErrorTests {
  @Test("unknown directive, with and without a close match")
  func unknownDirective() {
    expectDiagnostics(
      """
      ```lab
      1️⃣sgdd lr=3
        2️⃣train now
      ```
      """,
      [
        (1, "unknown directive 'sgdd'; expected one of seed, load, net, sgd, evaluate, playground, show, save, restore, expect",
         "did you mean 'sgd'?"),
        (2, "unknown directive 'train'; expected one of seed, load, net, sgd, evaluate, playground, show, save, restore, expect", nil),
      ])
  }

  @Test("a function-call or comma-separated habit says how to write the line")
  func callHabits() {
    expectDiagnostics(
      """
      ```lab
      sgd lr=31️⃣, batch=10
      sgd2️⃣(lr=3, epochs=2)
      load mnist3️⃣, train=100
      sgd 4️⃣η=3
      ```
      """,
      [
        (1, "arguments are separated by spaces, not commas", "write 'lr=3 batch=10'"),
        (2, "'sgd' is not called like a function: write its arguments after it,"
           + " separated by spaces, without parentheses or commas",
         "write 'sgd lr=3 epochs=2'"),
        (3, "arguments are separated by spaces, not commas", "write 'mnist train=100'"),
        (4, "unknown key 'η' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'lr'?"),
      ])
  }

  @Test("layer sizes written as a list say how sizes are written")
  func sizesAsList() {
    // `784 30 10` is an architecture (words may be separated by spaces);
    // `784x30x10` reads as an image input with no layer after it.
    expectDiagnostics(
      """
      ```lab
      net 1️⃣[784, 30, 10]
      net 2️⃣784x30x10 hidden=relu
        net 784 30 10
      net 3️⃣(784 30 10) hidden=relu
      ```
      """,
      [
        (1, "layer sizes are one word, joined by '-': found '[784, 30, 10]'",
         "write 'net 784-30-10'"),
        (2, "a network needs at least one layer after its input",
         "add the output layer, for example '10'"),
        (3, "layer sizes are one word, joined by '-': found '(784 30 10)'",
         "write 'net 784-30-10'"),
      ])
  }

  @Test("unknown keys: did you mean, else the valid keys")
  func unknownKey() {
    expectDiagnostics(
      """
      ```lab
      sgd 1️⃣lrate=3 2️⃣batchsize=5 3️⃣colour=red
      evaluate 4️⃣split=test
      ```
      """,
      [
        (1, "unknown key 'lrate' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'lr'?"),
        (2, "unknown key 'batchsize' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'batch'?"),
        (3, "unknown key 'colour' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat", nil),
        (4, "unknown key 'split' for 'evaluate'; expected one of on", "did you mean 'on'?"),
      ])
  }

  @Test("duplicate key at the second occurrence, naming the first")
  func duplicateKey() {
    expectDiagnostics(
      """
      ```lab
      sgd lr=3 epochs=2 1️⃣lr=0.5
      ```
      """,
      [(1, "duplicate key 'lr'; it was first given at line 2, column 5", nil)])
  }

  @Test("wrong types and out-of-range values say what was expected")
  func wrongTypes() {
    expectDiagnostics(
      """
      ```lab
      sgd batch=1️⃣ten epochs=2️⃣20000 lr=3️⃣0 momentum=4️⃣1 l2=5️⃣-1
      sgd batch=6️⃣2.5 lr=7️⃣nan
      load 8️⃣mnst train=9️⃣0
      ```
      """,
      [
        (1, "expected a positive integer for 'batch', found 'ten'", nil),
        (2, "expected an integer from 1 to 10000 for 'epochs', found '20000'", nil),
        (3, "expected a positive number for 'lr', found '0'", nil),
        (4, "expected a number ≥ 0 and < 1 for 'momentum', found '1'", nil),
        (5, "expected a non-negative number for 'l2', found '-1'", nil),
        (6, "expected a positive integer for 'batch', found '2.5'", nil),
        (7, "expected a positive number for 'lr', found 'nan'", nil),
        (8, "expected one of mnist, fashion-mnist for the data set, found 'mnst'",
         "did you mean 'mnist'?"),
        (9, "expected a positive integer for 'train', found '0'", nil),
      ])
    expectDiagnostics(
      """
      ```lab
      net 784-30-10 hidden=1️⃣relu6 cost=2️⃣crossentropy
      evaluate on=3️⃣training
      seed 4️⃣-1
      seed 5️⃣18446744073709551616
      ```
      """,
      [
        (1, "expected one of sigmoid, relu, tanh for 'hidden', found 'relu6'",
         "did you mean 'relu'?"),
        (2, "expected one of quadratic, cross-entropy for 'cost', found 'crossentropy'",
         "did you mean 'cross-entropy'?"),
        (3, "expected one of test, validation for 'on', found 'training'", nil),
        (4, "expected a non-negative integer below 2^64 for the seed, found '-1'", nil),
        (5, "expected a non-negative integer below 2^64 for the seed, found '18446744073709551616'",
         nil),
      ])
  }

  @Test("lists: where none is allowed, too long, empty items, a second list")
  func lists() {
    expectDiagnostics(
      """
      ```lab
      evaluate on=1️⃣test,validation
      sgd lr=2️⃣1,2,3,4,5,6,7,8,9
      sgd lr=0.5,3️⃣,3
      sgd lr=0.5,3 epochs=2 batch=4️⃣1,10
      sgd lr=1,5️⃣x,6️⃣0
      load 7️⃣mnist,fashion-mnist
      ```
      """,
      [
        (1, "expected a single value for 'on', found a list 'test,validation'", nil),
        (2, "expected at most 8 values for 'lr', found 9", nil),
        (3, "expected a positive number for 'lr', found an empty item in the list '0.5,,3'", nil),
        (4, "only one parameter of 'sgd' may hold a list, and 'lr' already does (line 5, column 8)",
         "compare one parameter at a time, in separate 'sgd' lines"),
        (5, "expected a positive number for 'lr', found 'x'", nil),
        (6, "expected a positive number for 'lr', found '0'", nil),
        (7, "expected a single value for the data set, found a list 'mnist,fashion-mnist'", nil),
      ])
  }

  @Test("positional arguments: missing, extra, where none is taken")
  func positionals() {
    expectDiagnostics(
      """
      ```lab
      1️⃣load train=10
      load mnist 2️⃣fashion-mnist
      sgd 3️⃣lr
      4️⃣seed
      evaluate 5️⃣test
      ```
      """,
      [
        (1, "missing data set for 'load': expected one of mnist, fashion-mnist", nil),
        (2, "unexpected argument 'fashion-mnist'; 'load' takes one data set and key=value"
           + " parameters (train, validation, test, expand)", nil),
        (3, "unexpected argument 'lr'; 'sgd' takes only key=value parameters"
           + " (lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat)", "write 'lr=3'"),
        (4, "missing seed for 'seed': expected a non-negative integer below 2^64", nil),
        (5, "unexpected argument 'test'; 'evaluate' takes only key=value parameters (on)", nil),
      ])
  }

  @Test("malformed tokens: spaces around '=', no key, no value")
  func malformed() {
    expectDiagnostics(
      """
      ```lab
      sgd 1️⃣lr =3
      sgd 2️⃣lr = 3
      sgd 3️⃣lr= 3
      sgd 4️⃣=3
      sgd 5️⃣lr=
      ```
      """,
      [
        (1, "malformed argument: expected key=value without spaces around '='", "write 'lr=3'"),
        (2, "malformed argument: expected key=value without spaces around '='", "write 'lr=3'"),
        (3, "malformed argument: expected key=value without spaces around '='", "write 'lr=3'"),
        (4, "malformed argument '=3': expected key=value, found no key before '='", nil),
        (5, "malformed argument 'lr=': expected key=value, found no value after '='", nil),
      ])
  }

  @Test("network shape: sizes, layer limit, parameter limit")
  func netShape() {
    expectDiagnostics(
      """
      ```lab
      net 784-2️⃣x-10
      net 1️⃣784
      net 784-3️⃣2000000-10
      net 4️⃣784-10000-10000-10000-10000-10
      ```
      """,
      [
        (2, "unknown layer 'x'",
         "expected a number of neurons (100), convKxKxN, poolN or dropoutP"),
        (1, "a network needs at least one layer after its input",
         "add the output layer, for example '10'"),
        (3, "2000000 is too large: sizes go up to 10000", nil),
        (4, "network 784-10000-10000-10000-10000-10 has 307,980,010 parameters"
           + " and would need about 3.7 GB of memory (float32 weights, gradients"
           + " and velocities); at most 250,000,000 parameters are allowed",
         "use fewer or smaller layers"),
      ])
  }

  @Test("architecture mistakes point at the offending word of the line")
  func architectureMistakes() {
    expectDiagnostics(
      """
      ```lab
      net 28x28 conv5x5x20 1️⃣pool5 100 10 hidden=relu
      net 28x28   2️⃣conf5x5x20 10
      net 28x28 100 3️⃣dropout1.5 10
      net 28x28 conv5x5x20 pool2 conv5x5x40 pool2 4️⃣conv5x5x10 10
      net 784-5️⃣conv5x5x20-10
      net 28x28 conv5x5x20 pool2 100 10 hidden=relu output=softmax
      ```
      """,
      [
        (1, "pool5 does not divide the 24×24×20 maps into 5×5 windows",
         "use pool2, pool3, pool4, pool6, or change the filter before it"),
        (2, "unknown layer 'conf5x5x20'", "did you mean 'conv5x5x20'?"),
        (3, "dropout 1.5 is outside [0, 1): it is the fraction of units silenced",
         "use a value such as dropout0.5"),
        (4, "a 5×5 filter does not fit its 4×4×40 input",
         "use a filter of at most 4×4 (conv4x4x10), or remove a pool before it"),
        (5, "conv5x5x20 needs maps as its input, but it follows a vector of 784 values",
         "put the conv and pool layers first, or write the input as an image"
           + " (28x28 instead of 784)"),
      ])
  }

  @Test("a block with three errors reports all three, and keeps its valid lines")
  func everyError() throws {
    let (notebook, text) = parseMarked(
      """
      ```lab
      load mnist
      sgd 1️⃣lrate=3 batch=2️⃣0
      3️⃣evalute
      ```
      """)
    let cell = try #require(notebook.cells.first)
    #expect(cell.diagnostics.count == 3)
    #expect(cell.diagnostics.map(\.location) == [1, 2, 3].map { text.location($0) })
    #expect(cell.hasErrors)
    #expect(cell.directives.map(\.verb) == ["load"])
    #expect(cell.diagnostics[2].suggestion == "did you mean 'evaluate'?")
  }

  @Test("positions inside a list item, a blockquote, and after front matter")
  func nestedPositions() {
    expectDiagnostics(
      """
      ---
      title: Nested
      ---
      - a list item

        ```lab
        sgd 1️⃣lrate=3
        ```

      > ```lab
      > sgd batch=2️⃣ten
      > ```

      1. numbered
         ```lab
         3️⃣sgdd
         ```
      """,
      [
        (1, "unknown key 'lrate' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'lr'?"),
        (2, "expected a positive integer for 'batch', found 'ten'", nil),
        (3, "unknown directive 'sgdd'; expected one of seed, load, net, sgd, evaluate, playground, show, save, restore, expect",
         "did you mean 'sgd'?"),
      ])
  }

  @Test("tabs count as one column; CRLF and CR line endings keep lines right")
  func tabsAndLineEndings() {
    expectDiagnostics(
      """
      # Title

      ```lab
      \tsgd\t1️⃣lrate=3
      evaluate\ton=2️⃣x
      ```
      """,
      [
        (1, "unknown key 'lrate' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'lr'?"),
        (2, "expected one of test, validation for 'on', found 'x'", nil),
      ], crlf: true)
    let (notebook, text) = parseMarked(
      "> quote\n>\t```lab\n>\tsgd 1️⃣batch=2️⃣x\n>\t```\n")
    let found = notebook.cells.first?.diagnostics ?? []
    #expect(found.map(\.location) == [text.location(2)])
    // Lone CR line endings.
    let cr = Notebook.parse(
      source: "# T\r\r```lab\rsgd lr=x\r```\r", path: "nb.md")
    #expect(cr.cells.first?.diagnostics.first?.location
      == SourceLocation(file: "nb.md", line: 4, column: 8))
  }

  @Test("non-ASCII text before a token counts one column per character")
  func unicodeColumns() {
    expectDiagnostics(
      """
      ```lab
      sgd lr=1️⃣✓ 2️⃣épochs=3 # «ü»
      ```
      """,
      [
        (1, "expected a positive number for 'lr', found '✓'", nil),
        (2, "unknown key 'épochs' for 'sgd'; expected one of lr, batch, epochs, l2, l1, momentum, monitor, stop, schedule, repeat",
         "did you mean 'epochs'?"),
      ])
  }

  @Test("diagnostic description is one line in the compiler format")
  func description() {
    let diagnostic = Diagnostic.error(
      at: SourceLocation(file: "notebook.md", line: 12, column: 5),
      "unknown key 'lrate'", suggestion: "did you mean 'lr'?")
    #expect(diagnostic.description == "notebook.md:12:5: error: unknown key 'lrate'; did you mean 'lr'?")
    #expect(Diagnostic.warning(at: nil, "x").description == "warning: x")
  }
}
