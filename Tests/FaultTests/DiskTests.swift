import Foundation
import LabrunTestSupport
import Testing

/// A full disk and a read-only output folder, on a small tmpfs (root
/// ignores file permissions, but not a full or read-only file system).
@Suite(
  "Faults: full disk, read-only output", .serialized,
  .enabled(if: canMount, "mounting a tmpfs needs root (mount -t tmpfs)"))
struct DiskTests {
  /// A notebook whose report is small, and one whose report is large
  /// (long prose), both without data.
  let small = "# Small\n\n```lab\nseed 1\n```\n"
  var large: String {
    "# Large\n\n" + String(repeating: "A paragraph of prose. ", count: 4_000)
      + "\n\n```lab\nseed 1\n```\n"
  }

  /// Runs `labrun` on `text` as `nb.md` with its output on `mount`.
  func run(_ text: String, folder: URL, mount: URL) throws -> ProcessResult {
    try write(text, as: "nb.md", in: folder)
    return try labrun(["nb.md", "-o", mount.path], in: folder)
  }

  @Test("a full disk: a clear error, exit 1, the previous report untouched")
  func fullDisk() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mount = try #require(mountTmpfs(size: "256k"))
    defer { unmount(mount) }
    #expect(try run(small, folder: folder, mount: mount).status == 0)
    let before = try ReportFiles(stem: "nb", in: mount)

    // Fill what is left of the disk.
    let filler = mount.appendingPathComponent("filler")
    #expect(FileManager.default.createFile(atPath: filler.path, contents: nil))
    let handle = try FileHandle(forWritingTo: filler)
    let block = Data(count: 4096)
    while (try? handle.write(contentsOf: block)) != nil {}
    try? handle.close()

    let result = try run(large, folder: folder, mount: mount)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("error: cannot write the report: No space left on device"),
      "\(result.stderr)")
    #expect(result.stderr.contains("the previous report, if any, is unchanged"))
    #expect(try ReportFiles(stem: "nb", in: mount) == before)
    #expect(temporaryFiles(under: mount) == [])

    // With room again, the next run writes the new report.
    try FileManager.default.removeItem(at: filler)
    #expect(try run(large, folder: folder, mount: mount).status == 0)
    #expect(try ReportFiles(stem: "nb", in: mount).isWhole)
  }

  @Test("a read-only output folder: a clear error, exit 1, report untouched")
  func readOnly() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mount = try #require(mountTmpfs(size: "1m"))
    defer { unmount(mount) }
    #expect(try run(small, folder: folder, mount: mount).status == 0)
    let before = try ReportFiles(stem: "nb", in: mount)
    try #require(shell(["mount", "-o", "remount,ro", mount.path]))

    let result = try run(large, folder: folder, mount: mount)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("Read-only file system"), "\(result.stderr)")
    #expect(try ReportFiles(stem: "nb", in: mount) == before)
  }
}
