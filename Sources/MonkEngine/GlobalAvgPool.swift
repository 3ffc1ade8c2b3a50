// Global average pooling: [N, H, W, C] → [N, C], the mean over every position of each image.

/// `AdaptiveAvgPool2d(1)` followed by a flatten, in one step.
public final class GlobalAvgPool: Module {
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        ctx.timed("global avgpool @\(OpProfile.map(x.shape)) forward") { forwardOp(x, ctx) }
    }

    private func forwardOp(_ x: Tensor, _ ctx: Context) -> Tensor {
        precondition(x.rank == 4, "GlobalAvgPool needs NHWC input, got \(x.shape)")
        inputShape = x.shape
        let n = x.shape[0], hw = x.shape[1] * x.shape[2], c = x.shape[3]
        let y = Tensor(shape: [n, c])
        let scale = 1 / Float(hw)
        ctx.parallel.forEach(n, minChunk: max(1, 32_768 / max(1, hw * c))) { b in
            let yo = y.data + b * c
            for p in 0..<hw {
                let xp = x.data + (b * hw + p) * c
                for k in 0..<c { yo[k] += xp[k] }
            }
            for k in 0..<c { yo[k] *= scale }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        ctx.timed("global avgpool @\(OpProfile.map(dy.shape)) backward") { backwardOp(dy, ctx) }
    }

    private func backwardOp(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        precondition(inputShape.count == 4, "GlobalAvgPool.backward called before forward")
        let n = inputShape[0], hw = inputShape[1] * inputShape[2], c = inputShape[3]
        precondition(dy.shape == [n, c], "GlobalAvgPool.backward: dy \(dy.shape), expected \([n, c])")
        let dx = Tensor(uninitializedShape: inputShape)  // every element is written below
        let scale = 1 / Float(hw)
        ctx.parallel.forEach(n, minChunk: max(1, 32_768 / max(1, hw * c))) { b in
            let g = dy.data + b * c
            for p in 0..<hw {
                let o = dx.data + (b * hw + p) * c
                for k in 0..<c { o[k] = g[k] * scale }
            }
        }
        return dx
    }
}
