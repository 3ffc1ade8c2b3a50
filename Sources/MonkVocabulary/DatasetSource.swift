// Where a dataset's images come from, declared once for the plan (whose stage keys hash this
// encoding) and the loader (MonkData's `Dataset.load(_:classes:)` reads them).

/// A labelled image collection.
public enum DatasetSource: Codable, Equatable, Hashable, Sendable {
    /// One sub-folder per class (the folder name is the label); absolute path.
    case folder(path: String)
    /// A CSV file of image path and label; image paths are relative to `root`.
    case csv(CSVSource)

    /// The path the source is read from (the folder, or the CSV file).
    public var path: String {
        switch self {
        case .folder(let path): return path
        case .csv(let csv): return csv.file
        }
    }
}

/// A CSV-described dataset (Monk's `ID,Label` format by default).
public struct CSVSource: Codable, Equatable, Hashable, Sendable {
    /// Absolute path of the CSV file (it has a header row).
    public var file: String
    /// Absolute folder the image paths in the CSV are relative to.
    public var root: String
    /// A single character.
    public var delimiter: String
    public var imageColumn: String
    public var labelColumn: String

    public init(file: String, root: String, delimiter: String, imageColumn: String, labelColumn: String) {
        self.file = file
        self.root = root
        self.delimiter = delimiter
        self.imageColumn = imageColumn
        self.labelColumn = labelColumn
    }
}

/// Where validation images come from.
public enum ValidationSource: Codable, Equatable, Hashable, Sendable {
    case folder(path: String)
    /// A part of the training images, chosen once (seeded) and saved as a manifest.
    case split(SplitPlan)
}

/// A seeded train/validation split of the training images.
public struct SplitPlan: Codable, Equatable, Hashable, Sendable {
    /// Fraction of training images (or groups) that go to validation, in (0, 1).
    public var fraction: Double
    /// Keep each class's proportion the same in both parts.
    public var stratified: Bool
    /// A regular expression whose first match in a file name (its first capture group, if
    /// it has one) names the group; a group is never divided between train and validation.
    /// For chest X-rays the group is the patient.
    public var groupBy: String?
    public var seed: UInt64

    public init(fraction: Double, stratified: Bool, groupBy: String?, seed: UInt64) {
        self.fraction = fraction
        self.stratified = stratified
        self.groupBy = groupBy
        self.seed = seed
    }
}

// Readable JSON, `{"folder": "/data/train"}` or `{"split": {...}}`, rather than Swift's
// synthesised `{"folder": {"path": …}}` / `{"split": {"_0": …}}`: experiment-state.json shows it
// to people, and the stage keys hash it (so this form is fixed).

/// Decodes the single `case: value` pair of a one-key object.
private func onlyKey<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ type: String) throws -> K {
    guard c.allKeys.count == 1, let key = c.allKeys.first else {
        throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "expected one \(type) case"))
    }
    return key
}

extension DatasetSource {
    private enum Key: String, CodingKey { case folder, csv }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try onlyKey(c, "dataset source") {
        case .folder: self = .folder(path: try c.decode(String.self, forKey: .folder))
        case .csv: self = .csv(try c.decode(CSVSource.self, forKey: .csv))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .folder(let path): try c.encode(path, forKey: .folder)
        case .csv(let csv): try c.encode(csv, forKey: .csv)
        }
    }
}

extension ValidationSource {
    private enum Key: String, CodingKey { case folder, split }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try onlyKey(c, "validation source") {
        case .folder: self = .folder(path: try c.decode(String.self, forKey: .folder))
        case .split: self = .split(try c.decode(SplitPlan.self, forKey: .split))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .folder(let path): try c.encode(path, forKey: .folder)
        case .split(let split): try c.encode(split, forKey: .split)
        }
    }
}
