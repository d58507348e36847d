import Foundation
import LabrunTestSupport
import Testing

/// notebooks/lecture22.md on real MNIST, shortened (5,000 training images,
/// one epoch per `sgd`) so that it runs in CI: every cell ok, the recorded
/// numbers exactly, and the saved network read back to the same bits. The
/// full run and its figures are in the README.
@Suite("notebooks/lecture22.md, shortened")
struct Lecture22Tests {
  static let golden = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent(
      "Golden/lecture22-short.txt")

  static let shortened = [
    "--set", "load.train=5000", "--set", "load.validation=1000",
    "--set", "load.test=1000", "--set", "sgd.epochs=1",
  ]

  @Test("runs cleanly, gives the recorded numbers, and restores what it saved")
  func lecture() throws {
    // A copy in a fresh folder: the notebook saves its network beside
    // itself, and the repository's folder must stay clean.
    let folder = try temporaryFolder()
    let source = try String(
      contentsOf: repositoryRoot.appendingPathComponent("notebooks/lecture22.md"),
      encoding: .utf8)
    try write(source, as: "lecture22.md", in: folder)
    let result = try labrun(
      ["lecture22.md", "--no-cache"] + Self.shortened, in: folder)
    #expect(result.status == 0, "stderr: \(result.stderr)")

    let all = cells(try reportJSON("lecture22", in: folder))
    #expect(all.allSatisfy { $0["status"] as? String == "ok" })
    let networks = all.flatMap { results($0, kind: "network") }
    #expect(
      networks.compactMap { $0["architecture"] as? String }
        == ["28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10"])
    #expect(networks.last?["parameters"] as? Int == 85_670)

    // What it learned, shown: the 20 filters, a 7 through the four conv
    // and pool layers, and the same network drawn on in the page.
    let filters = all.flatMap { results($0, kind: "filters") }
    #expect(filters.map { $0["count"] as? Int } == [20])
    let maps = all.flatMap { results($0, kind: "maps") }
    #expect(maps.map { $0["label"] as? String } == ["7"])
    #expect(
      (maps.first?["layers"] as? [[String: Any]])?.map { $0["notation"] as? String }
        == ["conv5x5x20", "pool2", "conv5x5x40", "pool2"])
    let playgrounds = all.flatMap { results($0, kind: "playground") }
    #expect(
      playgrounds.map { $0["architecture"] as? String }
        == ["28x28 conv5x5x20 pool2 conv5x5x40 pool2 100 10"])

    // Exact: RECORD_GOLDEN=1 records them anew.
    try LectureTests.compare(LectureTests.numbers(all), with: Self.golden)

    // Sane, so that a wrong recording cannot pass: after one epoch on
    // 5,000 images and one at the smaller rate the conv net reads most
    // test digits (93.4 % when recorded; the full run passes 99 %).
    let evaluations = all.flatMap { results($0, kind: "evaluation") }
    #expect(evaluations.map { $0["split"] as? String } == ["test", "test", "validation"])
    let convTest = try #require(evaluations[1]["accuracy"] as? Double)
    #expect(convTest > 0.9)

    // The network saved and restored: the same file, and the restored
    // network measures the validation set exactly as training left it.
    let files = all.flatMap { results($0, kind: "networkFile") }
    #expect(files.map { $0["action"] as? String } == ["saved", "restored"])
    #expect(files[0]["sha256"] as? String == files[1]["sha256"] as? String)
    let bytes = try Data(
      contentsOf: folder.appendingPathComponent("lecture22.lrnet"))
    #expect(files[0]["bytes"] as? Int == bytes.count)
    let trainings = all.flatMap { results($0, kind: "training") }
    let last = try #require(
      (trainings.last?["history"] as? [[String: Any]])?.last)
    #expect(
      evaluations[2]["accuracy"] as? Double
        == last["validationAccuracy"] as? Double)
  }
}
