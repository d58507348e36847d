// A small picture of the network: one column of neurons per layer (at
// most a dozen drawn, the rest stood in for by a gap with "⋮"), every
// drawn neuron joined to the next layer's, sizes written underneath.
import NumberFormat


enum NetworkDiagram {
  static let width = 360.0
  static let height = 200.0
  /// Most neurons drawn per layer.
  static let shown = 12

  static func write(_ network: NetworkResult, to html: inout HTMLWriter) {
    let sizes = network.sizes
    guard sizes.count >= 2 else { return }
    let n = Format.fixed
    let top = 14.0, bottom = 150.0
    let margin = 50.0
    let step = (width - 2 * margin) / Double(sizes.count - 1)
    // Vertical positions of the drawn neurons, per layer; a truncated layer
    // leaves a gap in the middle for the ellipsis.
    let columns: [(x: Double, ys: [Double], truncated: Bool)] =
      sizes.enumerated().map { i, size in
        let count = min(max(size, 0), shown)
        let truncated = size > shown
        let slots = Double(max(shown, 1))
        let spacing = (bottom - top) / slots
        let used = Double(count + (truncated ? 1 : 0)) * spacing
        let start = top + (bottom - top - used) / 2 + spacing / 2
        var ys: [Double] = []
        for k in 0..<count {
          let gap = truncated && k >= count / 2 ? 1.0 : 0
          ys.append(start + (Double(k) + gap) * spacing)
        }
        return (margin + Double(i) * step, ys, truncated)
      }

    html.open(
      "svg",
      ["class": "network-diagram",
       "viewBox": "0 0 \(n(width, 0)) \(n(height, 0))", "role": "img",
       "aria-label": "network "
         + sizes.map(String.init).joined(separator: "-")])
    var edges = ""
    for (a, b) in zip(columns, columns.dropFirst()) {
      for y1 in a.ys {
        for y2 in b.ys {
          edges += "M\(n(a.x, 1)) \(n(y1, 1))L\(n(b.x, 1)) \(n(y2, 1))"
        }
      }
    }
    if !edges.isEmpty { html.empty("path", ["class": "edges", "d": edges]) }
    for (i, column) in columns.enumerated() {
      let kind = i == 0 ? "input" : i == columns.count - 1 ? "output" : "hidden"
      html.open("g", ["class": "neurons \(kind)"])
      for y in column.ys {
        html.empty(
          "circle", ["cx": n(column.x, 1), "cy": n(y, 1), "r": "4.5"])
      }
      html.close()
      if column.truncated, let mid = column.ys.dropFirst(column.ys.count / 2 - 1)
        .first
      {
        html.element(
          "text",
          ["class": "more", "x": n(column.x, 1),
           "y": n(mid + (bottom - top) / Double(shown) + 4, 1)],
          text: "⋮")
      }
      html.element(
        "text",
        ["class": "size", "x": n(column.x, 1), "y": n(bottom + 24, 1)],
        text: Format.grouped(sizes[i]))
      html.element(
        "text",
        ["class": "kind", "x": n(column.x, 1), "y": n(bottom + 40, 1)],
        text: i == 0 ? "inputs" : i == columns.count - 1 ? "outputs" : "hidden")
    }
    html.close()
  }
}
