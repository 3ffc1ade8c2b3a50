// Max pooling over k×k windows of NHWC maps; padding counts as −∞ (PyTorch MaxPool2d).

/// Max pooling, `ceil_mode=False`. Ties go to the first maximum in window order (row by row),
/// as in PyTorch; the gradient flows only to that element.
public final class MaxPool2D: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var needsInputGradient = true

    /// For every output element, which window tap (dh·k + dw) it took, as a Float so the
    /// forward stays in 16-lane vectors; exact for any k² < 2²⁴.
    private var taps: Tensor?
    private var geometry: PoolGeometry?

    public init(kernelSize: Int, stride: Int, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    // x: [N, H, W, C] → y: [N, outH, outW, C]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        ctx.timed("maxpool \(kernelSize)×\(kernelSize)/\(stride) @\(OpProfile.map(x.shape)) forward") { forwardOp(x, ctx) }
    }

    private func forwardOp(_ x: Tensor, _ ctx: Context) -> Tensor {
        let g = PoolGeometry(input: x.shape, kernel: kernelSize, stride: stride, padding: padding, layer: "MaxPool2D")
        geometry = g
        // Every output element and its tap are written below.
        let y = Tensor(uninitializedShape: g.outputShape)
        let tap = Tensor(uninitializedShape: g.outputShape)
        taps = ctx.keepsForBackward ? tap : nil
        let c = g.c, k = kernelSize
        ctx.parallel.forEach(g.n * g.outH, minChunk: max(1, 8192 / max(1, g.outW * c))) { row in
            let n = row / g.outH, i = row % g.outH
            let rows = g.rows(i), top = i * g.stride - g.padding
            for j in 0..<g.outW {
                let cols = g.cols(j), left = j * g.stride - g.padding
                let o = (row * g.outW + j) * c
                let ym = y.data + o, tm = tap.data + o
                // Start from the window's first element, then keep strictly larger ones (and
                // NaN, which PyTorch propagates): ties go to the first in window order.
                let firstTap = Float((rows.lowerBound - top) * k + cols.lowerBound - left)
                let first = x.data + ((n * g.h + rows.lowerBound) * g.w + cols.lowerBound) * c
                var ch = 0
                while ch + 16 <= c {
                    var best = loadVec(first + ch), bestTap = Vec16(repeating: firstTap)
                    for hh in rows {
                        for ww in cols {
                            let v = loadVec(x.data + ((n * g.h + hh) * g.w + ww) * c + ch)
                            let take = (v .> best) .| (v .!= v)
                            best.replace(with: v, where: take)
                            bestTap.replace(with: Float((hh - top) * k + ww - left), where: take)
                        }
                    }
                    storeVec(best, ym + ch)
                    storeVec(bestTap, tm + ch)
                    ch += 16
                }
                for ch in ch..<c {
                    var best = first[ch], bestTap = firstTap
                    for hh in rows {
                        for ww in cols {
                            let v = x.data[((n * g.h + hh) * g.w + ww) * c + ch]
                            if v > best || v.isNaN { best = v; bestTap = Float((hh - top) * k + ww - left) }
                        }
                    }
                    ym[ch] = best
                    tm[ch] = bestTap
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        ctx.timed("maxpool \(kernelSize)×\(kernelSize)/\(stride) @\(OpProfile.map(dy.shape)) backward") { backwardOp(dy, ctx) }
    }

    private func backwardOp(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let g = geometry, let tap = taps else { preconditionFailure("MaxPool2D.backward called before forward") }
        precondition(dy.shape == g.outputShape, "MaxPool2D.backward: dy \(dy.shape), expected \(g.outputShape)")
        // Each image's slice is zeroed by the thread that scatters into it, just before, so
        // the zeros are written in parallel and are still in cache for the scatter.
        let dx = Tensor(uninitializedShape: [g.n, g.h, g.w, g.c])
        let c = g.c, k = kernelSize, image = g.h * g.w * c
        // Offset of each window tap from the window's top-left corner: a table lookup instead
        // of a division per element.
        let tapOffsets = (0..<(k * k)).map { t in ((t / k) * g.w + t % k) * c }
        // Windows of one image overlap, images do not: split the scatter by image.
        ctx.parallel.forEach(g.n, minChunk: max(1, 16_384 / max(1, g.outH * g.outW * c))) { n in
            let dxn = dx.data + n * image
            dxn.initialize(repeating: 0, count: image)
            tapOffsets.withUnsafeBufferPointer { off in
                for i in 0..<g.outH {
                    let top = i * g.stride - g.padding
                    for j in 0..<g.outW {
                        let left = j * g.stride - g.padding
                        // May be negative with padding; every tap taken lies inside the image.
                        let corner = (top * g.w + left) * c
                        let o = ((n * g.outH + i) * g.outW + j) * c
                        let gp = dy.data + o, tp = tap.data + o
                        for ch in 0..<c {
                            dxn[corner + off[Int(tp[ch])] + ch] += gp[ch]
                        }
                    }
                }
            }
        }
        return dx
    }
}
