import CFMAProbe
import CLineProbe
import COpenBLAS
import Foundation
import NeuralNet

// What the benchmark ran on: the CPU as /proc/cpuinfo describes it, the
// engine's kernel variant, and the two rates the rows are compared with —
// one core's FMA peak, measured by a probe, and its sgemm rate.

// MARK: - The CPU

/// The first CPU's entry in /proc/cpuinfo (x86-64 field names).
struct CPUDescription: Codable {
  /// "model name", e.g. "AMD EPYC 7B13".
  var model: String?
  /// "vendor_id", e.g. "AuthenticAMD".
  var vendor: String?
  /// "cpu family" (decimal; AMD's Zen 3 and Zen 4 are 25).
  var family: Int?
  /// "model" (decimal): where "model name" is only "AMD EPYC", as on this
  /// project's virtual machines, it tells a Zen 3 (1) from a Zen 4 (17).
  var modelNumber: Int?
  /// Whether the x86 "flags" line exists (it does not on arm64).
  var hasFlagsLine: Bool
  var avx2: Bool
  var fma: Bool
  var avx512f: Bool

  static func read() -> CPUDescription {
    let text =
      (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...]
        .trimmingCharacters(in: .whitespaces)
      // The first CPU's entry describes them all.
      if fields[key] == nil { fields[key] = value }
    }
    let flags = fields["flags"].map { Set($0.split(separator: " ").map(String.init)) }
    return CPUDescription(
      model: fields["model name"], vendor: fields["vendor_id"],
      family: fields["cpu family"].flatMap { Int($0) },
      modelNumber: fields["model"].flatMap { Int($0) },
      hasFlagsLine: flags != nil,
      avx2: flags?.contains("avx2") ?? false,
      fma: flags?.contains("fma") ?? false,
      avx512f: flags?.contains("avx512f") ?? false)
  }

  /// One line: model, its vendor, family and model numbers, and the three
  /// instruction sets.
  var summary: String {
    func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
    let sets =
      hasFlagsLine
      ? "AVX2 \(yes(avx2)), FMA \(yes(fma)), AVX-512F \(yes(avx512f))"
      : "AVX2, FMA, AVX-512F: no (no x86 'flags' line in /proc/cpuinfo)"
    var identity = [vendor].compactMap { $0 }
    if let family { identity.append("family \(family)") }
    if let modelNumber { identity.append("model \(modelNumber)") }
    let name = model ?? "unknown model (no 'model name' in /proc/cpuinfo)"
    let numbers = identity.isEmpty ? "" : " (\(identity.joined(separator: ", ")))"
    return "\(name)\(numbers); \(sets)"
  }
}

// MARK: - The kernel variant

/// Applies `LABRUN_KERNELS` as labrun's engine does and describes the
/// outcome; on a bad value prints why and exits with status 2.
func selectKernels() -> (variant: KernelVariant, description: String) {
  let environment = ProcessInfo.processInfo.environment
  let variant: KernelVariant
  do {
    variant = try KernelVariant.selectFromEnvironment(environment)
  } catch {
    FileHandle.standardError.write(Data("labrun-bench: \(error)\n".utf8))
    exit(2)
  }
  let why: String
  if let name = environment["LABRUN_KERNELS"], !name.isEmpty {
    why = "chosen by LABRUN_KERNELS=\(name)"
  } else {
    why =
      variant == KernelVariant.best
      ? "the best this CPU runs; LABRUN_KERNELS unset"
      : "LABRUN_KERNELS unset; the best would be \(KernelVariant.best)"
  }
  let available = KernelVariant.available.map(\.rawValue)
    .joined(separator: ", ")
  return (variant, "kernels: \(variant) (\(why)); available here: \(available)")
}

// MARK: - Peaks

/// One thread's float32 rate on a large product: OpenBLAS's `cblas_sgemm`
/// of two 1024×1024 matrices, the fastest of `runs` calls after a warm-up,
/// timed by the thread's CPU time (other processes taking the core do not
/// count, as they would on a wall clock). What a tuned BLAS reaches of the
/// FMA peak on a large product.
struct PracticalPeak: Codable {
  var gflops: Double
  var runs: Int
  /// The median run, by CPU time.
  var medianGflops: Double
  /// The fastest run by the wall clock.
  var wallClockGflops: Double

