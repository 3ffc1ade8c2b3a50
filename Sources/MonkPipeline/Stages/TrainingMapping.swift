// From the plan's schedule and loss to the engine's (the optimizer is the same type in both).
import MonkEngine
import MonkPlan

extension MonkPlan.LRSchedule {
    func engine(baseLR: Double) throws -> MonkEngine.LRSchedule {
        switch self {
        case .fixed: return try .init(.fixed, baseLR: baseLR)
        case let .step(stepSize, gamma): return try .init(.step(stepSize: stepSize, gamma: gamma), baseLR: baseLR)
        case let .multistep(milestones, gamma): return try .init(.multiStep(milestones: milestones, gamma: gamma), baseLR: baseLR)
        case .exponential(let gamma): return try .init(.exponential(gamma: gamma), baseLR: baseLR)
        case let .cosine(tMax, etaMin, warmupEpochs):
            let warmup = warmupEpochs > 0
                ? Warmup(length: warmupEpochs, unit: .epochs, startFactor: 1 / Double(warmupEpochs + 1)) : nil
            return try .init(.cosine(tMax: tMax, etaMin: etaMin), baseLR: baseLR, warmup: warmup)
        case .plateau(let p):
            let config = PlateauConfig(mode: p.mode, factor: p.factor, patience: p.patience,
                                       threshold: p.threshold, cooldown: p.cooldown, minLR: p.minLR)
            return try .init(.plateau(config), baseLR: baseLR)
        }
    }

    /// The validation metric reduce-on-plateau watches (validation loss for the others).
    var watchedMetric: ValidationMetric {
        if case .plateau(let p) = self { return p.metric }
        return .val_loss
    }
}

extension MonkPlan.Loss {
    /// The engine loss, with `balanced` weights computed from the training split's class counts
    /// (w_c = N / (classes · N_c), sklearn's "balanced").
    func engine(trainCounts counts: [Int]) throws -> TrainingLoss {
        func weights(_ w: ClassWeights) throws -> [Float]? {
            switch w {
            case .none: return nil
            case .balanced:
                let n = Double(counts.reduce(0, +)), k = Double(counts.count)
                if let empty = counts.firstIndex(of: 0) {
                    throw PipelineError.invalid("class_weights: balanced needs images of every class; class #\(empty) has none in the training split")
                }
                return counts.map { Float(n / (k * Double($0))) }
            case .explicit(let list):
                guard list.count == counts.count else {
                    throw PipelineError.invalid("class_weights lists \(list.count) weights for \(counts.count) classes")
                }
                return list.map(Float.init)
            }
        }
        switch self {
        case let .crossEntropy(w, smoothing):
            return .crossEntropy(SoftmaxCrossEntropy(classWeights: try weights(w), labelSmoothing: Float(smoothing)))
        case .binaryCrossEntropy(let w):
            if try weights(w) != nil {
                throw PipelineError.invalid("binary_cross_entropy takes no class_weights in this version; use cross_entropy with class_weights")
            }
            return .binaryCrossEntropy(SigmoidBinaryCrossEntropy())
        }
    }
}

import Foundation
