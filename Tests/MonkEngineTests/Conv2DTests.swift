// Conv2D forward against the seven-loop reference, a hand computation and a PyTorch run;
// weight layout helpers; frozen weights and skipped input gradients.
import Testing
@testable import MonkEngine

@Suite struct Conv2DTests {
    static let forwardCases: [ConvCase] = [
        ConvCase(),                                                          // 3×3 pad 1
        ConvCase(n: 2, k: 1, padding: .symmetric(0)),                        // pointwise GEMM, no copy
        ConvCase(n: 2, h: 6, w: 5, k: 1, stride: 2, padding: .symmetric(0)), // 1×1 stride-2 downsample
        ConvCase(n: 2, h: 9, w: 8, cin: 3, cout: 4, k: 7, stride: 2, padding: .symmetric(3)), // stem
        ConvCase(k: 5, stride: 2, padding: .symmetric(0), bias: false),
        ConvCase(n: 2, h: 7, w: 7, k: 3, stride: 2, padding: .same),         // odd size SAME
        ConvCase(n: 1, h: 6, w: 8, k: 3, stride: 2, padding: .same),         // even size SAME
        ConvCase(n: 1, h: 6, w: 5, k: 5, stride: 1, padding: .same),
        ConvCase(n: 2, cin: 4, cout: 6, groups: 2),                          // grouped
        ConvCase(n: 2, cin: 4, cout: 6, k: 1, padding: .symmetric(0), groups: 2), // grouped pointwise
        ConvCase(n: 2, cin: 5, cout: 5, groups: 5),                          // depthwise
        ConvCase(n: 2, h: 6, w: 5, cin: 37, cout: 37, k: 3, stride: 2, padding: .same, groups: 37), // 2 SIMD blocks + tail
        ConvCase(n: 1, h: 5, w: 5, cin: 16, cout: 16, k: 5, padding: .symmetric(2), groups: 16, bias: false),
        ConvCase(n: 2, h: 6, w: 7, cin: 3, cout: 6, k: 3, stride: 2, padding: .same, groups: 3), // multiplier 2
        ConvCase(n: 1, h: 4, w: 4, cin: 2, cout: 2, k: 7, padding: .symmetric(3), groups: 2), // kernel > map
    ]

