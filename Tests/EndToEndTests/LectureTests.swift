import Foundation
import Testing

/// The lecture notebook itself, on all of MNIST: the book's numbers.
@Suite("notebooks/lecture20.md")
struct LectureTests {
  @Test("runs cleanly and reaches the book's accuracy")
  func lecture() throws {
    let folder = try temporaryFolder()
    let notebook = repositoryRoot.appendingPathComponent(
      "notebooks/lecture20.md")
    let result = try labrun([notebook.path], in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")

    let json = try reportJSON("lecture20", in: folder)
    let all = cells(json)
    #expect(all.allSatisfy { $0["status"] as? String == "ok" })

    // The comparisons: four learning rates, four batch sizes.
    let comparisons = all.flatMap { results($0, kind: "comparison") }
    #expect(comparisons.map { $0["parameter"] as? String } == ["lr", "batch"])

    // 784-30-10, lr 3, batch 10 on 50,000 images: ≥ 94 % after 5 epochs
    // and ≥ 95 % after 30, as in Nielsen's book.
    let trainings = all.flatMap { results($0, kind: "training") }
    let main = try #require(trainings.last)
    let history = try #require(main["history"] as? [[String: Any]])
    #expect(history.count == 30)
    let fifth = try #require(history[4]["testAccuracy"] as? Double)
    #expect(fifth >= 0.94)
    let evaluation = try #require(all.flatMap { results($0, kind: "evaluation") }.last)
    let accuracy = try #require(evaluation["accuracy"] as? Double)
    #expect(accuracy >= 0.95)
  }
}
