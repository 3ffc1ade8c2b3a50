// Datasets as lists of (file, class): read from a folder per class or from a CSV file.
import Foundation
import MonkVocabulary

/// One image of a dataset: its path relative to the dataset root and its class index.
public struct DatasetItem: Codable, Hashable, Sendable {
    public var path: String
    public var label: Int
    public init(path: String, label: Int) { self.path = path; self.label = label }
}

/// Where a dataset's labels come from.
public enum DatasetLayout: Codable, Hashable, Sendable {
    /// `root/<class>/<image>`; classes are the sub-folder names, sorted.
    case folderPerClass
    /// A CSV file of `path<delimiter>label` rows (paths relative to the root); `header` says
    /// whether the first row holds column names (e.g. `ID,LABEL`) rather than data.
    case csv(file: String, delimiter: Character, header: Bool)

    enum CodingKeys: String, CodingKey { case kind, file, delimiter, header }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "folderPerClass": self = .folderPerClass
        case "csv":
            let d = try c.decode(String.self, forKey: .delimiter)
            guard d.count == 1, let ch = d.first else {
                throw DecodingError.dataCorruptedError(forKey: .delimiter, in: c, debugDescription: "one character expected")
            }
            self = .csv(file: try c.decode(String.self, forKey: .file), delimiter: ch, header: try c.decode(Bool.self, forKey: .header))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown layout \(other)")
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .folderPerClass: try c.encode("folderPerClass", forKey: .kind)
        case let .csv(file, delimiter, header):
            try c.encode("csv", forKey: .kind)
            try c.encode(file, forKey: .file)
            try c.encode(String(delimiter), forKey: .delimiter)
            try c.encode(header, forKey: .header)
        }
    }
}

/// Why a dataset could not be listed.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingFolder(String)
    case unreadableFolder(String, reason: String)
    case noClasses(String)
    case unknownClass(String, known: [String], source: String)
    case malformedCSV(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingFolder(let p): return "dataset folder \(p) does not exist or is not a folder"
        case let .unreadableFolder(p, why): return "cannot read folder \(p): \(why)"
        case .noClasses(let p): return "no class folders or labels found in \(p)"
        case let .unknownClass(name, known, source):
            return "class \"\(name)\" in \(source) is not one of the training classes \(known)"
        case let .malformedCSV(file, line, reason): return "\(file):\(line): \(reason)"
        }
    }
}

/// A list of labelled image files under one root.
public struct Dataset: Sendable, Equatable {
    public var root: URL
    /// Class names; an item's `label` indexes this list.
    public var classes: [String]
    public var items: [DatasetItem]
    /// Items that cannot be read because of their name alone (not UTF-8), by path, with why:
    /// the scan reports them as bad files without opening anything.
    public var refused: [String: String] = [:]
    /// Entries of the folder that are not items, each with its reason.
    public var unused: [UnusedEntry] = []

    public func url(of item: DatasetItem) -> URL { root.appendingPathComponent(item.path) }

    /// Number of items per class, in class order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for item in items { counts[item.label] += 1 }
        return counts
    }

    /// Lists a plan's source: a folder per class, or a CSV file whose image paths are relative
    /// to its root. Throws `DatasetError` (a CSV delimiter must be one character).
    public static func load(_ source: DatasetSource, classes: [String]?) throws(DatasetError) -> Dataset {
        switch source {
        case .folder(let path):
            return try load(root: URL(fileURLWithPath: path), layout: .folderPerClass, classes: classes)
        case .csv(let csv):
            guard let delimiter = csv.delimiter.first, csv.delimiter.count == 1 else {
                throw .malformedCSV(file: csv.file, line: 0, reason: "delimiter must be one character, got \"\(csv.delimiter)\"")
            }
            // The layout's file is relative to the root; express the CSV's absolute path so.
            return try load(root: URL(fileURLWithPath: csv.root),
                            layout: .csv(file: relativePath(of: csv.file, from: csv.root), delimiter: delimiter, header: true),
                            classes: classes, columns: (csv.imageColumn, csv.labelColumn))
        }
    }

    /// `path` relative to `base` (both absolute), with `..` where needed.
    static func relativePath(of path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var i = 0
        while i < min(p.count, b.count) && p[i] == b[i] { i += 1 }
        return (Array(repeating: "..", count: b.count - i) + p[i...]).joined(separator: "/")
    }

    /// Lists `root` in the given layout. With `classes` (e.g. a test set read with the
    /// training set's classes), labels index that list and any other class is an error;
    /// without, the classes found are used, sorted by name.
    /// `columns` names a CSV's image and label columns (used when its header has both).
    public static func load(root: URL, layout: DatasetLayout, classes: [String]? = nil,
                            columns: (image: String, label: String)? = nil) throws(DatasetError) -> Dataset {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw .missingFolder(root.path)
        }
        let pairs: [(path: String, className: String)]
        var listing: FolderListing?
        switch layout {
        case .folderPerClass:
            let found = try FolderListing(root: root)
            listing = found
            pairs = found.candidates
        case let .csv(file, delimiter, header):
            pairs = try CSVLabels.read(root.appendingPathComponent(file), delimiter: delimiter, header: header, columns: columns)
        }
        let names = classes ?? Array(Set(pairs.map(\.className))).sorted()
        if names.isEmpty { throw .noClasses(root.path) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var items: [DatasetItem] = []
        for p in pairs {
            guard let label = index[p.className] else { throw .unknownClass(p.className, known: names, source: root.path) }
            items.append(DatasetItem(path: p.path, label: label))
        }
        return Dataset(root: root, classes: names, items: items, refused: listing?.refused ?? [:], unused: listing?.unused ?? [])
    }
}
