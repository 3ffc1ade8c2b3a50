// Which way a dense convolution forms its products: im2col + GEMM, or Winograd F(2×2,3×3) or
// F(4×4,3×3).

/// The product algorithm of a `Conv2D`. Depthwise convolutions always use their direct loop.
public enum ConvAlgorithm: String, Sendable, CaseIterable {
    /// Winograd where it applies and pays (see `winogradTile`), im2col + GEMM elsewhere.
    case automatic
    /// im2col (or the activation buffer itself for 1×1) times the filters, on OpenBLAS.
    case im2col
    /// Winograd F(2×2,3×3) for 3×3 stride-1 dense layers; others fall back to im2col.
    case winograd
    /// Winograd F(4×4,3×3) for 3×3 stride-1 dense layers; others fall back to im2col.
    case winograd4

    /// Whether a call with geometry `g` runs Winograd (either variant).
    func usesWinograd(_ g: ConvGeometry) -> Bool { winogradTile(g) != nil }

    /// The Winograd variant a call with geometry `g` runs, or nil for im2col. Automatic mode
    /// skips narrow layers (fewer than 16 input or output channels: the transforms cost more
    /// than the products they save) and calls with fewer than 64 output tiles in all (there
    /// the filter transform, 16 or 36·in·out values per call, outweighs the products saved).
    /// On ResNet-18's 3×3 layers at 128 px, batch 16 (64–4096 tiles), F(2×2) took 45–70% of
    /// im2col's time per pass on one thread (`monkpipe bench --kernels conv --threads 1`).
    /// F(4×4) is chosen where its own tiles reach that count and the map is at least 8×8, so
    /// that edge tiles waste little.
    func winogradTile(_ g: ConvGeometry) -> WinogradTile? {
        guard ConvWinograd.applies(g) else { return nil }
        switch self {
        case .automatic:
            guard g.c >= 16 && g.o >= 16 else { return nil }
            if g.oh >= 8 && g.ow >= 8 && ConvWinograd.Tiles(g, .f4).count >= 64 { return .f4 }
            return ConvWinograd.Tiles(g, .f2).count >= 64 ? .f2 : nil
        case .im2col: return nil
        case .winograd: return .f2
        case .winograd4: return .f4
        }
    }
}

extension Module {
    /// Sets the product algorithm of every `Conv2D` in this module tree (for benchmarks and
    /// for comparing the paths; `.automatic` is the default).
    public func useConvAlgorithm(_ algorithm: ConvAlgorithm) {
        if let conv = self as? Conv2D { conv.algorithm = algorithm }
        for (_, child) in namedChildren { child.useConvAlgorithm(algorithm) }
    }
}
