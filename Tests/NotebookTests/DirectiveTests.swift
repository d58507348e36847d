import Foundation
import Testing

@testable import Notebook

// MARK: - Typed values

@Suite("Directives parse to typed values")
struct DirectiveValueTests {
  @Test(
    "each directive and its defaults",
    arguments: [
      ("seed 42", DirectiveKind.seed(42)),
      ("seed 18446744073709551615", .seed(UInt64.max)),
      ("seed 0", .seed(0)),
      ("load mnist", .load(Load(dataset: .mnist, train: 50000, validation: 10000, test: 10000))),
      ("load fashion-mnist train=100 validation=0 test=5",
       .load(Load(dataset: .fashionMNIST, train: 100, validation: 0, test: 5))),
      ("net 784-30-10", .net(Net(sizes: [784, 30, 10]))),
      ("net 784-100-50-10 hidden=relu output=softmax cost=cross-entropy init=scaled",
       .net(Net(sizes: [784, 100, 50, 10], hidden: .relu, output: .softmax,
                cost: .crossEntropy, initialization: .scaled))),
      ("net 2-1 hidden=tanh", .net(Net(sizes: [2, 1], hidden: .tanh))),
      ("sgd", .sgd(SGD(learningRate: [3], batchSize: [10], epochs: [5], l2: [0], momentum: [0]))),
      ("sgd lr=0.5 batch=32 epochs=30 l2=5 momentum=0.9",
       .sgd(SGD(learningRate: [0.5], batchSize: [32], epochs: [30], l2: [5], momentum: [0.9]))),
      ("evaluate", .evaluate(Evaluate(split: .test))),
      ("evaluate on=validation", .evaluate(Evaluate(split: .validation))),
    ])
  func typedValue(line: String, expected: DirectiveKind) {
    #expect(kind(line) == expected)
  }

  @Test(
    "number spellings",
    arguments: [
      ("sgd lr=3", 3.0), ("sgd lr=0.5", 0.5), ("sgd lr=3e-2", 0.03),
      ("sgd lr=3E2", 300), ("sgd lr=.5", 0.5), ("sgd lr=2.", 2),
      ("sgd lr=+1.5e+1", 15),
    ])
  func numberSpellings(line: String, expected: Double) throws {
    let value = try #require(kind(line))
    guard case .sgd(let sgd) = value else {
      Issue.record("not sgd: \(value)")
      return
    }
    #expect(sgd.learningRate.count == 1)
    #expect(abs(sgd.learningRate[0] - expected) <= 1e-12 * expected)
  }

  @Test("integral values are accepted for integers, in any spelling")
  func integralSpellings() {
    #expect(kind("sgd batch=1e2 epochs=3.0") == .sgd(SGD(batchSize: [100], epochs: [3])))
    #expect(kind("seed 1e3") == .seed(1000))
  }

  @Test(
    "refused number spellings",
    arguments: ["nan", "inf", "-inf", "infinity", "0x10", "1e999", "3,", "1_000", "e3", "--1", "1e", "½"])
  func refusedNumbers(text: String) {
    #expect(kind("sgd lr=\(text)") == nil)
    #expect(kind("sgd batch=\(text)") == nil)
  }

