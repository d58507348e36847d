// The machine-readable twin of the page: the same document as JSON, for
// scripts and graders. The schema is documented in docs/report-json.md.

/// Renders a `ReportDocument` as JSON.
public enum JSONReport {
  /// Pretty-printed JSON with sorted keys; always valid (non-finite
  /// numbers are written as `null`), byte-identical for equal documents.
  public static func render(_ document: ReportDocument) -> String {
    JSONValue.object(JSONMapping.document(document)).pretty
  }
}
