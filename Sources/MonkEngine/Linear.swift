// Fully connected layer y = x·Wᵀ + b through OpenBLAS, weights in PyTorch's [out, in] layout.

/// `torch.nn.Linear`: `weight` is `[outFeatures, inFeatures]`, `bias` `[outFeatures]`.
/// Input `[N, inFeatures]` (any leading axes are treated as rows).
///
/// Caches its input for backward: callers must not modify it in place before then.
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int
    public let outFeatures: Int
    public var needsInputGradient = true
    private var input: Tensor?

    /// Initialised like PyTorch's default (kaiming_uniform with a = √5, i.e. U(±1/√in) for
    /// the weight, and U(±1/√in) for the bias), weight first, row by row, then bias.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, rng: inout RNG) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive feature counts")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        let w = Tensor(shape: [outFeatures, inFeatures])
        for i in 0..<w.count { w[i] = rng.uniform(-bound, bound) }
        weight = Parameter(w)
        if bias {
            let b = Tensor(shape: [outFeatures])
            for i in 0..<b.count { b[i] = rng.uniform(-bound, bound) }
            self.bias = Parameter(b)
        } else {
            self.bias = nil
        }
    }

    // x: [N, in] → y: [N, out]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        ctx.timed("linear \(inFeatures)→\(outFeatures) forward") { forwardOp(x, ctx) }
    }

    private func forwardOp(_ x: Tensor, _ ctx: Context) -> Tensor {
        precondition(x.rank >= 1 && x.shape.last == inFeatures, "Linear(\(inFeatures)→\(outFeatures)) got input \(x.shape)")
        input = ctx.keepsForBackward ? x : nil
        let rows = x.count / inFeatures
        let y = Tensor(shape: Array(x.shape.dropLast()) + [outFeatures])
        if let bias {
            for r in 0..<rows { (y.data + r * outFeatures).update(from: bias.value.data, count: outFeatures) }
        }
        BLAS.gemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
                  a: x.data, lda: inFeatures, b: weight.value.data, ldb: inFeatures,
                  beta: bias == nil ? 0 : 1, c: y.data, ldc: outFeatures)
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        ctx.timed("linear \(inFeatures)→\(outFeatures) backward") { backwardOp(dy, ctx) }
    }

    private func backwardOp(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard let x = input else { preconditionFailure("Linear.backward called before forward") }
        let rows = x.count / inFeatures
        precondition(dy.count == rows * outFeatures, "Linear.backward: dy \(dy.shape) for input \(x.shape)")
        if weight.trainable {
            // dW[out, in] += dyᵀ[out, N] · x[N, in]
            BLAS.gemm(transA: true, m: outFeatures, n: inFeatures, k: rows,
                      a: dy.data, lda: outFeatures, b: x.data, ldb: inFeatures,
                      beta: 1, c: weight.grad.data, ldc: inFeatures)
        }
        if let bias, bias.trainable {
            let g = bias.grad.data
            for r in 0..<rows {
                let d = dy.data + r * outFeatures
                for o in 0..<outFeatures { g[o] += d[o] }
            }
        }
        guard needsInputGradient else { return nil }
        // dx[N, in] = dy[N, out] · W[out, in]
        let dx = Tensor(shape: x.shape)
        BLAS.gemm(m: rows, n: inFeatures, k: outFeatures,
                  a: dy.data, lda: outFeatures, b: weight.value.data, ldb: inFeatures,
                  c: dx.data, ldc: inFeatures)
        return dx
    }
}
