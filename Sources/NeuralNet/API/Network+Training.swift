import Datasets

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Network {
  // MARK: - Training

  /// Trains in place by mini-batch SGD and returns the finished epochs.
  ///
  /// Every epoch shuffles the image order (Fisher–Yates driven by a
  /// generator seeded with `shuffleSeed`), then steps through mini-batches of
  /// `options.batchSize` images; the last, smaller batch is used too and
  /// averaged over its own size. A batch larger than the data set gives one
  /// batch per epoch (a batch size below 1 counts as 1). Momentum starts
  /// from zero velocity at every call. Training stops early when `observer` answers
  /// `.stop` (after the current batch; an unfinished epoch is not reported)
  /// or when an epoch's mean cost is not finite (that epoch is reported).
  ///
  /// - Parameters:
  ///   - data: images with ``inputSize`` pixels (see
  ///     ``incompatibility(with:)``).
  ///   - images: the images of `data` to train on (all if nil): the same
  ///     as training on `data.slice(images)`, without copying them.
  ///   - observer: called synchronously on the calling thread.
  /// - Precondition: `incompatibility(with: data) == nil`, and `images`
  ///   lies within `0..<data.count`.
  @discardableResult
  public func train(
    on data: Dataset, images: Range<Int>? = nil, options: TrainingOptions,
    shuffleSeed: UInt64,
    observer: (TrainingEvent) -> TrainingDecision = { _ in .continue }
  ) -> [EpochStats] {
    precondition(incompatibility(with: data) == nil, "images do not fit")
    let images = images ?? 0..<data.count
    precondition(
      images.lowerBound >= 0 && images.upperBound <= data.count,
      "images \(images) outside 0..<\(data.count)")
    let count = images.count
    guard count > 0, options.epochs > 0 else { return [] }
    allocateOnThisThread()
    let batchSize = min(max(options.batchSize, 1), count)
    let batches = (count + batchSize - 1) / batchSize
    let progressEvery = max(1, batches / 100)
    let decay = options.l2 / Float(count)
    let optimizer = Optimizer(
      learningRate: options.learningRate, momentum: options.momentum,
      decay: decay)
    // The fresh layers start with zero gradients and no velocity: momentum
    // starts from rest at every call.
    reserve(rows: min(batchSize, trainingBlock))

    var generator = SeededGenerator(seed: shuffleSeed)
    // Dropout masks from their own stream, so a network without dropout
    // shuffles exactly as before.
    dropoutGenerator = SeededGenerator(seed: shuffleSeed ^ 0xD509_0A7E)
    let order = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
    defer { order.deallocate() }
    for i in 0..<count { order[i] = Int32(images.lowerBound + i) }

    var finished: [EpochStats] = []
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        guard let pixels = pixels.baseAddress,
          let labels = labels.baseAddress, let orderBase = order.baseAddress
        else { return }
        for epoch in 1...options.epochs {
          let start = monotonicSeconds()
          generator.shuffle(order)
          var costSum: Double = 0
          for batch in 0..<batches {
            let first = batch * batchSize
            let rows = min(batchSize, count - first)
            let next = first + rows
            // The L2 term belongs to the weights this batch's cost sees.
            let penalty =
              decay == 0 ? 0 : Double(decay) / 2 * sumOfSquaredWeights()
            let cost = trainBatch(
              pixels: pixels, labels: labels, indices: orderBase + first,
              rows: rows, optimizer: optimizer,
              next: (
                UnsafePointer(orderBase + next), min(batchSize, count - next)
              ))
            costSum += cost / Double(rows) + penalty
            if (batch + 1) % progressEvery == 0 && batch + 1 < batches {
              let fraction = Double(batch + 1) / Double(batches)
              if observer(.progress(epoch: epoch, fraction: fraction)) == .stop
              {
                return
              }
            }
          }
          let stats = EpochStats(
            epoch: epoch, meanCost: costSum / Double(batches),
            seconds: monotonicSeconds() - start)
          finished.append(stats)
          if observer(.epochFinished(stats)) == .stop
            || !stats.meanCost.isFinite
          {
            return
          }
        }
      }
    }
    return finished
  }

  // MARK: - Gradients, for tests

  /// The mean cost (with the L2 term) and its gradient for the images
  /// `indices` of `data`, leaving the parameters unchanged.
  ///
  /// `trainingSetSize` is the n in `λ/n`. Gradients are per layer, weights
  /// (out, in) row-major and biases (out).
  func costAndGradients(
    on data: Dataset, indices: [Int], l2: Float = 0,
    trainingSetSize: Int? = nil
  ) -> (cost: Double, weights: [[Float]], biases: [[Float]]) {
    let rows = indices.count
    precondition(rows > 0 && incompatibility(with: data) == nil)
    let decay = l2 / Float(trainingSetSize ?? data.count)
    reserve(rows: min(rows, trainingBlock))
    let order = indices.map { Int32($0) }
    var cost: Double = 0
    for parameter in tensors { parameter.clearGradient() }
    data.pixels.withUnsafeBufferPointer { pixels in
      data.labels.withUnsafeBufferPointer { labels in
        order.withUnsafeBufferPointer { order in
          guard let pixels = pixels.baseAddress,
            let labels = labels.baseAddress, let order = order.baseAddress
          else { return }
          let penalty = Double(decay) / 2 * sumOfSquaredWeights()
          cost =
            trainBatch(
              pixels: pixels, labels: labels, indices: order, rows: rows,
              optimizer: nil, next: (order, 0))
            / Double(rows) + penalty
        }
      }
    }
    // ∇ = Σ∇/m + λ/n w, in the (out, in) layout of ``weights``.
    let perExample = 1 / Float(rows)
    var weightGradients: [[Float]] = []
    var biasGradients: [[Float]] = []
    for layer in layers {
      guard layer.parameters.count == 2 else {  // a pool
        weightGradients.append([])
        biasGradients.append([])
        continue
      }
      let (w, b) = (layer.parameters[0], layer.parameters[1])
      var matrix = [Float](repeating: 0, count: w.rows * w.columns)
      for k in 0..<w.rows {
        for j in 0..<w.columns {
          let index = k * w.stride + j
          matrix[j * w.rows + k] =
            w.gradient.base[index] * perExample + decay * w.value.base[index]
        }
      }
      weightGradients.append(matrix)
      biasGradients.append((0..<b.columns).map { b.gradient.base[$0] * perExample })
    }
    for parameter in tensors { parameter.clearGradient() }
    return (cost, weightGradients, biasGradients)
  }
}

/// Seconds on a clock that only moves forward.
func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
