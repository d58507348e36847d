// MARK: - Quoting user text in messages

/// Quotes user text for a message, cutting it short so that a million-
/// character token does not make a million-character message.
func quoted(_ text: String, limit: Int = 40) -> String {
  var scalars = text.unicodeScalars.prefix(limit + 1)
  guard scalars.count > limit else { return "'\(text)'" }
  scalars = scalars.prefix(limit)
  var view = String.UnicodeScalarView()
  view.append(contentsOf: scalars)
  return "'\(String(view))…'"
}

// MARK: - Did you mean

/// The candidate closest to `word`, when it is close enough to be what the
/// author meant: within a small edit distance (transpositions count as one
/// edit), or a prefix either way (`lrate` → `lr`, `epoch` → `epochs`).
/// `aliases` map other spellings (`eta`) to a candidate.
func closestMatch(
  to word: String, among candidates: [String],
  aliases: [String: String] = [:]
) -> String? {
  let lowered = word.lowercased()
  // Long words are never typos of short keys; skipping them also keeps the
  // distance computation small.
  guard !lowered.isEmpty, lowered.unicodeScalars.count <= 40 else {
    return nil
  }
  if let alias = aliases[lowered] { return alias }
  if let exact = candidates.first(where: { $0.lowercased() == lowered }) {
    return exact
  }
  let word = Array(lowered.unicodeScalars)
  var best: (candidate: String, distance: Int)?
  for candidate in candidates {
    let target = Array(candidate.lowercased().unicodeScalars)
    let limit = max(1, min(target.count, word.count) / 3)
    // The distance is at least the difference in length: a candidate
    // that cannot come within the limit, or beat the best, is skipped
    // without filling the table (most mistyped words are far from all).
    let floor = abs(target.count - word.count)
    guard floor <= limit, floor < (best?.distance ?? Int.max) else {
      continue
    }
    let distance = editDistance(word, target)
    if distance <= limit, distance < (best?.distance ?? Int.max) {
      best = (candidate, distance)
    }
  }
  if let best { return best.candidate }
  for candidate in candidates {
    let target = candidate.lowercased()
    if target.count >= 2, lowered.count >= 2,
      lowered.hasPrefix(target) || target.hasPrefix(lowered)
    {
      return candidate
    }
  }
  return nil
}

/// The optimal-string-alignment distance: insertions, deletions,
/// substitutions and swaps of neighbours each cost one.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  // Three rows of the (a.count + 1) × (b.count + 1) table.
  var before = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        value = min(value, before[j - 2] + 1)
      }
      current[j] = value
    }
    (before, previous, current) = (previous, current, before)
  }
  return previous[b.count]
}
