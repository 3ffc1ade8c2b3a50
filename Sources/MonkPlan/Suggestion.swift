// "Did you mean …?": the nearest valid word by edit distance, for misspelt keys and values.

enum Suggestion {
    /// The candidate closest to `word` (case-insensitive Levenshtein distance), if it is
    /// close enough to be a plausible typo: at most a third of the word's length, and 3.
    static func nearest(to word: String, in candidates: [String]) -> String? {
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

    /// Levenshtein distance with one rolling row: O(|a|·|b|) time, O(|b|) memory.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)
                diagonal = row[j]
                row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
            }
        }
        return row[b.count]
    }
}