    @Test(arguments: forwardCases)
    func forwardMatchesReference(_ cs: ConvCase) {
        let conv = cs.makeConv()
        let x = cs.makeInput()
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let y = conv.forward(x, ctx)
        let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value,
                                 stride: cs.stride, padding: cs.padding, groups: cs.groups)
        #expect(y.shape == want.shape)
        #expect(maxAbsDifference(y, want) < 1e-5, "\(cs)")
    }

    /// Hand computation through the layer itself: 3×3 map 1…9, 2×2 kernel [[1, 0], [0, −1]],
    /// bias 0.5: every output is x[i][j] − x[i+1][j+1] + 0.5 = −4 + 0.5.
    @Test func tinyCaseByHand() {
        var rng = RNG(seed: 0)
        let conv = Conv2D(inChannels: 1, outChannels: 1, kernelSize: 2, rng: &rng)
        conv.weight.value.data.update(from: [1, 0, 0, -1], count: 4)
        conv.bias!.value[0] = 0.5
        let y = conv.forward(Tensor(shape: [1, 3, 3, 1], values: (1...9).map(Float.init)), Context(training: false))
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.array == [-3.5, -3.5, -3.5, -3.5])
    }

    /// Reference run: PyTorch 2.15 `F.conv2d(x, w, b, stride=2, padding=1, groups=2)` in float64
    /// on x[i] = sin(0.37·i + 0.1) (NHWC index i, [1,5,6,4]), w[j] = cos(0.53·j) (OHWI index
    /// j, [4,3,3,2]), b[o] = 0.1·(o+1); output permuted to NHWC. Script:
    ///   x = tensor([sin(0.37*i+0.1) for i in range(120)]).reshape(1,5,6,4).permute(0,3,1,2)
    ///   w = tensor([cos(0.53*j) for j in range(72)]).reshape(4,3,3,2).permute(0,3,1,2)
    ///   F.conv2d(x, w, b, stride=2, padding=1, groups=2).permute(0,2,3,1).reshape(-1)
    @Test func matchesPyTorchRun() {
        var rng = RNG(seed: 0)
        let conv = Conv2D(inChannels: 4, outChannels: 4, kernelSize: 3, stride: 2, padding: .symmetric(1),
                          groups: 2, rng: &rng)
        for j in 0..<conv.weight.value.count { conv.weight.value[j] = Float(cos(0.53 * Double(j))) }
        for o in 0..<4 { conv.bias!.value[o] = 0.1 * Float(o + 1) }
        let x = Tensor(shape: [1, 5, 6, 4], values: (0..<120).map { Float(sin(0.37 * Double($0) + 0.1)) })
        let y = conv.forward(x, Context(training: false))
        let torch: [Float] = [
            3.050514, -3.007978, 3.051612, -2.779663, -6.355343, 6.669925, -5.284600, 6.185689,
            6.396484, -6.021159, 6.402001, -5.818209, 3.501382, -2.995932, 4.973595, -4.474510,
            -5.844402, 5.669387, -8.515665, 8.968122, 4.723055, -3.865113, 8.545327, -7.486682,
            0.639899, 0.126467, 2.259894, -1.323765, 0.633317, -0.833590, -2.857948, 3.107054,
            -1.582258, 2.376374, 2.374278, -1.195059]
        #expect(y.shape == [1, 3, 3, 4])
        #expect(maxAbsDifference(y, Tensor(shape: [1, 3, 3, 4], values: torch)) < 2e-5)
    }

    @Test func torchLayoutRoundTrip() {
        let ohwi = randomTensor([4, 3, 2, 5], seed: 3)
        let oihw = Conv2D.toTorchLayout(ohwi)
        #expect(oihw.shape == [4, 5, 3, 2])
        // oihw[o, i, y, x] == ohwi[o, y, x, i] for one element written out: o=2, i=4, y=1, x=0.
        #expect(oihw[((2 * 5 + 4) * 3 + 1) * 2 + 0] == ohwi[((2 * 3 + 1) * 2 + 0) * 5 + 4])
        #expect(Conv2D.fromTorchLayout(oihw).shape == ohwi.shape)
        #expect(Conv2D.fromTorchLayout(oihw).array == ohwi.array)
    }

    /// PyTorch's default init: U(±1/√fanIn) for weight and bias, fanIn = in/groups·k·k = 2·9.
    @Test func defaultInitRange() {
        var rng = RNG(seed: 4)
        let conv = Conv2D(inChannels: 4, outChannels: 8, kernelSize: 3, groups: 2, rng: &rng)
        let bound = 1 / Float(18).squareRoot()
        #expect(conv.weight.shape == [8, 3, 3, 2])
        #expect(conv.weight.value.array.allSatisfy { abs($0) <= bound })
        #expect(conv.weight.value.array.max()! > 0.8 * bound)   // 144 draws reach near the bound
        #expect(conv.bias!.value.array.allSatisfy { abs($0) <= bound })
        #expect(conv.namedParameters().map(\.0) == ["weight", "bias"])
    }

    /// Frozen weights get no gradient, the bias still does, and dx is unchanged; with
    /// needsInputGradient false, backward returns nil.
    @Test(arguments: [ConvCase(n: 2), ConvCase(n: 2, cin: 4, cout: 4, groups: 4)])
    func frozenWeightsAndNoInputGradient(_ cs: ConvCase) throws {
        let ctx = Context(training: true)
        let x = cs.makeInput()
        let dy = randomTensor(cs.makeConv().forward(x, ctx).shape, seed: 8)
        let live = cs.makeConv(), frozen = cs.makeConv()
        frozen.weight.trainable = false
        _ = live.forward(x, ctx); let dxLive = try #require(live.backward(dy, ctx))
        _ = frozen.forward(x, ctx); let dxFrozen = try #require(frozen.backward(dy, ctx))
        #expect(frozen.weight.grad.array.allSatisfy { $0 == 0 })
        #expect(live.weight.grad.array.contains { $0 != 0 })
        #expect(frozen.bias!.grad.array == live.bias!.grad.array)
        #expect(dxFrozen.array == dxLive.array)
        frozen.needsInputGradient = false
        _ = frozen.forward(x, ctx)
        #expect(frozen.backward(dy, ctx) == nil)
        // Bias gradient accumulated twice now: backward adds, never overwrites.
        for i in 0..<cs.cout { #expect(abs(frozen.bias!.grad[i] - 2 * live.bias!.grad[i]) < 1e-5) }
    }
}

import Foundation
