// Per-class precision, recall, F1 and accuracy with Wilson intervals. A ratio whose
// denominator is zero is undefined: it is `nil` here and `null` in metrics.json (JSON has no NaN).
import Foundation

/// A point estimate with its 95% confidence interval; any part may be undefined (`nil`).
public struct Estimate: Sendable, Equatable, Codable {
    public var value: Double?
    public var lower: Double?
    public var upper: Double?

    public init(value: Double?, lower: Double? = nil, upper: Double? = nil) {
        self.value = value
        self.lower = lower
        self.upper = upper
    }

    /// A proportion `successes / trials` with its Wilson score interval; undefined when `trials == 0`.
    public static func proportion(_ successes: Int, of trials: Int) -> Estimate {
        guard trials > 0 else { return Estimate(value: nil) }
        let ci = WilsonInterval(successes: successes, trials: trials)
        return Estimate(value: Double(successes) / Double(trials), lower: ci.lower, upper: ci.upper)
    }

    // Written by hand so that undefined parts appear as explicit `null`s rather than
    // vanishing keys: a reader sees that a value was undefined, not forgotten.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
    }
}

/// How well one class is recognised, one-vs-rest.
public struct ClassMetrics: Sendable, Equatable, Codable {
    public var className: String
    /// Images whose true class is this one.
    public var support: Int
    /// Images predicted as this class.
    public var predicted: Int
    /// TP / (TP + FP): undefined when nothing was predicted as this class.
    public var precision: Estimate
    /// TP / (TP + FN): undefined when the class has no images.
    public var recall: Estimate
    /// 2·TP / (2·TP + FP + FN), which equals the harmonic mean of precision and recall when
    /// both are defined and is 0 (not undefined) when the class was never predicted but has
    /// images; undefined only when the class neither occurs nor is predicted.
    public var f1: Double?
    /// Monk's "per-class accuracy": the share of this class's images classified correctly.
    /// It is the same number as recall and is kept under this name so runs compare with Monk.
    public var accuracy: Estimate

    enum CodingKeys: String, CodingKey {
        case className = "class", support, predicted, precision, recall, f1, accuracy
    }

    /// Reads class `k`'s metrics from a confusion matrix.
    public init(matrix: ConfusionMatrix, classIndex k: Int) {
        let c = matrix.counts(for: k)
        className = matrix.classNames[k]
        support = c.truePositives + c.falseNegatives
        predicted = c.truePositives + c.falsePositives
        precision = .proportion(c.truePositives, of: predicted)
        recall = .proportion(c.truePositives, of: support)
        let f1Denominator = 2 * c.truePositives + c.falsePositives + c.falseNegatives
        f1 = f1Denominator > 0 ? Double(2 * c.truePositives) / Double(f1Denominator) : nil
        accuracy = recall
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(className, forKey: .className)
        try c.encode(support, forKey: .support)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
        try c.encode(accuracy, forKey: .accuracy)
    }
}
