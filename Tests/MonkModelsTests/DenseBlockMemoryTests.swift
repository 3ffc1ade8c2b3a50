// The memory-efficient dense block (shared feature buffer, concatenation and norm1 + ReLU
// recomputed in backward) against the straightforward chain it replaces, on a tiny block.
import Testing
import MonkEngine
@testable import MonkModels

/// Two blocks with identical weights: `DenseNet.DenseBlock(seed:)` twice, then the same
/// random BatchNorm affine weights in both (the default 1/0 would hide errors in γ and β).
private func twinBlocks(inChannels: Int = 3, layers: Int = 3, growth: Int = 2, bottleneck: Int = 4)
    -> (DenseNet.DenseBlock, DenseNet.DenseBlock) {
    func make() -> DenseNet.DenseBlock {
        var rng = RNG(seed: 31)
        let block = DenseNet.DenseBlock(inChannels: inChannels, layers: layers, growthRate: growth,
                                        bottleneckWidth: bottleneck, rng: &rng)
        var values = RNG(seed: 32)
        for layer in block.layers {
            for norm in [layer.norm1, layer.norm2] {
                for j in 0..<norm.channels {
                    norm.weight.value[j] = values.uniform(0.5, 1.5)
                    norm.bias.value[j] = values.uniform(-0.5, 0.5)
                }
            }
        }
        return block
    }
    return (make(), make())
}

/// The straightforward DenseNet computation, as torchvision's default forward does it:
/// layer ℓ's input is a fresh concatenation, every layer module runs as a plain chain and
/// keeps its own input (conv1 through `Conv2D`).
private struct ChainReference {
    let block: DenseNet.DenseBlock

    func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        var features = x
        for layer in block.layers {
            let y = layer.chain.reduce(features) { $1($0, ctx) }
            features = concatChannels([features, y], parallel: ctx.parallel)
        }
        return features
    }

    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        let total = block.outChannels, k = block.growthRate
        let g = dy.copy()
        for (i, layer) in block.layers.enumerated().reversed() {
            let c = block.inChannels + i * k
            let dOut = splitChannels(g, sizes: [c, k, total - c - k])[1]
            guard let dIn = backwardChain(layer.chain, dOut, ctx) else { continue }
            let rows = dIn.count / c
            for p in 0..<rows { for j in 0..<c { g[p * total + j] += dIn[p * c + j] } }
        }
        guard block.needsInputGradient else { return nil }
        return splitChannels(g, sizes: [block.inChannels, total - block.inChannels])[0]
    }
}

/// Largest |a − b| relative to the largest |b| (1 when b is all zero).
private func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
    var diff: Float = 0, scale: Float = 0
    for i in 0..<a.count { diff = max(diff, abs(a[i] - b[i])); scale = max(scale, abs(b[i])) }
    return diff / max(scale, 1)
}

