// The directive language the directives and notebook targets parse with.
//
// labrun's directives are declared in LabrunCore (each verb's type holds
// its schema and its run) and change with it; the committed seeds need a
// language that stays put. So this file declares one of the same verbs
// and keys, with every kind of value, list and positional argument
// the parser handles, for the committed seeds in fuzz/corpus to exercise.

@testable import Notebook

let fuzzLanguage: DirectiveLanguage = {
  let positive = ValueType.integer(min: 1, max: Int.max)
  let nonNegative = ValueType.integer(min: 0, max: Int.max)
  let positiveNumber = ValueType.number(
    min: 0, minInclusive: false, max: nil, maxInclusive: false)
  let fraction = ValueType.number(
    min: 0, minInclusive: true, max: 1, maxInclusive: false)
  return DirectiveLanguage([
    DirectiveSpec(
      verb: "seed", summary: "",
      positional: PositionalSpec(
        name: "value", label: "seed", type: .unsigned64, doc: "")),
    DirectiveSpec(
      verb: "load", summary: "",
      positional: PositionalSpec(
        name: "dataset", label: "data set",
        type: .choice(["mnist", "fashion-mnist"]), doc: ""),
      parameters: [
        ParameterSpec("train", positive, default: "50000", aliases: ["n_train"], ""),
        ParameterSpec("validation", nonNegative, default: "10000", ""),
        ParameterSpec("test", nonNegative, default: "10000", ""),
      ]),
    DirectiveSpec(
      verb: "net", summary: "",
      positional: PositionalSpec(
        name: "sizes", label: "layer sizes",
        type: .layerSizes(
          maxUnits: DirectiveLanguage.maxLayerUnits,
          maxParameters: DirectiveLanguage.maxParameters), doc: ""),
      parameters: [
        ParameterSpec(
          "hidden", .choice(["sigmoid", "relu", "tanh"]), default: "sigmoid", ""),
        ParameterSpec(
          "output", .choice(["sigmoid", "softmax"]), default: "sigmoid", ""),
      ]),
    DirectiveSpec(
      verb: "sgd", summary: "",
      parameters: [
        ParameterSpec(
          "lr", positiveNumber, default: "3", list: true, aliases: ["eta", "η"], ""),
        ParameterSpec("batch", positive, default: "10", list: true, ""),
        ParameterSpec(
          "epochs", .integer(min: 1, max: 10_000), default: "5", list: true, ""),
        ParameterSpec("momentum", fraction, default: "0", list: true, ""),
      ], atMostOneList: true),
    DirectiveSpec(
      verb: "evaluate", summary: "",
      parameters: [
        ParameterSpec("on", .choice(["test", "validation"]), default: "test", "")
      ]),
    DirectiveSpec(verb: "playground", summary: ""),
    // A phrase positional that takes a list, as labrun's own `net` does
    // (`net 784-30-10, 28x28 conv5x5x20 pool2 100 10`): digits, `x`, `-`
    // and spaces stand in for the engine's architecture reader.
    DirectiveSpec(
      verb: "candidates", summary: "",
      positional: PositionalSpec(
        name: "sizes", label: "architecture",
        type: .phrase(
          PhraseCheck(
            expectation: "an architecture",
            check: { text in
              let allowed = Set("0123456789x- ")
              guard let bad = text.firstIndex(where: { !allowed.contains($0) })
              else { return nil }
              return PhraseCheck.Problem(
                offset: text[..<bad].unicodeScalars.count,
                message: "unexpected character")
            })),
        list: true, doc: ""),
      parameters: [
        ParameterSpec(
          "cost", .choice(["quadratic", "cross-entropy"]),
          default: "quadratic", list: true, ""),
      ], atMostOneList: true),
  ])
}()
