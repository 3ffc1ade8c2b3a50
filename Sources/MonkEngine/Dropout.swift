// Inverted dropout: zero each element with probability p in training, scale the rest by 1/(1−p).

/// `torch.nn.Dropout`. The mask comes from `ctx.rng`: one draw from it seeds fixed-size
/// blocks, so the same generator state gives the same mask for any thread count, and the
/// caller's generator advances by exactly one draw per training forward. Identity in eval.
public final class Dropout: Module {
    public let p: Float
    public var needsInputGradient = true
    /// The last training forward's multipliers (0 or 1/(1−p)); nil after an eval forward.
    private var mask: Tensor?

    static let blockSize = 4096

    public init(p: Float) {
        precondition(p >= 0 && p <= 1, "Dropout probability \(p) is outside [0, 1]")
        self.p = p
    }

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        guard ctx.training && p > 0 else {
            mask = nil
            return x.copy()
        }
        let m = Tensor(shape: x.shape)
        let y = Tensor(shape: x.shape)
        let seed = ctx.rng.nextUInt64()
        let p = self.p, keep: Float = p < 1 ? 1 / (1 - p) : 0
        let blocks = (x.count + Self.blockSize - 1) / Self.blockSize
        ctx.parallel.forEach(blocks, minChunk: 8) { b in
            var rng = RNG(seed: seed, stream: UInt64(b))
            let lo = b * Self.blockSize, hi = min(x.count, lo + Self.blockSize)
            let mp = m.data, xp = x.data, yp = y.data
            for i in lo..<hi {
                let k: Float = rng.uniform() < p ? 0 : keep
                mp[i] = k
                yp[i] = xp[i] * k
            }
        }
        mask = ctx.keepsForBackward ? m : nil
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let m = mask else { return dy.copy() }
        precondition(dy.count == m.count, "Dropout.backward: dy \(dy.shape) vs mask \(m.shape)")
        let dx = Tensor(shape: dy.shape)
        ctx.parallel.chunks(dy.count, minChunk: 32_768) { r in
            let g = dy.data, mp = m.data, o = dx.data
            for i in r { o[i] = g[i] * mp[i] }
        }
        return dx
    }
}
