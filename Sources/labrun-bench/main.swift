import Datasets
import Dispatch
import CFMAProbe
import Foundation
import NeuralNet

// labrun-bench: how fast the engine trains and evaluates Nielsen's network,
// against one core's FMA peak (measured by a probe), the time OpenBLAS's
// sgemm alone needs for the same matrix shapes, and
// numpy float32 on the same network (script/bench-numpy.py). labrun itself
// does not link OpenBLAS; only this benchmark does, as a yardstick.
//
//   swift run -c release labrun-bench [--quick] [--numpy] [--json FILE]
//     (--quick: 5,000 images, 1 epoch, no numpy row unless --numpy;
//      LABRUN_KERNELS=portable|avx2|avx512|neon picks the kernel variant)
//   swift run -c release labrun-bench --conv [--quick] [--threads 2,1] [--no-torch]
//     (only chapter 6's convolutional networks — the first and lecture 22's
//      — on the given thread counts, and PyTorch beside the first)
//   swift run -c release labrun-bench --edit-loop [--quick]
//     (the built labrun's cached re-run and no-lab-cell targets; see
//     EditLoop.swift)
//   swift run -c release labrun-bench chapter3 [options]
//     (the book's chapter-3 accuracies on MNIST; see Chapter3.swift)

// MARK: - Arguments

let usage =
  "usage: labrun-bench [--quick] [--numpy] [--conv] [--threads 2,1] [--no-torch] [--json FILE]"
  + " | --edit-loop [--quick]"
  + " | chapter3 [--epochs N] [--hidden 30,100] [--init normal,scaled]"
var quick = false
var numpyWanted = false
var editLoop = false
var convolutionOnly = false
var torchWanted = true
/// Thread counts the convolutional rows train with.
var labrunThreads = [Network.defaultThreads]
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
if arguments.first == "chapter3" {
  exit(runChapter3Benchmark(Array(arguments.dropFirst())))
}
while let argument = arguments.popFirst() {
  switch argument {
  case "--quick": quick = true
  case "--numpy": numpyWanted = true
  case "--edit-loop": editLoop = true
  case "--conv": convolutionOnly = true
  case "--no-torch": torchWanted = false
  case "--threads":
    guard let list = arguments.popFirst(),
      case let counts = list.split(separator: ",").compactMap({ Int($0) }),
      !counts.isEmpty, counts.allSatisfy({ $0 >= 1 })
    else {
      FileHandle.standardError.write(
        Data("--threads needs counts such as 2 or 2,1\n\(usage)\n".utf8))
      exit(2)
    }
    labrunThreads = counts
  case "--json":
    guard let path = arguments.popFirst() else {
      FileHandle.standardError.write(Data("--json needs a file\n\(usage)\n".utf8))
      exit(2)
    }
    jsonPath = path
  case "-h", "--help":
    print(usage)
    exit(0)
  default:
    FileHandle.standardError.write(Data("unknown argument '\(argument)'\n\(usage)\n".utf8))
    exit(2)
  }
}

if editLoop { exit(runEditLoopBenchmark(quick: quick)) }

// MARK: - The machine and the kernels

let cpu = CPUDescription.read()
let (kernels, kernelsLine) = selectKernels()
print("cpu: \(cpu.summary)")
print(kernelsLine)

/// Measured epochs per training row (after one warm-up epoch).
let repetitions = quick ? 1 : 5
let trainingCount = quick ? 5_000 : 50_000
let testCount = quick ? 2_000 : 10_000
/// Seconds of sgemm timing per product shape.
let sgemmBudget = quick ? 0.02 : 0.2
let loadBefore = loadAverage()

// The lecture runs before this process loads or trains anything: Linux
// keeps the peak of the memory a child had before its exec (this process's
// pages, shared after the fork), so measured later it reported this
// benchmark's size (141 MB) instead of labrun's (105 MB).
let wholeLecture: Result<BenchmarkRow, LectureRunSkipped> =
  convolutionOnly
  ? .failure(LectureRunSkipped(reason: "--conv")) : lectureRow(quick: quick)

// MARK: - Peaks

