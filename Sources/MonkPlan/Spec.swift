// The spec as written: Codable types that mirror the YAML file key for key, with nothing
// resolved (optionals stay nil, relative paths stay relative, aliases are already mapped).
import MonkVocabulary

/// A pipeline file as written.
public struct Spec: Codable, Equatable, Sendable {
    public var project: String
    public var workspace: String?
    public var seed: Int?
    public var threads: ThreadsSpec?
    public var data: DataSpec
    public var defaults: ExperimentSpec?
    public var experiments: [String: ExperimentSpec]?
    /// Dotted key → values to try; the grid is every combination.
    public var sweep: [String: [SpecValue]]?
    public var comparison: ComparisonSpec?
}

/// `auto` or a count.
public enum ThreadsSpec: Codable, Equatable, Sendable {
    case auto
    case count(Int)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .count(n) } else {
            _ = try c.decode(String.self)
            self = .auto
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .auto: try c.encode("auto")
        case .count(let n): try c.encode(n)
        }
    }
}

public struct ComparisonSpec: Codable, Equatable, Sendable {
    public var name: String?
    public var experiments: [String]?
}

/// The `data` section as written.
public struct DataSpec: Codable, Equatable, Sendable {
    public var train: SourceSpec
    public var val: ValSpec?
    public var test: SourceSpec?
    public var inputSize: Int?
    public var batchSize: Int?
    public var workers: ThreadsSpec?
    public var color: ColorMode?
    public var trainTransforms: [TransformSpec]?
    public var evalTransforms: [TransformSpec]?
    public var onBadImage: BadImagePolicy?
    public var limit: DataLimit.Amount?

    enum CodingKeys: String, CodingKey {
        case train, val, test, workers, color, limit
        case inputSize = "input_size", batchSize = "batch_size", trainTransforms = "train_transforms"
        case evalTransforms = "eval_transforms", onBadImage = "on_bad_image"
    }
}

/// A folder of class sub-folders (written as a path), or a CSV file.
public enum SourceSpec: Codable, Equatable, Sendable {
    case folder(String)
    case csv(CSVSpec)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let path = try? c.decode(String.self) { self = .folder(path) } else { self = .csv(try c.decode(CSVSpec.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .folder(let path): try c.encode(path)
        case .csv(let csv): try c.encode(csv)
        }
    }
}

public struct CSVSpec: Codable, Equatable, Sendable {
    public var csv: String
    public var root: String?
    public var delimiter: String?
    public var imageColumn: String?
    public var labelColumn: String?

    enum CodingKeys: String, CodingKey {
        case csv, root, delimiter, imageColumn = "image_column", labelColumn = "label_column"
    }
}

/// A validation folder (written as a path), or a split of the training images.
public enum ValSpec: Codable, Equatable, Sendable {
    case folder(String)
    case split(SplitSpec)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let path = try? c.decode(String.self) { self = .folder(path) } else { self = .split(try c.decode(SplitSpec.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .folder(let path): try c.encode(path)
        case .split(let split): try c.encode(split)
        }
    }
}

public struct SplitSpec: Codable, Equatable, Sendable {
    public var fraction: Double?
    public var stratified: Bool?
    public var groupBy: String?
    public var seed: Int?

    enum CodingKeys: String, CodingKey {
        case fraction, stratified, seed, groupBy = "group_by"
    }
}
