import Foundation
import HTMLText
import Notebook

/// Writes a batch's `summary.csv`, `summary.json` and `index.html` into
/// the output folder, each atomically.
public enum SummaryFiles {
  /// Writes the three files; returns their paths.
  @discardableResult
  public static func write(_ summary: BatchSummary, to folder: String)
    throws(RunError) -> [String]
  {
    let paths = ["summary.csv", "summary.json", "index.html"].map {
      folder + "/" + $0
    }
    try AtomicFile.write(csv(summary), to: paths[0])
    try AtomicFile.write(json(summary), to: paths[1])
    try AtomicFile.write(indexPage(summary), to: paths[2])
    return paths
  }

  /// Reads a `summary.json` back (for `labrun summarize`).
  public static func read(jsonAt path: String) throws -> BatchSummary {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try JSONDecoder().decode(BatchSummary.self, from: data)
  }

  // MARK: - CSV

  static let csvHeader = [
    "notebook", "title", "status", "checks passed", "checks failed",
    "points", "max points", "test accuracy", "validation accuracy",
    "seconds", "errors", "peak MB", "message",
  ]

  /// The gradebook: one row per notebook, RFC 4180 quoting.
  public static func csv(_ summary: BatchSummary) -> String {
    var lines = [csvHeader.map(csvField).joined(separator: ",")]
    for row in summary.notebooks {
      let fields: [String] = [
        row.notebook, row.title ?? "", row.status.rawValue,
        String(row.checksPassed), String(row.checksFailed),
        number(row.points), number(row.maxPoints),
        row.testAccuracy.map(number) ?? "",
        row.validationAccuracy.map(number) ?? "",
        String(format: "%.2f", row.seconds), String(row.errors),
        row.peakMemoryMB.map { String(format: "%.0f", $0) } ?? "",
        row.message ?? "",
      ]
      lines.append(fields.map(csvField).joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  /// Quotes a field when needed; a field a spreadsheet would run as a
  /// formula (a student's title `=HYPERLINK(…)`) gets a leading `'`.
  static func csvField(_ text: String) -> String {
    var text = text
    if let first = text.first, "=+-@\t\r".contains(first),
      Double(text) == nil
    {
      text = "'" + text
    }
    if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return text
  }

  static func number(_ value: Double) -> String {
    CheckEvaluator.format(value)
  }

  // MARK: - JSON

  public static func json(_ summary: BatchSummary) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    // Non-finite numbers never occur (accuracies are fractions), but a
    // summary must always be written.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let data = (try? encoder.encode(summary)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  // MARK: - index.html

  /// A self-contained page listing every notebook with its status, points
  /// and accuracies, each linking to its report; clicking a column's
  /// heading sorts by it (a few lines of inline script; without script the
  /// table stays in the notebooks' order).
  public static func indexPage(_ summary: BatchSummary) -> String {
    let rows = summary.notebooks
    var counts: [SubmissionRecord.Status: Int] = [:]
    for row in rows { counts[row.status, default: 0] += 1 }
    let tally = SubmissionRecord.Status.allCases.compactMap { status in
      counts[status].map { "\($0) \(status.rawValue)" }
    }.joined(separator: ", ")
    let hasChecks = rows.contains { $0.maxPoints > 0 }
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Reports (\(rows.count))</title>
      <style>
      body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2228}
      h1{font-size:1.4rem;margin:0 0 .3rem}
      p.tally{color:#555;margin:0 0 1rem}
      table{border-collapse:collapse;width:100%}
      th,td{padding:.35rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
      th{background:#f4f6f8;cursor:pointer;user-select:none;white-space:nowrap}
      td.n{text-align:right;font-variant-numeric:tabular-nums}
      .s{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85em;white-space:nowrap}
      .s-ok{background:#dcf3e1;color:#17602c}.s-failed{background:#fde2c8;color:#7a3c00}
      .s-timeout,.s-crashed,.s-out-of-memory,.s-unreadable,.s-interrupted{background:#f9d3d3;color:#8a1414}
      td.m{color:#555;font-size:.9em;max-width:28rem;overflow-wrap:anywhere}
      .wrap{overflow-x:auto}
      @media print{th{cursor:auto}}
      </style>
      </head>
      <body>
      <h1>Reports</h1>
      <p class="tally">\(rows.count) notebook\(rows.count == 1 ? "" : "s")\(tally.isEmpty ? "" : ": " + tally.htmlEscaped)</p>
      <div class="wrap"><table id="reports">
      <thead><tr><th>Notebook</th><th>Title</th><th>Status</th>
      """
    if hasChecks { html += "<th>Points</th><th>Checks</th>" }
    html += """
      <th>Test accuracy</th><th>Validation accuracy</th><th>Seconds</th><th>Errors</th><th>Note</th></tr></thead>
      <tbody>

      """
    for row in rows {
      let name = URL(fileURLWithPath: row.notebook).lastPathComponent
      // The report, or else what the run printed (why it has none).
      let link = (row.report ?? row.log).map {
        "<a href=\"\(hrefEscaped($0))\">\(name.htmlEscaped)</a>"
      } ?? name.htmlEscaped
      html += "<tr><td data-v=\"\(name.htmlEscaped)\">\(link)</td>"
      html += "<td>\((row.title ?? "").htmlEscaped)</td>"
      html += "<td data-v=\"\(row.status.rawValue)\"><span class=\"s s-\(row.status.rawValue)\">\(row.status.rawValue)</span></td>"
      if hasChecks {
        html += numberCell(row.points, text: "\(number(row.points)) / \(number(row.maxPoints))")
        html += "<td class=\"n\" data-v=\"\(row.checksPassed)\">\(row.checksPassed) of \(row.checksPassed + row.checksFailed)</td>"
      }
      html += accuracyCell(row.testAccuracy)
      html += accuracyCell(row.validationAccuracy)
      html += numberCell(row.seconds, text: String(format: "%.1f", row.seconds))
      html += numberCell(Double(row.errors), text: String(row.errors))
      html += "<td class=\"m\">\((row.message ?? "").htmlEscaped)</td></tr>\n"
    }
    html += """
      </tbody></table></div>
      <script>
      document.querySelectorAll('#reports th').forEach(function(th,i){th.onclick=function(){var b=th.closest('table').tBodies[0],r=Array.from(b.rows),d=th.dataset.d==='1'?-1:1;th.dataset.d=d===1?'1':'';r.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent,p=parseFloat(a),q=parseFloat(c);return d*(isNaN(p)||isNaN(q)?a.localeCompare(c):p-q)});r.forEach(function(x){b.appendChild(x)})}})
      </script>
      </body>
      </html>

      """
    return html
  }

  private static func numberCell(_ value: Double, text: String) -> String {
    "<td class=\"n\" data-v=\"\(number(value))\">\(text)</td>"
  }

  private static func accuracyCell(_ value: Double?) -> String {
    guard let value else { return "<td class=\"n\" data-v=\"-1\">–</td>" }
    return numberCell(value, text: String(format: "%.2f%%", value * 100))
  }

  /// A relative link to a report file: percent-encoded, so that a name
  /// with spaces, `#` or `?` still leads to its file.
  static func hrefEscaped(_ name: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    let encoded =
      name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    return "./" + encoded.htmlEscaped
  }
}
