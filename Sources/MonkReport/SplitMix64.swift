// A tiny seeded generator for the bootstrap, so MonkReport needs no other module and a seed
// gives the same intervals on every machine (Steele, Lea & Flood 2014, "SplitMix").
import Foundation

/// SplitMix64: 64-bit state, one add and a mix per draw. Good enough for resampling indices.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<n by the high half of a 64×64-bit product (Lemire's method
    /// without the rejection step: the bias is below n/2⁶⁴, far under bootstrap noise),
    /// chosen because it is easy to reproduce exactly in a reference script.
    public mutating func index(below n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
