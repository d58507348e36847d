import Datasets
import Foundation
import NeuralNet

// Chapter 6's first convolutional network — 28x28 conv5x5x20 pool2, 100
// sigmoid, 10 softmax with the log-likelihood cost, η = 0.1, batch 10 —
// one epoch of the training images, and PyTorch on the CPU on the same
// network and images (script/bench-torch.py) beside it.

/// The network the rows measure.
let convolutionArchitecture = try! NetworkArchitecture.parse(
  "28x28 conv5x5x20 pool2 100 10", hidden: .sigmoid, output: .softmax,
  cost: .crossEntropy)

/// Matrix arithmetic of one training image through the network: the
/// convolution's forward product and weight gradient (20 maps × 25 taps ×
/// 576 positions each), and the three products of each dense layer.
let convolutionFlopsPerImage: Double = {
  let convolution = 2.0 * 20 * 25 * 576
  let hidden = 2.0 * 2880 * 100
  let output = 2.0 * 100 * 10
  return 2 * convolution + 3 * hidden + 3 * output
}()

/// Lecture 22's network — 28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10,
/// ReLU, softmax with the log-likelihood cost, scaled initialisation,
/// η = 0.03, batch 10.
let lecture22Architecture = try! NetworkArchitecture.parse(
  "28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10", hidden: .relu,
  output: .softmax, cost: .crossEntropy, initialization: .scaled)

/// Trains `network` (shuffle seed 2) and returns its epochs and the CPU
/// seconds of each, as `cpuClock` counts them.
func timedTraining(
  _ network: Network, on training: Dataset, options: TrainingOptions,
  cpuClock: () -> Double = threadCPUTime
) -> (stats: [EpochStats], cpuTimes: [Double]) {
  // The observer runs on the training thread: CPU time between epochs.
  var cpuTimes: [Double] = []
  var lastCPU = cpuClock()
  let stats = network.train(on: training, options: options, shuffleSeed: 2) {
    event in
    if case .epochFinished = event {
      let cpu = cpuClock()
      cpuTimes.append(cpu - lastCPU)
      lastCPU = cpu
    }
    return .continue
  }
  return (stats, cpuTimes)
}

/// One warm-up epoch and `repetitions` timed ones of a convolutional
/// network on `threads` threads; the row notes the accuracy on `test`
/// after them. Its CPU seconds are the whole process's (all threads).
func convolutionRow(
  training: Dataset, test: Dataset, repetitions: Int, peak: Double,
  threads: Int, lecture22: Bool = false
) -> BenchmarkRow {
  let network = Network(
    lecture22 ? lecture22Architecture : convolutionArchitecture, seed: 1)
  network.threads = threads
  let roundTripBefore = threads > 1 ? LineRoundTrip.measure() : nil
  let (stats, cpuTimes) = timedTraining(
    network, on: training,
    options: TrainingOptions(
      learningRate: lecture22 ? 0.03 : 0.1, batchSize: 10,
      epochs: 1 + repetitions),
    cpuClock: processCPUTime)
  let seconds = median(stats.dropFirst().map(\.seconds))
  let flops =
    Double(training.count)
    * (lecture22 ? lecture22FlopsPerImage : convolutionFlopsPerImage)
  var roundTrip: String?
  if let before = roundTripBefore, let after = LineRoundTrip.measure() {
    roundTrip = String(
      format: "; a cache line's round trip between the cores %.0f ns before, "
        + "%.0f after", before.nanoseconds, after.nanoseconds)
  }
  let evaluation = network.evaluate(on: test)
  let name =
    lecture22
    ? "lecture 22: 28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10 relu"
    : "28x28 conv5x5x20 pool2 100 10 batch 10 (chapter 6)"
  return BenchmarkRow(
    name: name + ", \(threads) thread" + (threads == 1 ? "" : "s"),
    seconds: seconds, cpuSeconds: median(Array(cpuTimes.dropFirst())),
    imagesPerSecond: Double(training.count) / seconds,
    gflops: flops / seconds / 1e9,
    percentOfPeak: 100 * flops / seconds / 1e9 / peak, sgemmGflops: nil,
    percentOfSgemm: nil, peakMemoryMB: peakMemoryMB(),
    notes: String(
      format: "median of %d epochs after a warm-up; %@ kernels; %@, η %@; "
        + "CPU s: all threads; test accuracy %.2f%% (%d images) "
        + "after %d epochs", repetitions, network.kernels.rawValue,
      lecture22 ? "ReLU, softmax log-likelihood" : "sigmoid, softmax log-likelihood",
      lecture22 ? "0.03" : "0.1",
      100 * evaluation.accuracy, test.count, 1 + repetitions)
      + (roundTrip ?? ""))
}

