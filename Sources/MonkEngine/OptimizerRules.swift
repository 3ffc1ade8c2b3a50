// The per-parameter update rules, written in the order of torch.optim's single-tensor code
// so results agree with PyTorch to float32 rounding.
import Foundation

/// Update rules `(param, grad, state) → (param, state)` over one flat float buffer. Scalars
/// are computed in Double (as Python does) and cast to Float once, like torch's kernels.
enum OptimizerRules {
    /// Moves a buffer out of its slot (zeros when absent) so the caller holds the only
    /// reference and mutates it in place; copy-on-write would otherwise copy it every step.
    @inline(__always)
    static func take(_ slot: inout PackedFloats?, _ n: Int) -> PackedFloats {
        defer { slot = nil }
        return slot ?? PackedFloats(zeros: n)
    }

    /// torch's `lerp_(end, w)` in float: the two-sided form it uses for accuracy.
    @inline(__always)
    static func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
        w < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
    }

    /// SGD: g ← g + wd·θ; b ← g (first step) or μ·b + (1−τ)·g; g ← g + μ·b (Nesterov) or b;
    /// θ ← θ − lr·g.
    static func sgd(_ c: SGDConfig, lr: Double, _ param: UnsafeMutablePointer<Float>,
                    _ grad: UnsafeMutablePointer<Float>, _ n: Int, _ s: inout ParameterSlots) {
        let wd = Float(c.weightDecay), mu = Float(c.momentum), keep = Float(1 - c.dampening)
        let negLR = Float(-lr)
        guard c.momentum != 0 else {
            for i in 0..<n {
                let g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
                param[i] += negLR * g
            }
            return
        }
        let first = s.momentum == nil
        var buf = take(&s.momentum, n)
        buf.values.withUnsafeMutableBufferPointer { b in
            for i in 0..<n {
                var g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
                b[i] = first ? g : b[i] * mu + keep * g
                g = c.nesterov ? g + mu * b[i] : b[i]
                param[i] += negLR * g
            }
        }
        s.momentum = buf
    }

    /// Adam / AdamW: m ← lerp(m, g, 1−β₁); v ← β₂·v + (1−β₂)·g²;
    /// θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε). Adam adds wd·θ to g first (L2);
    /// AdamW instead scales θ by (1 − lr·wd) before the step (decoupled decay).
    static func adam(_ c: AdamConfig, decoupled: Bool, lr: Double, _ param: UnsafeMutablePointer<Float>,
                     _ grad: UnsafeMutablePointer<Float>, _ n: Int, _ s: inout ParameterSlots) {
        let t = Double(s.step)
        let stepSize = Float(-(lr / (1 - pow(c.beta1, t))))
        let bc2Sqrt = Float((1 - pow(c.beta2, t)).squareRoot())
        let w1 = Float(1 - c.beta1), b2 = Float(c.beta2), w2 = Float(1 - c.beta2)
        let eps = Float(c.eps), wd = Float(c.weightDecay), shrink = Float(1 - lr * c.weightDecay)
        let l2 = !decoupled && c.weightDecay != 0, decay = decoupled && c.weightDecay != 0
        var m = take(&s.expAvg, n)
        var v = take(&s.expAvgSq, n)
        m.values.withUnsafeMutableBufferPointer { m in
            v.values.withUnsafeMutableBufferPointer { v in
                for i in 0..<n {
                    if decay { param[i] *= shrink }
                    let g = l2 ? grad[i] + wd * param[i] : grad[i]
                    m[i] = lerp(m[i], g, w1)
                    v[i] = v[i] * b2 + w2 * (g * g)
                    let denom = v[i].squareRoot() / bc2Sqrt + eps
                    param[i] += stepSize * m[i] / denom
                }
            }
        }
        s.expAvg = m
        s.expAvgSq = v
    }

    /// RMSProp: g ← g + wd·θ; E[g²] ← α·E[g²] + (1−α)·g²; (centered: E[g] ← lerp(E[g], g, 1−α),
    /// var = E[g²] − E[g]²); d = √(var or E[g²]) + ε; with momentum b ← μ·b + g/d, θ ← θ − lr·b;
    /// else θ ← θ − lr·g/d.
    static func rmsProp(_ c: RMSPropConfig, lr: Double, _ param: UnsafeMutablePointer<Float>,
                        _ grad: UnsafeMutablePointer<Float>, _ n: Int, _ s: inout ParameterSlots) {
        let alpha = Float(c.alpha), w = Float(1 - c.alpha), eps = Float(c.eps)
        let wd = Float(c.weightDecay), mu = Float(c.momentum), negLR = Float(-lr), lrF = Float(lr)
        var sq = take(&s.squareAvg, n)
        var ga = c.centered ? take(&s.gradAvg, n) : PackedFloats([])
        var mb = c.momentum > 0 ? take(&s.momentum, n) : PackedFloats([])
        sq.values.withUnsafeMutableBufferPointer { sq in
            ga.values.withUnsafeMutableBufferPointer { ga in
                mb.values.withUnsafeMutableBufferPointer { mb in
                    for i in 0..<n {
                        let g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
                        sq[i] = sq[i] * alpha + w * (g * g)
                        var avg: Float
                        if c.centered {
                            ga[i] = lerp(ga[i], g, w)
                            avg = (sq[i] - ga[i] * ga[i]).squareRoot()
                        } else {
                            avg = sq[i].squareRoot()
                        }
                        avg += eps
                        if c.momentum > 0 {
                            mb[i] = mb[i] * mu + g / avg
                            param[i] -= lrF * mb[i]
                        } else {
                            param[i] += negLR * g / avg
                        }
                    }
                }
            }
        }
        s.squareAvg = sq
        if c.centered { s.gradAvg = ga }
        if c.momentum > 0 { s.momentum = mb }
    }
}
