// The confusion matrix (rows = true class, columns = predicted class) and the per-class
// counts every other classification metric is read from.
import Foundation

/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// Class names, in label order; they name both the rows and the columns.
    public let classNames: [String]
    /// `counts[t][p]` = number of images of true class `t` predicted as class `p`.
    public let counts: [[Int]]

    /// Tallies predictions; `trueLabels` and `predictedLabels` must be valid indices of `classNames`.
    public init(classNames: [String], trueLabels: [Int], predictedLabels: [Int]) {
        precondition(trueLabels.count == predictedLabels.count, "one prediction per true label")
        var counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
        for (t, p) in zip(trueLabels, predictedLabels) { counts[t][p] += 1 }
        self.classNames = classNames
        self.counts = counts
    }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }

    /// Images whose true class is `k` (the row sum): the class's support.
    public func support(_ k: Int) -> Int { counts[k].reduce(0, +) }
    /// Images predicted as class `k` (the column sum).
    public func predicted(_ k: Int) -> Int { counts.reduce(0) { $0 + $1[k] } }

    /// One-vs-rest counts for class `k`.
    public func counts(for k: Int) -> BinaryCounts {
        let tp = counts[k][k]
        let fn = support(k) - tp
        let fp = predicted(k) - tp
        return BinaryCounts(truePositives: tp, falsePositives: fp, falseNegatives: fn,
                            trueNegatives: total - tp - fn - fp)
    }
}

/// One-vs-rest counts of a single class.
public struct BinaryCounts: Sendable, Equatable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var trueNegatives: Int

    public init(truePositives: Int, falsePositives: Int, falseNegatives: Int, trueNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }
}
