import Foundation
import LabrunTestSupport
import Testing

/// `save` in one notebook, `restore` in another, run by the built labrun
/// as two processes: the second measures the same bits as the first, on
/// any kernel variant; a damaged file stops it with a located error.
@Suite("save and restore, end to end")
struct SaveRestoreTests {
  static let saving = """
    # Lecture 21, shortened

    ```lab
    load mnist train=3000 validation=500 test=1000
    net 28x28 conv5x5x8 pool2 30 10 hidden=relu output=softmax cost=cross-entropy init=scaled
    sgd lr=0.003 batch=10 epochs=1
    evaluate
    save lecture21.lrnet
    ```
    """

  static let restoring = """
    # Lecture 22 starts where lecture 21 ended

    ```lab
    load mnist train=3000 validation=500 test=1000
    restore ../lecture21/lecture21.lrnet
    evaluate
    ```
    """

  /// The evaluation results of a report, as JSON objects.
  func evaluations(_ stem: String, in folder: URL) throws -> [NSDictionary] {
    cells(try reportJSON(stem, in: folder)).flatMap {
      results($0, kind: "evaluation")
    }.map { $0 as NSDictionary }
  }

  @Test("the second notebook evaluates the saved network to the same accuracy bits")
  func twoNotebooks() throws {
    let folder = try temporaryFolder()
    for name in ["lecture21", "lecture22"] {
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent(name),
        withIntermediateDirectories: true)
    }
    try write(Self.saving, as: "lecture21/lecture21.md", in: folder)
    try write(Self.restoring, as: "lecture22/lecture22.md", in: folder)
    // Run from elsewhere: the file is found beside the notebook.
    let first = try labrun(["lecture21/lecture21.md"], in: folder)
    #expect(first.status == 0, "stderr: \(first.stderr)")
    let file = folder.appendingPathComponent("lecture21/lecture21.lrnet")
    let bytes = try Data(contentsOf: file)
    let saved = try #require(
      cells(try reportJSON("lecture21", in: folder)).flatMap {
        results($0, kind: "networkFile")
      }.first)
    #expect(saved["action"] as? String == "saved")
    #expect(saved["bytes"] as? Int == bytes.count)
    #expect(saved["architecture"] as? String == "28x28 conv5x5x8 pool2 30 10")
    // (25 + 1)·8 + (12·12·8 + 1)·30 + (30 + 1)·10
    #expect(saved["parameters"] as? Int == 208 + 34_590 + 310)

    let second = try labrun(["lecture22/lecture22.md"], in: folder)
    #expect(second.status == 0, "stderr: \(second.stderr)")
    let restored = try #require(
      cells(try reportJSON("lecture22", in: folder)).flatMap {
        results($0, kind: "networkFile")
      }.first)
    #expect(restored["sha256"] as? String == saved["sha256"] as? String)
    let before = try evaluations("lecture21", in: folder)
    let after = try evaluations("lecture22", in: folder)
    #expect(before.count == 1 && after == before)
    let accuracy = try #require(before.first?["accuracy"] as? Double)
    // Trained: well above the 10 % of guessing.
    #expect(accuracy > 0.3)
    #expect((after.first?["accuracy"] as? Double)?.bitPattern == accuracy.bitPattern)

    // The portable kernels read the same file to the same bits.
    let portable = try labrun(
      ["lecture22/lecture22.md", "--no-cache", "-o", "portable"], in: folder,
      environment: ["LABRUN_KERNELS": "portable"])
    #expect(portable.status == 0, "stderr: \(portable.stderr)")
    let url = folder.appendingPathComponent("portable/lecture22.json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    let again = cells(json as? [String: Any] ?? [:]).flatMap {
      results($0, kind: "evaluation")
    }.map { $0 as NSDictionary }
    #expect(again == before)

    // One flipped bit: a located error, the report still written, exit 1.
    var damaged = bytes
    damaged[damaged.count / 2] ^= 0x10
    try damaged.write(to: file)
    let broken = try labrun(["lecture22/lecture22.md"], in: folder)
    #expect(broken.status == 1)
    #expect(
      broken.stderr.contains(
        "lecture22.md:5:9: error: ../lecture21/lecture21.lrnet: the network "
          + "file is damaged: its contents do not match their SHA-256"),
      "\(broken.stderr)")
    #expect(broken.stderr.contains("help: save the network again"))
  }
}
