// A seeded, stratified, optionally grouped train/validation split (its settings are the plan's
// SplitPlan, declared in MonkVocabulary).
import Foundation
import MonkEngine
import MonkVocabulary

/// Which part of the data an image belongs to.
public enum SplitName: String, Codable, Hashable, Sendable, CaseIterable {
    case train, val, test
}

public enum SplitError: Error, Equatable, Sendable, CustomStringConvertible {
    case badFraction(Double)
    case badPattern(String, reason: String)
    case staleManifest(path: String, reason: String)
    case unreadableManifest(path: String, reason: String)

    public var description: String {
        switch self {
        case .badFraction(let f): return "validation fraction \(f) must be strictly between 0 and 1"
        case let .badPattern(p, reason): return "group pattern \(p) is not a valid regular expression: \(reason)"
        case let .staleManifest(path, reason):
            return "split manifest \(path) no longer matches the data (\(reason)); delete it to draw a new split"
        case let .unreadableManifest(path, reason): return "cannot read split manifest \(path): \(reason)"
        }
    }
}

public enum Splitter {
    /// The group id of every item (the file name's match of `pattern`, else the path itself).
    public static func groups(of items: [DatasetItem], pattern: String?) throws(SplitError) -> [String] {
        guard let pattern else { return items.map(\.path) }
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: pattern) } catch { throw .badPattern(pattern, reason: "\(error.localizedDescription)") }
        return items.map { item in
            let name = (item.path as NSString).lastPathComponent
            let ns = name as NSString
            guard let m = regex.firstMatch(in: name, range: NSRange(location: 0, length: ns.length)) else { return item.path }
            let r = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
            return "group:" + ns.substring(with: r)
        }
    }

    /// Assigns every item to `.train` or `.val`. Groups are visited in a seeded random order
    /// and each goes to validation when that brings the per-class validation counts closer to
    /// round(fraction × class count); so without groups every class gets exactly its share, and
    /// with groups the shares are as close as whole groups allow. Unstratified, the whole set
    /// counts as one class.
    public static func split(_ items: [DatasetItem], classCount: Int, settings: SplitPlan) throws(SplitError) -> [SplitName] {
        guard settings.stratified else {
            var one = settings
            one.stratified = true
            return try split(items.map { DatasetItem(path: $0.path, label: 0) }, classCount: 1, settings: one)
        }
        let f = settings.fraction
        guard f > 0 && f < 1 else { throw .badFraction(f) }
        let ids = try groups(of: items, pattern: settings.groupBy)
        var members: [String: [Int]] = [:]
        for (i, id) in ids.enumerated() { members[id, default: []].append(i) }
        var order = members.keys.sorted()
        var rng = RNG(seed: settings.seed, stream: 3)
        rng.shuffle(&order)

        var classTotals = [Int](repeating: 0, count: classCount)
        for item in items { classTotals[item.label] += 1 }
        let target = classTotals.map { Int((Double($0) * f).rounded()) }
        var inVal = [Int](repeating: 0, count: classCount)
        var result = [SplitName](repeating: .train, count: items.count)
        for id in order {
            let idx = members[id]!
            var add = [Int](repeating: 0, count: classCount)
            for i in idx { add[items[i].label] += 1 }
            var before = 0, after = 0
            for c in 0..<classCount where add[c] > 0 {
                before += abs(inVal[c] - target[c])
                after += abs(inVal[c] + add[c] - target[c])
            }
            if after < before {
                for c in 0..<classCount { inVal[c] += add[c] }
                for i in idx { result[i] = .val }
            }
        }
        return result
    }
}
