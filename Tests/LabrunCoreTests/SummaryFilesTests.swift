import Foundation
import Testing

@testable import LabrunCore

/// The instructor's files: a gradebook a spreadsheet opens safely, an
/// index page where a student's title cannot inject anything.
@Suite struct SummaryFilesTests {
  let summary = BatchSummary(notebooks: [
    SubmissionRecord(
      notebook: "subs/ada lovelace.md", report: "ada lovelace.html",
      title: "=HYPERLINK(\"http://x\",\"ok\")", status: .ok, checksPassed: 2,
      checksFailed: 1, points: 3, maxPoints: 4.5, testAccuracy: 0.9483,
      validationAccuracy: 0.95, seconds: 1.234, errors: 0, peakMemoryMB: 101),
    SubmissionRecord(
      notebook: "subs/eve.md", log: ".labrun-batch/eve.log",
      title: "<script>alert(1)</script>", status: .timeout,
      message: "killed after 300 s, \"really\"", seconds: 300),
  ])

  @Test func csvQuotesAndDisarmsFormulas() {
    let lines = SummaryFiles.csv(summary).components(separatedBy: "\r\n")
    #expect(
      lines[0]
        == "notebook,title,status,checks passed,checks failed,points,"
        + "max points,test accuracy,validation accuracy,seconds,errors,"
        + "peak MB,message")
    #expect(
      lines[1]
        == "subs/ada lovelace.md,\"'=HYPERLINK(\"\"http://x\"\",\"\"ok\"\")\","
        + "ok,2,1,3,4.5,0.9483,0.95,1.23,0,101,")
    #expect(
      lines[2]
        == "subs/eve.md,<script>alert(1)</script>,timeout,0,0,0,0,,,300.00,"
        + "0,,\"killed after 300 s, \"\"really\"\"\"")
    #expect(lines.count == 4 && lines[3].isEmpty)
  }

  @Test func jsonReadsBack() throws {
    let text = SummaryFiles.json(summary)
    let back = try JSONDecoder().decode(
      BatchSummary.self, from: Data(text.utf8))
    #expect(back == summary)
  }

  @Test func indexLinksEveryRowAndEscapesTitles() {
    let page = SummaryFiles.indexPage(summary)
    #expect(page.contains("<a href=\"./ada%20lovelace.html\">ada lovelace.md</a>"))
    #expect(page.contains("<a href=\"./.labrun-batch/eve.log\">eve.md</a>"))
    #expect(!page.contains("<script>alert"))
    #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(page.contains("94.83%"))
    #expect(page.contains("3 / 4.5"))
    #expect(page.contains("2 notebooks: 1 ok, 1 timeout"))
    // Nothing is fetched: no external source or stylesheet.
    #expect(!page.contains("src="))
    #expect(!page.contains("<link"))
  }

  @Test func filesAreWrittenTogether() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("labrun-summary-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true)
    let paths = try SummaryFiles.write(summary, to: folder.path)
    #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent }
      == ["summary.csv", "summary.json", "index.html"])
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(names.sorted() == ["index.html", "summary.csv", "summary.json"])
    #expect(try SummaryFiles.read(jsonAt: paths[1]) == summary)
  }
}
