// How the test stage turns predictions into metrics (issue 6): positive class, threshold, CIs.

/// Settings of the test-stage metrics of one experiment.
public struct EvaluationPlan: Codable, Equatable, Hashable, Sendable {
    public var positiveClass: PositiveClass
    public var threshold: ThresholdChoice
    /// Resamples of the test set for the AUC confidence interval.
    public var bootstrapSamples: Int
    public var bootstrapSeed: UInt64

    public init(positiveClass: PositiveClass, threshold: ThresholdChoice,
                bootstrapSamples: Int, bootstrapSeed: UInt64) {
        self.positiveClass = positiveClass
        self.threshold = threshold
        self.bootstrapSamples = bootstrapSamples
        self.bootstrapSeed = bootstrapSeed
    }
}

/// The class counted as "positive" for sensitivity, specificity and ROC (two-class tasks).
public enum PositiveClass: Codable, Equatable, Hashable, Sendable {
    /// The class whose name is not "normal" (case-insensitive); with no such unique class,
    /// the second class in sorted order.
    case auto
    case named(String)
}

/// The probability above which a two-class prediction is positive.
public enum ThresholdChoice: Codable, Equatable, Hashable, Sendable {
    case fixed(Double)
    /// Chosen on the validation set by maximising Youden's J (sensitivity + specificity − 1),
    /// then applied unchanged to the test set.
    case youden
}