/// Matrix arithmetic of one training image through lecture 22's network:
/// each convolution's forward product and weight gradient, the second's
/// input gradient, and the dense layers' three products each.
let lecture22FlopsPerImage: Double = {
  let first = 2.0 * 20 * 25 * 576
  let second = 2.0 * 40 * 500 * 64
  let hidden = 2.0 * 640 * 100
  let output = 2.0 * 100 * 10
  return 2 * first + 3 * second + 3 * hidden + 3 * output
}()

/// What script/bench-torch.py prints (the fields the benchmark uses).
struct TorchResult: Decodable {
  var seconds_per_epoch: Double
  var epoch_seconds: [Double]
  var images: Int
  var threads: Int
  var training_accuracy: Double
  var torch: String
  var peak_rss_mb: Double
}

/// PyTorch on the same network and images with `threads` threads (one
/// warm-up epoch, then `epochs` timed ones), as a row compared with
/// labrun's `labrunSeconds`.
func torchRow(
  folder: String, images: Int, epochs: Int, threads: Int,
  labrunSeconds: Double, peak: Double
) -> Result<BenchmarkRow, NumpySkipped> {
  guard
    let check = runChild("/usr/bin/env", ["python3", "-c", "import torch"]),
    check.status == 0
  else {
    return .failure(
      NumpySkipped(reason: "PyTorch not available (python3 -c \"import torch\" failed)"))
  }
  guard let script = peerScript("script/bench-torch.py") else {
    return .failure(NumpySkipped(reason: "script/bench-torch.py not found"))
  }
  guard
    let run = runChild(
      "/usr/bin/env",
      [
        "python3", script, folder, "--images", "\(images)", "--epochs",
        "\(epochs)", "--threads", "\(threads)",
      ])
  else {
    return .failure(NumpySkipped(reason: "cannot start python3 \(script)"))
  }
  guard run.status == 0,
    let result = try? JSONDecoder().decode(TorchResult.self, from: run.output)
  else {
    return .failure(
      NumpySkipped(reason: "python3 \(script) failed (status \(run.status))"))
  }
  let seconds = result.seconds_per_epoch
  let flops = Double(result.images) * convolutionFlopsPerImage
  return .success(
    BenchmarkRow(
      name: "PyTorch CPU float32, the same network, \(threads) thread"
        + (threads == 1 ? "" : "s"),
      seconds: seconds, cpuSeconds: nil,
      imagesPerSecond: Double(result.images) / seconds,
      gflops: flops / seconds / 1e9,
      percentOfPeak: 100 * flops / seconds / 1e9 / peak, sgemmGflops: nil,
      percentOfSgemm: nil, timeOverLabrun: seconds / labrunSeconds,
      peakMemoryMB: result.peak_rss_mb,
      notes: String(
        format: "PyTorch ÷ labrun time: %.2f× (labrun %.3f s); torch %@, "
          + "median of %d epochs after a warm-up; training accuracy %.2f%%; "
          + "peak MB: its own", seconds / labrunSeconds, labrunSeconds,
        result.torch, result.epoch_seconds.count,
        100 * result.training_accuracy)))
}
