// Every optimizer against hand arithmetic and a recorded PyTorch run; frozen parameters stay
// put; bad hyper-parameters are refused.
import Testing
@testable import MonkEngine
import MonkVocabulary

/// The fixed gradient sequence fed to a 3-element parameter starting at `start`; the PyTorch
/// reference below sets `p.grad` to the same rows before each `opt.step()`.
let optimizerStart: [Float] = [1.0, -2.0, 0.5]
let optimizerGrads: [[Float]] = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.25], [0.05, -0.4, 0.1]]

/// Runs `config` over `optimizerGrads` and returns the parameter after each step.
func runOptimizer(_ config: OptimizerConfig, steps: Int = 4) throws -> [[Float]] {
    let p = Parameter(Tensor(shape: [3], values: optimizerStart))
    var opt = try Optimizer(config)
    var out: [[Float]] = []
    for g in optimizerGrads.prefix(steps) {
        for i in 0..<3 { p.grad[i] = g[i] }
        try opt.step([("w", p)])
        out.append(p.value.array)
    }
    return out
}

private func expectSteps(_ got: [[Float]], _ want: [[Float]], relative: Float = 3e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, sourceLocation: sourceLocation)
    for (t, (g, w)) in zip(got, want).enumerated() {
        for i in 0..<w.count {
            #expect(abs(g[i] - w[i]) <= relative * max(1, abs(w[i])), "step \(t + 1)[\(i)]: \(g[i]) vs \(w[i])",
                    sourceLocation: sourceLocation)
        }
    }
}

@Suite struct OptimizerTests {
    @Test func sgdMomentumByHand() throws {
        // lr 0.1, μ 0.9, θ₀ = [1, -2, 0.5]:
        // t1: b = g = [0.1, -0.2, 0.3];                  θ = θ₀ − 0.1·b = [0.99, -1.98, 0.47]
        // t2: b = 0.9·b + [0.4, 0.1, -0.5] = [0.49, -0.08, -0.23];   θ = [0.941, -1.972, 0.493]
        // t3: b = 0.9·b + [-0.3, 0.2, 0.25] = [0.141, 0.128, 0.043]; θ = [0.9269, -1.9848, 0.4887]
        let got = try runOptimizer(.sgd(SGDConfig(lr: 0.1, momentum: 0.9)), steps: 3)
        expectSteps(got, [[0.99, -1.98, 0.47], [0.941, -1.972, 0.493], [0.9269, -1.9848, 0.4887]])
    }

    @Test func adamBiasCorrectionByHand() throws {
        // lr 0.01, β = (0.9, 0.999). Step 1: m̂ = g and v̂ = g², so θ moves by 0.01·sign(g):
        //   [0.99, -1.99, 0.49].
        // Step 2, element 0: m = 0.9·0.01 + 0.1·0.4 = 0.049; v = 0.999·1e-5 + 0.001·0.16 = 1.6999e-4;
        //   m̂ = 0.049 / 0.19 = 0.2578947; √v̂ = √(1.6999e-4 / 0.001999) = 0.2916119;
        //   θ = 0.99 − 0.01·0.2578947 / 0.2916119 = 0.9811563.
        let got = try runOptimizer(.adam(AdamConfig(lr: 0.01)), steps: 2)
        expectSteps([got[0]], [[0.99, -1.99, 0.49]])
        #expect(abs(got[1][0] - 0.9811563) < 2e-6)
    }

    // Reference: torch 2.x, float32, 4 steps, the script
    //   p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5])); opt = <constructor below>
    //   for g in optimizerGrads: p.grad = torch.tensor(g); opt.step(); print(p.tolist())
    @Test func sgdMatchesPyTorch() throws {
        // torch.optim.SGD(ps, lr=0.1, weight_decay=0.01)
        expectSteps(try runOptimizer(.sgd(SGDConfig(lr: 0.1, weightDecay: 0.01))), [
            [0.9890000224113464, -1.9780000448226929, 0.46950000524520874],
            [0.948011040687561, -1.9860219955444336, 0.5190305113792419],
            [0.9770630598068237, -2.0040359497070312, 0.49351146817207336],
            [0.9710860252380371, -1.9620319604873657, 0.4830179512500763]])
        // torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
        expectSteps(try runOptimizer(.sgd(SGDConfig(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01))), [
            [0.9790999889373779, -1.9581999778747559, 0.4420500099658966],
            [0.8923296928405762, -1.9556593894958496, 0.511505126953125],
            [0.9064221978187561, -1.9804195165634155, 0.48094069957733154],
            [0.8816863298416138, -1.906700849533081, 0.4564792811870575]])
        // torch.optim.SGD(ps, lr=0.05, momentum=0.5, dampening=0.3)
        expectSteps(try runOptimizer(.sgd(SGDConfig(lr: 0.05, momentum: 0.5, dampening: 0.3))), [
            [0.9950000047683716, -1.9900000095367432, 0.48499998450279236],
            [0.9785000085830688, -1.9884999990463257, 0.4949999749660492],
            [0.9807500243186951, -1.9947500228881836, 0.4912499785423279],
            [0.9801250100135803, -1.983875036239624, 0.4858749806880951]])
    }

