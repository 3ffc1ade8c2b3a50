// Max pooling over k×k windows of NHWC maps; padding counts as −∞ (PyTorch MaxPool2d).

/// Max pooling, `ceil_mode=False`. Ties go to the first maximum in window order (row by row),
/// as in PyTorch; the gradient flows only to that element.
public final class MaxPool2D: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var needsInputGradient = true

    /// For every output element, the flat index of the input element it took.
    private var argmax = IndexBuffer()
    private var geometry: PoolGeometry?

    public init(kernelSize: Int, stride: Int, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    // x: [N, H, W, C] → y: [N, outH, outW, C]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let g = PoolGeometry(input: x.shape, kernel: kernelSize, stride: stride, padding: padding, layer: "MaxPool2D")
        geometry = g
        let y = Tensor(shape: g.outputShape)
        argmax.reserve(y.count)
        nonisolated(unsafe) let arg = argmax.pointer
        let c = g.c
        ctx.parallel.forEach(g.n * g.outH, minChunk: max(1, 8192 / max(1, g.outW * c))) { row in
            let n = row / g.outH, i = row % g.outH
            let rows = g.rows(i)
            for j in 0..<g.outW {
                let cols = g.cols(j)
                let o = (row * g.outW + j) * c
                let ym = y.data + o, am = arg + o
                // Start from the window's first element, then keep strictly larger ones.
                let first = ((n * g.h + rows.lowerBound) * g.w + cols.lowerBound) * c
                for k in 0..<c { ym[k] = x.data[first + k]; am[k] = Int32(first + k) }
                for hh in rows {
                    for ww in cols {
                        let base = ((n * g.h + hh) * g.w + ww) * c
                        let xp = x.data + base
                        for k in 0..<c where xp[k] > ym[k] || xp[k].isNaN {
                            ym[k] = xp[k]
                            am[k] = Int32(base + k)
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let g = geometry else { preconditionFailure("MaxPool2D.backward called before forward") }
        precondition(dy.shape == g.outputShape, "MaxPool2D.backward: dy \(dy.shape), expected \(g.outputShape)")
        let dx = Tensor(shape: [g.n, g.h, g.w, g.c])
        nonisolated(unsafe) let arg = argmax.pointer
        let perImage = g.outH * g.outW * g.c
        // Windows of one image overlap, images do not: split the scatter by image.
        ctx.parallel.forEach(g.n, minChunk: max(1, 16_384 / max(1, perImage))) { n in
            let src = dy.data, dst = dx.data
            for o in (n * perImage)..<((n + 1) * perImage) { dst[Int(arg[o])] += src[o] }
        }
        return dx
    }
}

/// A growable Int32 buffer that layers keep between forward and backward.
final class IndexBuffer {
    private(set) var pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private var capacity = 1

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        pointer = .allocate(capacity: count)
        capacity = count
    }

    deinit { pointer.deallocate() }
}
