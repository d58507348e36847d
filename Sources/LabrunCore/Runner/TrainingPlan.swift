import NeuralNet
import Notebook

/// One training run that an `sgd` directive asks for.
struct TrainingPlan: Sendable {
  var options: TrainingOptions
  /// The compared parameter with its value, e.g. `lr = 0.5`; empty for a
  /// single run.
  var label: String
  /// The compared value as written, e.g. `0.5`.
  var value: String

  /// One plan per value of the compared parameter (one plan when nothing
  /// is compared).
  static func plans(for sgd: SGD) -> [TrainingPlan] {
    let base = TrainingOptions(
      learningRate: Float(sgd.learningRate[0]), batchSize: sgd.batchSize[0],
      epochs: sgd.epochs[0], l2: Float(sgd.l2[0]),
      momentum: Float(sgd.momentum[0]))
    guard let parameter = sgd.comparedParameter else {
      return [TrainingPlan(options: base, label: "", value: "")]
    }
    func vary(_ values: [some CustomStringConvertible],
      _ set: (inout TrainingOptions, Int) -> Void) -> [TrainingPlan]
    {
      values.indices.map { index in
        var options = base
        set(&options, index)
        let value = Format.plain(values[index])
        return TrainingPlan(
          options: options, label: "\(parameter) = \(value)", value: value)
      }
    }
    switch parameter {
    case "lr":
      return vary(sgd.learningRate) { $0.learningRate = Float(sgd.learningRate[$1]) }
    case "batch":
      return vary(sgd.batchSize) { $0.batchSize = sgd.batchSize[$1] }
    case "epochs":
      return vary(sgd.epochs) { $0.epochs = sgd.epochs[$1] }
    case "l2":
      return vary(sgd.l2) { $0.l2 = Float(sgd.l2[$1]) }
    case "momentum":
      return vary(sgd.momentum) { $0.momentum = Float(sgd.momentum[$1]) }
    default:
      return [TrainingPlan(options: base, label: "", value: "")]
    }
  }
}
