// Learning-rate schedule choices with PyTorch's closed forms, and the optional linear warm-up.
import Foundation

/// Which schedule drives the learning rate, epoch by epoch (torch.optim.lr_scheduler).
public enum LRScheduleKind: Codable, Equatable, Sendable {
    /// The base rate throughout.
    case fixed
    /// StepLR: lr·γ^⌊e / stepSize⌋.
    case step(stepSize: Int, gamma: Double)
    /// MultiStepLR: lr·γ^(number of milestones ≤ e).
    case multiStep(milestones: [Int], gamma: Double)
    /// ExponentialLR: lr·γ^e.
    case exponential(gamma: Double)
    /// CosineAnnealingLR's closed form: η_min + (lr − η_min)·(1 + cos(π·e / T_max)) / 2.
    /// Like PyTorch's, it is periodic past T_max (it rises again); set T_max to the epochs left
    /// after warm-up for a single descent.
    case cosine(tMax: Int, etaMin: Double)
    /// ReduceLROnPlateau: multiply by `factor` when the watched metric stops improving.
    case plateau(PlateauConfig)

    /// The closed-form rate at epoch `e` (counted from the end of warm-up); not for plateau.
    func closedForm(base: Double, epoch e: Int) -> Double {
        switch self {
        case .fixed, .plateau: return base
        case let .step(stepSize, gamma): return base * pow(gamma, Double(e / stepSize))
        case let .multiStep(milestones, gamma):
            return base * pow(gamma, Double(milestones.filter { $0 <= e }.count))
        case let .exponential(gamma): return base * pow(gamma, Double(e))
        case let .cosine(tMax, etaMin):
            return etaMin + (base - etaMin) * (1 + cos(Double.pi * Double(e) / Double(tMax))) / 2
        }
    }

    func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw LRScheduleError.invalid(message) }
        }
        switch self {
        case .fixed: break
        case let .step(stepSize, gamma):
            try check(stepSize > 0, "step_size must be > 0, got \(stepSize)")
            try check(gamma > 0, "gamma must be > 0, got \(gamma)")
        case let .multiStep(milestones, gamma):
            try check(zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 },
                      "milestones must be strictly increasing, got \(milestones)")
            try check(gamma > 0, "gamma must be > 0, got \(gamma)")
        case let .exponential(gamma): try check(gamma > 0, "gamma must be > 0, got \(gamma)")
        case let .cosine(tMax, etaMin):
            try check(tMax > 0, "T_max must be > 0, got \(tMax)")
            try check(etaMin >= 0, "eta_min must be >= 0, got \(etaMin)")
        case let .plateau(p):
            try check(p.factor > 0 && p.factor < 1, "factor must be in (0, 1), got \(p.factor)")
            try check(p.patience >= 0, "patience must be >= 0, got \(p.patience)")
            try check(p.cooldown >= 0, "cooldown must be >= 0, got \(p.cooldown)")
            try check(p.threshold >= 0, "threshold must be >= 0, got \(p.threshold)")
            try check(p.minLR >= 0, "min_lr must be >= 0, got \(p.minLR)")
        }
    }
}

/// Linear warm-up from `startFactor`·lr to lr (torch's LinearLR with end factor 1).
///
/// Counted in epochs it runs first and the main schedule starts after it, as
/// `SequentialLR([LinearLR(total_iters: W), main], milestones: [W])`: epoch e < W gets
/// lr·(s + (1−s)·e/W), epoch e ≥ W gets main(e − W). Counted in steps it multiplies the main
/// schedule over the first W optimizer steps (lr·(s + (1−s)·t/W) at global step t), and the
/// main schedule runs on unshifted epochs.
public struct Warmup: Codable, Equatable, Sendable {
    public enum Unit: String, Codable, Sendable { case epochs, steps }
    public var length: Int
    public var unit: Unit
    public var startFactor: Double

    public init(length: Int, unit: Unit, startFactor: Double = 1.0 / 3.0) {
        self.length = length; self.unit = unit; self.startFactor = startFactor
    }

    /// The multiplier after `done` of `length` units.
    func factor(_ done: Int) -> Double {
        done >= length ? 1 : startFactor + (1 - startFactor) * Double(done) / Double(length)
    }
}

/// Errors from building a schedule.
public enum LRScheduleError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): return "lr schedule: \(m)" }
    }
}