let peak = FMAPeak.measure(runs: quick ? 3 : 7, seconds: quick ? 0.02 : 0.05)
let sgemmPeak = PracticalPeak.measure(runs: quick ? 3 : 10)
print(
  String(
    format: "FMA peak (measured by a probe, one core): %.1f GFLOP/s — "
      + "%d independent FMA chains in registers, fastest of %d by the "
      + "thread's CPU time, at each width this CPU runs: %@",
    peak.gflops, FMA_PROBE_CHAINS, peak.runs, peak.summary))
print(
  String(
    format: "sgemm rate (measured): %.1f GFLOP/s (%.0f%% of the FMA peak) — "
      + "OpenBLAS cblas_sgemm 1024×1024×1024 float32 on one thread, fastest "
      + "of %d by the thread's CPU time (median %.1f; fastest by wall clock "
      + "%.1f)",
    sgemmPeak.gflops, 100 * sgemmPeak.gflops / peak.gflops, sgemmPeak.runs,
    sgemmPeak.medianGflops, sgemmPeak.wallClockGflops))

let roundTrip = LineRoundTrip.measure()
if let roundTrip {
  print(
    "cores: a cache line's round trip \(roundTrip.summary) (median of 5) — "
      + "tens of ns where the two share a cache, hundreds where they do "
      + "not (other CCDs or sockets, or a virtual machine's CPUs run far "
      + "apart), and then every line one thread writes and the other reads "
      + "costs as much; the two-thread rows give it before and after")
}

// MARK: - Data

/// Synthetic images with MNIST's shape: about 20% non-zero pixels.
func syntheticData(count: Int, seed: UInt64) -> Dataset {
  var generator = SeededGenerator(seed: seed)
  let pixels = [UInt8](unsafeUninitializedCapacity: count * 784) { buffer, n in
    for i in 0..<count * 784 {
      let r = generator.next()
      buffer[i] = r & 7 < 2 ? UInt8(truncatingIfNeeded: r >> 8) : 0
    }
    n = count * 784
  }
  let labels = (0..<count).map { _ in UInt8(generator.nextInt(below: 10)) }
  return Dataset(rows: 28, columns: 28, pixels: pixels, labels: labels)
}

var rows: [BenchmarkRow] = []
let training: Dataset
let test: Dataset
let dataSource: String
/// MNIST's folder, for the numpy peer; nil with synthetic data.
var mnistFolder: String?
do {
  let folder = try DataLocator.locate(.mnist, explicit: nil)
  // Cold loads: the in-process memo is bypassed every time.
  func timedLoad() throws(DataError) -> (LoadedData, Double) {
    let start = now()
    let loaded = try DataLoader.load(
      .mnist, from: folder, checksums: .known, useCache: false)
    return (loaded, now() - start)
  }
  let (loaded, firstTime) = try timedLoad()
  var loadTimes = [firstTime]
  for _ in 0..<(quick ? 0 : 2) { loadTimes.append(try timedLoad().1) }
  let seconds = median(loadTimes)
  let images = loaded.training.count + loaded.test.count
  rows.append(
    BenchmarkRow(
      name: "load MNIST (4 gzip IDX files, SHA-256 checked)",
      seconds: seconds, cpuSeconds: nil,
      imagesPerSecond: Double(images) / seconds, gflops: nil, sgemmGflops: nil, percentOfSgemm: nil,
      peakMemoryMB: peakMemoryMB(),
      notes: "\(images) images, median of \(loadTimes.count) cold loads"))
  training = loaded.training.slice(0..<min(trainingCount, loaded.training.count))
  test = loaded.test.slice(0..<min(testCount, loaded.test.count))
  dataSource = "MNIST from \(folder)"
  mnistFolder = folder
} catch {
  print("note: MNIST not available (\(error)); using synthetic data")
  training = syntheticData(count: trainingCount, seed: 1)
  test = syntheticData(count: testCount, seed: 2)
  dataSource = "synthetic, MNIST-shaped"
}
print("data: \(dataSource); \(training.count) training, \(test.count) test images")

// MARK: - Chapter 6's convolutional network, and PyTorch beside it

