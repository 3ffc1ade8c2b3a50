// Finite-difference checks of one whole block per network family, in training mode.
import Testing
import MonkEngine
@testable import MonkModels

/// Checks dL/dx and dL/dθ of `module` for L = Σ y·w with fixed random w against finite
/// differences (float64 accumulation of L). The approach of MonkEngineTests' GradCheck.swift,
/// copied because test targets cannot import each other, with one change: a whole block has
/// dozens of ReLUs, and a step that moves one of their inputs across 0 bends the central
/// difference (by up to |Δy·w|/2h, seen as 0.3 errors on conv+ReLU alone). The analytic
/// gradient is the derivative of the piece the point lies on, so it must match the central
/// difference or one of the one-sided ones (only one side can cross a kink for a small step).
private func checkBlockGradients(_ module: Module, input x: Tensor, h: Float = 2e-3, tolerance: Float = 2e-2,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
    let ctx = Context(training: true, rng: RNG(seed: 1))
    func loss(_ y: Tensor, _ w: Tensor) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y[i]) * Double(w[i]) }
        return s
    }
    func run(_ input: Tensor) -> Tensor { module.forward(input.copy(), ctx) }   // blocks may work in place
    let y0 = run(x)
    var wr = RNG(seed: 99)
    let w = Tensor(shape: y0.shape, values: (0..<y0.count).map { _ in wr.uniform(-1, 1) })
    module.zeroGrad()
    prepareFlow(module, inputNeedsGradient: true)
    _ = run(x)
    guard let dx = module.backward(w, ctx) else {
        Issue.record("backward returned no input gradient", sourceLocation: sourceLocation); return
    }
    let l0 = loss(run(x), w)
    func compare(_ analytic: Float, _ lp: Double, _ lm: Double, _ what: String) {
        let h = Double(h)
        let candidates = [(lp - lm) / (2 * h), (lp - l0) / h, (l0 - lm) / h]
        let ok = candidates.contains { abs(Double(analytic) - $0) <= Double(tolerance) * max(1.0, abs($0)) }
        #expect(ok, "\(what): analytic \(analytic) vs numeric \(candidates)", sourceLocation: sourceLocation)
    }
    #expect(dx.shape == x.shape, sourceLocation: sourceLocation)
    for i in 0..<x.count {
        let orig = x[i]
        x[i] = orig + h; let lp = loss(run(x), w)
        x[i] = orig - h; let lm = loss(run(x), w)
        x[i] = orig
        compare(dx[i], lp, lm, "dx[\(i)]")
    }
    for (name, p) in module.namedParameters() where p.trainable {
        let g = p.grad.copy()
        for i in 0..<p.value.count {
            let orig = p.value[i]
            p.value[i] = orig + h; let lp = loss(run(x), w)
            p.value[i] = orig - h; let lm = loss(run(x), w)
            p.value[i] = orig
            compare(g[i], lp, lm, "d\(name)[\(i)]")
        }
    }
}

@Suite struct NetworkGradientTests {
    /// Basic block with a strided projection shortcut (conv 1×1/2 + BN).
    @Test func resnetBasicBlockWithProjection() {
        var rng = RNG(seed: 11)
        let block = ResNet.BasicBlock(inChannels: 3, width: 4, stride: 2, rng: &rng)
        #expect(block.downsample != nil)
        checkBlockGradients(block, input: randomTensor([2, 5, 5, 3]))
    }

    /// Basic block with the identity shortcut: dL/dx gets dy straight through the add.
    @Test func resnetBasicBlockIdentity() {
        var rng = RNG(seed: 12)
        let block = ResNet.BasicBlock(inChannels: 3, width: 3, stride: 1, rng: &rng)
        #expect(block.downsample == nil)
        checkBlockGradients(block, input: randomTensor([2, 4, 4, 3]))
    }

    @Test func resnetBottleneck() {
        var rng = RNG(seed: 13)
        let block = ResNet.Bottleneck(inChannels: 4, width: 3, stride: 2, rng: &rng)
        checkBlockGradients(block, input: randomTensor([2, 5, 5, 4]))
    }

    /// Pre-activation basic block whose projection reads the activated input.
    @Test func preActBasicBlockWithProjection() {
        var rng = RNG(seed: 14)
        let block = PreActResNet.Block(inChannels: 3, width: 4, stride: 2, bottleneck: false, rng: &rng)
        checkBlockGradients(block, input: randomTensor([2, 5, 5, 3]))
    }

    /// Pre-activation bottleneck with the identity shortcut (input 8 = 4·width channels).
    @Test func preActBottleneckIdentity() {
        var rng = RNG(seed: 15)
        let block = PreActResNet.Block(inChannels: 8, width: 2, stride: 1, bottleneck: true, rng: &rng)
        #expect(block.downsample == nil)
        checkBlockGradients(block, input: randomTensor([2, 4, 4, 8]))
    }

    /// Two dense layers (growth 3, bottleneck 4) followed by a transition: concatenation,
    /// the shared gradient buffer, and the 1×1 conv + 2×2 average pool.
    @Test func denseLayersAndTransition() {
        var rng = RNG(seed: 16)
        let block = DenseNet.DenseBlock(inChannels: 2, layers: 2, growthRate: 3, bottleneckWidth: 4, rng: &rng)
        let transition = DenseNet.Transition(inChannels: block.outChannels, rng: &rng)
        checkBlockGradients(Sequential([block, transition]), input: randomTensor([2, 4, 4, 2]))
    }

    /// Inverted residual with expansion, depthwise 3×3, ReLU6 and the residual add.
    @Test func mobilenetInvertedResidual() {
        var rng = RNG(seed: 17)
        let block = MobileNetV2.InvertedResidual(inChannels: 3, outChannels: 3, stride: 1, expansion: 2, rng: &rng)
        #expect(block.useResidual)
        checkBlockGradients(block, input: randomTensor([2, 4, 4, 3]))
    }

    /// MBConv with a 5×5 stride-2 depthwise convolution and TensorFlow "SAME" padding.
    @Test func efficientNetMBConvStrided() {
        var rng = RNG(seed: 18)
        let block = EfficientNetLite.MBConvBlock(inChannels: 2, outChannels: 3, kernel: 5, stride: 2, expansion: 2, rng: &rng)
        #expect(!block.identitySkip)
        checkBlockGradients(block, input: randomTensor([2, 6, 6, 2]))
    }
}
