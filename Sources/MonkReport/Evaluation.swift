// Turns a model's test predictions into TestMetrics: picks the positive class and threshold,
// predicts labels, and computes every metric and interval. The single entry point of the test stage.
import Foundation

/// What the test stage asks for beyond the predictions themselves.
public struct EvaluationOptions: Sendable, Equatable {
    /// Name of the positive class of a two-class problem; `nil` picks the default
    /// (see `Evaluation.positiveClassIndex`).
    public var positiveClass: String?
    public var threshold: ThresholdRule
    public var bootstrap: BootstrapSettings
    /// Which weights produced the predictions, copied into the report.
    public var checkpoint: String

    public init(positiveClass: String? = nil, threshold: ThresholdRule = .standard,
                bootstrap: BootstrapSettings = BootstrapSettings(), checkpoint: String) {
        self.positiveClass = positiveClass
        self.threshold = threshold
        self.bootstrap = bootstrap
        self.checkpoint = checkpoint
    }
}

/// A finished evaluation: the metrics and the label predicted for every test image.
public struct Evaluation: Sendable, Equatable {
    public let predictions: PredictionSet
    /// Predicted class per sample, in `predictions.samples` order.
    public let predictedLabels: [Int]
    public let metrics: TestMetrics

    /// Whether each image was classified correctly: the input of McNemar's test.
    public var correct: [Bool] { zip(predictions.trueLabels, predictedLabels).map { $0 == $1 } }

    /// Evaluates test predictions. Two classes: positive iff P(positive) ≥ threshold.
    /// More classes: the most probable class; the threshold, positive class and bootstrap
    /// settings apply to two-class problems only and are not used (the report has no `binary` section).
    public init(test: PredictionSet, options: EvaluationOptions) throws(ReportError) {
        guard test.count > 0 else { throw .emptySet("test") }
        predictions = test
        // Two classes: the threshold decides; the binary section is filled in once the
        // confusion matrix of those decisions exists.
        var twoClass: (positive: Int, threshold: DecisionThreshold, scores: [Double])?
        if test.classNames.count == 2 {
            let positive = try Self.positiveClassIndex(test.classNames, requested: options.positiveClass)
            if case .youdenJ(let validation) = options.threshold, validation.classNames != test.classNames {
                throw .classNamesDiffer(validation: validation.classNames, test: test.classNames)
            }
            let threshold = try DecisionThreshold(rule: options.threshold, positive: positive)
            let scores = test.scores(of: positive)
            predictedLabels = scores.map { $0 >= threshold.value ? positive : 1 - positive }
            twoClass = (positive, threshold, scores)
        } else {
            predictedLabels = test.argmaxLabels()
        }
        let matrix = ConfusionMatrix(classNames: test.classNames, trueLabels: test.trueLabels,
                                     predictedLabels: predictedLabels)
        let binary = twoClass.map {
            Self.binaryMetrics(matrix: matrix, trueLabels: test.trueLabels, scores: $0.scores, positive: $0.positive,
                               threshold: $0.threshold, bootstrap: options.bootstrap)
        }
        metrics = TestMetrics(
            format: TestMetrics.currentFormat, checkpoint: options.checkpoint,
            classes: test.classNames, images: test.count,
            accuracy: .proportion(matrix.correct, of: matrix.total),
            perClass: test.classNames.indices.map { ClassMetrics(matrix: matrix, classIndex: $0) },
            confusionMatrix: matrix, binary: binary)
    }

    /// The requested class, or by default the class not named "normal" (case-insensitive);
    /// when neither or both are named so, the second class (label 1), as scikit-learn does.
    public static func positiveClassIndex(_ classNames: [String], requested: String?) throws(ReportError) -> Int {
        if let requested {
            guard let k = classNames.firstIndex(of: requested) else { throw .unknownClass(requested, known: classNames) }
            return k
        }
        let normal = classNames.indices.filter { classNames[$0].lowercased() == "normal" }
        return normal.count == 1 ? 1 - normal[0] : 1
    }

    static func binaryMetrics(matrix: ConfusionMatrix, trueLabels: [Int], scores: [Double], positive: Int,
                              threshold: DecisionThreshold, bootstrap: BootstrapSettings) -> BinaryMetrics {
        let negative = 1 - positive
        let isPositive = trueLabels.map { $0 == positive }
        let roc = ROCCurve(scores: scores, isPositive: isPositive)
        let interval = roc == nil ? nil : BootstrapInterval(aucOf: scores, isPositive: isPositive, settings: bootstrap)
        let pr = PrecisionRecallCurve(scores: scores, isPositive: isPositive)
        let p = matrix.counts(for: positive)
        return BinaryMetrics(
            positiveClass: matrix.classNames[positive], negativeClass: matrix.classNames[negative],
            threshold: threshold,
            sensitivity: .proportion(p.truePositives, of: p.truePositives + p.falseNegatives),
            specificity: .proportion(p.trueNegatives, of: p.trueNegatives + p.falsePositives),
            auc: Estimate(value: roc?.auc, lower: interval?.lower, upper: interval?.upper),
            aucBootstrap: interval, rocCurve: roc,
            averagePrecision: pr?.averagePrecision, precisionRecallCurve: pr)
    }
}