@MainActor func appendConvolutionRows() {
  var row: BenchmarkRow?
  for threads in labrunThreads {
    let measured = convolutionRow(
      training: training, test: test, repetitions: quick ? 1 : 3,
      peak: peak.gflops, threads: threads)
    rows.append(measured)
    row = row ?? measured
  }
  if convolutionOnly {
    for threads in labrunThreads {
      rows.append(
        convolutionRow(
          training: training, test: test, repetitions: quick ? 1 : 3,
          peak: peak.gflops, threads: threads, lecture22: true))
    }
  }
  guard let row, torchWanted else { return }
  guard let mnistFolder else {
    print("note: no PyTorch row: MNIST not available (synthetic data)")
    return
  }
  for threads in [2, 1] {
    switch torchRow(
      folder: mnistFolder, images: training.count, epochs: quick ? 1 : 2,
      threads: threads, labrunSeconds: row.seconds, peak: peak.gflops)
    {
    case .success(let torch): rows.append(torch)
    case .failure(let skipped):
      print("note: no PyTorch row: \(skipped.reason)")
      return
    }
  }
}

if convolutionOnly {
  appendConvolutionRows()
  print(table(rows))
  exit(0)
}

// MARK: - Training rows

/// Trains one warm-up epoch plus `repetitions` measured ones and returns the
/// row (and the trained network).
func trainingRow(
  _ name: String, sizes: [Int], batchSize: Int, learningRate: Float = 3
) -> (BenchmarkRow, Network) {
  let network = Network(NetworkConfiguration(sizes: sizes), seed: 1)
  let (stats, cpuTimes) = timedTraining(
    network, on: training,
    options: TrainingOptions(
      learningRate: learningRate, batchSize: batchSize,
      epochs: 1 + repetitions))
  let seconds = median(stats.dropFirst().map(\.seconds))
  let batches = (training.count + batchSize - 1) / batchSize
  // Every batch of this set is full for the sizes used here; the last one
  // is counted as full either way (a negligible difference).
  let products = trainingProducts(sizes: sizes, rows: batchSize)
  let flops = Double(batches) * products.reduce(0) { $0 + $1.flops }
  let sgemm = Double(batches) * sgemmSeconds(products, budget: sgemmBudget)
  let row = BenchmarkRow(
    name: name, seconds: seconds,
    cpuSeconds: median(Array(cpuTimes.dropFirst())),
    imagesPerSecond: Double(training.count) / seconds,
    gflops: flops / seconds / 1e9,
    percentOfPeak: 100 * flops / seconds / 1e9 / peak.gflops,
    sgemmSeconds: sgemm, sgemmGflops: flops / sgemm / 1e9,
    percentOfSgemm: 100 * sgemm / seconds, timeOverSgemm: seconds / sgemm,
    peakMemoryMB: peakMemoryMB(),
    notes: String(
      format: "median of %d epochs; %@ kernels; sgemm %.1f GFLOP/s here",
      repetitions, network.kernels.rawValue, flops / sgemm / 1e9))
  return (row, network)
}

let (lecture, lectureNetwork) = trainingRow(
  "784-30-10 batch 10 (lecture)", sizes: [784, 30, 10], batchSize: 10)
rows.append(lecture)
rows.append(
  trainingRow("784-30-10 batch 1", sizes: [784, 30, 10], batchSize: 1).0)
rows.append(
  trainingRow("784-30-10 batch 100", sizes: [784, 30, 10], batchSize: 100).0)
rows.append(
  trainingRow("784-100-10 batch 10", sizes: [784, 100, 10], batchSize: 10).0)
appendConvolutionRows()

// MARK: - numpy float32 on the lecture network

