// ReLU and ReLU6 that overwrite their input, for use right after a BatchNorm inside blocks.
import MonkEngine

/// `min(max(0, x), cap)` computed in place (cap = ∞ for ReLU, 6 for ReLU6).
///
/// Inside the networks every activation follows a BatchNorm, which caches its *input*, not
/// its output: overwriting the BatchNorm output saves one allocation and one activation-sized
/// buffer per layer (the engine's `ReLU` keeps both its input and its output alive until
/// backward). The mask for backward comes from the output: 0 < y < cap exactly where
/// 0 < x < cap, so the gradient is PyTorch's. Only use it on a tensor nobody else keeps.
final class InPlaceReLU: Module {
    var needsInputGradient = true
    let cap: Float
    private var output: Tensor?

    init(cap: Float = .infinity) { self.cap = cap }

    // x: any shape; returns x itself, clamped.
    func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let cap = cap
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            let p = x.data
            for i in r { p[i] = min(max(0, p[i]), cap) }
        }
        output = x
        return x
    }

    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let y = output else { preconditionFailure("InPlaceReLU.backward called before forward") }
        return activationGradient(dy, output: y, cap: cap, parallel: ctx.parallel)
    }
}

/// dL/dx of a clamp to [0, cap] given its output: dy where 0 < y < cap, else 0 (new tensor).
func activationGradient(_ dy: Tensor, output y: Tensor, cap: Float = .infinity, parallel: Parallel) -> Tensor {
    precondition(dy.count == y.count, "activation gradient: dy \(dy.shape) vs y \(y.shape)")
    let dx = Tensor(shape: y.shape)
    parallel.chunks(y.count, minChunk: 32_768) { r in
        let yp = y.data, g = dy.data, o = dx.data
        for i in r { o[i] = (yp[i] > 0 && yp[i] < cap) ? g[i] : 0 }
    }
    return dx
}

/// y += x elementwise, in place (the residual connection).
func addInPlace(_ y: Tensor, _ x: Tensor, parallel: Parallel) {
    precondition(y.shape == x.shape, "residual add: \(y.shape) vs \(x.shape)")
    parallel.chunks(y.count, minChunk: 32_768) { r in
        let yp = y.data, xp = x.data
        for i in r { yp[i] += xp[i] }
    }
}

/// y = max(y + x, 0) in place: ResNet v1's "add, then ReLU" in one pass over memory.
func addReLUInPlace(_ y: Tensor, _ x: Tensor, parallel: Parallel) {
    precondition(y.shape == x.shape, "residual add: \(y.shape) vs \(x.shape)")
    parallel.chunks(y.count, minChunk: 32_768) { r in
        let yp = y.data, xp = x.data
        for i in r { yp[i] = max(0, yp[i] + xp[i]) }
    }
}
