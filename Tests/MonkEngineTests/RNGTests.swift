// The generator is deterministic for a seed and its outputs have the right ranges.
import Testing
@testable import MonkEngine

@Suite struct RNGTests {
    @Test func sameSeedSameNumbers() {
        var a = RNG(seed: 42), b = RNG(seed: 42), c = RNG(seed: 43)
        let xa = (0..<100).map { _ in a.nextUInt32() }
        let xb = (0..<100).map { _ in b.nextUInt32() }
        let xc = (0..<100).map { _ in c.nextUInt32() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func rangesAndMoments() {
        var r = RNG(seed: 1)
        var sum = 0.0, sq = 0.0
        let n = 20000
        for _ in 0..<n {
            let u = r.uniform(); #expect(u >= 0 && u < 1)
            let k = r.below(7); #expect(k >= 0 && k < 7)
            let z = Double(r.normal()); sum += z; sq += z * z
        }
        // Mean of 20,000 standard normals has sd 0.007; variance has sd ~0.01.
        #expect(abs(sum / Double(n)) < 0.05)
        #expect(abs(sq / Double(n) - 1) < 0.06)
    }

    @Test func stateRoundTripsThroughCodable() throws {
        var r = RNG(seed: 9)
        _ = r.nextUInt64()
        let data = try JSONEncoder().encode(r)
        var back = try JSONDecoder().decode(RNG.self, from: data)
        #expect(back.nextUInt64() == r.nextUInt64())
    }

    @Test func shuffleIsAPermutation() {
        var r = RNG(seed: 3)
        var a = Array(0..<50)
        r.shuffle(&a)
        #expect(a.sorted() == Array(0..<50))
        #expect(a != Array(0..<50))
    }
}
import Foundation