var numpyNote: String?
if let mnistFolder, !quick || numpyWanted {
  let epochs = 3
  switch runNumpyPeer(folder: mnistFolder, images: training.count, epochs: epochs) {
  case .success(let result):
    let batches = (result.images + 9) / 10
    let products = trainingProducts(sizes: [784, 30, 10], rows: 10)
    let flops = Double(batches) * products.reduce(0) { $0 + $1.flops }
    let seconds = result.seconds_per_epoch
    // Right after the lecture row, which it is compared with.
    rows.insert(
      BenchmarkRow(
        name: "numpy float32 784-30-10 batch 10", seconds: seconds,
        cpuSeconds: nil, imagesPerSecond: Double(result.images) / seconds,
        gflops: flops / seconds / 1e9,
        percentOfPeak: 100 * flops / seconds / 1e9 / peak.gflops,
        sgemmGflops: nil, percentOfSgemm: nil,
        timeOverLabrun: seconds / lecture.seconds,
        peakMemoryMB: result.peak_rss_mb,
        notes: String(
          format: "numpy ÷ labrun time: %.2f× (labrun %.4f s); numpy %@, one "
            + "BLAS thread, median of %d epochs; train accuracy %.1f%%; peak MB: its own",
          seconds / lecture.seconds, lecture.seconds, result.numpy,
          result.epoch_seconds.count, 100 * result.training_accuracy)),
      at: rows.firstIndex { $0.name == lecture.name }.map { $0 + 1 } ?? rows.endIndex)
  case .failure(let skipped):
    numpyNote = "note: no numpy row: \(skipped.reason)"
  }
} else if quick {
  numpyNote = "note: no numpy row with --quick (add --numpy for one)"
} else {
  numpyNote = "note: no numpy row: MNIST not available (synthetic data)"
}

// MARK: - Evaluation

do {
  var timings: [Double] = []
  // CPU seconds of the whole process (both threads): less affected than
  // the wall clock when other processes share the cores.
  var cpuTimings: [Double] = []
  var evaluation = lectureNetwork.evaluate(on: test)  // warm-up
  for _ in 0..<(quick ? 1 : 7) {
    let start = now()
    let startCPU = processCPUTime()
    evaluation = lectureNetwork.evaluate(on: test)
    timings.append(now() - start)
    cpuTimings.append(processCPUTime() - startCPU)
  }
  let seconds = median(timings)
  let products = evaluationProducts(sizes: [784, 30, 10], rows: test.count)
  let flops = products.reduce(0) { $0 + $1.flops }
  let sgemm = sgemmSeconds(products, budget: sgemmBudget)
  rows.append(
    BenchmarkRow(
      name: "evaluate \(test.count) images (784-30-10)", seconds: seconds,
      cpuSeconds: median(cpuTimings), imagesPerSecond: Double(test.count) / seconds,
      gflops: flops / seconds / 1e9,
      percentOfPeak: 100 * flops / seconds / 1e9 / peak.gflops,
      sgemmSeconds: sgemm, sgemmGflops: flops / sgemm / 1e9,
      percentOfSgemm: 100 * sgemm / seconds, timeOverSgemm: seconds / sgemm,
      peakMemoryMB: peakMemoryMB(),
      notes: String(
        format: "median of %d; two threads (cpu s: both); accuracy %.2f%% after %d epochs",
        timings.count, 100 * evaluation.accuracy, 1 + repetitions)))
}

// MARK: - Two trainings: one core after the other, then both cores at once

