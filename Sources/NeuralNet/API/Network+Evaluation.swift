import CKernels
import Datasets
import Dispatch

extension Network {
  // MARK: - Evaluation

  /// Images run through the network at once during evaluation: big enough
  /// to amortise the per-call overhead, small enough to stay in cache.
  /// Measured (CPU seconds for 10,000 images, 784-30-10): 128 rows 0.0072,
  /// 256 0.0069, 500 0.0072, 1000 0.0074, 2500 0.0085; and every network
  /// of a comparison keeps two such buffers (itself and its twin).
  static let evaluationChunk = 256

  /// Classifies every image of `data` (the prediction is the output with
  /// the largest activation) and compares with the labels.
  ///
  /// Large sets are split between two threads: this network and a private
  /// copy of it, so the call still must not overlap another use of this
  /// network. The split falls between chunks of ``evaluationChunk`` images
  /// counted from the first, so every chunk — and the mean cost, summed
  /// chunk by chunk in order — is the same on one thread or two.
  /// - Parameters:
  ///   - images: the images of `data` to classify (all if nil): the same
  ///     as evaluating `data.slice(images)`, without copying them.
  ///   - cost: also compute the mean data cost (``Evaluation/meanCost``).
  /// - Precondition: `incompatibility(with: data) == nil`, and `images`
  ///   lies within `0..<data.count`.
  public func evaluate(
    on data: Dataset, images: Range<Int>? = nil, cost: Bool = false
  ) -> Evaluation {
    evaluate(on: data, images: images, cost: cost, twoThreads: true)
  }

  /// ``evaluate(on:images:cost:)``, on the calling thread alone when
  /// `twoThreads` is false (the same bits either way): for a measurement
  /// that runs beside training on the other core.
  func evaluate(
    on data: Dataset, images: Range<Int>?, cost: Bool, twoThreads: Bool
  ) -> Evaluation {
    precondition(incompatibility(with: data) == nil, "images do not fit")
    let images = images ?? 0..<data.count
    precondition(
      images.lowerBound >= 0 && images.upperBound <= data.count,
      "images \(images) outside 0..<\(data.count)")
    let count = images.count
    let chunk = Self.evaluationChunk
    let chunks = (count + chunk - 1) / chunk
    var predictions = [UInt8](repeating: 0, count: count)
    var chunkCosts = [Double](repeating: 0, count: cost ? chunks : 0)
    let halves = twoThreads && count >= 4 * chunk ? 2 : 1
    let workers = halves == 2 ? [self, evaluationTwin()] : [self]
    // Two halves keep both cores busy already: each runs its layers on its
    // own thread (the same bits with any split).
    let layerThreads = threads
    if halves == 2 { threads = 1 }
    defer { threads = layerThreads }
    predictions.withUnsafeMutableBufferPointer { predicted in
      chunkCosts.withUnsafeMutableBufferPointer { costs in
        let output = SendablePointer(predicted)
        let costOutput = SendablePointer(costs)
        let split = images.lowerBound + chunks / halves * chunk
        DispatchQueue.concurrentPerform(iterations: halves) { part in
          let range =
            part == 0
            ? images.lowerBound..<min(split, images.upperBound)
            : split..<images.upperBound
          workers[part].classify(
            data, range, into: output.buffer, offset: images.lowerBound,
            costs: cost ? costOutput.buffer : nil)
        }
      }
    }
    var evaluation = Self.score(
      predictions, labels: data.labels[images], outputs: outputSize)
    if cost {
      // In chunk order, whichever thread computed a chunk.
      var sum: Double = 0
      for value in chunkCosts { sum += value }
      evaluation.meanCost = count == 0 ? 0 : sum / Double(count)
    }
    return evaluation
  }

  /// A copy of this network's parameters for a second evaluation thread,
  /// kept between calls so that its buffers are allocated once.
  private func evaluationTwin() -> Network {
    let twin = cachedTwin ?? copy()
    cachedTwin = twin
    twin.kernels = kernels
    twin.threads = 1
    for (target, source) in zip(twin.layers, layers) {
      for (to, from) in zip(target.parameters, source.parameters) {
        to.value.base.update(from: from.value.base, count: from.value.count)
      }
    }
    return twin
  }

  /// Writes the predicted class of the images `range` into `predictions`
  /// (image i at `i - offset`) and, if `costs` is given, each chunk's
  /// summed data cost at its chunk number counted from `offset`.
  private func classify(
    _ data: Dataset, _ range: Range<Int>,
    into predictions: UnsafeMutableBufferPointer<UInt8>, offset: Int,
    costs: UnsafeMutableBufferPointer<Double>?
  ) {
    guard !range.isEmpty, let output = layers.last else { return }
    let classes = Int32(output.outputSize)
    let chunk = min(Self.evaluationChunk, range.count)
    reserve(rows: chunk)
    let indices = UnsafeMutablePointer<Int32>.allocate(capacity: chunk)
    defer { indices.deallocate() }
    // A dense first layer with finite weights takes each image over its
    // own inked pixels (the same bits as its block's, fewer terms).
    let first = (layers.first as? DenseLayer).flatMap {
      $0.weightsAreFinite ? $0 : nil
    }
    let terms = first.map { PixelTerms(width: $0.inputSize) }
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        guard let pixels = pixels.baseAddress, let labels = labels.baseAddress
        else { return }
        for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
          let rows = min(chunk, range.upperBound - start)
          for row in 0..<rows { indices[row] = Int32(start + row) }
          if let first, let terms {
            loadLabels(labels, indices: indices, rows: rows)
            first.forward(
              pixels: pixels, images: indices, rows: rows, scratch: terms,
              kernels: kernels)
            forwardBatch(rows: rows, from: 1)
          } else {
            loadBatch(
              pixels: pixels, labels: labels, indices: indices, rows: rows)
            forwardBatch(rows: rows)
          }
          if let costs {
            costs[(start - offset) / Self.evaluationChunk] = outputCost(
              rows: rows)
          }
          lr_argmax_rows(
            output.output.base, output.outputStride, Int32(rows), classes,
            predictions.baseAddress! + (start - offset))
        }
      }
    }
  }

  /// Counts correct predictions and fills the confusion matrix.
  private static func score(
    _ predictions: [UInt8], labels: ArraySlice<UInt8>, outputs: Int
  ) -> Evaluation {
    let classes = max(outputs, Int(labels.max() ?? 0) + 1)
    var confusion = [[Int]](
      repeating: [Int](repeating: 0, count: classes), count: classes)
    var correct = 0
    for (truth, predicted) in zip(labels, predictions) {
      confusion[Int(truth)][Int(predicted)] += 1
      if truth == predicted { correct += 1 }
    }
    return Evaluation(
      correct: correct, total: labels.count, confusion: confusion,
      predictions: predictions)
  }
}

/// A buffer that evaluation threads write into at disjoint indices.
private struct SendablePointer<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element>
  init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

extension FloatBuffer {
  /// The floats as an array.
  var copied: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
