// 2-D convolution on NHWC tensors: stride, symmetric or "SAME" zero padding, groups and
// depthwise, optional bias, with forward and backward.

/// A 2-D convolution, `[N, H, W, inChannels]` → `[N, OH, OW, outChannels]`.
///
/// Weights are OHWI, `[out, kh, kw, in/groups]`: each filter is one row of the GEMM in the
/// same (ky, kx, channel) order as an NHWC patch. PyTorch stores OIHW; convert at the file
/// boundary with `fromTorchLayout` / `toTorchLayout`.
public final class Conv2D: Module {
    /// `[out, kh, kw, in/groups]`.
    public let weight: Parameter
    /// `[out]`, or nil for a convolution without bias.
    public let bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Padding
    public let groups: Int
    public var needsInputGradient = true
    /// Scratch for im2col and Winograd; replace with a shared one via `Module.shareConvWorkspace()`.
    public var workspace = ConvWorkspace()
    /// How products are formed; `.automatic` picks per input shape (see `ConvAlgorithm`).
    public var algorithm = ConvAlgorithm.automatic
    /// Which kernel forms a 1×1 layer's forward product (see `MatrixProducts`).
    public var matrixProducts = MatrixProducts.automatic
    /// The last forward's input, kept for backward.
    private var input: Tensor?
    /// A training forward's Winograd- or polyphase-transformed filters, reused by its backward.
    private var winogradFilters: Tensor?