  @Test("comments, blank lines, tabs and several directives")
  func commentsAndBlankLines() throws {
    let cell = try #require(
      parseCell(
        """
        # choose the data
        load mnist   train=1000 # a comment after a directive

        \tnet\t784-30-10
        sgd lr=3#no space needed before '#'
           # indented comment
        """))
    #expect(cell.diagnostics == [])
    #expect(cell.directives.map(\.verb) == ["load", "net", "sgd"])
    #expect(cell.directives[2].kind == .sgd(SGD(learningRate: [3])))
    #expect(cell.directives[1].location.line == 5)
    #expect(cell.directives[1].location.column == 2)
  }

  @Test("a list in one sgd parameter compares runs")
  func lists() throws {
    let value = try #require(kind("sgd lr=0.05,0.5,3,30 batch=10 epochs=3"))
    guard case .sgd(let sgd) = value else {
      Issue.record("not sgd")
      return
    }
    #expect(sgd.learningRate == [0.05, 0.5, 3, 30])
    #expect(sgd.comparedParameter == "lr")
    #expect(sgd.runCount == 4)
    #expect(sgd.run(2) == SGDRun(learningRate: 3, batchSize: 10, epochs: 3, l2: 0, momentum: 0))

    let batches = try #require(kind("sgd lr=3 batch=1,10,100,50000 epochs=2"))
    guard case .sgd(let byBatch) = batches else { return }
    #expect(byBatch.batchSize == [1, 10, 100, 50000])
    #expect(byBatch.comparedParameter == "batch")
    #expect(kind("sgd momentum=0,0.5,0.9")
      == .sgd(SGD(momentum: [0, 0.5, 0.9])))
    #expect(kind("sgd")?.sgdValue?.comparedParameter == nil)
    #expect(kind("sgd lr=1,2,3,4,5,6,7,8") != nil)
  }

  @Test("arguments keep what was written and where")
  func arguments() throws {
    let cell = try #require(parseCell("sgd  lr=0.5   epochs=3"))
    let directive = try #require(cell.directives.first)
    #expect(directive.arguments.map(\.key) == ["lr", "epochs"])
    #expect(directive.arguments.map(\.value) == ["0.5", "3"])
    #expect(directive.location(of: "lr") == SourceLocation(file: "nb.md", line: 2, column: 9))
    #expect(directive.location(of: "epochs").column == 22)
    #expect(directive.location(of: "batch") == directive.location)

    let load = try #require(parseCell("load mnist")?.directives.first)
    #expect(load.location(of: "").column == 6)
  }

  @Test("canonical text ignores spacing, order, comments and spellings")
  func canonical() throws {
    let a = try #require(parseCell("sgd  epochs=5 lr=3.0  # comment")?.directives.first)
    let b = try #require(parseCell("sgd lr=3 batch=10")?.directives.first)
    let c = try #require(parseCell("sgd lr=0.03")?.directives.first)
    let d = try #require(parseCell("sgd lr=3e-2")?.directives.first)
    #expect(a.canonical == b.canonical)
    #expect(a.canonical == "sgd batch=10 epochs=5 l2=0 lr=3 momentum=0")
    #expect(c.canonical == d.canonical)
    #expect(a.canonical != c.canonical)
    #expect(
      parseCell("net 784-30-10")?.directives.first?.canonical
        == "net 784-30-10 cost=quadratic hidden=sigmoid init=normal output=sigmoid")
    #expect(
      parseCell("load mnist test=5")?.directives.first?.canonical
        == "load mnist test=5 train=50000 validation=10000")
  }
}

extension DirectiveKind {
  var sgdValue: SGD? {
    if case .sgd(let sgd) = self { return sgd }
    return nil
  }
}

// MARK: - The language as data

@Suite("Directive language schema")
struct LanguageTests {
  @Test("every default satisfies its own type")
  func defaultsParse() {
    for spec in DirectiveLanguage.specs {
      for parameter in spec.parameters {
        let result = parameter.type.parse(parameter.defaultValue, subject: parameter.name)
        if case .failure(let problem) = result {
          Issue.record("\(spec.verb).\(parameter.name): \(problem.message)")
        }
      }
    }
  }

  @Test("help text lists every directive and parameter with its default")
  func helpText() {
    let help = DirectiveLanguage.helpText()
    for spec in DirectiveLanguage.specs {
      #expect(help.contains(spec.synopsis))
      for parameter in spec.parameters {
        #expect(help.contains("\(parameter.name)="))
        #expect(help.contains(parameter.doc.split(separator: " ").first ?? ""))
      }
    }
    #expect(help.contains("an integer from 1 to 10000, default 5"))
    #expect(help.contains("one of sigmoid, relu, tanh, default sigmoid"))
    #expect(help.contains("a number ≥ 0 and < 1, default 0"))
    #expect(help.split(separator: "\n").allSatisfy { $0.count <= 76 })
  }
}

@Suite("Help text dump", .enabled(if: Environment.dumpHelp))
struct HelpDump {
  @Test func dump() { print(DirectiveLanguage.helpText()) }
}

enum Environment {
  static var dumpHelp: Bool { getenv("NOTEBOOK_DUMP_HELP") != nil }
}
