// Words of training and testing: which checkpoint is tested, which validation metric is
// watched, and in which direction it improves.

/// Which weights the test stage (and `infer`, `evaluate`) uses.
public enum CheckpointChoice: String, Vocabulary {
    /// The epoch with the best validation metric.
    case best
    /// The last epoch trained.
    case final

    public static let concept = "checkpoint"

    public var summary: String {
        switch self {
        case .best: "the epoch with the best validation metric"
        case .final: "the last epoch trained"
        }
    }
}

/// A validation metric that picks the best checkpoint, and that early stopping and the
/// plateau schedule can watch.
public enum ValidationMetric: String, Vocabulary {
    case val_loss, val_accuracy, val_auc

    public static let concept = "validation metric"

    public var summary: String {
        switch self {
        case .val_loss: "validation loss (smaller is better)"
        case .val_accuracy: "validation accuracy (larger is better)"
        case .val_auc: "validation ROC AUC (larger is better; the mean of one-vs-rest AUCs for more than two classes)"
        }
    }

    /// The direction in which the metric improves.
    public var defaultMode: MetricMode { self == .val_loss ? .min : .max }
}

/// Whether smaller or larger values of a metric are better.
public enum MetricMode: String, Vocabulary {
    case min, max

    public static let concept = "metric mode"

    public var summary: String { self == .min ? "smaller is better" : "larger is better" }
}
