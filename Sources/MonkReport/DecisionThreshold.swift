// The decision threshold of a two-class model: 0.5 by default, or the one that maximises
// Youden's J = sensitivity + specificity − 1 on the validation set, then applied unchanged
// to test (choosing it on test would overstate both numbers).
import Foundation

/// How the threshold on the positive class's probability is chosen.
public enum ThresholdRule: Sendable, Equatable {
    /// A fixed threshold in [0, 1]; a sample is positive when its probability is ≥ it.
    case fixed(Double)
    /// Youden's J maximised on these validation predictions.
    case youdenJ(validation: PredictionSet)
    /// A threshold resolved earlier (e.g. read back from a stored test run), applied unchanged
    /// and reported with its original method, J and validation size.
    case resolved(DecisionThreshold)

    /// The conventional threshold of a probabilistic classifier.
    public static let standard = ThresholdRule.fixed(0.5)
}

/// The threshold actually used, and where it came from.
public struct DecisionThreshold: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable {
        case fixed
        case youdenJOnValidation = "youden_j_on_validation"
    }

    /// A test image is called positive when P(positive class) ≥ value.
    public var value: Double
    public var method: Method
    /// J = TPR − FPR at the chosen threshold on the validation set (Youden only).
    public var validationJ: Double?
    /// Validation images the threshold was chosen on (Youden only).
    public var validationImages: Int?

    public init(value: Double, method: Method, validationJ: Double? = nil, validationImages: Int? = nil) {
        self.value = value
        self.method = method
        self.validationJ = validationJ
        self.validationImages = validationImages
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(method, forKey: .method)
        try c.encode(validationJ, forKey: .validationJ)
        try c.encode(validationImages, forKey: .validationImages)
    }

    /// Resolves a rule for the class at index `positive`.
    public init(rule: ThresholdRule, positive: Int) throws(ReportError) {
        switch rule {
        case .fixed(let t):
            guard (0...1).contains(t) else { throw .thresholdOutOfRange(t) }
            self.init(value: t, method: .fixed)
        case .youdenJ(let validation):
            let (t, j) = try Self.youden(validation, positive: positive)
            self.init(value: t, method: .youdenJOnValidation, validationJ: j, validationImages: validation.count)
        case .resolved(let threshold):
            guard (0...1).contains(threshold.value) else { throw .thresholdOutOfRange(threshold.value) }
            self = threshold
        }
    }

    /// The threshold with the largest J among the validation scores. Ties go to the highest
    /// threshold (the first met walking down), which calls fewer images positive.
    static func youden(_ set: PredictionSet, positive: Int) throws(ReportError) -> (threshold: Double, j: Double) {
        let isPositive = set.trueLabels.map { $0 == positive }
        let walk = ThresholdWalk(scores: set.scores(of: positive), isPositive: isPositive)
        guard walk.positives > 0, walk.negatives > 0 else { throw .needsBothClasses(set: "validation") }
        var best = (threshold: 1.0, j: -Double.infinity)
        for i in walk.thresholds.indices {
            let j = Double(walk.truePositives[i]) / Double(walk.positives)
                - Double(walk.falsePositives[i]) / Double(walk.negatives)
            if j > best.j { best = (walk.thresholds[i], j) }
        }
        return best
    }
}
