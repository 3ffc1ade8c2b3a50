// Winograd F(4×4,3×3): outputs and both gradients against a direct float64 convolution and the
// im2col path within a measured float32 error bound, finite differences, chunks and threads,
// and where automatic mode picks it.
import Testing
@testable import MonkEngine

@Suite struct ConvWinograd4Tests {
    /// Exact and partial 4×4 tiles (outputs 8×8, 9×11, 5×4, 1×2, 12×15), padding 0, 1, 2 and
    /// SAME, channel counts that are not multiples of 8 (tails of the vector loops), 1–3 images.
    static let cases: [ConvCase] = [
        ConvCase(n: 1, h: 8, w: 8, cin: 16, cout: 16, k: 3),
        ConvCase(n: 2, h: 9, w: 11, cin: 13, cout: 7, k: 3, padding: .same),
        ConvCase(n: 3, h: 7, w: 6, cin: 20, cout: 24, k: 3, padding: .symmetric(0), bias: false),
        ConvCase(n: 1, h: 1, w: 2, cin: 5, cout: 4, k: 3),
        ConvCase(n: 2, h: 10, w: 13, cin: 33, cout: 17, k: 3, padding: .symmetric(2)),
    ]

    /// The float32 error bound, as max |error| / max |float64 value| of each tensor. Measured
    /// on these kernels over the five cases above with seeds 1–20 (100 layers; `convErrors(_:_:seed:)`
    /// printed once, 2026-12-06): worst y 2.0e-6, dx 1.5e-6, dW 1.6e-6, against F(2×2)'s
    /// 3.2e-7, 2.3e-7, 5.7e-7 on the same layers. The error grows with the channels summed:
    /// benchmarks/winograd_error.py gives up to 3.1e-6 at 64 and 5.6e-6 at 256 channels (see
    /// `WinogradTile`). The bound is 2.5× the worst measured on these (≤ 33-channel) cases.
    static let relativeBound: Float = 5e-6

    func winograd4Conv(_ cs: ConvCase, seed: UInt64 = 11) -> Conv2D {
        let conv = cs.makeConv(seed: seed)
        conv.algorithm = .winograd4
        return conv
    }

    @Test(arguments: cases)
    func outputAndGradientsMatchDirectFloat64(_ cs: ConvCase) throws {
        let g = winograd4Conv(cs).geometry(cs.makeInput().shape)
        #expect(ConvAlgorithm.winograd4.winogradTile(g) == .f4)
        for seed: UInt64 in 1...3 {
            let e = try convErrors(cs, .winograd4, seed: seed)
            #expect(e.y < Self.relativeBound, "\(cs) seed \(seed) y")
            #expect(e.dx < Self.relativeBound, "\(cs) seed \(seed) dx")
            #expect(e.dW < Self.relativeBound, "\(cs) seed \(seed) dW")
        }
    }

    /// dL/dx, dL/dW and the bias by central differences (`checkGradients`).
    @Test(arguments: [cases[1], cases[3], ConvCase(n: 2, h: 6, w: 5, cin: 4, cout: 3, k: 3, padding: .symmetric(0))])
    func gradientsMatchFiniteDifferences(_ cs: ConvCase) {
        checkGradients(winograd4Conv(cs), input: cs.makeInput())
    }

    /// F(4×4) equals im2col for whole and chunked calls (one-tile chunks, chunks crossing
    /// images, the default) on 1–3 threads, with and without filters kept from the forward.
    @Test(arguments: [
        ConvCase(n: 3, h: 12, w: 12, cin: 32, cout: 48, k: 3),
        ConvCase(n: 4, h: 9, w: 10, cin: 24, cout: 16, k: 3, padding: .same, bias: false),
    ])
    func matchesIm2colWithChunksAndThreads(_ cs: ConvCase) throws {
        try compareWinogradWithIm2col(cs, tile: .f4, settings: [(1, 1, 1), (2000, 4, 2), (1 << 17, 256, 3), (1 << 17, 256, 2)],
                                      keepFilters: [false, true]) { got, want, what, how in
            #expect(relativeError(got, want) < Self.relativeBound, "\(how) \(what)")
        }
    }

    /// Automatic mode: F(4×4) for wide layers whose maps are at least 8×8 and have 64 tiles of
    /// 4×4 (4 images of 16×16 = 4·16); F(2×2) where only its own tiles reach 64 (4 images of
    /// 7×7: 4·16 tiles of 2×2, 4·4 of 4×4; 1 image of 16×16: 64 tiles of 2×2, 16 of 4×4).
    @Test func automaticChoice() {
        func geometry(_ c: Int, _ o: Int, n: Int, side: Int) -> ConvGeometry {
            ConvGeometry(input: [n, side, side, c], outChannels: o, kernel: 3, stride: 1, padding: .symmetric(1), groups: 1)
        }
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(64, 64, n: 4, side: 56)) == .f4)
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(64, 64, n: 4, side: 16)) == .f4)
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(512, 512, n: 4, side: 7)) == .f2)
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(16, 16, n: 1, side: 16)) == .f2)
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(8, 64, n: 4, side: 56)) == nil)
        #expect(ConvAlgorithm.winograd.winogradTile(geometry(64, 64, n: 4, side: 56)) == .f2)
        #expect(ConvAlgorithm.winograd4.winogradTile(geometry(3, 5, n: 1, side: 3)) == .f4)
        #expect(ConvAlgorithm.im2col.winogradTile(geometry(64, 64, n: 4, side: 56)) == nil)
    }
}