  static func measure(runs: Int) -> PracticalPeak {
    openblas_set_num_threads(1)  // so the product runs on this thread
    let size = 1024
    // Values that neither overflow nor go subnormal over 1024 terms.
    let a = (0..<size * size).map { Float($0 % 7 + 1) * 0.125 }
    let b = (0..<size * size).map { Float($0 % 5 + 1) * 0.0625 }
    var c = [Float](repeating: 0, count: size * size)
    let n = blasint(size)
    func call() {
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0,
        &c, n)
    }
    call()  // warm-up: pages, caches, OpenBLAS's buffers
    var cpu: [Double] = []
    var wall: [Double] = []
    for _ in 0..<runs {
      let start = now()
      let startCPU = threadCPUTime()
      call()
      cpu.append(threadCPUTime() - startCPU)
      wall.append(now() - start)
    }
    let flops = 2 * Double(size) * Double(size) * Double(size)
    return PracticalPeak(
      gflops: flops / cpu.min()! / 1e9, runs: runs,
      medianGflops: flops / median(cpu) / 1e9,
      wallClockGflops: flops / wall.min()! / 1e9)
  }
}

/// One core's fused multiply-add rate, measured by a probe (CFMAProbe) at
/// the vector width of every kernel variant this CPU runs: twelve
/// independent chains of FMAs in registers, so only the FMA units limit
/// it. The fastest of `runs` by the thread's CPU time, as the sgemm peak.
/// The widest width's rate is the core's FMA peak, the ceiling the rows'
/// GFLOP/s are a percentage of.
struct FMAPeak: Codable {
  struct Width: Codable {
    /// The kernel variant whose instructions the probe used.
    var variant: String
    var lanes: Int
    var gflops: Double
  }
  var widths: [Width]
  var runs: Int

  /// The core's peak: the fastest width.
  var gflops: Double { widths.map(\.gflops).max() ?? 0 }

  /// The float32 lanes of one of `variant`'s FMA instructions.
  static func lanes(_ variant: KernelVariant) -> Int {
    switch variant {
    case .portable: 1
    case .neon: 4
    case .avx2: 8
    case .avx512: 16
    }
  }

  static func measure(runs: Int, seconds: Double) -> FMAPeak {
    var widths: [Width] = []
    for variant in KernelVariant.available {
      let lanes = lanes(variant)
      // Rounds for about `seconds` per run, from a short trial.
      var rounds = 100_000
      var sink: Float = 0
      while true {
        let start = threadCPUTime()
        sink += fma_probe_run(Int32(lanes), rounds)
        let spent = threadCPUTime() - start
        if spent > seconds / 4 || rounds > 1 << 34 {
          rounds = max(rounds, Int(Double(rounds) * seconds / max(spent, 1e-6)))
          break
        }
        rounds *= 4
      }
      var best = Double.infinity
      for _ in 0..<runs {
        let start = threadCPUTime()
        sink += fma_probe_run(Int32(lanes), rounds)
        best = min(best, threadCPUTime() - start)
      }
      // All the chains settle near 1: the sum is finite, never NaN.
      precondition(sink.isFinite, "the FMA probe's chains did not settle")
      let flops = 2 * Double(lanes) * Double(FMA_PROBE_CHAINS) * Double(rounds)
      widths.append(
        Width(variant: variant.rawValue, lanes: lanes, gflops: flops / best / 1e9))
    }
    return FMAPeak(widths: widths, runs: runs)
  }

  /// "avx512 (16 lanes) 104.2, avx2 (8 lanes) 103.9, portable (scalar
  /// fmaf) 13.1 GFLOP/s".
  var summary: String {
    widths.sorted { $0.lanes > $1.lanes }.map { width in
      let lanes = width.lanes == 1 ? "scalar fmaf" : "\(width.lanes) lanes"
      return String(format: "%@ (%@) %.1f", width.variant, lanes, width.gflops)
    }.joined(separator: ", ") + " GFLOP/s"
  }
}

/// How far apart two cores are: a cache line's round trip between the
/// first two CPUs this process may run on (CLineProbe), the median of
/// `runs`. Tens of nanoseconds where they share a cache; hundreds where
/// they do not, and then every line one thread writes and the other reads
/// costs as much, which a split layer's threads pay on each batch.
struct LineRoundTrip: Codable {
  var nanoseconds: Double
  var cpus: [Int]

  /// Nil with one CPU, or where the probe's threads cannot be pinned.
  static func measure(runs: Int = 5) -> LineRoundTrip? {
    var times: [Double] = []
    var (first, second): (Int32, Int32) = (0, 0)
    for _ in 0..<runs {
      let time = line_probe_round_trip(20_000, &first, &second)
      guard time > 0 else { return nil }
      times.append(time)
    }
    return LineRoundTrip(
      nanoseconds: median(times), cpus: [Int(first), Int(second)])
  }

  /// "CPU 0 ↔ CPU 1: 62 ns".
  var summary: String {
    String(format: "CPU %d ↔ CPU %d: %.0f ns", cpus[0], cpus[1], nanoseconds)
  }
}
