// A learning-rate schedule with its state: asked for the rate before every optimizer step,
// told the validation metric after every epoch (only reduce-on-plateau listens).

/// Computes the learning rate for any (epoch, step) from closed forms, so a resumed run needs
/// no replay; only reduce-on-plateau keeps state, which is part of the Codable value.
///
/// Use in a training loop:
/// ```
/// optimizer.learningRate = schedule.learningRate(epoch: e, step: i, stepsPerEpoch: n)
/// ...
/// schedule.endEpoch(e, metric: validationLoss)
/// ```
public struct LRSchedule: Codable, Equatable, Sendable {
    public let kind: LRScheduleKind
    public let baseLR: Double
    public let warmup: Warmup?
    public private(set) var plateau: PlateauState?

    public init(_ kind: LRScheduleKind, baseLR: Double, warmup: Warmup? = nil) throws {
        try kind.validate()
        guard baseLR >= 0, baseLR.isFinite else { throw LRScheduleError.invalid("base lr must be finite and >= 0, got \(baseLR)") }
        if let w = warmup {
            guard w.length > 0 else { throw LRScheduleError.invalid("warm-up length must be > 0, got \(w.length)") }
            guard w.startFactor > 0, w.startFactor <= 1 else {
                throw LRScheduleError.invalid("warm-up start factor must be in (0, 1], got \(w.startFactor)")
            }
        }
        self.kind = kind
        self.baseLR = baseLR
        self.warmup = warmup
        if case .plateau = kind { plateau = PlateauState(learningRate: baseLR) }
    }

    /// The rate for optimizer step `step` (0-based) of epoch `epoch` (0-based). `step` and
    /// `stepsPerEpoch` matter only for a warm-up counted in steps.
    public func learningRate(epoch: Int, step: Int = 0, stepsPerEpoch: Int = 1) -> Double {
        var mainEpoch = epoch
        var factor = 1.0
        if let w = warmup {
            switch w.unit {
            case .epochs:
                if epoch < w.length { return baseLR * w.factor(epoch) }
                mainEpoch = epoch - w.length
            case .steps:
                factor = w.factor(epoch * stepsPerEpoch + step)
            }
        }
        if let plateau { return plateau.learningRate * factor }
        return kind.closedForm(base: baseLR, epoch: mainEpoch) * factor
    }

    /// Reports the end of `epoch` with the watched metric (e.g. validation loss). Only
    /// reduce-on-plateau uses it; epochs inside an epoch-counted warm-up are not observed.
    public mutating func endEpoch(_ epoch: Int, metric: Double) {
        guard case .plateau(let config) = kind, var state = plateau else { return }
        if let w = warmup, w.unit == .epochs, epoch < w.length { return }
        state.observe(metric, config)
        plateau = state
    }
}
