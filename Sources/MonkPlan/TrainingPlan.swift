// Learning-rate schedules and losses as typed values with every parameter filled in (the
// optimizers are MonkVocabulary's OptimizerConfig, shared with the engine).
import MonkVocabulary

/// How the learning rate changes from epoch to epoch (all schedules step once per epoch).
public enum LRSchedule: Codable, Equatable, Hashable, Sendable {
    case fixed
    /// Multiply by `gamma` every `stepSize` epochs.
    case step(stepSize: Int, gamma: Double)
    /// Multiply by `gamma` at each milestone epoch (ascending).
    case multistep(milestones: [Int], gamma: Double)
    case exponential(gamma: Double)
    /// Linear warm-up from lr/(warmupEpochs+1) for `warmupEpochs`, then cosine from lr to
    /// `etaMin` over `tMax` epochs.
    case cosine(tMax: Int, etaMin: Double, warmupEpochs: Int)
    /// Multiply by `factor` when `metric` has not improved by `threshold` (relative) for
    /// `patience` epochs; wait `cooldown` epochs after a reduction; never below `minLR`.
    case plateau(PlateauSettings)
}

public struct PlateauSettings: Codable, Equatable, Hashable, Sendable {
    public var metric: ValidationMetric
    public var mode: MetricMode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var cooldown: Int
    public var minLR: Double

    public init(metric: ValidationMetric, mode: MetricMode, factor: Double, patience: Int,
                threshold: Double, cooldown: Int, minLR: Double) {
        self.metric = metric
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minLR = minLR
    }
}

/// The training loss.
public enum Loss: Codable, Equatable, Hashable, Sendable {
    /// Softmax cross-entropy over all classes.
    case crossEntropy(classWeights: ClassWeights, labelSmoothing: Double)
    /// One sigmoid output per class, each a binary cross-entropy.
    case binaryCrossEntropy(classWeights: ClassWeights)
}

/// Per-class loss weights.
public enum ClassWeights: Codable, Equatable, Hashable, Sendable {
    case none
    /// weight_c = N / (classes × N_c), computed from the training split's counts.
    case balanced
    /// One weight per class, in the order of the class names (sorted).
    case explicit([Double])
}