    @Test func adamAndAdamWMatchPyTorch() throws {
        // torch.optim.Adam(ps, lr=0.01)
        expectSteps(try runOptimizer(.adam(AdamConfig(lr: 0.01))), [
            [0.9900000095367432, -1.9900000095367432, 0.49000000953674316],
            [0.9811562299728394, -1.9873366355895996, 0.4929356276988983],
            [0.9793891310691833, -1.9900635480880737, 0.4925024211406708],
            [0.9773809909820557, -1.9867522716522217, 0.49124616384506226]])
        // torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
        expectSteps(try runOptimizer(.adam(AdamConfig(lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1))), [
            [0.9900000691413879, -1.9900000095367432, 0.49000003933906555],
            [0.9803863763809204, -1.981993317604065, 0.4923519790172577],
            [0.9763661026954651, -1.9762227535247803, 0.4905623197555542],
            [0.9716973900794983, -1.9681782722473145, 0.48769816756248474]])
        // torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1)
        expectSteps(try runOptimizer(.adamw(AdamConfig(lr: 0.01, weightDecay: 0.1))), [
            [0.9890000224113464, -1.9880000352859497, 0.4895000159740448],
            [0.9791672825813293, -1.9833487272262573, 0.49194613099098206],
            [0.976421058177948, -1.984092354774475, 0.49102097749710083],
            [0.9734365344047546, -1.9787969589233398, 0.48927369713783264]])
    }

    @Test func rmspropMatchesPyTorch() throws {
        // torch.optim.RMSprop(ps, lr=0.01)
        expectSteps(try runOptimizer(.rmsprop(RMSpropConfig(lr: 0.01))), [
            [0.9000000953674316, -1.9000000953674316, 0.40000003576278687],
            [0.80295729637146, -1.9449013471603394, 0.4858630299568176],
            [0.8619967103004456, -2.011902332305908, 0.4462457597255707],
            [0.8521552681922913, -1.931614875793457, 0.4305172562599182]])
        // torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, momentum=0.8, centered=True, weight_decay=0.05)
        expectSteps(try runOptimizer(.rmsprop(RMSpropConfig(lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.8,
                                                             centered: true, weightDecay: 0.05))), [
            [0.9666674137115479, -1.9666670560836792, 0.4666670262813568],
            [0.9072359204292297, -1.9401947259902954, 0.466693639755249],
            [0.8755850791931152, -1.9304184913635254, 0.452380508184433],
            [0.8441469669342041, -1.8930881023406982, 0.4342654049396515]])
    }

    @Test func frozenParameterIsUntouchedAndGetsNoState() throws {
        let frozen = Parameter(Tensor(shape: [2], values: [3, 4]), trainable: false)
        let live = Parameter(Tensor(shape: [2], values: [1, 1]))
        frozen.grad.fill(1); live.grad.fill(1)
        var opt = try Optimizer(.adamw(AdamConfig(lr: 0.1, weightDecay: 0.5)))
        for _ in 0..<3 { try opt.step([("frozen", frozen), ("live", live)]) }
        #expect(frozen.value.array == [3, 4])
        #expect(opt.slots(for: "frozen") == nil)
        #expect(opt.slots(for: "live")?.step == 3)
        #expect(live.value[0] < 1)
    }

    @Test func learningRateIsReadEveryStep() throws {
        // Plain SGD, g = 1: θ = 0 − 0.5·1 − 0.25·1 = −0.75.
        let p = Parameter(Tensor(shape: [1], values: [0]))
        p.grad.fill(1)
        var opt = try Optimizer(.sgd(SGDConfig(lr: 0.5)))
        try opt.step([("p", p)])
        opt.learningRate = 0.25
        try opt.step([("p", p)])
        #expect(p.value[0] == -0.75)
        #expect(opt.stepCount == 2)
    }

    @Test(arguments: [OptimizerConfig.sgd(SGDConfig(lr: 0.1, momentum: 0.9, weightDecay: 0.01)),
                      .adamw(AdamConfig(lr: 0.01, weightDecay: 0.1)),
                      .rmsprop(RMSpropConfig(lr: 0.01, momentum: 0.5, centered: true))])
    func threadCountDoesNotChangeBits(_ config: OptimizerConfig) throws {
        // 140,000 elements: above 2 × OptimizerRules.minChunk (131,072), so two threads split it.
        func run(_ threads: Int) throws -> [UInt32] {
            let p = Parameter(randomTensor([140_000], seed: 3))
            var opt = try Optimizer(config)
            for step in 0..<2 {
                let g = randomTensor([140_000], seed: UInt64(10 + step))
                p.grad.data.update(from: g.data, count: g.count)
                try opt.step([("w", p)], parallel: Parallel(threads: threads))
            }
            return p.value.array.map(\.bitPattern)
        }
        #expect(try run(1) == run(2))
    }

    @Test func invalidHyperParametersAreRefused() {
        #expect(throws: OptimizerError.self) { try Optimizer(.sgd(SGDConfig(lr: 0.1, nesterov: true))) }
        #expect(throws: OptimizerError.self) { try Optimizer(.adam(AdamConfig(lr: 0.1, beta2: 1.0))) }
        #expect(throws: OptimizerError.self) { try Optimizer(.rmsprop(RMSpropConfig(lr: -1))) }
    }
}
