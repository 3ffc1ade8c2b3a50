// The weight initialisations torchvision's model constructors apply after building layers.
import Foundation
import MonkEngine

/// Which fan kaiming initialisation scales by (PyTorch's `mode`).
enum FanMode { case fanIn, fanOut }

/// Fills `t` with N(0, std²) values: Box–Muller on a PCG-style stream seeded once from `rng`,
/// so a network's initial weights depend only on the seed.
///
/// `@_optimize(speed)` because debug test builds otherwise spend ~0.5 µs per value here and
/// ResNet-101 has 44 million of them; the stream keeps the draws independent of `RNG.normal`,
/// which discards Box–Muller's second value.
@_optimize(speed)
func fillNormal(_ t: Tensor, std: Float, rng: inout RNG) {
    var state = rng.nextUInt64()
    let p = t.data, n = t.count
    var i = 0
    while i < n {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var z = state
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z ^= z >> 33
        // u1 in (0, 1) so the logarithm is finite; u2 in [0, 1).
        let u1 = (Float(UInt32(truncatingIfNeeded: z) >> 8) + 0.5) * (1 / 16_777_216)
        let u2 = Float(UInt32(truncatingIfNeeded: z >> 40)) * (1 / 16_777_216)
        let r = std * (-2 * logf(u1)).squareRoot()
        p[i] = r * cosf(2 * .pi * u2)
        if i + 1 < n { p[i + 1] = r * sinf(2 * .pi * u2) }
        i += 2
    }
}

extension Conv2D {
    /// `nn.init.kaiming_normal_(w, mode:, nonlinearity: "relu")`: N(0, 2/fan), bias zero.
    /// The OHWI weight `[out, kh, kw, in/groups]` has fan_in = kh·kw·in/groups and
    /// fan_out = out·kh·kw, as PyTorch computes them from its OIHW weight.
    func initKaimingNormal(_ mode: FanMode, rng: inout RNG) {
        let s = weight.value.shape
        let fan = mode == .fanIn ? s[1] * s[2] * s[3] : s[0] * s[1] * s[2]
        fillNormal(weight.value, std: (2 / Float(fan)).squareRoot(), rng: &rng)
        bias?.value.zero()
    }
}

extension Linear {
    /// `nn.init.normal_(w, 0, std)` with a zero bias (MobileNetV2's classifier).
    func initNormal(std: Float, rng: inout RNG) {
        fillNormal(weight.value, std: std, rng: &rng)
        bias?.value.zero()
    }
}
