// Which way a dense convolution forms its products: im2col + GEMM, or Winograd F(2×2,3×3).

/// The product algorithm of a `Conv2D`. Depthwise convolutions always use their direct loop.
public enum ConvAlgorithm: String, Sendable, CaseIterable {
    /// Winograd where it applies and pays (see `usesWinograd`), im2col + GEMM elsewhere.
    case automatic
    /// im2col (or the activation buffer itself for 1×1) times the filters, on OpenBLAS.
    case im2col
    /// Winograd F(2×2,3×3) for 3×3 stride-1 dense layers; others fall back to im2col.
    case winograd

    /// Whether a call with geometry `g` runs Winograd. Automatic mode skips narrow layers
    /// (fewer than 16 input or output channels: the transforms cost more than the products
    /// they save) and calls with fewer than 64 output tiles in all (there the filter transform,
    /// 16·in·out values per call, outweighs the products saved). On ResNet-18's 3×3 layers at
    /// 128 px, batch 16 (64–4096 tiles), Winograd took 45–70% of im2col's time per pass on
    /// one thread (`monkpipe bench --kernels conv --threads 1`).
    func usesWinograd(_ g: ConvGeometry) -> Bool {
        guard ConvWinograd.applies(g) else { return false }
        switch self {
        case .automatic: return g.c >= 16 && g.o >= 16 && ConvWinograd.Tiles(g).count >= 64
        case .im2col: return false
        case .winograd: return true
        }
    }
}

extension Module {
    /// Sets the product algorithm of every `Conv2D` in this module tree (for benchmarks and
    /// for comparing the two paths; `.automatic` is the default).
    public func useConvAlgorithm(_ algorithm: ConvAlgorithm) {
        if let conv = self as? Conv2D { conv.algorithm = algorithm }
        for (_, child) in namedChildren { child.useConvAlgorithm(algorithm) }
    }
}
