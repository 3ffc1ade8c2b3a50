// How a trained model's class probabilities become one class. `infer`, `evaluate` and the test
// stage must decide alike: two classes by a threshold on P(positive) (fixed, or chosen by
// Youden's J on validation), more classes by the most probable one.
import Foundation
import MonkReport

/// The rule applied to one model's probabilities, and where it came from.
public struct ModelDecision: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// More than two classes: the most probable class.
        case mostProbable
        /// Two classes: class `positive` when its probability is ≥ the threshold, else the other.
        case threshold(positive: Int, DecisionThreshold)
    }

    public var classes: [String]
    public var rule: Rule
    /// How the AUC interval is drawn when evaluating (the experiment's settings).
    public var bootstrap: BootstrapSettings
    /// Where the rule came from, for the user ("chosen by the test stage", "--threshold").
    public var origin: String

    public init(classes: [String], rule: Rule, bootstrap: BootstrapSettings, origin: String) {
        self.classes = classes
        self.rule = rule
        self.bootstrap = bootstrap
        self.origin = origin
    }

    /// The rule for `classes`: two classes take `threshold` (resolved by the caller) for the
    /// positive class named `positive` (or the default one, as the test stage picks it).
    public static func make(classes: [String], positive: String?, threshold: DecisionThreshold,
                            bootstrap: BootstrapSettings, origin: String) throws -> ModelDecision {
        guard classes.count == 2 else { return ModelDecision(classes: classes, rule: .mostProbable, bootstrap: bootstrap, origin: origin) }
        guard threshold.value.isFinite, (0...1).contains(threshold.value) else {
            throw UsageError(message: "a decision threshold is a probability between 0 and 1, not \(threshold.value)")
        }
        let index = try Evaluation.positiveClassIndex(classes, requested: positive)
        return ModelDecision(classes: classes, rule: .threshold(positive: index, threshold), bootstrap: bootstrap, origin: origin)
    }

    /// The class index chosen for one image's probabilities.
    public func decide(_ probabilities: [Double]) -> Int {
        switch rule {
        case .mostProbable:
            return probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        case let .threshold(positive, t):
            return probabilities[positive] >= t.value ? positive : 1 - positive
        }
    }

    /// The threshold applied, `nil` for the most probable class.
    public var threshold: Double? {
        if case .threshold(_, let t) = rule { return t.value }
        return nil
    }

    /// What `Evaluation` needs to decide exactly so.
    public func evaluationOptions(checkpoint: String) -> EvaluationOptions {
        switch rule {
        case .mostProbable:
            return EvaluationOptions(bootstrap: bootstrap, checkpoint: checkpoint)
        case let .threshold(positive, t):
            return EvaluationOptions(positiveClass: classes[positive], threshold: .resolved(t), bootstrap: bootstrap,
                                     checkpoint: checkpoint)
        }
    }

    /// One line for the user: "PNEUMONIA when P(PNEUMONIA) ≥ 0.6384 (Youden's J on 40 validation
    /// images, J = 0.800; chosen by the test stage)".
    public var summary: String {
        switch rule {
        case .mostProbable:
            return "the most probable of \(classes.count) classes (\(origin))"
        case let .threshold(positive, t):
            let name = classes[positive], other = classes[1 - positive]
            var how = t.method == .fixed ? "fixed" : "Youden's J on \(t.validationImages ?? 0) validation images"
            if let j = t.validationJ { how += String(format: ", J = %.3f", j) }
            return "\(name) when P(\(name)) ≥ \(String(format: "%.4f", t.value)), else \(other) (\(how); \(origin))"
        }
    }
}
