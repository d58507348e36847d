import LabrunTestSupport
import Testing

@testable import Notebook

/// The optimal-string-alignment distance straight from its definition
/// (memoised recursion over prefixes): an oracle for the fast table.
private func referenceDistance(_ a: [Character], _ b: [Character]) -> Int {
  var memo: [Int: Int] = [:]
  func d(_ i: Int, _ j: Int) -> Int {
    if i == 0 { return j }
    if j == 0 { return i }
    if let known = memo[i * 1000 + j] { return known }
    var best = min(
      d(i - 1, j) + 1, d(i, j - 1) + 1,
      d(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1))
    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
      best = min(best, d(i - 2, j - 2) + 1)
    }
    memo[i * 1000 + j] = best
    return best
  }
  return d(a.count, b.count)
}

/// What `closestMatch` promises, written the slow way: every candidate's
/// distance computed, the nearest within a third of the shorter length
/// (at least one), else the first prefix either way.
private func referenceMatch(_ word: String, _ candidates: [String]) -> String? {
  let lowered = Array(word.lowercased())
  guard !lowered.isEmpty, lowered.count <= 40 else { return nil }
  if let exact = candidates.first(where: { Array($0.lowercased()) == lowered }) {
    return exact
  }
  var best: (String, Int)?
  for candidate in candidates {
    let target = Array(candidate.lowercased())
    let distance = referenceDistance(lowered, target)
    if distance <= max(1, min(target.count, lowered.count) / 3),
      distance < (best?.1 ?? .max)
    {
      best = (candidate, distance)
    }
  }
  if let best { return best.0 }
  return candidates.first { candidate in
    let target = Array(candidate.lowercased())
    return target.count >= 2 && lowered.count >= 2
      && (lowered.starts(with: target) || target.starts(with: lowered))
  }
}

@Suite("Did you mean: suggestions for mistyped words")
struct SuggestionTests {
  let keys = ["lr", "batch", "epochs", "momentum", "lambda", "cost", "seed"]

  @Test("typos, swaps, prefixes and case find the word meant")
  func typicalMistakes() {
    #expect(closestMatch(to: "bacth", among: keys) == "batch")
    #expect(closestMatch(to: "epoch", among: keys) == "epochs")
    #expect(closestMatch(to: "EPOCHS", among: keys) == "epochs")
    #expect(closestMatch(to: "momentun", among: keys) == "momentum")
    #expect(closestMatch(to: "lrate", among: keys) == "lr")
    #expect(closestMatch(to: "eta", among: keys, aliases: ["eta": "lr"]) == "lr")
  }

  @Test("words far from every key, and very long words, get no suggestion")
  func noSuggestion() {
    #expect(closestMatch(to: "zzz", among: keys) == nil)
    #expect(closestMatch(to: "", among: keys) == nil)
    #expect(closestMatch(to: String(repeating: "batch", count: 20), among: keys) == nil)
  }

  @Test("agrees with the slow definition on 20,000 random words")
  func agreesWithReference() {
    var random = SplitMix64(seed: 20)
    let letters = Array("abcehlmnoprstuEB")
    for _ in 0..<20_000 {
      // Mostly mutations of a key, so that near misses are common.
      var word = Array(keys[Int(random.next() % UInt64(keys.count))])
      for _ in 0..<Int(random.next() % 4) {
        let position = Int(random.next() % UInt64(word.count + 1))
        let letter = letters[Int(random.next() % UInt64(letters.count))]
        let edit = random.next() % 3
        if edit == 0 || position == word.count {
          word.insert(letter, at: position)
        } else if edit == 1 {
          word.remove(at: position)
        } else {
          word[position] = letter
        }
      }
      let text = String(word)
      #expect(
        closestMatch(to: text, among: keys) == referenceMatch(text, keys),
        "\(text)")
    }
  }
}
