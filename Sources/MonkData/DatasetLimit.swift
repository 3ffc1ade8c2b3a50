// A quick run's part of a dataset (`data.limit`): a count or a fraction of its images, taken
// from every class in proportion (largest remainders), seeded, so the same limit reads the
// same images on every machine and a class never vanishes from a small sample. The limit
// itself (DataLimit) is declared in MonkVocabulary, with the plan's encoding.
import MonkEngine
import MonkVocabulary

extension DataLimit {
    /// How many of `total` images to keep (at least 1 of a non-empty dataset).
    public func count(of total: Int) -> Int {
        switch amount {
        case .images(let n): return min(max(n, 0), total)
        case .fraction(let f): return total == 0 ? 0 : min(total, max(1, Int((f * Double(total)).rounded())))
        }
    }

    /// Images per class for `counts` images per class: in proportion to the counts, the
    /// remainders going to the largest fractional parts (then the lower class index); every
    /// class that has images keeps at least one when the total allows it.
    public func quotas(_ counts: [Int]) -> [Int] {
        let total = counts.reduce(0, +)
        let kept = count(of: total)
        guard total > 0 else { return counts.map { _ in 0 } }
        let exact = counts.map { Double($0) * Double(kept) / Double(total) }
        var quotas = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(quotas[$0]), -$0) > (exact[$1] - Double(quotas[$1]), -$1) }
        for c in byRemainder.prefix(kept - quotas.reduce(0, +)) { quotas[c] += 1 }
        // A class with images but no quota takes one from the class with the largest quota.
        if kept >= counts.filter({ $0 > 0 }).count {
            for c in counts.indices where counts[c] > 0 && quotas[c] == 0 {
                if let donor = quotas.indices.max(by: { quotas[$0] < quotas[$1] }), quotas[donor] > 1 {
                    quotas[donor] -= 1
                    quotas[c] = 1
                }
            }
        }
        return quotas
    }
}

extension Dataset {
    /// This dataset with only the images `limit` keeps, in their listed order. `stream`
    /// separates the draws of different folders read with one seed.
    public func limited(_ limit: DataLimit, stream: UInt64) -> Dataset {
        let quotas = limit.quotas(classCounts)
        var chosen = Set<Int>()
        var rng = RNG(seed: limit.seed, stream: 40 + stream)
        for c in classes.indices {
            var members = items.indices.filter { items[$0].label == c }
            rng.shuffle(&members)
            chosen.formUnion(members.prefix(quotas[c]))
        }
        var copy = self
        copy.items = items.indices.filter(chosen.contains).map { items[$0] }
        return copy
    }
}
