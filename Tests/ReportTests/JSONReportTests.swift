// The JSON twin parses back, carries the documented fields, writes
// non-finite numbers as null and is byte-identical for equal documents.

import Foundation
import Testing

@testable import Report

@Suite("JSON report")
struct JSONReportTests {
  let text = JSONReport.render(Samples.lecture())

  func parsed() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
  }

  @Test("parses back with the documented top-level fields")
  func topLevel() throws {
    let json = try parsed()
    #expect(Set(json.keys) == [
      "labrun", "notebook", "title", "status", "seed", "totalSeconds", "date",
      "overrides", "dataFiles", "cells", "notices", "subtitle", "authors",
      "documentDate", "checks",
    ])
    #expect(json["status"] as? String == "error")
    #expect(json["seed"] as? Int == 42)
    #expect(json["notebook"] as? String == "notebooks/lecture20.md")
    #expect(json["overrides"] as? [String] == ["sgd.epochs=5"])
    let files = try #require(json["dataFiles"] as? [[String: String]])
    #expect(files.first?["name"] == "train-images-idx3-ubyte.gz")
    #expect(files.first?["sha256"]?.count == 64)
    #expect((json["cells"] as? [Any])?.count == 7)
  }

  @Test("cells carry status, timing, directives, diagnostics and results")
  func cells() throws {
    let cells = try #require(try parsed()["cells"] as? [[String: Any]])
    #expect(cells.map { $0["status"] as? String }
      == ["ok", "ok", "ok", "ok", "ok", "error", "skipped"])
    #expect(cells[2]["cached"] as? Bool == true)
    #expect(cells[2]["originalSeconds"] as? Double == 6.84)
    #expect(cells[0]["originalSeconds"] is NSNull)
    let directive = try #require(
      (cells[2]["directives"] as? [[String: Any]])?.first)
    #expect(directive["verb"] as? String == "sgd")
    #expect(directive["line"] as? Int == 28)
    #expect(directive["arguments"] as? [String: String]
      == ["lr": "3", "batch": "10", "epochs": "5"])
    let diagnostic = try #require(
      (cells[5]["diagnostics"] as? [[String: Any]])?.first)
    #expect(diagnostic["message"] as? String == "unknown key 'lrate'")
    #expect(diagnostic["suggestion"] as? String == "did you mean 'lr'?")
    #expect(diagnostic["column"] as? Int == 5)
    #expect(cells[6]["skipReason"] as? String
      == "cell 6 failed, and this cell needs its network.")
    let kinds = cells.flatMap {
      ($0["results"] as? [[String: Any]] ?? []).map { $0["kind"] as? String }
    }
    #expect(kinds == ["dataset", "network", "training", "comparison",
                      "evaluation"])
  }

  @Test("results carry their numbers, without pixels")
  func results() throws {
    let cells = try #require(try parsed()["cells"] as? [[String: Any]])
    func result(_ cell: Int) throws -> [String: Any] {
      try #require((cells[cell]["results"] as? [[String: Any]])?.first)
    }
    let dataset = try result(0)
    #expect(dataset["training"] as? Int == 50_000)
    #expect((dataset["classNames"] as? [String])?.count == 10)
    let sample = try #require((dataset["samples"] as? [[String: Any]])?.first)
    #expect(Set(sample.keys) == ["index", "label"])
    #expect(!text.contains("pixels"))

    let network = try result(1)
    #expect(network["sizes"] as? [Int] == [784, 30, 10])
    #expect(network["parameters"] as? Int == 23_860)

    let training = try result(2)
    #expect(training["learningRate"] as? Double == 3)
    let history = try #require(training["history"] as? [[String: Any]])
    #expect(history.count == 5)
    #expect(history[4]["validationAccuracy"] as? Double == 0.9502)
    #expect(training["divergedAtEpoch"] is NSNull)

    let comparison = try result(3)
    #expect(comparison["values"] as? [String] == ["0.5", "3", "100"])
    #expect(comparison["chosen"] as? Int == 1)
    let runs = try #require(comparison["runs"] as? [[String: Any]])
    #expect(runs[2]["divergedAtEpoch"] as? Int == 2)

    let evaluation = try result(4)
    #expect(evaluation["correct"] as? Int == 9_512)
    #expect(evaluation["accuracy"] as? Double == 0.9512)
    let confusion = try #require(evaluation["confusion"] as? [[Int]])
    #expect(confusion.count == 10)
    #expect(confusion.map { $0.reduce(0, +) }.reduce(0, +) == 10_000)
    let wrong = try #require(
      (evaluation["misclassified"] as? [[String: Any]])?.first)
    #expect(wrong["label"] as? String == "4")
    #expect(wrong["predicted"] as? String == "9")
  }

  @Test("NaN and infinities become null")
  func nonFinite() throws {
    let cells = try #require(try parsed()["cells"] as? [[String: Any]])
    let comparison = try #require(
      (cells[3]["results"] as? [[String: Any]])?.first)
    let runs = try #require(comparison["runs"] as? [[String: Any]])
    let costs = try #require(
      (runs[2]["history"] as? [[String: Any]])?.map { $0["trainingCost"] })
    #expect(costs[0] as? Double == 0.4501)
    #expect(costs.dropFirst().allSatisfy { $0 is NSNull })
    #expect(!text.contains("nan") && !text.contains("inf"))
  }

  @Test("is byte-identical for equal documents, with sorted keys")
  func deterministic() {
    #expect(JSONReport.render(Samples.lecture()) == text)
    let object = JSONValue.object(["b": .int(1), "a": .int(2), "B": .null])
    #expect(object.pretty == "{\n  \"B\": null,\n  \"a\": 2,\n  \"b\": 1\n}\n")
  }

  @Test("arguments are one object for every directive, positional ones by name")
  func argumentObject() throws {
    let directive = DirectiveRecord(
      verb: "load", line: 1, column: 1,
      arguments: [.init(key: "dataset", value: "mnist"),
                  .init(key: "train", value: "1000")])
    let value = JSONMapping.directive(directive)
    guard case .object(let members) = value,
      case .object(let arguments) = members["arguments"]
    else {
      Issue.record("expected an object of arguments")
      return
    }
    #expect(arguments == ["dataset": .string("mnist"), "train": .string("1000")])
  }

  @Test("hostile strings are escaped and still parse")
  func hostileStrings() throws {
    var document = EscapingTests.hostileDocument()
    document.title = "quote \" backslash \\ newline \n tab \t bell \u{7} é"
    let text = JSONReport.render(document)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8))
        as? [String: Any])
    #expect(json["title"] as? String == document.title)
  }
}
