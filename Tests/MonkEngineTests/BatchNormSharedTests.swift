// BatchNorms over prefixes of one buffer sharing work (a DenseNet block's norm1 layers):
// statistics computed once per channel, and the batch-sum part of input gradients added once.
import Testing
@testable import MonkEngine

@Suite struct BatchNormSharedTests {
    /// BatchNorm + ReLU layers on the leading `widths` channels, with γ and β away from 1 and 0.
    private static func layers(_ widths: [Int]) -> [BatchNorm2D] {
        var r = RNG(seed: 51)
        return widths.map { c in
            let bn = BatchNorm2D(channels: c, activation: .relu)
            for j in 0..<c { bn.weight.value[j] = r.uniform(0.5, 1.5); bn.bias.value[j] = r.uniform(-0.5, 0.5) }
            return bn
        }
    }

    /// Shared statistics give every layer the bits its own statistics pass gives: outputs and
    /// running statistics identical, whichever order the layers ask in (37 channels: the
    /// prefixes end inside and outside the 16-wide vector loop).
    @Test(arguments: [[5, 21, 37], [37, 5, 21]])
    func sharedStatisticsAreEachLayersOwn(widths: [Int]) {
        let source = randomTensor([2, 3, 5, 37], seed: 52, -3, 3)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let own = Self.layers(widths), shared = Self.layers(widths)
        let statistics = SharedChannelStatistics(of: source)
        for (a, b) in zip(own, shared) {
            let y1 = a.forward(leadingChannelsOf: source, ctx)
            let y2 = b.forward(leadingChannelsOf: source, statistics: statistics, ctx)
            #expect(y1.array.map(\.bitPattern) == y2.array.map(\.bitPattern), "\(a.channels) channels")
            #expect(a.running_mean.value.array == b.running_mean.value.array)
            #expect(a.running_var.value.array == b.running_var.value.array)
        }
    }

    /// Two training layers (prefixes of 5 and 21 of 37 channels) add their input gradients
    /// into one buffer. Deferred, the buffer holds only the a·g parts; the channels taken out
    /// with the deferred terms equal the immediate backward's buffer. The two differ only in rounding: the immediate path
    /// adds a·g + b·x + k per layer, the deferred one a·g per layer and then (Σb)·x + Σk, so
    /// every element agrees to a few float ulps of the largest value (bound 1e-6 relative;
    /// measured 6.5e-8). γ and β gradients come from the same sums: identical bits.
    @Test func deferredGradientEqualsImmediate() {
        let shape = [2, 3, 5, 37], widths = [5, 21]
        let source = randomTensor(shape, seed: 53, -3, 3)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let immediate = Self.layers(widths), deferred = Self.layers(widths)
        let start = randomTensor(shape, seed: 54)
        let g1 = start.copy(), g2 = start.copy()
        let pending = DeferredInputGradient(source: source, gradient: g2)
        for (i, (a, b)) in zip(immediate, deferred).enumerated() {
            _ = a.forward(leadingChannelsOf: source, ctx)
            _ = b.forward(leadingChannelsOf: source, ctx)
            let dy = randomTensor(Array(shape.dropLast()) + [widths[i]], seed: 55 + UInt64(i))
            #expect(a.backward(dy, inputLeadingChannelsOf: source, addingInto: g1, ctx))
            #expect(b.backward(dy, inputLeadingChannelsOf: source, addingInto: g2, deferring: pending, ctx))
            #expect(a.weight.grad.array == b.weight.grad.array && a.bias.grad.array == b.bias.grad.array)
        }
        // The buffer lacks the deferred terms where a layer reads (channels 0..<21).
        #expect(maxDifference(g1, g2, channels: 0..<21) > 1e-3)
        #expect(pending.take(21..<37, ctx.parallel) == nil)      // no layer read these: nothing to add
        let taken = try! #require(pending.take(0..<21, ctx.parallel))
        let scale = g1.array.map(abs).max()!
        var worst: Float = 0
        for r in 0..<(g1.count / 37) { for j in 0..<21 { worst = max(worst, abs(taken[r * 21 + j] - g1[r * 37 + j])) } }
        #expect(taken.shape == [2, 3, 5, 21] && worst <= 1e-6 * scale)
        // Taken channels are forgotten: nothing is left to add.
        #expect(pending.take(0..<37, ctx.parallel) == nil)
    }

    /// A layer that normalises with running statistics (frozen γ while training, as Monk
    /// freezes BatchNorm) has no batch-sum terms: it adds its whole gradient at once, bit for
    /// bit the immediate path, and leaves nothing behind.
    @Test func frozenLayerDefersNothing() {
        let shape = [2, 2, 3, 9]
        let source = randomTensor(shape, seed: 57, -3, 3)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let a = Self.layers([7])[0], b = Self.layers([7])[0]
        for bn in [a, b] { bn.weight.trainable = false }
        let g1 = randomTensor(shape, seed: 58), g2 = g1.copy()
        let pending = DeferredInputGradient(source: source, gradient: g2)
        _ = a.forward(leadingChannelsOf: source, ctx)
        _ = b.forward(leadingChannelsOf: source, ctx)
        let dy = randomTensor([2, 2, 3, 7], seed: 59)
        #expect(a.backward(dy, inputLeadingChannelsOf: source, addingInto: g1, ctx))
        #expect(b.backward(dy, inputLeadingChannelsOf: source, addingInto: g2, deferring: pending, ctx))
        #expect(g1.array.map(\.bitPattern) == g2.array.map(\.bitPattern))
        #expect(pending.take(0..<9, ctx.parallel) == nil)
    }

    /// Largest |a − b| over `channels` of every pixel.
    private func maxDifference(_ a: Tensor, _ b: Tensor, channels: Range<Int>) -> Float {
        let total = a.shape.last!
        var worst: Float = 0
        for r in 0..<(a.count / total) { for j in channels { worst = max(worst, abs(a[r * total + j] - b[r * total + j])) } }
        return worst
    }
}
