// The data section of a plan: sources, the validation split, preprocessing and batching.
import MonkVocabulary

/// Where the train, validation and test images come from and how they are prepared.
public struct DataPlan: Codable, Equatable, Sendable {
    public var train: DatasetSource
    /// A separate folder, or a seeded split carved out of `train`.
    public var validation: ValidationSource
    /// Optional test set; without it the test stage is skipped.
    public var test: DatasetSource?
    /// Side of the square network input in pixels.
    public var inputSize: Int
    public var batchSize: Int
    /// Threads that decode and transform images.
    public var workers: ThreadCount
    /// How decoded images are turned into network channels.
    public var color: ColorMode
    /// Applied to training images, in order.
    public var trainTransforms: [Transform]
    /// Applied to validation and test images, in order.
    public var evalTransforms: [Transform]
    public var onBadImage: BadImagePolicy
    /// A seeded, stratified part of each folder read, for quick runs (`data.limit`); nil for
    /// all images.
    public var limit: DataLimit?

    public init(train: DatasetSource, validation: ValidationSource, test: DatasetSource?,
                inputSize: Int, batchSize: Int, workers: ThreadCount, color: ColorMode,
                trainTransforms: [Transform], evalTransforms: [Transform], onBadImage: BadImagePolicy,
                limit: DataLimit? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
        self.inputSize = inputSize
        self.batchSize = batchSize
        self.workers = workers
        self.color = color
        self.trainTransforms = trainTransforms
        self.evalTransforms = evalTransforms
        self.onBadImage = onBadImage
        self.limit = limit
    }
}

/// How many images of each folder a quick run reads: a count or a fraction, chosen per class
/// in proportion with `seed`.
public struct DataLimit: Codable, Equatable, Hashable, Sendable {
    public enum Amount: Equatable, Hashable, Sendable {
        case images(Int)
        /// In (0, 1).
        case fraction(Double)
    }

    public var amount: Amount
    public var seed: UInt64

    public init(amount: Amount, seed: UInt64) {
        self.amount = amount
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey { case images, fraction, seed }

    // `{"images": 200, "seed": 0}` or `{"fraction": 0.1, "seed": 0}`: readable in
    // experiment-state.json and in `plan`'s "what changed" lines.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decode(UInt64.self, forKey: .seed)
        if let n = try c.decodeIfPresent(Int.self, forKey: .images) { amount = .images(n) } else {
            amount = .fraction(try c.decode(Double.self, forKey: .fraction))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        switch amount {
        case .images(let n): try c.encode(n, forKey: .images)
        case .fraction(let f): try c.encode(f, forKey: .fraction)
        }
    }
}

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
