// BatchNorm without its cached input: for blocks that rebuild a layer's input (and output) in
// backward instead of keeping it alive (memory-efficient DenseNet, Pleiss et al. 2017).

extension BatchNorm2D {
    /// Drops the input the last forward cached, so its memory is free until backward. That
    /// backward must then be `backward(_:input:_:)`, with the input rebuilt.
    public func releaseInput() { input = nil }

    /// The last forward's input and output, rebuilt in one pass from `source`, whose leading
    /// `channels` channels of every pixel hold that input (a DenseNet block buffer, `[…, total]`).
    /// The output is normalised with the mean, variance and affine weights that forward used;
    /// the running statistics are not moved again, so a recomputation never counts as a
    /// second step. Per element it evaluates exactly what `forward` does (`ChannelAffine.applyRow`,
    /// which `ChannelAffine.apply` runs), so the output is bit-identical to forward's.
    // source: [N, H, W, total ≥ C] → input, output: [N, H, W, C]
    public func recomputeInputAndOutput(fromLeadingChannelsOf source: Tensor, _ ctx: Context) -> (input: Tensor, output: Tensor) {
        ctx.timed(profileLabel(Array(source.shape.dropLast()) + [channels], "recompute")) { recompute(source, ctx) }
    }

    private func recompute(_ source: Tensor, _ ctx: Context) -> (input: Tensor, output: Tensor) {
        let c = channels, total = source.shape.last ?? 0
        precondition(scale.count == c, "BatchNorm2D.recomputeInputAndOutput called before forward")
        precondition(source.rank >= 2 && total >= c, "BatchNorm2D(\(c)) cannot read its input from \(source.shape)")
        let shape = Array(source.shape.dropLast()) + [c]
        let x = Tensor(uninitializedShape: shape), y = Tensor(uninitializedShape: shape)  // both written in full
        let rows = source.count / total, cap = activation.cap, scale = scale, shift = shift
        ctx.parallel.chunks(rows, minChunk: max(1, 16_384 / total)) { range in
            withFloatPointers(scale, shift) { s, h, _ in
                for r in range {
                    let src = source.data + r * total, xo = x.data + r * c, yo = y.data + r * c
                    xo.update(from: src, count: c)
                    ChannelAffine.applyRow(xo, yo, s, h, c, cap: cap)
                }
            }
        }
        return (x, y)
    }

    /// `backward` after `releaseInput()`: `x` must hold the values of the last forward's input.
    /// The layer does not keep `x` afterwards.
    public func backward(_ dy: Tensor, input x: Tensor, _ ctx: Context) -> Tensor? {
        input = x
        defer { input = nil }
        return backward(dy, ctx)
    }
}
