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
    /// on these kernels over the five cases above with seeds 1–20 (100 layers; `errors(_:_:seed:)`
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

    /// max |got − want| / max |want|.
    func relativeError(_ got: Tensor, _ want: Tensor) -> Float {
        var peak: Float = 0
        for i in 0..<want.count { peak = max(peak, abs(want[i])) }
        return maxAbsDifference(got, want) / max(peak, .leastNormalMagnitude)
    }

    /// The three tensors of one layer with `seed`, through `conv`: forward, and backward of a
    /// random dy, each against the direct float64 convolution and its adjoints.
    func errors(_ cs: ConvCase, _ algorithm: ConvAlgorithm, seed: UInt64) throws -> (y: Float, dx: Float, dW: Float) {
        let conv = cs.makeConv(seed: seed)
        conv.algorithm = algorithm
        let x = cs.makeInput(seed: seed + 100)
        let ctx = Context(training: true)
        let y = conv.forward(x, ctx)
        let dy = randomTensor(y.shape, seed: seed + 200)
        let dx = try #require(conv.backward(dy, ctx))
        let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value, stride: 1,
                                 padding: cs.padding, groups: 1)
        let (dxWant, dWWant) = referenceConvGradients(x, weight: conv.weight.value, dy: dy, padding: cs.padding)
        return (relativeError(y, want), relativeError(dx, dxWant), relativeError(conv.weight.grad, dWWant))
    }

    @Test(arguments: cases)
    func outputAndGradientsMatchDirectFloat64(_ cs: ConvCase) throws {
        let g = winograd4Conv(cs).geometry(cs.makeInput().shape)
        #expect(ConvAlgorithm.winograd4.winogradTile(g) == .f4)
        for seed: UInt64 in 1...3 {
            let e = try errors(cs, .winograd4, seed: seed)
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

/// dL/dx and dL/dW of a stride-1, ungrouped convolution for L = Σ y·dy, straight from the
/// definition y[n,oy,ox,o] = Σ x[n, oy−pt+ky, ox−pl+kx, c]·w[o,ky,kx,c], accumulated in Double.
func referenceConvGradients(_ x: Tensor, weight w: Tensor, dy: Tensor, padding: Padding) -> (dx: Tensor, dW: Tensor) {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[1], w.shape[2])
    let (pt, oh) = referencePadding(padding, input: h, kernel: kh, stride: 1)
    let (pl, ow) = referencePadding(padding, input: wd, kernel: kw, stride: 1)
    var dx = [Double](repeating: 0, count: x.count), dW = [Double](repeating: 0, count: w.count)
    for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for oc in 0..<o {
        let g = Double(dy[((b * oh + oy) * ow + ox) * o + oc])
        for ky in 0..<kh { for kx in 0..<kw {
            let iy = oy - pt + ky, ix = ox - pl + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            let xi = ((b * h + iy) * wd + ix) * c, wi = ((oc * kh + ky) * kw + kx) * c
            for ci in 0..<c {
                dx[xi + ci] += g * Double(w[wi + ci])
                dW[wi + ci] += g * Double(x[xi + ci])
            }
        }}
    }}}}
    return (Tensor(shape: x.shape, values: dx.map(Float.init)), Tensor(shape: w.shape, values: dW.map(Float.init)))
}
