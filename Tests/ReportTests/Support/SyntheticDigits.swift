// Plausible-looking handwritten digits for test documents: each digit is a
// few strokes in a 28 × 28 box, inked with a soft pen and jittered by a
// seeded generator, so screenshots look like MNIST and outputs stay
// deterministic.

import Foundation
import Report
import LabrunTestSupport


enum SyntheticDigits {
  typealias Point = (x: Double, y: Double)

  /// Strokes per digit, as polylines in a 28 × 28 box.
  static let strokes: [[[Point]]] = [
    [ellipse(cx: 14, cy: 14, rx: 6, ry: 9)],
    [[(11, 8), (15, 5), (15, 23)]],
    [[(8, 9), (11, 5.5), (16, 5), (19, 8), (18, 12), (8, 23), (21, 23)]],
    [[(8, 6), (19, 6), (13, 13), (18, 15), (19, 19), (15, 23), (8, 22)]],
    [[(17, 23), (17, 5), (7, 17), (21, 17)]],
    [[(19, 5), (10, 5), (9, 13), (15, 12), (19, 16), (17, 22), (8, 22)]],
    [[(18, 5), (12, 9), (9, 16)] + ellipse(cx: 14, cy: 18, rx: 5, ry: 5)],
    [[(7, 6), (20, 6), (12, 23)]],
    [ellipse(cx: 14, cy: 9.5, rx: 4.5, ry: 4.5),
     ellipse(cx: 14, cy: 18.5, rx: 5.5, ry: 5)],
    [ellipse(cx: 14, cy: 10, rx: 5, ry: 5) + [(19, 10), (17, 23)]],
  ]

  static func ellipse(cx: Double, cy: Double, rx: Double, ry: Double)
    -> [Point]
  {
    (0...24).map { i in
      let t = Double(i) / 24 * 2 * Double.pi
      return (cx + rx * sin(t), cy - ry * cos(t))
    }
  }

  /// A 28 × 28 image of `digit` (0–9), slanted and thickened at random.
  static func image(
    _ digit: Int, index: Int, label: String? = nil, predicted: String? = nil,
    using generator: inout SplitMix64
  ) -> DigitImage {
    let slant = Double.random(in: -0.25...0.25, using: &generator)
    let width = Double.random(in: 1.1...1.8, using: &generator)
    let dx = Double.random(in: -1.5...1.5, using: &generator)
    let segments = strokes[digit % 10].flatMap { line in
      zip(line, line.dropFirst()).map { a, b in
        (shear(a, slant, dx), shear(b, slant, dx))
      }
    }
    var pixels = [UInt8](repeating: 0, count: 28 * 28)
    for row in 0..<28 {
      for column in 0..<28 {
        let p = (Double(column) + 0.5, Double(row) + 0.5)
        let d = segments.map { distance(p, $0.0, $0.1) }.min() ?? 99
        let ink = 1 / (1 + exp((d - width) * 2.6))
        pixels[row * 28 + column] = UInt8(max(0, min(255, ink * 255)))
      }
    }
    return DigitImage(
      rows: 28, columns: 28, pixels: pixels, index: index,
      label: label ?? String(digit), predicted: predicted)
  }

  private static func shear(_ p: Point, _ slant: Double, _ dx: Double) -> Point
  {
    (p.x + (14 - p.y) * slant + dx, p.y)
  }

  private static func distance(_ p: Point, _ a: Point, _ b: Point) -> Double {
    let (vx, vy) = (b.x - a.x, b.y - a.y)
    let length2 = vx * vx + vy * vy
    let t = length2 == 0
      ? 0 : max(0, min(1, ((p.x - a.x) * vx + (p.y - a.y) * vy) / length2))
    let (ex, ey) = (a.x + t * vx - p.x, a.y + t * vy - p.y)
    return (ex * ex + ey * ey).squareRoot()
  }
}
