// Layers that allocate their outputs uninitialised must write every element: recycled
// buffers full of NaN must not leak into any result.
import Testing
@testable import MonkEngine

/// Leaves `copies` NaN-filled buffers of each shape in the tensor cache, so the next
/// allocations of those sizes reuse them (tensors ≥ 256 KiB are recycled by exact size).
private func poisonCache(_ shapes: [[Int]], value: Float, copies: Int = 4) {
    var keep: [Tensor] = []
    for shape in shapes { for _ in 0..<copies { keep.append(Tensor(shape: shape, repeating: value)) } }
    keep.removeAll()
}

@Suite("Uninitialised outputs")
struct UninitializedOutputTests {
    // 2·48·48·64 floats = 1.2 MB and 2·24·24·64 = 295 KB: both above the recycling minimum.
    static let input = [2, 48, 48, 64]
    static let pooled = [2, 24, 24, 64]

    /// Forward and backward of a conv3×3 → BN+ReLU → ReLU → conv1×1 → max-pool chain; every
    /// output and gradient, flattened in order.
    private func run(_ seed: UInt64) -> [[Float]] {
        var rng = RNG(seed: seed)
        let conv3 = Conv2D(inChannels: 64, outChannels: 64, kernelSize: 3, padding: .symmetric(1), bias: false, rng: &rng)
        let bn = BatchNorm2D(channels: 64, activation: .relu)
        let relu = ReLU()
        let conv1 = Conv2D(inChannels: 64, outChannels: 64, kernelSize: 1, bias: false, rng: &rng)
        let pool = MaxPool2D(kernelSize: 2, stride: 2)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = Tensor(shape: Self.input)
        for i in 0..<x.count { x[i] = rng.normal() }
        let a = conv3(x, ctx), b = bn(a, ctx), c = relu(b, ctx), d = conv1(c, ctx), y = pool(d, ctx)
        let dy = Tensor(shape: Self.pooled)
        for i in 0..<dy.count { dy[i] = rng.normal() }
        let dd = pool.backward(dy, ctx)!, dc = conv1.backward(dd, ctx)!
        let db = relu.backward(dc, ctx)!, da = bn.backward(db, ctx)!, dx = conv3.backward(da, ctx)!
        return [a, b, c, d, y, dc, db, da, dx, conv3.weight.grad, conv1.weight.grad].map(\.array)
    }

    @Test("NaN-filled recycled buffers give the same bits as zero-filled ones")
    func recycledGarbageNeverLeaks() {
        poisonCache([Self.input, Self.pooled], value: 0)
        let clean = run(7)
        poisonCache([Self.input, Self.pooled], value: .nan)
        let poisoned = run(7)
        // Reference: the run after the cache held zeros; no output may contain NaN, and the
        // two runs must agree bit for bit (same inputs, same thread split).
        // Counts, not arrays, in the expectations: a failing diff of 300k-element arrays
        // would take Swift Testing minutes to print.
        for (i, (p, q)) in zip(clean, poisoned).enumerated() {
            let nans = q.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
            let differing = zip(p, q).reduce(0) { $0 + ($1.0.bitPattern == $1.1.bitPattern ? 0 : 1) }
            #expect(nans == 0, "output \(i) has \(nans) NaNs from a recycled buffer")
            #expect(differing == 0, "output \(i) differs in \(differing) elements")
        }
    }
}
