/// A network that learned nothing: it predicts one class for (nearly)
/// every image, or does no better than always guessing the most common
/// label. Training that ends so is marked ok by the numbers alone, yet a
/// student needs to hear that it failed.
public struct ChanceLevel: Sendable, Equatable {
  /// The class predicted most often.
  public var predictedClass: Int
  /// The share of the images predicted as `predictedClass`, 0…1.
  public var predictedShare: Double
  /// The share of correct predictions, 0…1.
  public var accuracy: Double
  /// The accuracy of always guessing the most common label, 0…1: chance.
  public var baseline: Double
}

extension Evaluation {
  /// The share of images one class may take among the predictions before
  /// the network is said to predict that class "for everything": 90 %,
  /// where a trained MNIST network gives no class more than about 12 %.
  public static let collapsedShare = 0.9

  /// What makes the evaluation no better than chance, or nil when the
  /// network learned something.
  ///
  /// Chance is decided against the labels themselves, not a fixed
  /// accuracy: the network is at chance when its accuracy does not exceed
  /// that of always guessing the most common label, or when it gives one
  /// class to at least `collapsedShare` of the images although no label is
  /// that common (a data set of one class is not a collapse).
  public var chanceLevel: ChanceLevel? {
    guard total > 0 else { return nil }
    let labelCounts = confusion.map { $0.reduce(0, +) }
    let predictedCounts = confusion.indices.map { column in
      confusion.reduce(0) { $0 + $1[column] }
    }
    guard let commonest = labelCounts.max(),
      let predicted = predictedCounts.indices.max(by: {
        predictedCounts[$0] < predictedCounts[$1]
      })
    else { return nil }
    let total = Double(self.total)
    let baseline = Double(commonest) / total
    let share = Double(predictedCounts[predicted]) / total
    // One class only, in the labels: every guess is "chance".
    guard labelCounts.count(where: { $0 > 0 }) > 1 else { return nil }
    let collapsed = share >= Self.collapsedShare && baseline < Self.collapsedShare
    guard accuracy <= baseline || collapsed else { return nil }
    return ChanceLevel(
      predictedClass: predicted, predictedShare: share, accuracy: accuracy,
      baseline: baseline)
  }
}
