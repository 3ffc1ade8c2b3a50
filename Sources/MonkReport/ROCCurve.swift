// The ROC curve and its area for one positive class. Tied scores form one step of the
// walk, so a tie contributes a diagonal segment and the trapezoid area equals the
// Mann–Whitney probability P(score₊ > score₋) + ½·P(score₊ = score₋).
import Foundation

/// The cumulative counts of positives and negatives scoring at or above each distinct
/// score, walked from the highest score down: the common core of the ROC and PR curves.
struct ThresholdWalk {
    /// Distinct scores, descending.
    var thresholds: [Double] = []
    /// Positives (and negatives) with score ≥ thresholds[i].
    var truePositives: [Int] = []
    var falsePositives: [Int] = []
    var positives = 0
    var negatives = 0

    init(scores: [Double], isPositive: [Bool]) {
        precondition(scores.count == isPositive.count, "one label per score")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, fp = 0
        for (rank, i) in order.enumerated() {
            if isPositive[i] { tp += 1 } else { fp += 1 }
            // Close a step only after the last sample of a group of equal scores.
            let isLastOfGroup = rank + 1 == order.count || scores[order[rank + 1]] != scores[i]
            if isLastOfGroup {
                thresholds.append(scores[i])
                truePositives.append(tp)
                falsePositives.append(fp)
            }
        }
        positives = tp
        negatives = fp
    }
}

/// Receiver operating characteristic of a score for one positive class.
public struct ROCCurve: Sendable, Equatable, Codable {
    /// False-positive rate of each point, ascending, from 0 to 1.
    public var falsePositiveRate: [Double]
    /// True-positive rate of each point.
    public var truePositiveRate: [Double]
    /// The score at or above which a sample is called positive at each point; the first
    /// point (nothing positive) has no finite threshold and holds `nil` (`null` in JSON).
    public var thresholds: [Double?]
    /// Area under the curve by the trapezoid rule over all distinct thresholds.
    public var auc: Double

    /// Builds the curve; `nil` when either class is absent (a rate would divide by zero).
    /// Points in the middle of straight runs are dropped (they do not change the curve or its area).
    public init?(scores: [Double], isPositive: [Bool]) {
        let walk = ThresholdWalk(scores: scores, isPositive: isPositive)
        guard walk.positives > 0, walk.negatives > 0 else { return nil }
        let tp = [0] + walk.truePositives
        let fp = [0] + walk.falsePositives
        let th: [Double?] = [nil] + walk.thresholds.map { Optional($0) }
        var area = 0.0
        for i in 1..<tp.count {
            area += Double(fp[i] - fp[i - 1]) * Double(tp[i] + tp[i - 1]) / 2
        }
        auc = area / (Double(walk.positives) * Double(walk.negatives))
        var keep = [0]
        for i in 1..<tp.count {
            let isLast = i == tp.count - 1
            // Collinear with both neighbours (integer cross product zero): redundant.
            let collinear = !isLast &&
                (fp[i] - fp[i - 1]) * (tp[i + 1] - tp[i]) == (tp[i] - tp[i - 1]) * (fp[i + 1] - fp[i])
            if !collinear { keep.append(i) }
        }
        falsePositiveRate = keep.map { Double(fp[$0]) / Double(walk.negatives) }
        truePositiveRate = keep.map { Double(tp[$0]) / Double(walk.positives) }
        thresholds = keep.map { th[$0] }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(falsePositiveRate, forKey: .falsePositiveRate)
        try c.encode(truePositiveRate, forKey: .truePositiveRate)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(auc, forKey: .auc)
    }
}

/// The area under the ROC curve alone, without building the curve: used by the bootstrap,
/// which evaluates it thousands of times. `nil` when a class is absent.
func areaUnderROC(scores: [Double], isPositive: [Bool]) -> Double? {
    let walk = ThresholdWalk(scores: scores, isPositive: isPositive)
    guard walk.positives > 0, walk.negatives > 0 else { return nil }
    var area = 0.0, tpBefore = 0, fpBefore = 0
    for (tp, fp) in zip(walk.truePositives, walk.falsePositives) {
        area += Double(fp - fpBefore) * Double(tp + tpBefore) / 2
        tpBefore = tp
        fpBefore = fp
    }
    return area / (Double(walk.positives) * Double(walk.negatives))
}
