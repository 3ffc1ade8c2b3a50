// McNemar's test for two classifiers scored on the same test images (McNemar 1947): only the
// discordant images (one right, the other wrong) carry information about which is better.
import Foundation

/// The paired comparison of two experiments' per-image correctness.
public struct McNemarTest: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable {
        /// Two-sided exact binomial test of the discordant counts against p = ½;
        /// the statistic is the smaller discordant count.
        case exactBinomial = "exact_binomial"
        /// χ² = (|b − c| − 1)² / (b + c) with Edwards' continuity correction, 1 degree of freedom.
        case chiSquareContinuityCorrected = "chi_square_continuity_corrected"
    }

    /// Below this many discordant images the χ² approximation is poor and the exact test is
    /// used: the common rule of thumb b + c < 25 (as stated in Wikipedia's "McNemar's test").
    public static let exactBelow = 25

    public var bothCorrect: Int
    /// b: images only the first experiment classified correctly.
    public var onlyFirstCorrect: Int
    /// c: images only the second experiment classified correctly.
    public var onlySecondCorrect: Int
    public var bothWrong: Int
    public var method: Method
    public var statistic: Double
    public var pValue: Double

    /// Tests per-image correctness flags of two experiments, in the same image order.
    public init(firstCorrect: [Bool], secondCorrect: [Bool]) {
        precondition(firstCorrect.count == secondCorrect.count, "the same images for both experiments")
        var table = (both: 0, first: 0, second: 0, neither: 0)
        for (a, b) in zip(firstCorrect, secondCorrect) {
            switch (a, b) {
            case (true, true): table.both += 1
            case (true, false): table.first += 1
            case (false, true): table.second += 1
            case (false, false): table.neither += 1
            }
        }
        self.init(bothCorrect: table.both, onlyFirstCorrect: table.first,
                  onlySecondCorrect: table.second, bothWrong: table.neither)
    }

    /// Tests a 2×2 table of paired outcomes.
    public init(bothCorrect: Int, onlyFirstCorrect b: Int, onlySecondCorrect c: Int, bothWrong: Int) {
        self.bothCorrect = bothCorrect
        onlyFirstCorrect = b
        onlySecondCorrect = c
        self.bothWrong = bothWrong
        if b + c < Self.exactBelow {
            method = .exactBinomial
            statistic = Double(min(b, c))
            pValue = Self.exactTwoSidedP(smaller: min(b, c), discordant: b + c)
        } else {
            method = .chiSquareContinuityCorrected
            let d = Double(abs(b - c)) - 1
            statistic = d * d / Double(b + c)
            pValue = Self.chiSquareOneDFUpperTail(statistic)
        }
    }

    /// 2 · P(X ≤ k) for X ~ Binomial(n, ½), capped at 1. Terms are summed in log space so
    /// large n does not underflow 2⁻ⁿ.
    static func exactTwoSidedP(smaller k: Int, discordant n: Int) -> Double {
        guard n > 0 else { return 1 }
        let logHalfToN = Double(n) * log(0.5)
        var logChoose = 0.0  // log C(n, 0)
        var tail = exp(logHalfToN)
        if k >= 1 {
            for i in 1...k {
                logChoose += log(Double(n - i + 1)) - log(Double(i))
                tail += exp(logChoose + logHalfToN)
            }
        }
        return min(1, 2 * tail)
    }

    /// P(χ²₁ > x) = erfc(√(x/2)), since a χ²₁ variable is the square of a standard normal.
    static func chiSquareOneDFUpperTail(_ x: Double) -> Double {
        erfc((x / 2).squareRoot())
    }
}
