// The precision–recall curve and average precision, defined as scikit-learn defines them
// (`precision_recall_curve`, `average_precision_score`): a step sum without interpolation.
import Foundation

/// Precision and recall of a score at every distinct threshold, for one positive class.
public struct PrecisionRecallCurve: Sendable, Equatable, Codable {
    /// Recall at each threshold, non-decreasing (thresholds descend).
    public var recall: [Double]
    /// Precision at each threshold: TP / (TP + FP) among samples scoring ≥ the threshold.
    public var precision: [Double]
    /// Distinct scores, descending.
    public var thresholds: [Double]
    /// scikit-learn's average precision: AP = Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the thresholds in
    /// descending order, with R₀ = 0. It is not the trapezoid area, which is optimistic.
    public var averagePrecision: Double

    /// Builds the curve; `nil` when there are no positives (recall would divide by zero).
    public init?(scores: [Double], isPositive: [Bool]) {
        let walk = ThresholdWalk(scores: scores, isPositive: isPositive)
        guard walk.positives > 0 else { return nil }
        let p = Double(walk.positives)
        recall = walk.truePositives.map { Double($0) / p }
        // Every step holds at least one sample, so TP + FP > 0.
        precision = zip(walk.truePositives, walk.falsePositives).map { Double($0) / Double($0 + $1) }
        thresholds = walk.thresholds
        var ap = 0.0, previousRecall = 0.0
        for (r, q) in zip(recall, precision) {
            ap += (r - previousRecall) * q
            previousRecall = r
        }
        averagePrecision = ap
    }
}
