import Foundation
import LabrunTestSupport
import Testing

/// labrun forced onto each kernel variant this CPU has: the same report
/// numbers, bit for bit, and a clear refusal of a variant it lacks.
@Suite("LABRUN_KERNELS")
struct KernelVariantTests {
  /// The variants `labrun --version` says this CPU runs.
  static func variants() throws -> [String] {
    let version = try labrun(["--version"], in: try temporaryFolder())
    guard let range = version.stdout.range(of: "this CPU runs ") else {
      return []
    }
    return version.stdout[range.upperBound...]
      .trimmingCharacters(in: CharacterSet(charactersIn: ")\n"))
      .components(separatedBy: ", ")
  }

  /// The cells of the JSON report of `notebook` (saved as `name.md`), run
  /// without the cache on each of `variants`, by variant.
  static func reports(
    of notebook: String, named name: String, on variants: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [String: [[String: Any]]] {
    var reports: [String: [[String: Any]]] = [:]
    for variant in variants {
      let folder = try temporaryFolder()
      let file = try write(notebook, as: name + ".md", in: folder)
      let result = try labrun(
        [file.path, "--no-cache"], in: folder,
        environment: ["LABRUN_KERNELS": variant])
      #expect(
        result.status == 0, "\(variant): \(result.stderr)",
        sourceLocation: sourceLocation)
      reports[variant] = cells(try reportJSON(name, in: folder))
    }
    return reports
  }

  @Test("every variant gives the same numbers and weights")
  func sameNumbers() throws {
    let variants = try Self.variants()
    #expect(variants.contains("portable") && variants.count >= 2)
    let notebook = """
      ---
      seed: 7
      ---
      ```lab
      load mnist train=2000 validation=500 test=1000
      net 784-30-10
      sgd lr=3 batch=10 epochs=2
      net 784-20-10 hidden=relu output=softmax cost=cross-entropy
      sgd lr=0.1 batch=25 epochs=1 l2=1 momentum=0.5
      evaluate
      ```
      """
    let outcomes = try Self.reports(of: notebook, named: "small", on: variants)
      .mapValues(LectureTests.numbers)
    let reference = try #require(outcomes["portable"])
    #expect(reference.contains { $0.contains("parameters") && !$0.contains("none") })
    for (variant, lines) in outcomes {
      #expect(lines == reference, "\(variant) differs from portable")
    }
  }

  @Test("an unknown or missing variant is refused before anything runs")
  func refused() throws {
    let folder = try temporaryFolder()
    let unknown = try labrun(
      ["--version"], in: folder, environment: ["LABRUN_KERNELS": "sse9"])
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("'sse9' is not a kernel variant"))
    let variants = try Self.variants()
    if let missing = ["avx2", "avx512", "neon"].first(where: { !variants.contains($0) }) {
      let result = try labrun(
        ["--version"], in: folder, environment: ["LABRUN_KERNELS": missing])
      #expect(result.status == 2)
      #expect(result.stderr.contains("needs instructions this CPU does not have"))
    }
  }
}
