// The learning-rate schedules and losses a spec can name, declared once: their words, one
// line each, and the defaults a spec gets for what it leaves out. The planner starts from
// these values and the format's "(default: …)" are written from them (MonkPlan owns them:
// the engine runs its own closed forms, mapped in MonkPipeline's TrainingMapping).
import MonkVocabulary

/// How the learning rate changes from epoch to epoch.
public enum ScheduleKind: String, Vocabulary {
    case fixed, step, multistep, exponential, cosine, plateau

    public static let concept = "learning-rate schedule"

    /// The schedule a spec gets when it names none (Monk's: ×0.98 every epoch).
    public static let specDefault = ScheduleKind.step

    public var summary: String {
        switch self {
        case .fixed: "constant learning rate"
        case .step: "decay every step_size epochs (Monk's default: \(ScheduleKind.step.defaultGamma ?? 0) every epoch)"
        case .multistep: "decay at the given epochs"
        case .exponential: "decay every epoch"
        case .cosine: "cosine annealing with optional warm-up"
        case .plateau: "reduce when a validation metric stops improving"
        }
    }

    /// The multiplier applied at each decay, for the schedules that have one.
    public var defaultGamma: Double? {
        switch self {
        case .step: 0.98
        case .multistep: 0.1
        case .exponential: 0.95
        case .fixed, .cosine, .plateau: nil
        }
    }

    /// step: epochs between decays.
    public static let defaultStepSize = 1
    /// cosine: the final learning rate, and the epochs of linear warm-up. (T_max defaults to
    /// the epochs left after warm-up, which depends on the experiment.)
    public static let defaultEtaMin = 0.0
    public static let defaultWarmupEpochs = 0
}

/// reduce-on-plateau's settings as a spec gets them when it leaves them out (torch's
/// ReduceLROnPlateau defaults, but patience 2 instead of 10 for short runs). The mode
/// follows the metric (`ValidationMetric.defaultMode`).
public enum PlateauDefaults {
    public static let metric = ValidationMetric.val_loss
    public static let factor = 0.1
    public static let patience = 2
    public static let threshold = 1e-4
    public static let cooldown = 0
    public static let minLR = 0.0
}

/// The training losses.
public enum LossKind: String, Vocabulary {
    case cross_entropy, binary_cross_entropy

    public static let concept = "loss"

    /// The loss a spec gets when it names none.
    public static let specDefault = LossKind.cross_entropy

    /// cross_entropy's label smoothing when none is given.
    public static let defaultLabelSmoothing = 0.0

    public var summary: String {
        switch self {
        case .cross_entropy: "softmax cross-entropy"
        case .binary_cross_entropy: "sigmoid binary cross-entropy per class"
        }
    }
}

/// Early stopping's settings as a spec gets them when it turns it on and leaves them out;
/// the mode follows the metric.
public enum EarlyStoppingDefaults {
    public static let metric = ValidationMetric.val_loss
    public static let patience = 3
    public static let minDelta = 0.0
}
