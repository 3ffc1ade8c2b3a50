// Axis scales with "nice" tick values (steps of 1, 2 or 5 × 10ᵏ; Heckbert, "Nice numbers
// for graph labels", Graphics Gems 1990), so axes read 0, 0.2, 0.4 rather than 0.13, 0.26.
import Foundation

/// A linear axis domain widened to whole tick steps, with its ticks.
struct NiceScale: Equatable {
    let lower: Double
    let upper: Double
    let step: Double

    /// Covers [minimum, maximum] with about `targetTicks` ticks. `integerSteps` forbids steps
    /// below 1 (epoch axes). A zero-width range is widened so the axis still has extent.
    init(minimum: Double, maximum: Double, targetTicks: Int = 5, integerSteps: Bool = false) {
        var lo = minimum, hi = maximum
        if !(lo.isFinite && hi.isFinite) { (lo, hi) = (0, 1) }
        if hi < lo { swap(&lo, &hi) }
        if hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            (lo, hi) = (lo - pad, hi + pad)
        }
        var step = Self.nice((hi - lo) / Double(max(1, targetTicks - 1)), round: true)
        if integerSteps { step = max(1, step.rounded()) }
        self.step = step
        // The small epsilon keeps a maximum that is already a tick (1.0) from adding a step.
        lower = (lo / step + 1e-9).rounded(.down) * step
        upper = (hi / step - 1e-9).rounded(.up) * step
    }

    /// The nice number nearest to x (round) or not below it.
    static func nice(_ x: Double, round: Bool) -> Double {
        let exponent = log10(x).rounded(.down)
        let power = pow(10, exponent)
        let f = x / power
        let niceFraction: Double
        if round {
            niceFraction = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        } else {
            niceFraction = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
        }
        return niceFraction * power
    }

    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { lower + Double($0) * step }
    }

    /// Decimals needed to tell ticks apart (0 for steps ≥ 1).
    var decimals: Int { max(0, Int(-log10(step).rounded(.down))) }

    func label(_ x: Double) -> String { NumberText.fixed(abs(x) < step * 1e-9 ? 0 : x, decimals) }

    /// Maps a value to a pixel between `from` (at lower) and `to` (at upper).
    func map(_ x: Double, from: Double, to: Double) -> Double {
        from + (x - lower) / (upper - lower) * (to - from)
    }
}
