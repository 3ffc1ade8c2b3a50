// "Did you mean …?": the nearest valid word by edit distance, for misspelt keys and values.

public enum Suggestion {
    /// The candidate closest to `word` (case-insensitive edit distance), if it is
    /// close enough to be a plausible typo: at most a third of the word's length, and 3.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        guard word.count <= 64 else { return nil }
        let target = Array(word.lowercased())
        let limit = min(3, max(1, target.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased()))
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Edit distance counting insertions, deletions, substitutions and swaps of neighbours
    /// (`modle` → `model` is one edit): the optimal-string-alignment variant of Damerau-
    /// Levenshtein, O(|a|·|b|) time with three rolling rows.
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
