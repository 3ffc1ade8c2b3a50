// One experiment of a plan: the model, how it is trained, and how it is evaluated.
import MonkVocabulary

/// Everything that decides how one experiment trains and is tested.
public struct ExperimentPlan: Codable, Equatable, Sendable {
    /// A safe single path component (`workspace/<project>/<name>/`).
    public var name: String
    public var model: Architecture
    public var pretrained: Pretrained
    /// Train only the new classification head.
    public var freezeBaseNetwork: Bool
    /// Number of leading layers (in the model's own layer order) whose weights stay fixed.
    public var freezeLayers: Int
    /// With freezing: the epochs trained frozen before every layer trains (head first, then
    /// the whole network: linear probing then fine-tuning); nil keeps the freezing to the end.
    public var unfreezeAfterEpochs: Int?
    public var epochs: Int
    public var optimizer: OptimizerConfig
    public var lrSchedule: LRSchedule
    public var loss: Loss
    public var earlyStopping: EarlyStopping?
    public var testCheckpoint: CheckpointChoice
    /// The validation metric that picks the best checkpoint (improving in its default direction).
    public var bestMetric: ValidationMetric
    public var evaluation: EvaluationPlan
    /// Seed for weight initialisation, shuffling and augmentation.
    public var seed: UInt64

    public init(name: String, model: Architecture, pretrained: Pretrained, freezeBaseNetwork: Bool,
                freezeLayers: Int, epochs: Int, optimizer: OptimizerConfig, lrSchedule: LRSchedule,
                loss: Loss, earlyStopping: EarlyStopping?, testCheckpoint: CheckpointChoice,
                bestMetric: ValidationMetric = .val_loss, evaluation: EvaluationPlan, seed: UInt64,
                unfreezeAfterEpochs: Int? = nil) {
        self.name = name
        self.model = model
        self.pretrained = pretrained
        self.freezeBaseNetwork = freezeBaseNetwork
        self.freezeLayers = freezeLayers
        self.unfreezeAfterEpochs = unfreezeAfterEpochs
        self.epochs = epochs
        self.optimizer = optimizer
        self.lrSchedule = lrSchedule
        self.loss = loss
        self.earlyStopping = earlyStopping
        self.testCheckpoint = testCheckpoint
        self.bestMetric = bestMetric
        self.evaluation = evaluation
        self.seed = seed
    }

    /// Whether some layers start frozen (`freeze_base_network` or `freeze_layers`).
    public var startsFrozen: Bool { freezeBaseNetwork || freezeLayers > 0 }

    /// "for 2 epochs" when the freezing ends (`unfreeze_after_epochs`); nil when it holds to the end.
    public var frozenSpan: String? {
        guard startsFrozen, let n = unfreezeAfterEpochs else { return nil }
        return "for \(n) epoch\(n == 1 ? "" : "s")"
    }

    /// Reads a plan as recorded in an experiment's state. Experiments trained before
    /// `best_metric` existed have no `bestMetric`: their best checkpoint was the epoch with the
    /// highest validation accuracy, so that is what they read as (they stay usable by
    /// evaluate, infer, export and show).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        model = try c.decode(Architecture.self, forKey: .model)
        pretrained = try c.decode(Pretrained.self, forKey: .pretrained)
        freezeBaseNetwork = try c.decode(Bool.self, forKey: .freezeBaseNetwork)
        freezeLayers = try c.decode(Int.self, forKey: .freezeLayers)
        unfreezeAfterEpochs = try c.decodeIfPresent(Int.self, forKey: .unfreezeAfterEpochs)
        epochs = try c.decode(Int.self, forKey: .epochs)
        optimizer = try c.decode(OptimizerConfig.self, forKey: .optimizer)
        lrSchedule = try c.decode(LRSchedule.self, forKey: .lrSchedule)
        loss = try c.decode(Loss.self, forKey: .loss)
        earlyStopping = try c.decodeIfPresent(EarlyStopping.self, forKey: .earlyStopping)
        testCheckpoint = try c.decode(CheckpointChoice.self, forKey: .testCheckpoint)
        bestMetric = try c.decodeIfPresent(ValidationMetric.self, forKey: .bestMetric) ?? .val_accuracy
        evaluation = try c.decode(EvaluationPlan.self, forKey: .evaluation)
        seed = try c.decode(UInt64.self, forKey: .seed)
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
