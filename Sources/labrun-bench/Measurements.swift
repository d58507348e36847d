import COpenBLAS
import Foundation
import NeuralNet

// MARK: - Clocks and statistics

/// Seconds on a clock that only moves forward.
func now() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// CPU seconds the calling thread has used: unlike wall-clock time, barely
/// affected by other processes competing for the cores.
func threadCPUTime() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// CPU seconds all threads of this process have used: with the wall-clock
/// time, how many cores a concurrent phase really had.
func processCPUTime() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The 1-minute load average (runnable processes), from /proc/loadavg.
func loadAverage() -> Double? {
  guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)
  else { return nil }
  return text.split(separator: " ").first.flatMap { Double($0) }
}

/// The middle value (mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  let middle = sorted.count / 2
  return sorted.count % 2 == 1
    ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The process's peak resident memory so far, in megabytes.
func peakMemoryMB() -> Double {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
}

// MARK: - Child processes

/// What a child process did: its wait status, wall-clock seconds, and its
/// own CPU seconds and peak resident memory (from wait4).
struct ChildRun {
  var status: Int32
  var wall: Double
  var cpu: Double
  var peakMemoryMB: Double
  /// Exited with status 0.
  var succeeded: Bool { status & 0xffff == 0 }
  /// How it ended, when it failed: "exited with status 1", "was killed by
  /// signal 9".
  var failure: String {
    status & 0x7f != 0
      ? "was killed by signal \(status & 0x7f)"
      : "exited with status \((status >> 8) & 0xff)"
  }
}

/// Runs `executable` with `arguments`, standard output discarded and
/// standard error into `errors` (discarded when nil), and reaps it with
/// wait4, which reports this child alone (RUSAGE_CHILDREN would add every
/// child reaped before it). A failure, with errno's text, when it cannot
/// start.
func spawnAndWait(
  _ executable: String, _ arguments: [String], errors: String? = nil
) -> Result<ChildRun, LectureRunSkipped> {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(
    &actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var pid: pid_t = 0
  let start = now()
  let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
  guard spawned == 0 else {
    return .failure(
      LectureRunSkipped(
        reason: "cannot start \(executable): \(String(cString: strerror(spawned)))"))
  }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
  let wall = now() - start
  func seconds(_ time: timeval) -> Double {
    Double(time.tv_sec) + Double(time.tv_usec) / 1e6
  }
  return .success(
    ChildRun(
      status: status, wall: wall,
      cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
      peakMemoryMB: Double(usage.ru_maxrss) / 1024))
}

// MARK: - The arithmetic of a network

/// One matrix product the engine does, as row-major sgemm arguments.
struct Product {
  var transposeA: Bool
  var transposeB: Bool
  var m: Int
  var n: Int
  var k: Int
  var beta: Float

  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// The products of one training mini-batch of `rows` images: per layer the
/// forward x·Wᵀ, the weight gradient δᵀ·x into W, and (after the first
/// layer) the backward δ·W.
func trainingProducts(sizes: [Int], rows: Int) -> [Product] {
  zip(sizes, sizes.dropFirst()).enumerated().flatMap { index, shape in
    let (inputs, outputs) = shape
    var products = [
      Product(
        transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
        beta: 0),
      Product(
        transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
        beta: 1),
    ]
    if index > 0 {
      products.append(
        Product(
          transposeA: false, transposeB: false, m: rows, n: inputs,
          k: outputs, beta: 0))
    }
    return products
  }
}

/// The forward products of evaluating `rows` images at once.
func evaluationProducts(sizes: [Int], rows: Int) -> [Product] {
  zip(sizes, sizes.dropFirst()).map { inputs, outputs in
    Product(
      transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
      beta: 0)
  }
}

/// Seconds one call of each product takes through `cblas_sgemm` on one
/// thread (median of 5 timings, each averaging enough calls to last
/// `budget` seconds), summed over `products`.
func sgemmSeconds(_ products: [Product], budget: Double) -> Double {
  openblas_set_num_threads(1)
  var total = 0.0
  for product in products {
    let a = [Float](
      repeating: 0.5, count: product.m * product.k)
    let b = [Float](repeating: 0.25, count: product.k * product.n)
    var c = [Float](repeating: 0, count: product.m * product.n)
    let lda = product.transposeA ? product.m : product.k
    let ldb = product.transposeB ? product.k : product.n
    let call = {
      cblas_sgemm(
        CblasRowMajor, product.transposeA ? CblasTrans : CblasNoTrans,
        product.transposeB ? CblasTrans : CblasNoTrans,
        blasint(product.m), blasint(product.n), blasint(product.k), 1e-3,
        a, blasint(lda), b, blasint(ldb), product.beta, &c,
        blasint(product.n))
    }
    // Calibrate the repetitions, then time.
    let start = now()
    call()
    let once = max(now() - start, 1e-7)
    let repetitions = max(1, min(100_000, Int(budget / 5 / once)))
    var timings: [Double] = []
    for _ in 0..<5 {
      let t0 = now()
      for _ in 0..<repetitions { call() }
      timings.append((now() - t0) / Double(repetitions))
    }
    total += median(timings)
  }
  return total
}
