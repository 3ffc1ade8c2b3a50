// The contents of `output/test/metrics.json`: every number the test stage reports, as one
// Codable value. Undefined numbers are `null` (JSON has no NaN); keys are snake_case and sorted.
import Foundation

/// Two-class metrics: the positive class is the disease, so sensitivity is its recall.
public struct BinaryMetrics: Sendable, Equatable, Codable {
    public var positiveClass: String
    public var negativeClass: String
    public var threshold: DecisionThreshold
    /// Recall of the positive class: TP / (TP + FN), Wilson 95% interval.
    public var sensitivity: Estimate
    /// Recall of the negative class: TN / (TN + FP), Wilson 95% interval.
    public var specificity: Estimate
    /// Area under the ROC curve of P(positive); the interval is the percentile bootstrap.
    public var auc: Estimate
    /// How the AUC interval was drawn (seed, resamples), `null` when the AUC is undefined.
    public var aucBootstrap: BootstrapInterval?
    /// `null` when the test set lacks one of the classes.
    public var rocCurve: ROCCurve?
    /// scikit-learn's average precision of P(positive); `null` without positives.
    public var averagePrecision: Double?
    public var precisionRecallCurve: PrecisionRecallCurve?

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(positiveClass, forKey: .positiveClass)
        try c.encode(negativeClass, forKey: .negativeClass)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(sensitivity, forKey: .sensitivity)
        try c.encode(specificity, forKey: .specificity)
        try c.encode(auc, forKey: .auc)
        try c.encode(aucBootstrap, forKey: .aucBootstrap)
        try c.encode(rocCurve, forKey: .rocCurve)
        try c.encode(averagePrecision, forKey: .averagePrecision)
        try c.encode(precisionRecallCurve, forKey: .precisionRecallCurve)
    }
}

/// Everything the test stage measures for one experiment.
public struct TestMetrics: Sendable, Equatable, Codable {
    /// Bumped when a key is renamed or its meaning changes.
    public static let currentFormat = 1

    public var format: Int
    /// Which weights were evaluated, as the pipeline names them (e.g. "best on validation, epoch 4").
    public var checkpoint: String
    public var classes: [String]
    public var images: Int
    /// Correct / images, Wilson 95% interval.
    public var accuracy: Estimate
    public var perClass: [ClassMetrics]
    public var confusionMatrix: ConfusionMatrix
    /// Present only for two-class problems.
    public var binary: BinaryMetrics?

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(classes, forKey: .classes)
        try c.encode(images, forKey: .images)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(perClass, forKey: .perClass)
        try c.encode(confusionMatrix, forKey: .confusionMatrix)
        try c.encode(binary, forKey: .binary)
    }

    /// The bytes of `metrics.json`: pretty-printed, sorted snake_case keys, so that diffs
    /// between runs show only changed numbers.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// Reads a `metrics.json` written by `jsonData()`.
    public static func decode(_ data: Data) throws -> TestMetrics {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TestMetrics.self, from: data)
    }
}
