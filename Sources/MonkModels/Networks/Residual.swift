// Residual connections in place, and the ReLU after ResNet v1's add, as single passes.
import MonkEngine

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
