import Foundation
import LabrunTestSupport
import Testing

/// Comparisons over the network's keys (`net … cost=quadratic,cross-entropy`,
/// `init=normal,scaled`, several shapes) through the release binary, forced
/// onto each kernel variant: the same bits for every candidate's run.
@Suite("net candidates on every kernel variant")
struct NetCandidatesVariantTests {
  @Test("cost, init and shape comparisons give the same numbers on every variant")
  func sameNumbers() throws {
    let variants = try KernelVariantTests.variants()
    #expect(variants.contains("portable") && variants.count >= 2)
    let notebook = """
      ---
      seed: 11
      ---
      ```lab
      load mnist train=1000 validation=300 test=300
      net 784-30-10 cost=quadratic,cross-entropy
      sgd lr=0.5 batch=10 epochs=2
      net 784-30-10 cost=cross-entropy init=normal,scaled
      sgd lr=0.5 batch=10 epochs=1 l2=1
      net 784-20-10, 28x28 conv5x5x4 pool2 20 10 cost=cross-entropy
      sgd lr=0.3 batch=10 epochs=1
      evaluate
      ```
      """
    let reports = try KernelVariantTests.reports(
      of: notebook, named: "candidates", on: variants)
    for all in reports.values {
      let comparisons = all.flatMap { results($0, kind: "comparison") }
      #expect(
        comparisons.map { $0["parameter"] as? String }
          == ["cost", "init", "architecture"])
    }
    let outcomes = reports.mapValues(LectureTests.numbers)
    let reference = try #require(outcomes["portable"])
    // Six runs, each with its weights' digest.
    #expect(reference.filter { $0.contains("parameters ") }.count == 6)
    for (variant, lines) in outcomes {
      #expect(lines == reference, "\(variant) differs from portable")
    }
  }
}
