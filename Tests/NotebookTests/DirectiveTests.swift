import Foundation
import Testing

import LabrunCore
@testable import Notebook

// MARK: - Parsed values (their typed form: LabrunCoreTests' DirectiveTypeTests)

@Suite("Directives parse to checked values")
struct DirectiveValueTests {
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
    #expect(cell.directives[2].canonical == "sgd batch=10 epochs=5 l1=0 l2=0 lr=3 momentum=0 monitor=validation")
    #expect(cell.directives[1].location.line == 5)
    #expect(cell.directives[1].location.column == 2)
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
    #expect(a.canonical == "sgd batch=10 epochs=5 l1=0 l2=0 lr=3 momentum=0 monitor=validation")
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

// MARK: - The language as data

@Suite("Directive language schema")
struct LanguageTests {
  @Test("every default satisfies its own type")
  func defaultsParse() {
    for spec in DirectiveLanguage.labrun.specs {
      for parameter in spec.parameters where !parameter.isOptional {
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
    // A long synopsis wraps: compare with the lines joined.
    let joined = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for spec in DirectiveLanguage.labrun.specs {
      #expect(joined.contains(spec.synopsis))
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
