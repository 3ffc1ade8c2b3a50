// The dataset check: counts, imbalance, unreadable files, exact duplicates and image sizes,
// as a Codable report (for the run's records) with a text rendering (for `check-data`).
import Foundation
import MonkEngine

/// What `monkpipe check-data` prints and the load stage records.
public struct DataCheckReport: Codable, Equatable, Sendable {
    public struct SplitSummary: Codable, Equatable, Sendable {
        public var split: SplitName
        /// Good images per class, in `classes` order.
        public var counts: [Int]
        /// Largest class count over smallest; nil when a class has no images here.
        public var imbalanceRatio: Double?
    }
    public struct Member: Codable, Equatable, Sendable {
        public var path: String
        public var split: SplitName
        public var className: String
    }
    /// Files with identical bytes.
    public struct Duplicate: Codable, Equatable, Sendable {
        public var hash: String
        public var members: [Member]
        /// Copies sit in different splits (e.g. a validation or test image also in training).
        public var crossesSplits: Bool
        /// Copies carry different classes.
        public var conflictingLabels: Bool
    }
    public struct SizeStatistics: Codable, Equatable, Sendable {
        public var images: Int
        public var minWidth: Int, maxWidth: Int, meanWidth: Double
        public var minHeight: Int, maxHeight: Int, meanHeight: Double
        public var distinctSizes: Int
        public var mostCommonSize: ImageSize
        public var mostCommonCount: Int
    }

    public var classes: [String]
    public var splits: [SplitSummary]
    public var unreadable: [BadImage]
    /// Entries of the dataset folders that are not images (hidden files, folders inside class
    /// folders, files beside them), with the folder they were found in.
    public var unused: [UnusedEntry]
    public var duplicates: [Duplicate]
    /// Stored sizes of the good images; nil when there are none.
    public var sizes: SizeStatistics?
    /// Good images per format (jpeg, png).
    public var formats: [String: Int]

    /// Builds the report from scan results, each tagged with its split.
    public static func make(classes: [String], scanned: [(image: ScannedImage, split: SplitName)], unused: [UnusedEntry] = []) -> DataCheckReport {
        let good = scanned.filter { $0.image.isGood }
        let present = SplitName.allCases.filter { s in scanned.contains { $0.split == s } }
        let splits = present.map { s -> SplitSummary in
            var counts = [Int](repeating: 0, count: classes.count)
            for g in good where g.split == s { counts[g.image.item.label] += 1 }
            let ratio = (counts.min() ?? 0) > 0 ? Double(counts.max()!) / Double(counts.min()!) : nil
            return SplitSummary(split: s, counts: counts, imbalanceRatio: ratio)
        }
        let unreadable = scanned.compactMap { s in s.image.problem.map { BadImage(path: s.image.item.path, reason: $0) } }

        var byHash: [String: [Member]] = [:]
        for s in scanned {
            guard let h = s.image.hash else { continue }
            byHash[h, default: []].append(Member(path: s.image.item.path, split: s.split, className: classes[s.image.item.label]))
        }
        let duplicates = byHash.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { hash, members in
            Duplicate(hash: hash, members: members, crossesSplits: Set(members.map(\.split)).count > 1,
                      conflictingLabels: Set(members.map(\.className)).count > 1)
        }

        var sizes: SizeStatistics?
        let all = good.compactMap { $0.image.storedSize }
        if !all.isEmpty {
            var freq: [ImageSize: Int] = [:]
            for s in all { freq[s, default: 0] += 1 }
            let common = freq.max { a, b in a.value != b.value ? a.value < b.value : (a.key.width, a.key.height) > (b.key.width, b.key.height) }!
            sizes = SizeStatistics(images: all.count,
                                   minWidth: all.map(\.width).min()!, maxWidth: all.map(\.width).max()!,
                                   meanWidth: Double(all.map(\.width).reduce(0, +)) / Double(all.count),
                                   minHeight: all.map(\.height).min()!, maxHeight: all.map(\.height).max()!,
                                   meanHeight: Double(all.map(\.height).reduce(0, +)) / Double(all.count),
                                   distinctSizes: freq.count, mostCommonSize: common.key, mostCommonCount: common.value)
        }
        var formats: [String: Int] = [:]
        for g in good { formats[(g.image.format ?? .unknown).rawValue, default: 0] += 1 }
        return DataCheckReport(classes: classes, splits: splits, unreadable: unreadable, unused: unused, duplicates: duplicates,
                               sizes: sizes, formats: formats)
    }