    /// Weights and bias start as PyTorch's `Conv2d` default: kaiming_uniform(a=√5), i.e.
    /// U(−1/√fanIn, 1/√fanIn) with fanIn = in/groups·k·k, and the bias from the same range.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .symmetric(0), groups: Int = 1, bias: Bool = true, rng: inout RNG) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && groups > 0,
                     "Conv2D sizes must be positive")
        precondition(inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2D: groups (\(groups)) must divide in (\(inChannels)) and out (\(outChannels)) channels")
        if case .symmetric(let p) = padding { precondition(p >= 0, "Conv2D: negative padding") }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.groups = groups
        let fanIn = inChannels / groups * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        let w = Tensor(shape: [outChannels, kernelSize, kernelSize, inChannels / groups])
        for i in 0..<w.count { w[i] = rng.uniform(-bound, bound) }
        weight = Parameter(w)
        if bias {
            let b = Tensor(shape: [outChannels])
            for i in 0..<b.count { b[i] = rng.uniform(-bound, bound) }
            self.bias = Parameter(b)
        } else {
            self.bias = nil
        }
    }

    func geometry(_ shape: [Int]) -> ConvGeometry {
        precondition(shape.count == 4 && shape[3] == inChannels,
                     "Conv2D(\(inChannels)→\(outChannels)) expects [N, H, W, \(inChannels)], got \(shape)")
        return ConvGeometry(input: shape, outChannels: outChannels, kernel: kernelSize, stride: stride,
                            padding: padding, groups: groups)
    }

    /// x: `[N, H, W, in]` → `[N, OH, OW, out]`.
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        forward(x, ctx, keepingInput: ctx.keepsForBackward)
    }

    /// The forward, keeping `x` for the backward only when `keepingInput`. Without it the
    /// caller hands the input back to `backward(_:input:_:)` (DenseNet's bottleneck layers
    /// recompute theirs rather than keep it alive in between).
    public func forward(_ x: Tensor, _ ctx: Context, keepingInput: Bool) -> Tensor {
        let g = geometry(x.shape)
        let y = ctx.timed(profileLabel(g, "forward")) { forward(x, g, ctx) }
        input = keepingInput ? x : nil
        return y
    }

    /// The op's name in an `OpProfile`: kernel, stride, channels, input map and product path.
    func profileLabel(_ g: ConvGeometry, _ pass: String) -> String {
        let tile = g.isDepthwise ? nil : algorithm.winogradTile(g)
        let path = g.isDepthwise ? "depthwise" : tile == .f2 ? "winograd" : tile == .f4 ? "winograd4"
            : algorithm.usesPolyphase(g) ? "polyphase" : g.isPointwise ? (pass == "forward" && pointwiseOnPanels(g) ? "panels" : "gemm")
            : "im2col"
        let groups = g.groups > 1 && !g.isDepthwise ? " g\(g.groups)" : ""
        return "conv \(g.kh)×\(g.kw)/\(g.stride) \(g.c)→\(g.o)\(groups) @\(g.h)×\(g.w) \(path) \(pass)"
    }

    /// Whether a 1×1 layer's forward forms its product on `PanelGEMM` (its backward stays on
    /// OpenBLAS: no gain measured there, benchmarks/small_batch_RESULTS.md §17).
    func pointwiseOnPanels(_ g: ConvGeometry) -> Bool {
        PanelGEMM.applies(matrixProducts, m: g.n * g.oh * g.ow, n: g.og, k: g.cg)
    }

    private func forward(_ x: Tensor, _ g: ConvGeometry, _ ctx: Context) -> Tensor {
        // Both paths write every output element (from the bias, or a GEMM with beta = 0).
        let y = Tensor(uninitializedShape: g.outputShape)
        let b = bias.map { UnsafePointer($0.value.data) }
        if g.isDepthwise {
            ConvDepthwise.forward(x: x.data, weight: weight.value.data, bias: b, y: y.data, g, parallel: ctx.parallel)
        } else if let tile = algorithm.winogradTile(g) {
            // Training keeps the transformed filters for backward (16 or 36·in·out values:
            // 17 or 38 MB for a 512-channel layer); inference leaves them in the shared workspace.
            if ctx.training && ctx.keepsForBackward {
                let floats = ConvWinograd.filterFloats(g, tile)
                if winogradFilters?.count != floats { winogradFilters = Tensor(uninitializedShape: [floats]) }
            } else {
                winogradFilters = nil
            }
            ConvWinograd.forward(x: x.data, weight: weight.value.data, bias: b, y: y.data, g, tile: tile,
                                 workspace: workspace, parallel: ctx.parallel, keepFilters: winogradFilters?.data)
        } else if algorithm.usesPolyphase(g) {
            // As for Winograd: 16·in·out values (17 MB for a 512-channel layer).
            if ctx.training && ctx.keepsForBackward {
                let floats = ConvPolyphase.filterFloats(g)
                if winogradFilters?.count != floats { winogradFilters = Tensor(uninitializedShape: [floats]) }
            } else {
                winogradFilters = nil
            }
            ConvPolyphase.forward(x: x.data, weight: weight.value.data, bias: b, y: y.data, g, workspace: workspace,
                                  parallel: ctx.parallel, keepFilters: winogradFilters?.data)
        } else {
            ConvGEMM.forward(x: x.data, weight: weight.value.data, bias: b, y: y.data, g,
                             workspace: workspace, parallel: ctx.parallel, blasThreads: BLAS.threads,
                             products: matrixProducts)
        }
        return y
    }

    /// dy: `[N, OH, OW, out]`. Adds into the gradients of trainable parameters; returns
    /// dL/dx, or nil (without computing it) when `needsInputGradient` is false.
    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard let x = input else { preconditionFailure("Conv2D.backward called before forward") }
        return backward(dy, input: x, ctx)
    }

    /// The backward of a forward on `x` (the same values) that did not keep it.
    public func backward(_ dy: Tensor, input x: Tensor, _ ctx: Context) -> Tensor? {
        let g = geometry(x.shape)
        precondition(dy.shape == g.outputShape, "Conv2D.backward: dy \(dy.shape), expected \(g.outputShape)")
        return ctx.timed(profileLabel(g, "backward")) { backward(dy, x, g, ctx) }
    }

    private func backward(_ dy: Tensor, _ x: Tensor, _ g: ConvGeometry, _ ctx: Context) -> Tensor? {
        if let bias, bias.trainable { Self.addBiasGradient(dy, into: bias.grad, channels: g.o) }
        let dW = weight.trainable ? weight.grad.data : nil
        // col2im, Winograd and the depthwise backward add into dx; a 1×1 stride-1 GEMM overwrites it.
        let dx = needsInputGradient
            ? (g.isPointwise && !g.isDepthwise ? Tensor(uninitializedShape: x.shape) : Tensor(shape: x.shape)) : nil
        if g.isDepthwise {
            ConvDepthwise.backward(x: x.data, weight: weight.value.data, dy: dy.data, weightGrad: dW,
                                   dx: dx?.data, g, parallel: ctx.parallel)
        } else if let tile = algorithm.winogradTile(g) {
            ConvWinograd.backward(x: x.data, weight: weight.value.data, dy: dy.data, weightGrad: dW,
                                  dx: dx?.data, g, tile: tile, workspace: workspace, parallel: ctx.parallel,
                                  keptFilters: winogradFilters.map { UnsafePointer($0.data) })
        } else if algorithm.usesPolyphase(g) {
            ConvPolyphase.backward(x: x.data, weight: weight.value.data, dy: dy.data, weightGrad: dW, dx: dx?.data, g,
                                   workspace: workspace, parallel: ctx.parallel,
                                   keptFilters: winogradFilters.map { UnsafePointer($0.data) })
        } else {
            ConvGEMM.backward(x: x.data, weight: weight.value.data, dy: dy.data, weightGrad: dW,
                              dx: dx?.data, g, workspace: workspace, parallel: ctx.parallel,
                              blasThreads: BLAS.threads)
        }
        return dx
    }

    /// db[o] += Σ over every output pixel of dy[·, o].
    static func addBiasGradient(_ dy: Tensor, into grad: Tensor, channels o: Int) {
        let rows = dy.count / o
        let d = dy.data, gb = grad.data
        for r in 0..<rows {
            let row = d + r * o
            for i in 0..<o { gb[i] += row[i] }
        }
    }

    /// PyTorch's OIHW `[out, in, kh, kw]` → monkpipe's OHWI `[out, kh, kw, in]`.
    public static func fromTorchLayout(_ oihw: Tensor) -> Tensor {
        precondition(oihw.rank == 4, "fromTorchLayout expects [O, I, H, W], got \(oihw.shape)")
        let (o, i, h, w) = (oihw.shape[0], oihw.shape[1], oihw.shape[2], oihw.shape[3])
        let out = Tensor(shape: [o, h, w, i])
        for a in 0..<o { for b in 0..<i { for y in 0..<h { for x in 0..<w {
            out[((a * h + y) * w + x) * i + b] = oihw[((a * i + b) * h + y) * w + x]
        }}}}
        return out
    }

    /// monkpipe's OHWI `[out, kh, kw, in]` → PyTorch's OIHW `[out, in, kh, kw]`.
    public static func toTorchLayout(_ ohwi: Tensor) -> Tensor {
        precondition(ohwi.rank == 4, "toTorchLayout expects [O, H, W, I], got \(ohwi.shape)")
        let (o, h, w, i) = (ohwi.shape[0], ohwi.shape[1], ohwi.shape[2], ohwi.shape[3])
        let out = Tensor(shape: [o, i, h, w])
        for a in 0..<o { for b in 0..<i { for y in 0..<h { for x in 0..<w {
            out[((a * i + b) * h + y) * w + x] = ohwi[((a * h + y) * w + x) * i + b]
        }}}}
        return out
    }
}
