// The op profile: labels add up per call, nested timed calls count once, and layers name
// themselves by kernel, channels, map size and product path.
import Testing
@testable import MonkEngine

@Suite struct OpProfileTests {
    @Test func nestedCallsCountOnceUnderTheOutermostLabel() {
        let profile = OpProfile()
        let ctx = Context(training: true, profile: profile)
        for _ in 0..<3 {
            ctx.timed("outer") { ctx.timed("inner") { } }
        }
        ctx.timed("second") { }
        #expect(profile.rows.map(\.label) == ["outer", "second"])
        #expect(profile.rows.map(\.calls) == [3, 1])
        #expect(profile.totalSeconds == profile.rows.reduce(0) { $0 + $1.seconds })
    }

    @Test func layersLabelTheirCalls() {
        var rng = RNG(seed: 1)
        let profile = OpProfile()
        let ctx = Context(training: true, profile: profile)
        let conv = Conv2D(inChannels: 16, outChannels: 16, kernelSize: 3, padding: .symmetric(1), rng: &rng)
        let bn = BatchNorm2D(channels: 16, activation: .relu)
        let x = Tensor(shape: [1, 16, 16, 16], repeating: 0.5)
        let y = bn(conv(x, ctx), ctx)
        _ = conv.backward(bn.backward(y, ctx)!, ctx)
        // 16×16 output = 64 tiles of 2×2: automatic mode's Winograd threshold.
        #expect(profile.rows.map(\.label) == [
            "conv 3×3/1 16→16 @16×16 winograd forward", "batchnorm+relu 16 @16×16 forward",
            "batchnorm+relu 16 @16×16 backward", "conv 3×3/1 16→16 @16×16 winograd backward",
        ])
        // Without a profile nothing is recorded and nothing changes.
        let plain = Context(training: true)
        #expect(plain.profile == nil)
    }
}
