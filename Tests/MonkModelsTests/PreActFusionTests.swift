// ResNet v2's fused passes against the separate steps they replace, to the bit: the shortcut
// add that also takes the next BatchNorm's statistics, and bn1's backward that adds the
// identity shortcut's gradient.
import Testing
@testable import MonkEngine
@testable import MonkModels

@Suite struct PreActFusionTests {
    /// The add-and-statistics kernel is `Elementwise.add` then `meanAndVariance`, bit for bit:
    /// 37 channels (a vector part and a tail), 150 rows (three 64-row blocks, the last short),
    /// two threads.
    @Test func addThenStatisticsIsAddThenStatistics() {
        let y1 = randomTensor([2, 5, 15, 37], seed: 61, -3, 3), s = randomTensor([2, 5, 15, 37], seed: 62, -3, 3)
        let y2 = y1.copy()
        let parallel = Parallel(threads: 2)
        Elementwise.add(s, into: y1, parallel: parallel)
        let (m1, v1) = ChannelReduce.meanAndVariance(y1, channels: 37, parallel: parallel)
        let (m2, v2) = ChannelReduce.addThenMeanAndVariance(y2, adding: s, channels: 37, parallel: parallel)
        #expect(y1.array.map(\.bitPattern) == y2.array.map(\.bitPattern))
        #expect(m1 == m2 && v1 == v2)
    }

    /// A small resnet50_v2 (widths 2, 4, 4, 8: identity and projection blocks, bottlenecks)
    /// trained one step through `forward`, where each block hands its output's statistics to
    /// the next BatchNorm, against the same network run module by module along
    /// `forwardChain` (every BatchNorm takes its own statistics): logits, running statistics
    /// and every gradient are the same bits.
    @Test func statisticsHandOffChangesNoBit() {
        func network() -> PreActResNet {
            var rng = RNG(seed: 63)
            return PreActResNet(.resnet50, widths: [2, 4, 4, 8], numClasses: 3, rng: &rng)
        }
        let fused = network(), chained = network()
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = randomTensor([2, 32, 32, 3], seed: 64)
        let y1 = fused.forward(x.copy(), ctx)
        let y2 = chained.forwardChain.reduce(x.copy()) { $1($0, ctx) }
        #expect(y1.array.map(\.bitPattern) == y2.array.map(\.bitPattern))
        for ((name, a), (_, b)) in zip(fused.namedBuffers(), chained.namedBuffers()) {
            #expect(a.value.array == b.value.array, "\(name)")
        }
        let dy = randomTensor(y1.shape, seed: 65)
        _ = fused.backward(dy, ctx)
        _ = chained.backward(dy, ctx)
        for ((name, p), (_, q)) in zip(fused.namedParameters(), chained.namedParameters()) {
            #expect(p.grad.array.map(\.bitPattern) == q.grad.array.map(\.bitPattern), "\(name)")
        }
    }

    /// An identity-shortcut block's input gradient, with the shortcut's gradient added in
    /// bn1's backward pass, equals bn1's gradient plus dy added afterwards, to the bit.
    @Test func identityShortcutGradientJoinsInBn1sPass() {
        func block() -> PreActResNet.Block {
            var rng = RNG(seed: 66)
            return PreActResNet.Block(inChannels: 20, width: 5, stride: 1, bottleneck: true, rng: &rng)
        }
        let fused = block(), separate = block()
        #expect(fused.downsample == nil)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = randomTensor([2, 6, 6, 20], seed: 67)
        let y = fused(x.copy(), ctx)
        let a = separate.bn1(x.copy(), ctx)
        _ = separate.residual.reduce(a) { $1($0, ctx) }
        let dy = randomTensor(y.shape, seed: 68)
        let dx = try! #require(fused.backward(dy, ctx))
        let da = try! #require(backwardChain(separate.residual, dy, ctx))
        let expected = try! #require(separate.bn1.backward(da, ctx))
        Elementwise.add(dy, into: expected, parallel: ctx.parallel)
        #expect(dx.array.map(\.bitPattern) == expected.array.map(\.bitPattern))
        #expect(fused.bn1.weight.grad.array == separate.bn1.weight.grad.array)
    }
}
