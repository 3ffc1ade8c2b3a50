// Which way a dense convolution forms its products: im2col + GEMM, Winograd F(2×2,3×3) or
// F(4×4,3×3) (stride 1), or polyphase F(2×2,3×3) (stride 2).

/// The product algorithm of a `Conv2D`. Depthwise convolutions always use their direct loop.
public enum ConvAlgorithm: String, Sendable, CaseIterable {
    /// Winograd or polyphase where they apply and pay (see `winogradTile`, `usesPolyphase`),
    /// im2col + GEMM elsewhere.
    case automatic
    /// im2col (or the activation buffer itself for 1×1) times the filters, on OpenBLAS.
    case im2col
    /// Winograd F(2×2,3×3) for 3×3 stride-1 dense layers; others fall back to im2col.
    case winograd
    /// Winograd F(4×4,3×3) for 3×3 stride-1 dense layers; others fall back to im2col.
    case winograd4
    /// Polyphase F(2×2,3×3) for 3×3 stride-2 dense layers; others fall back to im2col.
    case polyphase

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
        case .im2col, .polyphase: return nil
        case .winograd: return .f2
        case .winograd4: return .f4
        }
    }

    /// Whether a call with geometry `g` runs polyphase (both passes). Automatic mode takes
    /// layers of at least 64 input and output channels with at least 192 output tiles of 2×2.
    /// Measured with 2 threads, algorithms interleaved, two runs (`monkpipe bench --kernels
    /// conv`, 2026-12-06, ms forward / backward, im2col → polyphase): ResNet-50 v2 at 224 px,
    /// 128→128 @56×56, batch 4 (784 tiles) 6.85/13.13 → 5.73/11.26 and 6.92/12.46 → 5.49/11.69,
    /// batch 8 14.01/27.72 → 11.15/22.49; 256→256 @28×28, batch 4 (196 tiles) 6.20/11.47 →
    /// 5.80/9.94 and 6.54/11.91 → 5.86/10.55, batch 8 12.77/24.23 → 11.06/21.14; ResNet-18 at
    /// 128 px, batch 16, 64→128 @32×32 (1024 tiles) 3.97/8.05 → 2.77/5.98, 128→256 @16×16 (256)
    /// 4.04/7.59 → 3.94/6.90. Fewer tiles lost: 512→512 @14×14 at batch 4 (64 tiles)
    /// 6.58/12.52 → 9.32/14.67 and batch 8 (128) 12.64/24.17 → 14.79/25.97, as the 16
    /// transformed filter planes (16 MB there) cost about what the products save when few tiles
    /// share them; ResNet-18's 256→512 @8×8 (64 tiles) 2.77/5.52 → 3.64/5.19.
    func usesPolyphase(_ g: ConvGeometry) -> Bool {
        guard ConvPolyphase.applies(g) else { return false }
        switch self {
        case .automatic: return g.c >= 64 && g.o >= 64 && ConvPolyphase.Tiles(g).count >= 192
        case .polyphase: return true
        case .im2col, .winograd, .winograd4: return false
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
