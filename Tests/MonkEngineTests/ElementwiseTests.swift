// The public element-wise passes residual blocks use, against scalar loops written out here,
// on lengths with a scalar tail and with the edge values (NaN, ±0, the cap itself).
import Testing
@testable import MonkEngine

@Suite struct ElementwiseTests {
    /// 40,000 + 7 elements: two threads' chunks of whole 16-lane groups and a tail.
    static let count = 40_007
    static let edges: [Float] = [.nan, 0, -0.0, 6, -6, 1e-30, -1e-30, .infinity, -.infinity]

    static func tensor(_ seed: UInt64, scale: Float) -> Tensor {
        var r = RNG(seed: seed)
        let t = Tensor(shape: [Self.count], values: (0..<Self.count).map { _ in r.uniform(-scale, scale) })
        for (i, e) in edges.enumerated() { t[100 * i + 3] = e; t[Self.count - 1 - i] = e }
        return t
    }

    @Test(arguments: [Float.infinity, 6])
    func clampGradientMatchesScalarRule(cap: Float) {
        let y = Self.tensor(1, scale: 8), dy = Self.tensor(2, scale: 1)
        let dx = Elementwise.clampGradient(dy, output: y, cap: cap, parallel: Parallel(threads: 2))
        // PyTorch's rule for ReLU (threshold_backward) and ReLU6 (hardtanh_backward): the
        // gradient passes only strictly inside (0, cap).
        let want = (0..<Self.count).map { i in y[i] > 0 && y[i] < cap ? dy[i] : 0 }
        #expect(dx.array.map(\.bitPattern) == want.map(\.bitPattern))
    }

    @Test func addReLUMatchesSwiftMax() {
        let y = Self.tensor(3, scale: 1), x = Self.tensor(4, scale: 1)
        let want = (0..<Self.count).map { i in max(0, y[i] + x[i]) }
        Elementwise.addReLU(x, into: y, parallel: Parallel(threads: 2))
        #expect(y.array.map(\.bitPattern) == want.map(\.bitPattern))
        // The edge cases sit at the same indices in x and y: −0 + −0 at 203 gives
        // max(0, −0) = −0, and NaN at 3 gives max(0, NaN) = 0 in Swift.
        #expect(want[203].bitPattern == (-0.0 as Float).bitPattern)
        #expect(want[3].bitPattern == (0 as Float).bitPattern)
    }

    @Test func addMatchesScalarSum() {
        let y = Self.tensor(5, scale: 1), x = Self.tensor(6, scale: 1)
        let want = (0..<Self.count).map { i in y[i] + x[i] }
        Elementwise.add(x, into: y, parallel: Parallel(threads: 2))
        #expect(y.array.map(\.bitPattern) == want.map(\.bitPattern))
    }
}
