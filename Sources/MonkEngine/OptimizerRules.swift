// The per-parameter update rules, written in the order of torch.optim's single-tensor code
// so results agree with PyTorch to float32 rounding; large tensors are split across threads.
import Foundation
import MonkVocabulary

/// Raw views of one parameter and its state buffers while it is updated. The rules are
/// elementwise, so any split into ranges gives the same bits for any thread count.
struct UpdateView: @unchecked Sendable {
    let param: UnsafeMutablePointer<Float>
    let grad: UnsafeMutablePointer<Float>
    var a: UnsafeMutablePointer<Float>? = nil
    var b: UnsafeMutablePointer<Float>? = nil
    var c: UnsafeMutablePointer<Float>? = nil

    /// The same view with state buffers attached.
    func with(_ a: UnsafeMutablePointer<Float>?, _ b: UnsafeMutablePointer<Float>? = nil,
              _ c: UnsafeMutablePointer<Float>? = nil) -> UpdateView {
        UpdateView(param: param, grad: grad, a: a, b: b, c: c)
    }
}

/// Update rules `(param, grad, state) → (param, state)` over one flat float buffer. Scalars
/// are computed in Double (as Python does) and cast to Float once, like torch's kernels.
enum OptimizerRules {
    /// Elements per thread below which a tensor is updated inline: the update streams
    /// memory, and hand-off costs more than it saves on small tensors.
    static let minChunk = 1 << 16

    /// Elements updated before their gradients are zeroed, when the step zeroes them: small
    /// enough that the gradient is still in L1 when the zeros are written.
    static let zeroingPiece = 4096

    /// Applies `config`'s rule to one parameter, creating its state buffers on first use.
    /// With `zeroGradient`, the gradient is set to zero piece by piece right after the rule has
    /// read it: the same result as a separate zeroing pass, without streaming it once more.
    static func update(_ config: OptimizerConfig, lr: Double, _ p: Parameter, _ s: inout ParameterSlots,
                       _ parallel: Parallel, zeroGradient: Bool = false) {
        let n = p.value.count
        guard n > 0 else { return }
        let view = UpdateView(param: p.value.data, grad: p.grad.data)
        func run(_ body: @Sendable (Range<Int>) -> Void) {
            parallel.chunks(n, minChunk: minChunk) { r in
                guard zeroGradient else { body(r); return }
                var lo = r.lowerBound
                while lo < r.upperBound {
                    let hi = min(r.upperBound, lo + zeroingPiece)
                    body(lo..<hi)
                    (view.grad + lo).update(repeating: 0, count: hi - lo)
                    lo = hi
                }
            }
        }
        switch config {
        case .sgd(let c) where c.momentum == 0:
            run { sgd(c, lr: lr, first: false, view, $0) }
        case .sgd(let c):
            let first = s.momentum == nil
            var m = take(&s.momentum, n)
            m.values.withUnsafeMutableBufferPointer { mp in
                let v = view.with(mp.baseAddress)
                run { sgd(c, lr: lr, first: first, v, $0) }
            }
            s.momentum = m
        case .adam(let c), .adamw(let c):
            let decoupled: Bool
            if case .adamw = config { decoupled = true } else { decoupled = false }
            let t = s.step
            var m = take(&s.expAvg, n), sq = take(&s.expAvgSq, n)
            m.values.withUnsafeMutableBufferPointer { mp in
                sq.values.withUnsafeMutableBufferPointer { sp in
                    let v = view.with(mp.baseAddress, sp.baseAddress)
                    run { adam(c, decoupled: decoupled, lr: lr, step: t, v, $0) }
                }
            }
            s.expAvg = m; s.expAvgSq = sq
        case .rmsprop(let c):
            var sq = take(&s.squareAvg, n)
            var ga = c.centered ? take(&s.gradAvg, n) : PackedFloats([])
            var mb = c.momentum > 0 ? take(&s.momentum, n) : PackedFloats([])
            sq.values.withUnsafeMutableBufferPointer { sp in
                ga.values.withUnsafeMutableBufferPointer { gp in
                    mb.values.withUnsafeMutableBufferPointer { bp in
                        let v = view.with(sp.baseAddress, gp.baseAddress, bp.baseAddress)
                        run { rmsprop(c, lr: lr, v, $0) }
                    }
                }
            }
            s.squareAvg = sq
            if c.centered { s.gradAvg = ga }
            if c.momentum > 0 { s.momentum = mb }
        }
    }

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
    /// θ ← θ − lr·g. Momentum buffer in `a` (absent without momentum).
    static func sgd(_ c: SGDConfig, lr: Double, first: Bool, _ v: UpdateView, _ r: Range<Int>) {
        let wd = Float(c.weightDecay), mu = Float(c.momentum), keep = Float(1 - c.dampening)
        let negLR = Float(-lr), param = v.param, grad = v.grad
        guard let b = v.a else {
            for i in r {
                let g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
                param[i] += negLR * g
            }
            return
        }
        if !first && !c.nesterov {
            sgdMomentum(wd: c.weightDecay != 0 ? wd : nil, mu: mu, keep: keep, negLR: negLR, param, grad, b, r)
            return
        }
        for i in r {
            var g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
            b[i] = first ? g : b[i] * mu + keep * g
            g = c.nesterov ? g + mu * b[i] : b[i]
            param[i] += negLR * g
        }
    }

