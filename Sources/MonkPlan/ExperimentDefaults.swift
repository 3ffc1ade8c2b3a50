// What an experiment gets for the settings a spec leaves out, declared once: the planner
// (PlanResolver+Experiments) applies these and the format's "(default: …)" are written from
// them. The optimizer's, schedule's and loss's own defaults live with their words in
// MonkVocabulary (OptimizerKind, ScheduleKind, LossKind).
import MonkVocabulary

public enum ExperimentDefaults {
    /// Monk's tutorial network.
    public static let model = Architecture.resnet18_v1
    public static let epochs = 10
    public static let freezeBaseNetwork = false
    public static let freezeLayers = 0
    public static let testCheckpoint = CheckpointChoice.best
    /// The validation metric that picks the best checkpoint when early stopping watches none.
    public static let bestMetric = ValidationMetric.val_loss
    /// The positive-class probability above which an image counts as positive.
    public static let threshold = 0.5
    /// Bootstrap resamples of the test AUC's confidence interval.
    public static let bootstrapSamples = 1000
}
