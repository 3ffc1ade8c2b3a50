// Optimizers, learning-rate schedules and losses as typed values with every parameter filled in.
import MonkVocabulary

/// An optimizer and all its hyper-parameters.
public enum Optimizer: Codable, Equatable, Hashable, Sendable {
    case sgd(SGDSettings)
    case adam(AdamSettings)
    /// Adam with decoupled weight decay.
    case adamw(AdamSettings)
    case rmsprop(RMSpropSettings)

    /// The initial learning rate.
    public var learningRate: Double {
        switch self {
        case .sgd(let s): return s.lr
        case .adam(let s), .adamw(let s): return s.lr
        case .rmsprop(let s): return s.lr
        }
    }
}

public struct SGDSettings: Codable, Equatable, Hashable, Sendable {
    public var lr: Double
    public var momentum: Double
    public var nesterov: Bool
    public var weightDecay: Double

    public init(lr: Double, momentum: Double, nesterov: Bool, weightDecay: Double) {
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }
}

public struct AdamSettings: Codable, Equatable, Hashable, Sendable {
    public var lr: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double

    public init(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double) {
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

public struct RMSpropSettings: Codable, Equatable, Hashable, Sendable {
    public var lr: Double
    /// Smoothing constant of the squared-gradient average.
    public var alpha: Double
    public var eps: Double
    public var momentum: Double
    public var weightDecay: Double

    public init(lr: Double, alpha: Double, eps: Double, momentum: Double, weightDecay: Double) {
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.weightDecay = weightDecay
    }
}

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
