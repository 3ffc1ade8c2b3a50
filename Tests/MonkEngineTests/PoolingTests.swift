// MaxPool2D, AvgPool2D and GlobalAvgPool against naive NCHW-style loops and finite differences.
import Testing
@testable import MonkEngine

@Suite struct PoolingTests {
    /// Distinct values at least 0.05 apart in random order: no ties, and h = 0.01 cannot
    /// change which element of a window is largest.
    static func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor {
        let n = shape.reduce(1, *)
        var values = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
        var rng = RNG(seed: seed)
        rng.shuffle(&values)
        return Tensor(shape: shape, values: values)
    }

    /// Pooling written the slow way: every output, every window tap, padding checked per tap.
    static func naivePool(_ x: Tensor, k: Int, s: Int, p: Int, max isMax: Bool) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        let y = Tensor(shape: [n, oh, ow, c])
        for b in 0..<n { for ch in 0..<c { for i in 0..<oh { for j in 0..<ow {
            var acc: Float = isMax ? -.infinity : 0
            for di in 0..<k { for dj in 0..<k {
                let r = i * s - p + di, q = j * s - p + dj
                guard r >= 0, r < h, q >= 0, q < w else { continue }  // −∞ or 0 padding
                let v = x[((b * h + r) * w + q) * c + ch]
                acc = isMax ? Swift.max(acc, v) : acc + v
            } }
            y[((b * oh + i) * ow + j) * c + ch] = isMax ? acc : acc / Float(k * k)
        } } } }
        return y
    }

    static let configs: [(shape: [Int], k: Int, s: Int, p: Int)] = [
        ([2, 7, 5, 3], 3, 2, 1), ([1, 4, 6, 2], 2, 2, 0), ([1, 5, 5, 3], 3, 1, 1), ([2, 9, 8, 1], 3, 3, 0), ([1, 6, 7, 2], 5, 2, 2),
        ([1, 5, 6, 19], 3, 2, 1),  // 16 vector lanes plus a scalar tail
    ]

    @Test(arguments: 0..<configs.count)
    func maxPoolForwardAndGradients(config: Int) {
        let (shape, k, s, p) = Self.configs[config]
        let x = Self.distinctValues(shape, seed: UInt64(config))
        let pool = MaxPool2D(kernelSize: k, stride: s, padding: p)
        let y = pool.forward(x, Context(training: true))
        let ref = Self.naivePool(x, k: k, s: s, p: p, max: true)
        #expect(y.shape == ref.shape && y.array == ref.array)
        checkGradients(pool, input: x, tolerance: 1e-3)
    }

    @Test(arguments: 0..<configs.count)
    func avgPoolForwardAndGradients(config: Int) {
        let (shape, k, s, p) = Self.configs[config]
        let x = randomTensor(shape, seed: UInt64(config))
        let pool = AvgPool2D(kernelSize: k, stride: s, padding: p)
        let y = pool.forward(x, Context(training: true))
        let ref = Self.naivePool(x, k: k, s: s, p: p, max: false)
        #expect(y.shape == ref.shape)
        for i in 0..<y.count { #expect(abs(y[i] - ref[i]) < 1e-6) }
        checkGradients(pool, input: x, tolerance: 1e-3)
    }

    /// All-equal windows: the first element in window order takes the whole gradient.
    @Test func maxPoolTieGoesToFirstElement() {
        let x = Tensor(shape: [1, 2, 2, 1], repeating: 1)
        let pool = MaxPool2D(kernelSize: 2, stride: 2)
        let ctx = Context(training: true)
        _ = pool.forward(x, ctx)
        #expect(pool.backward(Tensor(shape: [1, 1, 1, 1], repeating: 3), ctx)!.array == [3, 0, 0, 0])
    }

    /// 3×3/2 pad 1 on 4×4 (ResNet's stem pool): a hand count of the corner window's divisor.
    @Test func avgPoolCountsPaddingInDivisor() {
        let x = Tensor(shape: [1, 4, 4, 1], repeating: 9)
        let y = AvgPool2D(kernelSize: 3, stride: 2, padding: 1).forward(x, Context(training: false))
        // Corner window holds 4 real values of 9 → 36/9; edge window 6 values → 54/9; centre 9 → 81/9.
        #expect(y.array == [4, 6, 6, 9])
    }

    @Test(arguments: [[2, 3, 5, 4], [1, 1, 1, 3], [3, 7, 2, 1]])
    func globalAvgPool(shape: [Int]) {
        let x = randomTensor(shape, seed: 12)
        let gap = GlobalAvgPool()
        let y = gap.forward(x, Context(training: true))
        let (n, hw, c) = (shape[0], shape[1] * shape[2], shape[3])
        #expect(y.shape == [n, c])
        for b in 0..<n { for ch in 0..<c {
            var s: Float = 0
            for q in 0..<hw { s += x[(b * hw + q) * c + ch] }
            #expect(abs(y[b * c + ch] - s / Float(hw)) < 1e-6)
        } }
        checkGradients(gap, input: x, tolerance: 1e-3)
    }

    /// The parallel paths (split by image) agree with the serial ones exactly.
    @Test func parallelMatchesSerial() {
        // Large enough that the forward and the backward both split across two threads.
        let x = Self.distinctValues([8, 34, 34, 32], seed: 9)
        let dy = randomTensor([8, 17, 17, 32], seed: 2)
        for make in [{ MaxPool2D(kernelSize: 3, stride: 2, padding: 1) as Module }, { AvgPool2D(kernelSize: 3, stride: 2, padding: 1) }] {
            var results: [([Float], [Float])] = []
            for threads in [1, 2] {
                let pool = make(), ctx = Context(training: true, parallel: Parallel(threads: threads))
                let y = pool.forward(x, ctx)
                results.append((y.array, pool.backward(dy, ctx)!.array))
            }
            #expect(results[0].0 == results[1].0 && results[0].1 == results[1].1)
        }
    }
}
