// A heading of the prose as the page knows it: the notebook finds it, the
// report lists it in the table of contents.

/// A heading of the prose, with the `id` it carries on the page.
public struct SectionHeading: Sendable, Equatable {
  /// 1 for `#`, up to 6.
  public var level: Int
  /// The heading's `id` (GitHub's slug rules), a link's target.
  public var id: String
  /// Its text without markup (formulas as their TeX).
  public var text: String
  /// The same text as HTML with its formulas as MathML, for a heading
  /// that has formulas; nil for one that has none (its text is escaped).
  public var markup: String?

  /// Creates a heading.
  public init(level: Int, id: String, text: String, markup: String? = nil) {
    self.level = level
    self.id = id
    self.text = text
    self.markup = markup
  }
}
