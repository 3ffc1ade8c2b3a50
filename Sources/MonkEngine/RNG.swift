// Seeded random numbers owned by the caller: weight init, dropout, shuffling, augmentation.

/// A small, fast, splittable generator (PCG-XSH-RR 64/32 for the stream, SplitMix64 for
/// seeding). Its whole state is two UInt64s, so checkpoints store and restore it exactly.
public struct RNG: Sendable, Codable, Equatable {
    public private(set) var state: UInt64
    public private(set) var increment: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        var s = seed
        state = RNG.splitMix(&s)
        increment = (RNG.splitMix(&s) ^ stream &* 0x9E37_79B9_7F4A_7C15) | 1
        _ = nextUInt32()
    }

    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func nextUInt32() -> UInt32 {
        let old = state
        state = old &* 6_364_136_223_846_793_005 &+ increment
        let xorshifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rot = UInt32(truncatingIfNeeded: old >> 59)
        return (xorshifted >> rot) | (xorshifted << ((~rot &+ 1) & 31))
    }

    public mutating func nextUInt64() -> UInt64 {
        (UInt64(nextUInt32()) << 32) | UInt64(nextUInt32())
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func uniform() -> Float { Float(nextUInt32() >> 8) * (1.0 / 16_777_216.0) }

    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * uniform() }

    /// Uniform integer in 0..<bound without modulo bias (Lemire's method).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = UInt64(nextUInt32()) &* b
        if b <= UInt64(UInt32.max) {
            var low = UInt32(truncatingIfNeeded: m)
            if UInt64(low) < b {
                let threshold = UInt32(truncatingIfNeeded: (0 &- b) % b)
                while low < threshold {
                    m = UInt64(nextUInt32()) &* b
                    low = UInt32(truncatingIfNeeded: m)
                }
            }
            return Int(m >> 32)
        }
        return Int(nextUInt64() % b)
    }

    /// Standard normal by Box–Muller (one value per call; the pair's twin is discarded so the
    /// state stays two words).
    public mutating func normal() -> Float {
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }

    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, below(i + 1))
        }
    }

    /// An independent generator derived from this one's seed material and a label, so that
    /// e.g. the augmentation of image i in epoch e does not depend on thread scheduling.
    public func derived(_ a: UInt64, _ b: UInt64 = 0) -> RNG {
        var s = state ^ (a &* 0xD6E8_FEB8_6659_FD93) ^ (b &* 0xA076_1D64_78BD_642F)
        return RNG(seed: RNG.splitMix(&s), stream: increment)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
