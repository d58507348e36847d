import NeuralNet
import Notebook
import NumberFormat

/// One training run that an `sgd` directive asks for.
struct TrainingPlan: Sendable {
  /// The settings as the engine uses them (Float).
  var options: TrainingOptions
  /// The real-valued settings as the notebook wrote them: reports show
  /// `lr 0.1`, not the Float nearest to it (0.10000000149…).
  var written: Written
  /// The compared parameter with its value, e.g. `lr = 0.5`; empty for a
  /// single run.
  var label: String
  /// The compared value as written, e.g. `0.5`.
  var value: String

  struct Written: Sendable {
    var learningRate: Double
    var l2: Double
    var momentum: Double
  }

  /// One plan per value of the compared parameter (one plan when nothing
  /// is compared).
  static func plans(for sgd: SGD) -> [TrainingPlan] {
    let written = Written(
      learningRate: sgd.learningRate[0], l2: sgd.l2[0],
      momentum: sgd.momentum[0])
    let base = TrainingPlan(
      options: TrainingOptions(
        learningRate: Float(written.learningRate),
        batchSize: sgd.batchSize[0], epochs: sgd.epochs[0],
        l2: Float(written.l2), momentum: Float(written.momentum)),
      written: written, label: "", value: "")
    guard let parameter = sgd.comparedParameter else { return [base] }
    func vary<Value: CustomStringConvertible>(
      _ values: [Value], _ set: (inout TrainingPlan, Value) -> Void
    ) -> [TrainingPlan] {
      values.map { choice in
        var plan = base
        set(&plan, choice)
        plan.value = Format.plain(choice)
        plan.label = "\(parameter) = \(plan.value)"
        return plan
      }
    }
    switch parameter {
    case "lr":
      return vary(sgd.learningRate) {
        $0.written.learningRate = $1
        $0.options.learningRate = Float($1)
      }
    case "batch":
      return vary(sgd.batchSize) { $0.options.batchSize = $1 }
    case "epochs":
      return vary(sgd.epochs) { $0.options.epochs = $1 }
    case "l2":
      return vary(sgd.l2) {
        $0.written.l2 = $1
        $0.options.l2 = Float($1)
      }
    case "momentum":
      return vary(sgd.momentum) {
        $0.written.momentum = $1
        $0.options.momentum = Float($1)
      }
    default:
      return [base]
    }
  }
}
