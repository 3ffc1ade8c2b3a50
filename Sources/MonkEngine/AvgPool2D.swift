// Average pooling over k×k windows of NHWC maps, zero padding counted (PyTorch AvgPool2d default).

/// Average pooling with `count_include_pad=True` and `ceil_mode=False`: every window divides
/// by k², padded positions contributing zeros.
public final class AvgPool2D: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var needsInputGradient = true
    private var geometry: PoolGeometry?

    public init(kernelSize: Int, stride: Int, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    // x: [N, H, W, C] → y: [N, outH, outW, C]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        ctx.timed("avgpool \(kernelSize)×\(kernelSize)/\(stride) @\(OpProfile.map(x.shape)) forward") { forwardOp(x, ctx) }
    }

    private func forwardOp(_ x: Tensor, _ ctx: Context) -> Tensor {
        let g = PoolGeometry(input: x.shape, kernel: kernelSize, stride: stride, padding: padding, layer: "AvgPool2D")
        geometry = g
        let y = Tensor(shape: g.outputShape)
        let c = g.c, scale = 1 / Float(kernelSize * kernelSize)
        ctx.parallel.forEach(g.n * g.outH, minChunk: max(1, 8192 / max(1, g.outW * c))) { row in
            let n = row / g.outH, i = row % g.outH
            for j in 0..<g.outW {
                let ym = y.data + (row * g.outW + j) * c
                for hh in g.rows(i) {
                    for ww in g.cols(j) {
                        let xp = x.data + ((n * g.h + hh) * g.w + ww) * c
                        for k in 0..<c { ym[k] += xp[k] }
                    }
                }
                for k in 0..<c { ym[k] *= scale }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        ctx.timed("avgpool \(kernelSize)×\(kernelSize)/\(stride) @\(OpProfile.map(dy.shape)) backward") { backwardOp(dy, ctx) }
    }

    private func backwardOp(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let g = geometry else { preconditionFailure("AvgPool2D.backward called before forward") }
        precondition(dy.shape == g.outputShape, "AvgPool2D.backward: dy \(dy.shape), expected \(g.outputShape)")
        let dx = Tensor(shape: [g.n, g.h, g.w, g.c])
        let c = g.c, scale = 1 / Float(kernelSize * kernelSize)
        // Windows of one image overlap, images do not: split the scatter by image.
        ctx.parallel.forEach(g.n, minChunk: max(1, 16_384 / max(1, g.outH * g.outW * c))) { n in
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    let gp = dy.data + ((n * g.outH + i) * g.outW + j) * c
                    for hh in g.rows(i) {
                        for ww in g.cols(j) {
                            let dp = dx.data + ((n * g.h + hh) * g.w + ww) * c
                            for k in 0..<c { dp[k] += gp[k] * scale }
                        }
                    }
                }
            }
        }
        return dx
    }
}
