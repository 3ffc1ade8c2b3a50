// ReduceLROnPlateau with PyTorch's exact bookkeeping: best, bad epochs, cooldown, min_lr.
import MonkVocabulary

/// torch.optim.lr_scheduler.ReduceLROnPlateau's settings (same defaults).
public struct PlateauConfig: Codable, Equatable, Sendable {
    /// `min` for a loss, `max` for an accuracy: the vocabulary's MetricMode (same words, so
    /// resume files written with the engine's own enum read alike).
    public typealias Mode = MetricMode
    /// `rel`: improvement must beat best·(1 ∓ threshold); `abs`: best ∓ threshold.
    public enum ThresholdMode: String, Codable, Sendable { case rel, abs }

    public var mode: Mode = .min
    public var factor: Double = 0.1
    /// Epochs without improvement tolerated; the rate drops on the (patience+1)-th.
    public var patience: Int = 10
    public var threshold: Double = 1e-4
    public var thresholdMode: ThresholdMode = .rel
    /// Epochs after a reduction during which bad epochs are not counted.
    public var cooldown: Int = 0
    public var minLR: Double = 0
    /// Reductions smaller than this are skipped (PyTorch's eps).
    public var eps: Double = 1e-8

    public init(mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                thresholdMode: ThresholdMode = .rel, cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) {
        self.mode = mode; self.factor = factor; self.patience = patience; self.threshold = threshold
        self.thresholdMode = thresholdMode; self.cooldown = cooldown; self.minLR = minLR; self.eps = eps
    }
}

/// The mutable part of a plateau schedule, saved in checkpoints.
public struct PlateauState: Codable, Equatable, Sendable {
    /// Best metric so far; nil before the first observation (PyTorch's ±inf, which JSON
    /// cannot hold).
    public var best: Double?
    public var numBadEpochs = 0
    public var cooldownCounter = 0
    public var learningRate: Double

    init(learningRate: Double) { self.learningRate = learningRate }

    /// PyTorch's comparison, except that a non-finite metric never counts as better (it
    /// could not be saved as JSON, and a loss of ±inf is a diverged run, not progress).
    func isBetter(_ a: Double, _ c: PlateauConfig) -> Bool {
        guard a.isFinite else { return false }
        let best = self.best ?? (c.mode == .min ? .infinity : -.infinity)
        switch (c.mode, c.thresholdMode) {
        case (.min, .rel): return a < best * (1 - c.threshold)
        case (.min, .abs): return a < best - c.threshold
        case (.max, .rel): return a > best * (c.threshold + 1)
        case (.max, .abs): return a > best + c.threshold
        }
    }

    /// One epoch's metric, in the order of PyTorch's `ReduceLROnPlateau.step`.
    mutating func observe(_ metric: Double, _ c: PlateauConfig) {
        if isBetter(metric, c) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > c.patience {
            let reduced = max(learningRate * c.factor, c.minLR)
            if learningRate - reduced > c.eps { learningRate = reduced }
            cooldownCounter = c.cooldown
            numBadEpochs = 0
        }
    }
}
