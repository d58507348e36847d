// The confusion matrix as a heat-map table: rows are the true class,
// columns the prediction, every count shown. Correct cells are shaded by
// the row's recall; mistakes by their share of the largest mistake, so the
// common confusions stand out.
import NumberFormat


enum ConfusionMatrix {
  static func write(_ evaluation: EvaluationResult, to html: inout HTMLWriter)
  {
    let matrix = evaluation.confusion
    guard !matrix.isEmpty else { return }
    let size = max(matrix.count, matrix.map(\.count).max() ?? 0)
    func name(_ i: Int) -> String {
      i < evaluation.classNames.count ? evaluation.classNames[i] : String(i)
    }
    func count(_ row: Int, _ column: Int) -> Int {
      column < matrix[row].count ? matrix[row][column] : 0
    }
    var worstMistake = 0
    for row in matrix.indices {
      for column in 0..<size where column != row {
        worstMistake = max(worstMistake, count(row, column))
      }
    }

    html.open("figure", ["class": "confusion"])
    html.element(
      "figcaption",
      text: "Confusion matrix on the \(evaluation.split) set: rows are the "
        + "true class, columns the predicted class")
    html.open("div", ["class": "scroll"])
    html.open("table", ["class": "heat"])
    html.open("thead")
    html.open("tr")
    html.element("th", ["class": "corner", "scope": "col"], text: "true ╲ predicted")
    for column in 0..<size {
      html.element("th", ["scope": "col"], text: name(column))
    }
    html.element("th", ["class": "recall", "scope": "col"], text: "correct")
    html.close()
    html.close()
    html.open("tbody")
    for row in matrix.indices {
      // Summed as Double: counts come from outside and must not overflow.
      let total = (0..<size).reduce(0.0) { $0 + Double(count(row, $1)) }
      html.open("tr")
      html.element("th", ["scope": "row"], text: name(row))
      for column in 0..<size {
        let n = count(row, column)
        let strength: Double
        if column == row {
          strength = total > 0 ? Double(n) / total : 0
        } else {
          strength = worstMistake > 0 ? Double(n) / Double(worstMistake) : 0
        }
        var classes = column == row ? "hit" : "miss"
        if n == 0 { classes += " zero" } else if strength > 0.55 {
          classes += " strong"
        }
        html.element(
          "td",
          ["class": classes,
           "style": n == 0 ? nil : "--a:" + Format.fixed(strength, 2),
           "title": "true \(name(row)), predicted \(name(column)): \(n)"],
          text: String(n))
      }
      let recall = total > 0 ? Double(count(row, row)) / total : .nan
      html.element(
        "td", ["class": "recall num"],
        text: recall.isFinite ? Format.percent(recall, 1) : "–")
      html.close()
    }
    html.close()
    html.close()
    html.close()
    html.close()
  }
}
