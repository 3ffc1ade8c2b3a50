// A percentile bootstrap confidence interval for the AUC (Efron & Tibshirani 1993, ch. 13):
// resample the test images with replacement, recompute the AUC, take the 2.5% and 97.5%
// quantiles. Seeded, so the same predictions and seed always give the same interval.
import Foundation

/// How the bootstrap was run, reported next to the interval so it can be reproduced.
public struct BootstrapSettings: Sendable, Equatable, Codable {
    /// Number of resamples drawn.
    public var samples: Int
    public var seed: UInt64
    /// Two-sided confidence level, e.g. 0.95.
    public var confidence: Double

    public init(samples: Int = 1000, seed: UInt64 = 0, confidence: Double = 0.95) {
        precondition(samples > 0 && confidence > 0 && confidence < 1, "need samples > 0 and 0 < confidence < 1")
        self.samples = samples
        self.seed = seed
        self.confidence = confidence
    }
}

/// The result of a percentile bootstrap.
public struct BootstrapInterval: Sendable, Equatable, Codable {
    public var lower: Double
    public var upper: Double
    public var settings: BootstrapSettings
    /// Resamples that held both classes; the others have no AUC and are skipped
    /// (the interval is over this many values).
    public var usedSamples: Int

    /// Bootstraps the AUC of `scores` against `isPositive`; `nil` when no resample had both classes.
    public init?(aucOf scores: [Double], isPositive: [Bool], settings: BootstrapSettings) {
        precondition(scores.count == isPositive.count, "one label per score")
        guard !scores.isEmpty else { return nil }
        var rng = SplitMix64(seed: settings.seed)
        var values: [Double] = []
        values.reserveCapacity(settings.samples)
        var s = [Double](repeating: 0, count: scores.count)
        var y = [Bool](repeating: false, count: scores.count)
        for _ in 0..<settings.samples {
            for j in scores.indices {
                let i = rng.index(below: scores.count)
                s[j] = scores[i]
                y[j] = isPositive[i]
            }
            if let auc = areaUnderROC(scores: s, isPositive: y) { values.append(auc) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let tail = (1 - settings.confidence) / 2
        lower = Self.quantile(sorted: values, tail)
        upper = Self.quantile(sorted: values, 1 - tail)
        self.settings = settings
        usedSamples = values.count
    }

    /// The q-quantile with linear interpolation between order statistics (NumPy's default,
    /// "type 7" of Hyndman & Fan 1996): position q·(m−1) in the sorted values.
    static func quantile(sorted v: [Double], _ q: Double) -> Double {
        let position = q * Double(v.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, v.count - 1)
        let fraction = position - Double(below)
        return v[below] + (v[above] - v[below]) * fraction
    }
}
