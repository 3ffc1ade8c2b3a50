// Element-wise activations: ReLU and ReLU6 (MobileNetV2), each a forward/backward pair.

/// `max(0, x)`. The gradient at exactly 0 is 0, as in PyTorch.
///
/// Caches its input for backward: callers must not modify it in place before then.
public final class ReLU: Module {
    public var needsInputGradient = true
    private var input: Tensor?

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        input = x
        let y = Tensor(shape: x.shape)
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.clamp(x.data, y.data, r, lo: 0, hi: .infinity)
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let x = input else { preconditionFailure("ReLU.backward called before forward") }
        precondition(dy.count == x.count, "ReLU.backward: dy \(dy.shape) vs x \(x.shape)")
        let dx = Tensor(shape: x.shape)
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.passInside(x.data, dy.data, dx.data, r, lo: 0, hi: .infinity)
        }
        return dx
    }
}

/// `min(max(0, x), 6)`. The gradient passes only where 0 < x < 6 (PyTorch's hardtanh rule).
///
/// Caches its input for backward: callers must not modify it in place before then.
public final class ReLU6: Module {
    public var needsInputGradient = true
    private var input: Tensor?

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        input = x
        let y = Tensor(shape: x.shape)
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.clamp(x.data, y.data, r, lo: 0, hi: 6)
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let x = input else { preconditionFailure("ReLU6.backward called before forward") }
        precondition(dy.count == x.count, "ReLU6.backward: dy \(dy.shape) vs x \(x.shape)")
        let dx = Tensor(shape: x.shape)
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.passInside(x.data, dy.data, dx.data, r, lo: 0, hi: 6)
        }
        return dx
    }
}
