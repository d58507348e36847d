// `load mnist`: what was loaded — counts, classes and sample images.

import NumberFormat

/// `load mnist`: what was loaded.
public struct DatasetResult: Sendable, Equatable, Codable {
  /// `mnist` or `fashion-mnist`.
  public var name: String
  public var training: Int
  public var validation: Int
  public var test: Int
  /// Image size, e.g. 28 × 28.
  public var rows: Int
  public var columns: Int
  /// Class names in label order ("0"..."9", or "T-shirt/top"...).
  public var classNames: [String]
  /// A few training images to show.
  public var samples: [DigitImage]
  /// The training images taken from the file when `load … expand=shifts`
  /// added their one-pixel shifts (`training` counts them all); nil when
  /// not expanded.
  public var expandedFrom: Int?
  public init(
    name: String, training: Int, validation: Int, test: Int, rows: Int,
    columns: Int, classNames: [String], samples: [DigitImage],
    expandedFrom: Int? = nil
  ) {
    self.expandedFrom = expandedFrom
    self.name = name
    self.training = training
    self.validation = validation
    self.test = test
    self.rows = rows
    self.columns = columns
    self.classNames = classNames
    self.samples = samples
  }
}

extension DatasetResult: ResultContent {
  public static let kind = "dataset"
  public func write(to html: inout HTMLWriter) {
    DatasetSection.write(self, to: &html)
  }
  public var json: JSONValue { DatasetSection.json(self) }
}

enum DatasetSection {
  static func write(
    _ dataset: DatasetResult, to html: inout HTMLWriter
  ) {
    html.open("div", ["class": "result dataset"])
    html.element("h3", text: "Data set: " + dataset.name)
    Table.write(
      headers: ["training", "validation", "test", "image size", "classes"],
      numeric: [true, true, true, true, true],
      rows: [[
        Format.grouped(dataset.training), Format.grouped(dataset.validation),
        Format.grouped(dataset.test),
        "\(dataset.rows)\u{A0}×\u{A0}\(dataset.columns)",
        String(dataset.classNames.count),
      ]], to: &html)
    if let original = dataset.expandedFrom {
      html.element(
        "p", ["class": "expansion"],
        text: "Training images expanded: each of the "
          + "\(Format.grouped(original)) from the file is followed by its "
          + "four one-pixel shifts (up, down, left, right), "
          + "\(Format.grouped(dataset.training)) in all; validation and "
          + "test images are not shifted.")
    }
    if !dataset.classNames.isEmpty {
      html.element("p", ["class": "classes"]) { html in
        html.text("Classes: ")
        for (i, name) in dataset.classNames.enumerated() {
          if i > 0 { html.text(", ") }
          html.element("span", ["class": "class-name"], text: name)
        }
      }
    }
    if !dataset.samples.isEmpty {
      DigitGrid.write(
        dataset.samples, caption: "Sample training images with their labels",
        split: "training", to: &html)
    }
    html.close()
  }

  static func json(_ d: DatasetResult) -> JSONValue {
    var fields: [String: JSONValue] = [
      "kind": .string("dataset"),
      "name": .string(d.name),
      "training": .int(d.training),
      "validation": .int(d.validation),
      "test": .int(d.test),
      "rows": .int(d.rows),
      "columns": .int(d.columns),
      "classNames": .array(d.classNames.map(JSONValue.string)),
      "samples": .array(
        d.samples.map {
          .object(["index": .int($0.index), "label": .string($0.label)])
        }),
    ]
    // Only an expanded set has it, so older readers see what they knew.
    if let original = d.expandedFrom { fields["expandedFrom"] = .int(original) }
    return .object(fields)
  }
}