@Suite struct DenseBlockMemoryTests {
    /// Output, input gradient and every parameter gradient equal the chain's. The forward
    /// agrees to the bit (shared statistics are each layer's own). The backward differs in
    /// rounding only: the block adds each norm1's batch-sum terms (x·b + k) once per channel,
    /// summed over layers, where the chain adds them layer by layer (`DeferredInputGradient`);
    /// measured largest relative error 5.0e-7 (norm1.weight of the first layer, whose
    /// gradient has passed through every later layer's), 2.6e-7 for conv weights. The bound
    /// 2e-6 also allows a different summation order of the weight gradient's thread partials
    /// (if OpenBLAS' thread count changes between the two runs), ~1e-7 relative. Leaving out
    /// the deferred terms where the block takes a layer's gradient out makes the errors 0.01–0.8.
    /// Both ways of getting norm1's output back in the backward: kept from the forward (a
    /// budget that fits it) and recomputed (a budget of 0 bytes).
    @Test(arguments: [true, false], [DenseNet.DenseBlock.defaultKeptNormBudget, 0])
    func matchesChain(inputNeedsGradient: Bool, keptNormBudget: Int) {
        let (efficient, plain) = twinBlocks()
        efficient.keptNormBudget = keptNormBudget
        let reference = ChainReference(block: plain)
        for b in [efficient, plain] { b.prepareGradientFlow(inputNeedsGradient: inputNeedsGradient) }
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = randomTensor([2, 5, 4, 3], seed: 33)   // 2 images: the backward splits work by image
        let y = efficient(x.copy(), ctx)
        let yRef = reference.forward(x.copy(), ctx)
        #expect(y.shape == [2, 5, 4, 9])
        #expect(relativeError(y, yRef) <= 1e-6)

        let dy = randomTensor(y.shape, seed: 34)
        let dx = efficient.backward(dy, ctx)
        let dxRef = reference.backward(dy, ctx)
        #expect((dx == nil) == !inputNeedsGradient && (dxRef == nil) == !inputNeedsGradient)
        if let dx, let dxRef { #expect(relativeError(dx, dxRef) <= 2e-6) }
        let grads = efficient.namedParameters(), gradsRef = plain.namedParameters()
        #expect(grads.map(\.0) == gradsRef.map(\.0) && grads.count == 3 * 6)
        for ((name, p), (_, q)) in zip(grads, gradsRef) {
            #expect(p.grad.array.contains { $0 != 0 }, "\(name) got no gradient")
            #expect(relativeError(p.grad, q.grad) <= 2e-6, "\(name)")
        }
    }

    /// Keeping norm1's output changes nothing but the memory: output, input gradient, every
    /// parameter gradient and running statistic are bit for bit those of the recomputing block
    /// (the recomputation is bit for bit the forward's output). The kept tensors are released
    /// by the backward.
    @Test func keptNormOutputsEqualRecomputedOnes() throws {
        let (keeping, recomputing) = twinBlocks(layers: 4)
        recomputing.keptNormBudget = 0
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = randomTensor([2, 5, 4, 3], seed: 38)
        #expect(keeping.keptNormBytes(x.shape) == 2 * 5 * 4 * (3 + 5 + 7 + 9) * 4)   // Σ C_ℓ = 24 channels per pixel
        let y = keeping(x.copy(), ctx), y0 = recomputing(x.copy(), ctx)
        #expect(y.array == y0.array)
        #expect(keeping.layers.allSatisfy { $0.keptNormOutput != nil })
        #expect(recomputing.layers.allSatisfy { $0.keptNormOutput == nil })
        let dy = randomTensor(y.shape, seed: 39)
        let dx = try #require(keeping.backward(dy, ctx)), dx0 = try #require(recomputing.backward(dy, ctx))
        #expect(dx.array == dx0.array)
        #expect(keeping.layers.allSatisfy { $0.keptNormOutput == nil })
        for ((name, p), (_, q)) in zip(keeping.namedParameters(), recomputing.namedParameters()) {
            #expect(p.grad.array == q.grad.array, "\(name)")
        }
        for ((name, a), (_, b)) in zip(keeping.namedBuffers(), recomputing.namedBuffers()) {
            #expect(a.value.array == b.value.array, "\(name)")
        }
        // A forward that will not be differentiated (inference) keeps nothing, whatever the budget.
        _ = keeping(x.copy(), Context(training: false, keepsForBackward: false))
        #expect(keeping.layers.allSatisfy { $0.keptNormOutput == nil })
        // Nor does a frozen block whose input needs no gradient: its backward never reaches conv1.
        for (_, p) in keeping.namedParameters() { p.trainable = false }
        keeping.prepareGradientFlow(inputNeedsGradient: false)
        _ = keeping(x.copy(), ctx)
        #expect(keeping.layers.allSatisfy { $0.keptNormOutput == nil })
    }

    /// The budget's arithmetic on densenet121's real blocks at 224 px (hand count: block 1 has
    /// 6 layers reading 64, 96, …, 224 channels, Σ 864, on 56×56 maps; block 3 has 24 layers
    /// reading 256 … 992, Σ 14,976, on 14×14): at batch 4 and 8 every block keeps, at batch 16
    /// block 1 (4·56·56·864·4 B = 43.4 MB at batch 4) no longer fits 128 MB.
    @Test func densenet121BlocksKeepUpToBatch8() {
        var rng = RNG(seed: 1)
        let net = DenseNet(.densenet121, numClasses: 2, rng: &rng)
        let block1 = net.features.denseblock1, block3 = net.features.denseblock3
        #expect(block1.keptNormBytes([4, 56, 56, 64]) == 4 * 56 * 56 * 864 * 4)
        #expect(block3.keptNormBytes([4, 14, 14, 256]) == 4 * 14 * 14 * 14_976 * 4)
        let budget = DenseNet.DenseBlock.defaultKeptNormBudget
        #expect(block1.keptNormBytes([8, 56, 56, 64]) <= budget && block3.keptNormBytes([8, 14, 14, 256]) <= budget)
        #expect(block1.keptNormBytes([16, 56, 56, 64]) > budget && block3.keptNormBytes([16, 14, 14, 256]) > budget)
    }

    /// Running statistics move once per forward: the backward's recomputation of norm1 leaves
    /// them alone. Hand reference for the first layer's norm1 (input = the block input):
    /// running_mean = 0.1·mean, running_var = 0.9 + 0.1·unbiased variance (PyTorch's update
    /// from 0 and 1 with momentum 0.1), each computed here by a plain loop in Double.
    @Test func runningStatisticsUpdateOncePerForward() {
        let (efficient, plain) = twinBlocks()
        let reference = ChainReference(block: plain)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let x = randomTensor([2, 5, 4, 3], seed: 35)
        let y = efficient(x.copy(), ctx)
        _ = reference.forward(x.copy(), ctx)
        let afterForward = efficient.namedBuffers().map { ($0.0, $0.1.value.array) }
        _ = efficient.backward(randomTensor(y.shape, seed: 36), ctx)
        for ((name, before), (_, buffer)) in zip(afterForward, efficient.namedBuffers()) {
            #expect(before == buffer.value.array, "\(name) moved during backward")
        }
        for ((name, a), (_, b)) in zip(efficient.namedBuffers(), plain.namedBuffers()) {
            #expect(relativeError(a.value, b.value) <= 1e-6, "\(name)")
        }
        let norm1 = efficient.layers[0].norm1, rows = x.count / 3
        for j in 0..<3 {
            let values = (0..<rows).map { Double(x[$0 * 3 + j]) }
            let mean = values.reduce(0, +) / Double(rows)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows - 1)
            #expect(abs(Double(norm1.running_mean.value[j]) - 0.1 * mean) <= 1e-6)
            #expect(abs(Double(norm1.running_var.value[j]) - (0.9 + 0.1 * variance)) <= 1e-6)
        }
    }

    /// Eval mode uses the running statistics: the shared-buffer forward gives the chain's
    /// output there too, and changes no statistic.
    @Test func evalForwardMatchesChain() {
        let (efficient, plain) = twinBlocks(layers: 2)
        let ctx = Context(training: false, parallel: Parallel(threads: 2))
        let x = randomTensor([1, 3, 3, 3], seed: 37)
        let y = efficient(x.copy(), ctx)
        #expect(relativeError(y, ChainReference(block: plain).forward(x.copy(), ctx)) <= 1e-6)
        #expect(efficient.layers[0].norm1.running_mean.value.array == [0, 0, 0])
    }
}
