import Datasets
import NeuralNet
import Notebook
import Report
import Testing

@testable import LabrunCore

/// The single directive of a block's body, decoded into its type, or nil
/// when the line has errors.
func typed(_ body: String) -> (any LabDirective)? {
  guard
    let cell = Notebook.parse(source: "```lab\n\(body)\n```\n", path: "nb.md")
      .cells.first,
    cell.diagnostics.isEmpty, cell.directives.count == 1
  else { return nil }
  return try? Directives.decode(cell.directives[0])
}

func same(_ a: (any LabDirective)?, _ b: any LabDirective) -> Bool {
  func equal<T: LabDirective>(_ a: T) -> Bool { (b as? T) == a }
  return a.map { equal($0) } ?? false
}

// MARK: - Typed values

@Suite("Directives decode to typed values in the engine's vocabulary")
struct DirectiveValueTests {
  @Test(
    "each directive and its defaults",
    arguments: [
      ("seed 42", Seed(42) as any LabDirective),
      ("seed 18446744073709551615", Seed(UInt64.max)),
      ("seed 0", Seed(0)),
      ("load mnist", Load(dataset: .mnist, train: 50000, validation: 10000, test: 10000)),
      ("load fashion-mnist train=100 validation=0 test=5",
       Load(dataset: .fashionMNIST, train: 100, validation: 0, test: 5)),
      ("net 784-30-10", Net(NetworkConfiguration(sizes: [784, 30, 10]))),
      ("net 784-100-50-10 hidden=relu output=softmax cost=cross-entropy init=scaled",
       Net(NetworkConfiguration(sizes: [784, 100, 50, 10], hidden: .relu, output: .softmax,
                                cost: .crossEntropy, initialization: .scaled))),
      ("net 2-1 hidden=tanh", Net(NetworkConfiguration(sizes: [2, 1], hidden: .tanh))),
      ("net 28x28  conv5x5x20 pool2 100 dropout0.5 10 hidden=relu output=softmax",
       Net(NetworkArchitecture(
         input: TensorShape(height: 28, width: 28),
         layers: [.convolution(size: 5, maps: 20), .maxPool(size: 2),
                  .dense(units: 100, dropout: 0.5), .dense(units: 10)],
         hidden: .relu, output: .softmax))),
      ("sgd", SGD(learningRate: [3], batchSize: [10], epochs: [5], l2: [0], momentum: [0])),
      ("sgd lr=0.5 batch=32 epochs=30 l2=5 momentum=0.9",
       SGD(learningRate: [0.5], batchSize: [32], epochs: [30], l2: [5], momentum: [0.9])),
      ("evaluate", Evaluate(.test)),
      ("evaluate on=validation", Evaluate(.validation)),
      ("playground", Playground()),
    ] as [(String, any LabDirective)])
  func typedValue(line: String, expected: any LabDirective) {
    #expect(same(typed(line), expected))
  }

  @Test(
    "number spellings",
    arguments: [
      ("sgd lr=3", 3.0), ("sgd lr=0.5", 0.5), ("sgd lr=3e-2", 0.03),
      ("sgd lr=3E2", 300), ("sgd lr=.5", 0.5), ("sgd lr=2.", 2),
      ("sgd lr=+1.5e+1", 15),
    ])
  func numberSpellings(line: String, expected: Double) throws {
    let sgd = try #require(typed(line) as? SGD)
    #expect(sgd.learningRate.count == 1)
    #expect(abs(sgd.learningRate[0] - expected) <= 1e-12 * expected)
  }

  @Test("integral values are accepted for integers, in any spelling")
  func integralSpellings() {
    #expect(same(typed("sgd batch=1e2 epochs=3.0"), SGD(batchSize: [100], epochs: [3])))
    #expect(same(typed("seed 1e3"), Seed(1000)))
  }

  @Test(
    "refused number spellings",
    arguments: ["nan", "inf", "-inf", "infinity", "0x10", "1e999", "3,", "1_000", "e3", "--1", "1e", "½"])
  func refusedNumbers(text: String) {
    #expect(typed("sgd lr=\(text)") == nil)
    #expect(typed("sgd batch=\(text)") == nil)
  }