    enum CodingKeys: String, CodingKey { case classes, splits, unreadable, unused, duplicates, sizes, formats }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        classes = try c.decode([String].self, forKey: .classes)
        splits = try c.decode([SplitSummary].self, forKey: .splits)
        unreadable = try c.decode([BadImage].self, forKey: .unreadable)
        // Reports recorded before unused entries were listed have none.
        unused = try c.decodeIfPresent([UnusedEntry].self, forKey: .unused) ?? []
        duplicates = try c.decode([Duplicate].self, forKey: .duplicates)
        sizes = try c.decodeIfPresent(SizeStatistics.self, forKey: .sizes)
        formats = try c.decode([String: Int].self, forKey: .formats)
    }

    public init(classes: [String], splits: [SplitSummary], unreadable: [BadImage], unused: [UnusedEntry], duplicates: [Duplicate],
                sizes: SizeStatistics?, formats: [String: Int]) {
        self.classes = classes; self.splits = splits; self.unreadable = unreadable; self.unused = unused
        self.duplicates = duplicates; self.sizes = sizes; self.formats = formats
    }

    /// Whether anything needs a person's attention.
    public var hasProblems: Bool { !unreadable.isEmpty || duplicates.contains { $0.crossesSplits || $0.conflictingLabels } }

    /// A plain-text rendering for terminals.
    public func render() -> String {
        var out: [String] = []
        let width = max(5, classes.map(\.count).max() ?? 5)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        out.append(pad("class", width) + splits.map { lpad($0.split.rawValue, 8) }.joined())
        for (c, name) in classes.enumerated() {
            out.append(pad(TerminalText.escaped(name), width) + splits.map { lpad(String($0.counts[c]), 8) }.joined())
        }
        out.append(pad("total", width) + splits.map { lpad(String($0.counts.reduce(0, +)), 8) }.joined())
        out.append(pad("imbalance", width) + splits.map { lpad($0.imbalanceRatio.map { String(format: "%.2f", $0) } ?? "n/a", 8) }.joined())
        if let s = sizes {
            out.append("")
            out.append("image sizes: \(s.images) images, width \(s.minWidth)–\(s.maxWidth) (mean \(String(format: "%.1f", s.meanWidth))), "
                       + "height \(s.minHeight)–\(s.maxHeight) (mean \(String(format: "%.1f", s.meanHeight))), "
                       + "\(s.distinctSizes) distinct, most common \(s.mostCommonSize) (\(s.mostCommonCount))")
        }
        if !formats.isEmpty {
            out.append("formats: " + formats.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        out.append("")
        out.append(unreadable.isEmpty ? "unreadable files: none" : "unreadable files: \(unreadable.count)")
        for b in unreadable { out.append("  \(b)") }
        out.append(unused.isEmpty ? "unused entries: none" : "unused entries (not read as images): \(unused.count)")
        for u in unused { out.append("  \(u)") }
        out.append(duplicates.isEmpty ? "exact duplicates: none" : "exact duplicates: \(duplicates.count) group(s)")
        for d in duplicates {
            var tags: [String] = []
            if d.crossesSplits { tags.append("ACROSS SPLITS") }
            if d.conflictingLabels { tags.append("CONFLICTING LABELS") }
            out.append("  \(d.hash.prefix(12))\(tags.isEmpty ? "" : " [" + tags.joined(separator: ", ") + "]"): "
                       + d.members.map { "\(TerminalText.escaped($0.path)) (\($0.split.rawValue), \(TerminalText.escaped($0.className)))" }.joined(separator: "; "))
        }
        return out.joined(separator: "\n") + "\n"
    }
}
