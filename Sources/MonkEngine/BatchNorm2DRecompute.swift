// BatchNorm without its cached input: for blocks that rebuild a layer's input (and output) in
// backward instead of keeping it alive (memory-efficient DenseNet, Pleiss et al. 2017).

extension BatchNorm2D {
    /// Drops the input the last forward cached, so its memory is free until backward. That
    /// backward must then be `backward(_:input:_:)`, with the input rebuilt.
    public func releaseInput() { input = nil }

    /// The last forward's output, recomputed from `x` (the same values as that forward's
    /// input) with the mean, variance and affine weights that forward used. The running
    /// statistics are not moved again, so a recomputation never counts as a second step.
    ///
    /// Runs the same kernel as `forward`, so the result is bit-identical to its output.
    // x: [N, H, W, C] or [N, C] → same shape
    public func recomputeOutput(_ x: Tensor, _ ctx: Context) -> Tensor {
        precondition(scale.count == channels, "BatchNorm2D.recomputeOutput called before forward")
        precondition(x.rank >= 2 && x.shape.last == channels, "BatchNorm2D(\(channels)) got input \(x.shape)")
        let y = Tensor(uninitializedShape: x.shape)  // every element is written by apply
        ChannelAffine.apply(x, scale: scale, shift: shift, cap: activation.cap, into: y, parallel: ctx.parallel)
        return y
    }

    /// `backward` after `releaseInput()`: `x` must hold the values of the last forward's input.
    /// The layer does not keep `x` afterwards.
    public func backward(_ dy: Tensor, input x: Tensor, _ ctx: Context) -> Tensor? {
        input = x
        defer { input = nil }
        return backward(dy, ctx)
    }
}