do {
  let base = Network(NetworkConfiguration(sizes: [784, 30, 10]), seed: 7)
  let options = TrainingOptions(learningRate: 3, batchSize: 10, epochs: 1)
  let seeds: [UInt64] = [11, 12]
  var sequentialTimes: [Double] = []
  var concurrentTimes: [Double] = []
  // CPU seconds of the whole process per phase: equal in both phases when
  // the two runs do not slow each other down (no lock, no BLAS threads).
  var sequentialCPU: [Double] = []
  var concurrentCPU: [Double] = []
  var identical = true
  for _ in 0..<(quick ? 1 : 3) {
    let start = now()
    let startCPU = processCPUTime()
    let sequential = seeds.map { seed in
      let network = base.copy()
      network.train(on: training, options: options, shuffleSeed: seed)
      return network
    }
    sequentialTimes.append(now() - start)
    sequentialCPU.append(processCPUTime() - startCPU)

    let copies = seeds.map { _ in base.copy() }
    let concurrentStart = now()
    let concurrentStartCPU = processCPUTime()
    DispatchQueue.concurrentPerform(iterations: seeds.count) { index in
      copies[index].train(
        on: training, options: options, shuffleSeed: seeds[index])
    }
    concurrentTimes.append(now() - concurrentStart)
    concurrentCPU.append(processCPUTime() - concurrentStartCPU)
    for (a, b) in zip(sequential, copies)
    where a.weights != b.weights || a.biases != b.biases {
      identical = false
    }
  }
  let images = Double(2 * training.count)
  let sequential = median(sequentialTimes)
  let concurrent = median(concurrentTimes)
  let products = trainingProducts(sizes: [784, 30, 10], rows: 10)
  let flops =
    2 * Double(training.count / 10) * products.reduce(0) { $0 + $1.flops }
  rows.append(
    BenchmarkRow(
      name: "2 × 784-30-10 batch 10, one core (sequential)",
      seconds: sequential, cpuSeconds: median(sequentialCPU),
      imagesPerSecond: images / sequential,
      gflops: flops / sequential / 1e9,
      percentOfPeak: 100 * flops / sequential / 1e9 / peak.gflops,
      sgemmGflops: nil,
      percentOfSgemm: nil, peakMemoryMB: peakMemoryMB(),
      notes: "seconds for both epochs; cpu s: the whole process"))
  rows.append(
    BenchmarkRow(
      name: "2 × 784-30-10 batch 10, two cores (concurrent)",
      seconds: concurrent, cpuSeconds: median(concurrentCPU),
      imagesPerSecond: images / concurrent,
      gflops: flops / concurrent / 1e9,
      percentOfPeak: 100 * flops / concurrent / 1e9 / peak.gflops,
      sgemmGflops: nil,
      percentOfSgemm: nil, peakMemoryMB: peakMemoryMB(),
      notes: String(
        format: "speed-up %.2f× with %.1f cores free to it (cpu s / s); "
          + "weights %@ to sequential",
        sequential / concurrent, median(concurrentCPU) / concurrent,
        identical ? "bit-identical" : "DIFFERENT")))
}

// MARK: - The whole lecture notebook (measured first, shown last)

switch wholeLecture {
case .success(var row):
  if let name = ProcessInfo.processInfo.environment["LABRUN_KERNELS"],
    !name.isEmpty
  {
    row.notes += "; labrun picks its own kernels (LABRUN_KERNELS=\(name) is in its environment)"
  }
  rows.append(row)
case .failure(let skipped): print("note: no lecture row: \(skipped.reason)")
}

// MARK: - Output

let loadAfter = loadAverage()
print(table(rows))
print(
  String(
    format: "GFLOP/s are dense-equivalent: 2·m·n·k per matrix product, "
      + "although the engine skips the terms of zero inputs. %% peak: of "
      + "the FMA peak, %.1f GFLOP/s, one core (the evaluation "
      + "and the concurrent row use two threads). sgemm s: OpenBLAS "
      + "cblas_sgemm alone, one thread, on the same products; labrun÷sgemm: "
      + "the row's time over that (1.00× = sgemm-only time; labrun itself "
      + "does not use OpenBLAS).", peak.gflops))
if let numpyNote { print(numpyNote) }
let cores = ProcessInfo.processInfo.activeProcessorCount
if let before = loadBefore, let after = loadAfter {
  print(
    String(
      format: "load average %.2f before, %.2f after, on %d cores%@", before,
      after, cores,
      max(before, after) > Double(cores) - 0.5
        ? " (busy machine: wall-clock times inflated; see cpu s)" : ""))
}
if let jsonPath {
  let report = BenchmarkReport(
    data: dataSource, quick: quick, cores: cores,
    loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, cpu: cpu,
    kernels: kernels.rawValue,
    kernelsAvailable: KernelVariant.available.map(\.rawValue),
    fmaPeak: peak, sgemmPeak: sgemmPeak, rows: rows)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  do {
    try encoder.encode(report).write(to: URL(fileURLWithPath: jsonPath))
    print("wrote \(jsonPath)")
  } catch {
    FileHandle.standardError.write(Data("cannot write \(jsonPath): \(error)\n".utf8))
    exit(1)
  }
}
