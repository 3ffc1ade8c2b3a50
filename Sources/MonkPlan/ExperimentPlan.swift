// One experiment of a plan: the model, how it is trained, and how it is evaluated.

/// Everything that decides how one experiment trains and is tested.
public struct ExperimentPlan: Codable, Equatable, Sendable {
    /// A safe single path component (`workspace/<project>/<name>/`).
    public var name: String
    public var model: ModelName
    public var pretrained: Pretrained
    /// Train only the new classification head.
    public var freezeBaseNetwork: Bool
    /// Number of leading layers (in the model's own layer order) whose weights stay fixed.
    public var freezeLayers: Int
    public var epochs: Int
    public var optimizer: Optimizer
    public var lrSchedule: LRSchedule
    public var loss: Loss
    public var earlyStopping: EarlyStopping?
    public var testCheckpoint: CheckpointChoice
    public var evaluation: EvaluationPlan
    /// Seed for weight initialisation, shuffling and augmentation.
    public var seed: UInt64

    public init(name: String, model: ModelName, pretrained: Pretrained, freezeBaseNetwork: Bool,
                freezeLayers: Int, epochs: Int, optimizer: Optimizer, lrSchedule: LRSchedule,
                loss: Loss, earlyStopping: EarlyStopping?, testCheckpoint: CheckpointChoice,
                evaluation: EvaluationPlan, seed: UInt64) {
        self.name = name
        self.model = model
        self.pretrained = pretrained
        self.freezeBaseNetwork = freezeBaseNetwork
        self.freezeLayers = freezeLayers
        self.epochs = epochs
        self.optimizer = optimizer
        self.lrSchedule = lrSchedule
        self.loss = loss
        self.earlyStopping = earlyStopping
        self.testCheckpoint = testCheckpoint
        self.evaluation = evaluation
        self.seed = seed
    }
}

/// The network architectures a spec can name (Monk's names).
public enum ModelName: String, Codable, Equatable, Hashable, Sendable, CaseIterable {
    case resnet18_v1, resnet34_v1, resnet50_v1, resnet101_v1
    case resnet18_v2, resnet50_v2
    case densenet121, densenet169
    case mobilenet_v2
    case efficientnet_lite0
    case tiny_cnn

    /// torchvision's names, accepted in specs and mapped to ours.
    public static let aliases: [String: ModelName] = [
        "resnet18": .resnet18_v1, "resnet34": .resnet34_v1, "resnet50": .resnet50_v1,
        "resnet101": .resnet101_v1,
    ]

    /// Whether published pretrained weights exist for this architecture.
    public var hasPretrainedWeights: Bool { self != .tiny_cnn }

    /// DenseNets are trained with weight decay 1e-4 in Monk's quick mode; others with none.
    public var defaultWeightDecay: Double {
        switch self {
        case .densenet121, .densenet169: return 1e-4
        default: return 0
        }
    }
}

/// Which weights a model starts from.
public enum Pretrained: Codable, Equatable, Hashable, Sendable {
    /// Random initialisation (seeded).
    case none
    /// The published ImageNet weights for the architecture.
    case imagenet
    /// A weights file at this absolute path.
    case file(path: String)
}

/// Which weights the test stage evaluates.
public enum CheckpointChoice: String, Codable, Equatable, Hashable, Sendable, CaseIterable {
    /// The epoch with the best validation metric.
    case best
    /// The last epoch trained.
    case final
}

/// A validation metric that early stopping and the plateau schedule can watch.
public enum ValidationMetric: String, Codable, Equatable, Hashable, Sendable, CaseIterable {
    case val_loss, val_accuracy

    /// The direction in which the metric improves.
    public var defaultMode: MetricMode { self == .val_loss ? .min : .max }
}

/// Whether smaller or larger values of a metric are better.
public enum MetricMode: String, Codable, Equatable, Hashable, Sendable, CaseIterable {
    case min, max
}

/// Stop training when the watched metric has not improved by `minDelta` for `patience` epochs.
public struct EarlyStopping: Codable, Equatable, Hashable, Sendable {
    public var metric: ValidationMetric
    public var patience: Int
    public var minDelta: Double
    public var mode: MetricMode

    public init(metric: ValidationMetric, patience: Int, minDelta: Double, mode: MetricMode) {
        self.metric = metric
        self.patience = patience
        self.minDelta = minDelta
        self.mode = mode
    }
}
