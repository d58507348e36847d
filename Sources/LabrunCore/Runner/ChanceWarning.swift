import NeuralNet
import Notebook
import Report
import NumberFormat

/// The warning for training that ended at chance level: the network
/// predicts one class for (nearly) everything, or guesses no better than
/// the most common label. Said beside the NaN-divergence warning, in the
/// cell, the terminal and the JSON.
enum ChanceWarning {
  /// One warning per run that ended at chance (and did not diverge, which
  /// has its own warning).
  ///
  /// Each network's evaluation of the validation images (else the test
  /// images, else at most 10,000 training images): the one its last epoch
  /// took, when that epoch measured those images and the network kept its
  /// weights (the training run hands it out); else measured now.
  static func warnings(
    _ runs: [SGD.Trained], networks: [Network], plans: [SGD.Plan],
    splits: Splits, at directive: Directive
  ) -> [Diagnostic] {
    let (split, name) =
      splits.validation.count > 0
      ? (splits.validation, "validation")
      : splits.test.count > 0
        ? (splits.test, "test")
        : (Split(
          splits.training.data,
          images: splits.training.images.prefix(10_000)), "training")
    guard split.count > 0 else { return [] }
    let classNames = splits.name.classNames
    return zip(zip(runs, networks), plans).compactMap { pair, plan in
      let (run, network) = pair
      guard run.result.divergedAtEpoch == nil,
        network.incompatibility(with: split.data) == nil
      else { return nil }
      let measured: Evaluation? =
        switch name {
        case "validation": run.evaluations?.validation
        case "test": run.evaluations?.test
        // Training measures the whole training set: the same images only
        // when there are at most 10,000.
        default:
          split.images == splits.training.images
            ? run.evaluations?.training : nil
        }
      let evaluation =
        measured ?? network.evaluate(on: split.data, images: split.images)
      guard let level = evaluation.chanceLevel else { return nil }
      return warning(
        level, run: run.result, plan: plan, split: name,
        classNames: classNames, at: directive)
    }
  }

  static func warning(
    _ level: ChanceLevel, run: TrainingResult, plan: SGD.Plan,
    split: String, classNames: [String], at directive: Directive
  ) -> Diagnostic {
    let which = plan.subject
    let name =
      classNames.indices.contains(level.predictedClass)
      ? classNames[level.predictedClass] : String(level.predictedClass)
    var message =
      "\(which) ended at chance level: \(Format.percent(level.accuracy))"
      + " of the \(split) images right"
    if level.predictedShare >= Evaluation.collapsedShare {
      message +=
        ", and it predicts '\(name)' for "
        + (level.predictedShare == 1
          ? "every image" : "\(Format.percent(level.predictedShare)) of them")
    } else {
      message +=
        ", no better than always answering the most common class"
        + " (\(Format.percent(level.baseline)))"
    }
    // The cost says which way the learning rate is off: a cost that did
    // not fall means steps too big to settle; one that fell, too small.
    let costs = run.history.map(\.trainingCost)
    let rate = "lr=" + Format.plain(plan.learningRate)
    let suggestion =
      if let first = costs.first, let last = costs.last, last < first * 0.9 {
        "the cost fell but not enough: try more epochs or a larger"
          + " learning rate than \(rate)"
      } else {
        "the cost did not fall: try a smaller learning rate than \(rate)"
      }
    return .warning(
      at: directive.location(of: "lr"), message, suggestion: suggestion)
  }
}
