import Datasets

extension Network {
  // MARK: - Evaluation

  /// Images run through the network at once during evaluation: big enough
  /// for sgemm's full speed, small enough to stay in cache.
  static let evaluationChunk = 1000

  /// Classifies every image of `data` (the prediction is the output with
  /// the largest activation) and compares with the labels.
  ///
  /// - Precondition: `incompatibility(with: data) == nil`.
  public func evaluate(on data: Dataset) -> Evaluation {
    precondition(incompatibility(with: data) == nil, "images do not fit")
    let count = data.count
    let classes = max(outputSize, Int(data.labels.max() ?? 0) + 1)
    var confusion = [[Int]](
      repeating: [Int](repeating: 0, count: classes), count: classes)
    var predictions = [UInt8](repeating: 0, count: count)
    guard count > 0, let output = layers.last else {
      return Evaluation(
        correct: 0, total: 0, confusion: confusion, predictions: predictions)
    }
    let chunk = min(Self.evaluationChunk, count)
    reserve(rows: chunk)
    let indices = UnsafeMutablePointer<Int32>.allocate(capacity: chunk)
    defer { indices.deallocate() }
    var correct = 0
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        guard let pixels = pixels.baseAddress, let labels = labels.baseAddress
        else { return }
        for first in stride(from: 0, to: count, by: chunk) {
          let rows = min(chunk, count - first)
          for row in 0..<rows { indices[row] = Int32(first + row) }
          loadBatch(
            pixels: pixels, labels: labels, indices: indices, rows: rows)
          forwardBatch(rows: rows)
          for row in 0..<rows {
            let predicted = Kernels.argmax(
              output.a.base + row * output.outputs, count: output.outputs)
            let truth = Int(labels[first + row])
            predictions[first + row] = UInt8(truncatingIfNeeded: predicted)
            confusion[truth][predicted] += 1
            if predicted == truth { correct += 1 }
          }
        }
      }
    }
    return Evaluation(
      correct: correct, total: count, confusion: confusion,
      predictions: predictions)
  }
}