  @Test("a list in one sgd parameter compares runs")
  func lists() throws {
    let sgd = try #require(typed("sgd lr=0.05,0.5,3,30 batch=10 epochs=3") as? SGD)
    #expect(sgd.learningRate == [0.05, 0.5, 3, 30])
    #expect(sgd.comparedParameter == "lr")
    let plans = sgd.plans
    #expect(plans.count == 4)
    #expect(plans[2].learningRate == 3 && plans[2].options.learningRate == 3)
    #expect(plans[2].options.batchSize == 10 && plans[2].options.epochs == 3)
    #expect(plans[2].l2 == 0 && plans[2].momentum == 0)
    #expect(plans.map(\.label) == ["lr = 0.05", "lr = 0.5", "lr = 3", "lr = 30"])

    let byBatch = try #require(typed("sgd lr=3 batch=1,10,100,50000 epochs=2") as? SGD)
    #expect(byBatch.batchSize == [1, 10, 100, 50000])
    #expect(byBatch.comparedParameter == "batch")
    #expect(byBatch.plans.map(\.options.batchSize) == [1, 10, 100, 50000])
    #expect(byBatch.plans.allSatisfy { $0.options.epochs == 2 })
    #expect(same(typed("sgd momentum=0,0.5,0.9"), SGD(momentum: [0, 0.5, 0.9])))
    #expect((typed("sgd") as? SGD)?.comparedParameter == nil)
    #expect((typed("sgd") as? SGD)?.plans.count == 1)
    #expect(typed("sgd lr=1,2,3,4,5,6,7,8") != nil)
  }
}

// MARK: - The registry

@Suite("The directive registry")
struct DirectiveRegistryTests {
  @Test("every verb is one type, and its defaults decode")
  func defaultsDecode() throws {
    let verbs = Directives.all.map { $0.spec.verb }
    #expect(Set(verbs).count == verbs.count)
    #expect(DirectiveLanguage.labrun.verbs == verbs)
    let positional = [
      "seed": "1", "load": "mnist", "net": "784-30-10", "show": "weights",
      "expect": "cost decreases", "save": "n.lrnet", "restore": "n.lrnet",
    ]
    for type in Directives.all {
      let verb = type.spec.verb
      let line = ([verb] + (positional[verb].map { [$0] } ?? []))
        .joined(separator: " ")
      let decoded = try #require(typed(line), "\(line)")
      #expect(Swift.type(of: decoded).spec.verb == verb)
    }
  }

  @Test("every kind of result is declared by a directive, each kind one type")
  func resultKinds() {
    let declared = Directives.all.flatMap { $0.produces }
    let kinds = Directives.resultKinds.types
    for type in declared {
      #expect(
        kinds[type.kind].map { ObjectIdentifier($0) == ObjectIdentifier(type) }
          == true, "\(type.kind) is read back as another type")
    }
    // No two types share a tag (Save and Restore both make a file's).
    #expect(
      kinds.count == Set(declared.map { ObjectIdentifier($0) }).count)
    #expect(kinds.count >= 10)
  }

  @Test("a stored result of a kind no directive declares is damaged, not a trap")
  func unknownKind() {
    struct Stranger: Codable { var kind = "histogram"; var content = 3 }
    #expect(throws: DecodingFailure.self) {
      try BinaryDecoder.decode(
        CellResult.self, from: BinaryEncoder.encode(Stranger()))
    }
  }

  @Test("what a directive needs it also reads")
  func needsAreRead() {
    for type in Directives.all {
      #expect(type.needs.isSubset(of: type.reads), "\(type.spec.verb)")
    }
  }

  @Test("the report names a positional argument as the schema does")
  func recordNamesPositional() throws {
    let cell = try #require(
      Notebook.parse(
        source: "```lab\nload mnist train=100\nnet 784-30-10\nseed 7\nsgd lr=3\n```\n",
        path: "nb.md"
      ).cells.first)
    #expect(cell.directives.map { $0.record.arguments.map(\.key) }
      == [["dataset", "train"], ["sizes"], ["value"], ["lr"]])
    #expect(cell.directives[0].record.arguments.map(\.value) == ["mnist", "100"])
  }
}
