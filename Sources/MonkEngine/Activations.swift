// Element-wise activations: ReLU and ReLU6 (MobileNetV2), each a forward/backward pair.

/// `max(0, x)`. The gradient at exactly 0 is 0, as in PyTorch.
///
/// Backward needs only the mask y > 0, which is x > 0, so the layer keeps its *output* — the
/// next layer's input, alive anyway — and its input can be freed after forward (as PyTorch's
/// in-place ReLU does). Callers must not modify the output in place before backward.
/// `BatchNorm2D(…, activation: .relu)` fuses this into the normalisation pass.
public final class ReLU: Module {
    public var needsInputGradient = true
    private var output: Tensor?

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let y = Tensor(uninitializedShape: x.shape)  // every element is written
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.clamp(x.data, y.data, r, lo: 0, hi: .infinity)
        }
        output = ctx.keepsForBackward ? y : nil
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let y = output else { preconditionFailure("ReLU.backward called before forward") }
        precondition(dy.count == y.count, "ReLU.backward: dy \(dy.shape) vs y \(y.shape)")
        let dx = Tensor(uninitializedShape: y.shape)
        ctx.parallel.chunks(y.count, minChunk: 32_768) { r in
            VectorLoops.passInside(y.data, dy.data, dx.data, r, lo: 0, hi: .infinity)
        }
        return dx
    }
}

/// `min(max(0, x), 6)`. The gradient passes only where 0 < x < 6 (PyTorch's hardtanh rule),
/// which is where 0 < y < 6: like `ReLU`, the layer keeps its output, not its input, and
/// callers must not modify the output in place before backward.
/// `BatchNorm2D(…, activation: .relu6)` fuses this into the normalisation pass.
public final class ReLU6: Module {
    public var needsInputGradient = true
    private var output: Tensor?

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let y = Tensor(uninitializedShape: x.shape)  // every element is written
        ctx.parallel.chunks(x.count, minChunk: 32_768) { r in
            VectorLoops.clamp(x.data, y.data, r, lo: 0, hi: 6)
        }
        output = ctx.keepsForBackward ? y : nil
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let y = output else { preconditionFailure("ReLU6.backward called before forward") }
        precondition(dy.count == y.count, "ReLU6.backward: dy \(dy.shape) vs y \(y.shape)")
        let dx = Tensor(uninitializedShape: y.shape)
        ctx.parallel.chunks(y.count, minChunk: 32_768) { r in
            VectorLoops.passInside(y.data, dy.data, dx.data, r, lo: 0, hi: 6)
        }
        return dx
    }
}