    /// The common SGD step (momentum after the first step, no Nesterov) in 16-lane vectors:
    /// the same float operations in the same order as the scalar rule, so the same bits.
    /// It streams three buffers in and two out, and the compiler does not vectorise the
    /// general loop (its pointers may alias).
    @inline(__always)
    static func sgdMomentum(wd: Float?, mu: Float, keep: Float, negLR: Float,
                            _ param: UnsafeMutablePointer<Float>, _ grad: UnsafeMutablePointer<Float>,
                            _ b: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        let vmu = Vec16(repeating: mu), vkeep = Vec16(repeating: keep), vlr = Vec16(repeating: negLR)
        var i = r.lowerBound
        func body(_ decay: Float?) {
            let vwd = Vec16(repeating: decay ?? 0)
            while i + 16 <= r.upperBound {
                let p = loadVec(param + i)
                let g = decay == nil ? loadVec(grad + i) : loadVec(grad + i) + vwd * p
                let m = loadVec(b + i) * vmu + vkeep * g
                storeVec(m, b + i)
                storeVec(p + vlr * m, param + i)
                i += 16
            }
            while i < r.upperBound {
                let g = decay.map { grad[i] + $0 * param[i] } ?? grad[i]
                b[i] = b[i] * mu + keep * g
                param[i] += negLR * b[i]
                i += 1
            }
        }
        // Two copies of the loop, so the weight-decay test is not made per element.
        if let wd { body(wd) } else { body(nil) }
    }

    /// Adam / AdamW: m ← lerp(m, g, 1−β₁); v ← β₂·v + (1−β₂)·g²;
    /// θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε). Adam adds wd·θ to g first (L2);
    /// AdamW instead scales θ by (1 − lr·wd) before the step (decoupled decay).
    /// m in `a`, v in `b`; `step` is t, already counting this update.
    static func adam(_ c: AdamConfig, decoupled: Bool, lr: Double, step: Int, _ v: UpdateView, _ r: Range<Int>) {
        let t = Double(step)
        let stepSize = Float(-(lr / (1 - pow(c.beta1, t))))
        let bc2Sqrt = Float((1 - pow(c.beta2, t)).squareRoot())
        let w1 = Float(1 - c.beta1), b2 = Float(c.beta2), w2 = Float(1 - c.beta2)
        let eps = Float(c.eps), wd = Float(c.weightDecay), shrink = Float(1 - lr * c.weightDecay)
        let l2 = !decoupled && c.weightDecay != 0, decay = decoupled && c.weightDecay != 0
        let param = v.param, grad = v.grad, m = v.a!, sq = v.b!
        for i in r {
            if decay { param[i] *= shrink }
            let g = l2 ? grad[i] + wd * param[i] : grad[i]
            m[i] = lerp(m[i], g, w1)
            sq[i] = sq[i] * b2 + w2 * (g * g)
            let denom = sq[i].squareRoot() / bc2Sqrt + eps
            param[i] += stepSize * m[i] / denom
        }
    }

    /// RMSprop: g ← g + wd·θ; E[g²] ← α·E[g²] + (1−α)·g²; (centered: E[g] ← lerp(E[g], g, 1−α),
    /// var = E[g²] − E[g]²); d = √(var or E[g²]) + ε; with momentum b ← μ·b + g/d, θ ← θ − lr·b;
    /// else θ ← θ − lr·g/d. E[g²] in `a`, E[g] in `b` (centered), b in `c` (momentum).
    static func rmsprop(_ c: RMSpropConfig, lr: Double, _ v: UpdateView, _ r: Range<Int>) {
        let alpha = Float(c.alpha), w = Float(1 - c.alpha), eps = Float(c.eps)
        let wd = Float(c.weightDecay), mu = Float(c.momentum), negLR = Float(-lr), lrF = Float(lr)
        let param = v.param, grad = v.grad, sq = v.a!
        for i in r {
            let g = c.weightDecay != 0 ? grad[i] + wd * param[i] : grad[i]
            sq[i] = sq[i] * alpha + w * (g * g)
            var avg: Float
            if c.centered, let ga = v.b {
                ga[i] = lerp(ga[i], g, w)
                avg = (sq[i] - ga[i] * ga[i]).squareRoot()
            } else {
                avg = sq[i].squareRoot()
            }
            avg += eps
            if c.momentum > 0, let mb = v.c {
                mb[i] = mb[i] * mu + g / avg
                param[i] -= lrF * mb[i]
            } else {
                param[i] += negLR * g / avg
            }
        }
    }
}
