// A grid of small images with their labels, drawn from the real pixels.

enum DigitGrid {
  /// Writes a captioned grid; a `predicted` label shows as
  /// `true → predicted`.
  static func write(
    _ images: [DigitImage], caption: String, split: String,
    to html: inout HTMLWriter
  ) {
    html.open("figure", ["class": "digits"])
    html.element("figcaption", text: caption)
    // Long class names (Fashion-MNIST's "Ankle boot") need wider cards.
    let longest = images.map {
      max($0.label.count, $0.predicted?.count ?? 0)
    }.max() ?? 0
    html.open(
      "div", ["class": longest > 3 ? "digit-grid wide" : "digit-grid"])
    for image in images {
      html.open(
        "div",
        ["class": image.predicted == nil ? "digit-card" : "digit-card wrong",
         "title": "\(split) image \(image.index)"])
      DigitGlyph.write(image, to: &html)
      html.open("span", ["class": "digit-label"])
      html.element("span", ["class": "true-label"], text: image.label)
      if let predicted = image.predicted {
        html.text(" → ")
        html.element("span", ["class": "predicted"], text: predicted)
      }
      html.close()
      html.close()
    }
    html.close()
    html.close()
  }
}
