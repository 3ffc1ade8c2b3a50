// BatchNorm on the leading channels of a wider buffer, keeping nothing: for blocks that rebuild
// a layer's output in backward instead of keeping it alive (memory-efficient DenseNet, Pleiss
// et al. 2017), and that read the layer's input where it already is.

extension BatchNorm2D {
    /// `forward` of the leading `channels` channels of every pixel of `source` (a DenseNet
    /// block buffer, `[…, total ≥ C]`), read in place: no copy of the input is made, and none
    /// is kept. The backward must be `backward(_:inputLeadingChannelsOf:addingInto:_:)` with
    /// the same `source`, unchanged in those channels. Bit-identical to `forward` of a copy.
    /// Batch statistics come from `statistics` when given (which must describe `source`):
    /// layers normalising prefixes of one buffer then compute each channel's only once.
    // source: [N, H, W, total ≥ C] → [N, H, W, C]
    public func forward(leadingChannelsOf source: Tensor, statistics: SharedChannelStatistics? = nil,
                        _ ctx: Context) -> Tensor {
        let shape = leadingShape(source)
        precondition(statistics.map { $0.source === source } ?? true, "BatchNorm2D: statistics of another buffer")
        return ctx.timed(profileLabel(shape, "forward")) {
            let x = ChannelRows(leading: channels, of: source)
            normalise(x, shape: shape, statistics: statistics, ctx)
            input = nil
            let y = Tensor(uninitializedShape: shape)  // every element is written below
            ChannelAffine.apply(x, scale: scale, shift: shift, cap: activation.cap,
                                into: ChannelRows(y, channels: channels), parallel: ctx.parallel)
            return y
        }
    }

    /// The last forward's output, rebuilt from the leading channels of `source` with the
    /// mean, variance and affine weights that forward used; the running statistics are not
    /// moved again, so a recomputation never counts as a second step. Per element it
    /// evaluates exactly what `forward` does (`ChannelAffine.applyRow`), so it is bit-identical.
    // source: [N, H, W, total ≥ C] → [N, H, W, C]
    public func recomputeOutput(fromLeadingChannelsOf source: Tensor, _ ctx: Context) -> Tensor {
        let shape = leadingShape(source)
        return ctx.timed(profileLabel(shape, "recompute")) {
            precondition(scale.count == channels, "BatchNorm2D.recomputeOutput called before forward")
            let y = Tensor(uninitializedShape: shape)  // every element is written below
            ChannelAffine.apply(ChannelRows(leading: channels, of: source), scale: scale, shift: shift,
                                cap: activation.cap, into: ChannelRows(y, channels: channels), parallel: ctx.parallel)
            return y
        }
    }

    /// `backward` of `forward(leadingChannelsOf: source)`: adds the parameter gradients, and
    /// adds dL/dx into the leading `channels` channels of `gradient` (shaped like `source`) —
    /// where a dense block gathers its input gradients — instead of returning it. Returns
    /// whether an input gradient was added. The sum is bit for bit `gradient += backward(dy)`.
    /// With `pending` (whose source and gradient must be these), a layer that trains on batch
    /// statistics adds only the dy part of dL/dx now, in the pass that takes its sums, and
    /// leaves x·b + k per channel to `pending`, which adds what all layers left at once.
    // dy: [N, H, W, C]; source, gradient: [N, H, W, total ≥ C]
    @discardableResult
    public func backward(_ dy: Tensor, inputLeadingChannelsOf source: Tensor, addingInto gradient: Tensor,
                         deferring pending: DeferredInputGradient? = nil, _ ctx: Context) -> Bool {
        let shape = leadingShape(source)
        precondition(dy.shape == shape, "BatchNorm2D.backward: dy \(dy.shape) for input \(shape)")
        precondition(gradient.shape == source.shape, "BatchNorm2D.backward: gradient \(gradient.shape) vs input \(source.shape)")
        precondition(pending.map { $0.source === source && $0.gradient === gradient } ?? true,
                     "BatchNorm2D.backward: deferred corrections of other buffers")
        return ctx.timed(profileLabel(shape, "backward")) {
            backward(ChannelRows(dy, channels: channels), ChannelRows(leading: channels, of: source),
                     into: ChannelRows(leading: channels, of: gradient), accumulating: true, deferring: pending, ctx)
        }
    }

    private func leadingShape(_ source: Tensor) -> [Int] {
        precondition(source.rank >= 2 && (source.shape.last ?? 0) >= channels,
                     "BatchNorm2D(\(channels)) cannot read its input from \(source.shape)")
        return Array(source.shape.dropLast()) + [channels]
    }
}
