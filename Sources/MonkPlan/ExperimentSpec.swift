// The experiment settings as written in `defaults`, under `experiments`, or as the merged
// result of both (every field optional: what is left out comes from the defaults).
import MonkVocabulary

public struct ExperimentSpec: Codable, Equatable, Sendable {
    public var model: Architecture?
    public var pretrained: PretrainedSpec?
    public var freezeBaseNetwork: Bool?
    public var freezeLayers: Int?
    public var unfreezeAfterEpochs: Int?
    public var epochs: Int?
    public var optimizer: OptimizerSpec?
    public var lrSchedule: ScheduleSpec?
    public var loss: LossSpec?
    public var earlyStopping: EarlyStoppingSpec?
    public var testCheckpoint: CheckpointChoice?
    public var bestMetric: ValidationMetric?
    public var evaluation: EvaluationSpec?
    public var seed: Int?

    enum CodingKeys: String, CodingKey {
        case model, pretrained, epochs, optimizer, loss, evaluation, seed
        case freezeBaseNetwork = "freeze_base_network", freezeLayers = "freeze_layers"
        case unfreezeAfterEpochs = "unfreeze_after_epochs"
        case lrSchedule = "lr_schedule", earlyStopping = "early_stopping", testCheckpoint = "test_checkpoint"
        case bestMetric = "best_metric"
    }
}

/// `true`, `false`, or a weights file.
public enum PretrainedSpec: Codable, Equatable, Sendable {
    case flag(Bool)
    case file(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let flag = try? c.decode(Bool.self) { self = .flag(flag) } else { self = .file(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .flag(let flag): try c.encode(flag)
        case .file(let path): try c.encode(path)
        }
    }
}


/// All optimizer settings; which ones a `type` accepts is checked against the format.
public struct OptimizerSpec: Codable, Equatable, Sendable {
    public var type: OptimizerKind?
    public var lr, momentum, weightDecay, eps, alpha: Double?
    public var nesterov: Bool?
    public var betas: [Double]?

    enum CodingKeys: String, CodingKey {
        case type, lr, momentum, eps, alpha, nesterov, betas, weightDecay = "weight_decay"
    }
}

public struct ScheduleSpec: Codable, Equatable, Sendable {
    public var type: ScheduleKind?
    public var stepSize, tMax, warmupEpochs, patience, cooldown: Int?
    public var gamma, etaMin, factor, threshold, minLR: Double?
    public var milestones: [Int]?
    public var metric: ValidationMetric?
    public var mode: MetricMode?

    enum CodingKeys: String, CodingKey {
        case type, gamma, milestones, factor, patience, threshold, cooldown, metric, mode
        case stepSize = "step_size", tMax = "t_max", etaMin = "eta_min", warmupEpochs = "warmup_epochs", minLR = "min_lr"
    }
}

public struct LossSpec: Codable, Equatable, Sendable {
    public var type: LossKind?
    /// As written, which is also the plan's form (`none`, `balanced`, or one weight per class).
    public var classWeights: ClassWeights?
    public var labelSmoothing: Double?

    enum CodingKeys: String, CodingKey {
        case type, classWeights = "class_weights", labelSmoothing = "label_smoothing"
    }
}

/// `false` (off) or the settings.
public enum EarlyStoppingSpec: Codable, Equatable, Sendable {
    case off
    case on(EarlyStoppingSettings)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if (try? c.decode(Bool.self)) != nil { self = .off } else { self = .on(try c.decode(EarlyStoppingSettings.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .off: try c.encode(false)
        case .on(let settings): try c.encode(settings)
        }
    }
}

public struct EarlyStoppingSettings: Codable, Equatable, Sendable {
    public var metric: ValidationMetric?
    public var patience: Int?
    public var minDelta: Double?
    public var mode: MetricMode?

    enum CodingKeys: String, CodingKey {
        case metric, patience, mode, minDelta = "min_delta"
    }
}

public struct EvaluationSpec: Codable, Equatable, Sendable {
    public var positiveClass: String?
    public var threshold: ThresholdSpec?
    public var bootstrap: BootstrapSpec?

    enum CodingKeys: String, CodingKey {
        case threshold, bootstrap, positiveClass = "positive_class"
    }
}

/// A probability, or `youden`.
public enum ThresholdSpec: Codable, Equatable, Sendable {
    case value(Double)
    case youden

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let value = try? c.decode(Double.self) { self = .value(value) } else {
            _ = try c.decode(String.self)
            self = .youden
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .value(let value): try c.encode(value)
        case .youden: try c.encode("youden")
        }
    }
}

public struct BootstrapSpec: Codable, Equatable, Sendable {
    public var samples: Int?
    public var seed: Int?
}
