// The Wilson score interval for a binomial proportion (Wilson 1927): unlike the textbook
// p ± z·√(p(1−p)/n) it stays inside [0, 1] and keeps its coverage near 0 and 1 and for small n.
import Foundation

/// A two-sided confidence interval for `successes / trials`.
public struct WilsonInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    /// z for a two-sided 95% interval: the 0.975 quantile of the standard normal.
    public static let z95 = 1.959963984540054

    /// The score interval: centre (p + z²/2n) / (1 + z²/n), half-width
    /// z / (1 + z²/n) · √(p(1−p)/n + z²/4n²). Requires `trials > 0`.
    public init(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        precondition(trials > 0 && (0...trials).contains(successes), "need 0 ≤ successes ≤ trials, trials > 0")
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // Clamp the rounding error at the ends (0/n and n/n give exactly 0 and 1 on paper).
        lower = successes == 0 ? 0 : max(0, centre - half)
        upper = successes == trials ? 1 : min(1, centre + half)
    }
}
