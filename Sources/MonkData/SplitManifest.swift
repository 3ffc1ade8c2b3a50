// The saved split: every image with its class, content hash and side, reused by reruns and
// resumes so validation images can never drift into training.
import Foundation
import MonkEngine
import MonkVocabulary

/// A split written to disk. JSON, sorted keys, one entry per image in dataset order.
public struct SplitManifest: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var path: String
        public var className: String
        /// SHA-256 of the file's bytes (hex).
        public var hash: String
        public var split: SplitName
        public init(path: String, className: String, hash: String, split: SplitName) {
            self.path = path; self.className = className; self.hash = hash; self.split = split
        }
    }

    public static let formatVersion = 1
    public var formatVersion: Int
    public var settings: SplitPlan
    public var classes: [String]
    public var entries: [Entry]

    public init(settings: SplitPlan, classes: [String], entries: [Entry]) {
        self.formatVersion = Self.formatVersion
        self.settings = settings
        self.classes = classes
        self.entries = entries
    }

    // The file keeps the names it has always used for the settings (validationFraction,
    // groupPattern), so manifests written before the split settings were declared once
    // are still reused.
    enum CodingKeys: String, CodingKey { case formatVersion, settings, classes, entries }
    enum SettingsKeys: String, CodingKey { case validationFraction, seed, groupPattern, stratified }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        let s = try c.nestedContainer(keyedBy: SettingsKeys.self, forKey: .settings)
        settings = SplitPlan(fraction: try s.decode(Double.self, forKey: .validationFraction),
                             stratified: try s.decode(Bool.self, forKey: .stratified),
                             groupBy: try s.decodeIfPresent(String.self, forKey: .groupPattern),
                             seed: try s.decode(UInt64.self, forKey: .seed))
        classes = try c.decode([String].self, forKey: .classes)
        entries = try c.decode([Entry].self, forKey: .entries)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        var s = c.nestedContainer(keyedBy: SettingsKeys.self, forKey: .settings)
        try s.encode(settings.fraction, forKey: .validationFraction)
        try s.encode(settings.seed, forKey: .seed)
        try s.encodeIfPresent(settings.groupBy, forKey: .groupPattern)
        try s.encode(settings.stratified, forKey: .stratified)
        try c.encode(classes, forKey: .classes)
        try c.encode(entries, forKey: .entries)
    }

    /// Draws a new split of `dataset`; `hashes[i]` is the content hash of `dataset.items[i]`.
    public static func make(_ dataset: Dataset, hashes: [String], settings: SplitPlan) throws(SplitError) -> SplitManifest {
        precondition(hashes.count == dataset.items.count)
        let sides = try Splitter.split(dataset.items, classCount: dataset.classes.count, settings: settings)
        let entries = dataset.items.indices.map { i in
            Entry(path: dataset.items[i].path, className: dataset.classes[dataset.items[i].label], hash: hashes[i], split: sides[i])
        }
        return SplitManifest(settings: settings, classes: dataset.classes, entries: entries)
    }

    /// Items on one side, as dataset items (labels index `classes`). A manifest read from disk
    /// may name a class it does not list (a damaged or edited file): that is an error.
    public func items(in split: SplitName) throws(SplitError) -> [DatasetItem] {
        var index: [String: Int] = [:]
        for (i, name) in classes.enumerated() where index[name] == nil { index[name] = i }
        var out: [DatasetItem] = []
        for e in entries where e.split == split {
            guard let label = index[e.className] else {
                throw .staleManifest(path: "split manifest", reason: "\(e.path) has class \(e.className), which the manifest does not list")
            }
            out.append(DatasetItem(path: e.path, label: label))
        }
        return out
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }

    public static func read(from url: URL) throws(SplitError) -> SplitManifest {
        do {
            let m = try DamagedFile.decodeJSON(SplitManifest.self, from: url)
            if m.formatVersion != formatVersion { throw SplitError.unreadableManifest(path: url.path, reason: "format version \(m.formatVersion), expected \(formatVersion)") }
            return m
        } catch let e as SplitError { throw e } catch let e as DamagedFile {
            // Drawn again from the same seed and images, the split is the same one.
            throw .unreadableManifest(path: url.path, reason: "it is damaged (\(e.problem)); "
                                      + "delete it, and the load stage draws the same split again from the seed")
        } catch { throw .unreadableManifest(path: url.path, reason: FileSystemError.reason(error)) }
    }

    /// Whether the manifest at `url` was reused or newly written.
    public enum Origin: Sendable, Equatable { case reused, created }

    /// Reuses the manifest at `url` when it describes exactly this data with these settings;
    /// otherwise, if there is none, draws and writes a new one. A manifest for different data
    /// or settings is an error, never silently replaced (that is how Monk leaks validation
    /// images into training on resume).
    public static func loadOrCreate(at url: URL, dataset: Dataset, hashes: [String], settings: SplitPlan) throws -> (SplitManifest, Origin) {
        if FileManager.default.fileExists(atPath: url.path) {
            let m = try read(from: url)
            if m.settings != settings { throw SplitError.staleManifest(path: url.path, reason: "split settings changed") }
            if m.classes != dataset.classes { throw SplitError.staleManifest(path: url.path, reason: "classes changed") }
            if m.entries.count != dataset.items.count { throw SplitError.staleManifest(path: url.path, reason: "\(m.entries.count) images listed, \(dataset.items.count) found") }
            for (i, e) in m.entries.enumerated() where e.path != dataset.items[i].path || e.hash != hashes[i] {
                throw SplitError.staleManifest(path: url.path, reason: e.path != dataset.items[i].path ? "\(e.path) missing" : "\(e.path) changed content")
            }
            return (m, .reused)
        }
        let m = try make(dataset, hashes: hashes, settings: settings)
        try m.write(to: url)
        return (m, .created)
    }
}
