// Winograd F(2×2,3×3) convolution against the direct Double-accumulated reference, finite
// differences, and the im2col path, on odd sizes, channel tails, padding kinds and threads.
import Testing
@testable import MonkEngine

@Suite struct ConvWinogradTests {
    /// Odd and even maps (partial edge tiles), no / symmetric / SAME padding, channel counts
    /// below, at and past the 16-lane vectors (tails), one and several images.
    static let cases: [ConvCase] = [
        ConvCase(n: 2, h: 5, w: 7, cin: 3, cout: 5, k: 3),
        ConvCase(n: 1, h: 6, w: 6, cin: 17, cout: 16, k: 3, padding: .same),
        ConvCase(n: 3, h: 4, w: 5, cin: 16, cout: 33, k: 3, padding: .symmetric(0), bias: false),
        ConvCase(n: 2, h: 3, w: 3, cin: 32, cout: 20, k: 3, padding: .symmetric(2)),
        ConvCase(n: 1, h: 1, w: 2, cin: 5, cout: 4, k: 3, padding: .symmetric(1)),
    ]

    func winogradConv(_ cs: ConvCase, seed: UInt64 = 11) -> Conv2D {
        let conv = cs.makeConv(seed: seed)
        conv.algorithm = .winograd
        return conv
    }

    /// The transforms only regroup the sums, so the float result is within a few ulps of the
    /// exact one: the tolerance 2e-5 is ~100 ulps of the outputs' magnitude (|y| ≲ 3 here).
    @Test(arguments: cases)
    func forwardMatchesDirectReference(_ cs: ConvCase) {
        let conv = winogradConv(cs), x = cs.makeInput()
        let g = conv.geometry(x.shape)
        #expect(ConvWinograd.applies(g))
        let y = conv.forward(x, Context(training: true))
        let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value, stride: 1,
                                 padding: cs.padding, groups: 1)
        #expect(maxAbsDifference(y, want) < 2e-5, "\(cs)")
    }

    /// dL/dx and dL/dW (and the bias) by central differences; the loss is linear in each, so
    /// differences are exact up to float rounding.
    @Test(arguments: [cases[0], cases[4], ConvCase(n: 2, h: 5, w: 4, cin: 4, cout: 3, k: 3, padding: .same)])
    func gradientsMatchFiniteDifferences(_ cs: ConvCase) {
        checkGradients(winogradConv(cs), input: cs.makeInput())
    }

    /// Winograd and im2col give the same forward output, input gradient and weight gradient on
    /// ResNet-like shapes, including threads that split images and chunks of a few tiles.
    @Test(arguments: [
        ConvCase(n: 3, h: 8, w: 8, cin: 32, cout: 48, k: 3),
        ConvCase(n: 4, h: 5, w: 6, cin: 24, cout: 16, k: 3, padding: .same, bias: false),
    ])
    func matchesIm2colWithChunksAndThreads(_ cs: ConvCase) throws {
        // (chunkLimit floats, minRows, threads): one-tile chunks, chunks crossing images, default.
        try compareWinogradWithIm2col(cs, tile: .f2, settings: [(1, 1, 1), (2000, 8, 2), (1 << 17, 256, 3)],
                                      keepFilters: [false]) { got, want, what, how in
            #expect(maxAbsDifference(want, got) < (what == "dW" ? 1e-3 : 1e-4), "\(how) \(what)")
        }
    }

    /// A training forward keeps the transformed filters and the backward reuses them, in whole
    /// and in chunked mode (chunked forward multiplies a transposed copy, so the kept one must
    /// be the untransposed layout the backward expects): the layer equals im2col.
    @Test(arguments: [(1 << 17, 256), (1, 1)])
    func keptFiltersServeTheBackward(_ workspace: (limit: Int, minRows: Int)) throws {
        let cs = ConvCase(n: 2, h: 6, w: 5, cin: 20, cout: 24, k: 3)
        let x = cs.makeInput()
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let direct = cs.makeConv(), wino = winogradConv(cs)
        direct.algorithm = .im2col
        wino.workspace = ConvWorkspace(chunkLimit: workspace.limit, minRows: workspace.minRows)
        let y0 = direct.forward(x, ctx), y = wino.forward(x, ctx)
        let dy = randomTensor(y0.shape, seed: 8)
        let dx0 = try #require(direct.backward(dy, ctx)), dx = try #require(wino.backward(dy, ctx))
        #expect(maxAbsDifference(y0, y) < 1e-4)
        #expect(maxAbsDifference(dx0, dx) < 1e-4)
        #expect(maxAbsDifference(direct.weight.grad, wino.weight.grad) < 1e-3)
    }

    /// Only one of the two gradients asked for: the other pointer stays untouched.
    @Test func weightGradientOnlyAndInputGradientOnly() {
        let cs = ConvCase(n: 2, h: 4, w: 4, cin: 16, cout: 16, k: 3)
        let conv = winogradConv(cs), x = cs.makeInput()
        let g = conv.geometry(x.shape)
        let dy = randomTensor(g.outputShape, seed: 3)
        let dWOnly = Tensor(shape: conv.weight.shape), dxOnly = Tensor(shape: x.shape)
        let dWBoth = Tensor(shape: conv.weight.shape), dxBoth = Tensor(shape: x.shape)
        let ws = ConvWorkspace(), par = Parallel(threads: 2)
        ConvWinograd.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: dWOnly.data,
                              dx: nil, g, workspace: ws, parallel: par)
        ConvWinograd.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: nil,
                              dx: dxOnly.data, g, workspace: ws, parallel: par)
        ConvWinograd.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: dWBoth.data,
                              dx: dxBoth.data, g, workspace: ws, parallel: par)
        #expect(dWOnly.array == dWBoth.array)
        #expect(dxOnly.array == dxBoth.array)
    }

    /// Automatic mode: Winograd for wide 3×3 stride-1 dense layers with at least 64 tiles
    /// (8 images of 8×8 outputs = 8·4·4 = 128 tiles; 3 images = 48).
    @Test func automaticChoice() {
        func geometry(_ c: Int, _ o: Int, k: Int = 3, stride: Int = 1, groups: Int = 1, n: Int = 8) -> ConvGeometry {
            ConvGeometry(input: [n, 8, 8, c], outChannels: o, kernel: k, stride: stride, padding: .symmetric(k / 2), groups: groups)
        }
        #expect(ConvAlgorithm.automatic.usesWinograd(geometry(64, 64)))
        #expect(!ConvAlgorithm.automatic.usesWinograd(geometry(3, 64)))
        #expect(!ConvAlgorithm.automatic.usesWinograd(geometry(64, 64, stride: 2)))
        #expect(!ConvAlgorithm.automatic.usesWinograd(geometry(64, 64, k: 1)))
        #expect(!ConvAlgorithm.automatic.usesWinograd(geometry(64, 64, groups: 2)))
        #expect(!ConvAlgorithm.automatic.usesWinograd(geometry(64, 64, n: 3)))   // 3·16 = 48 tiles
        #expect(!ConvAlgorithm.im2col.usesWinograd(geometry(64, 64)))
        #expect(ConvAlgorithm.winograd.usesWinograd(geometry(3, 5)))
    }
}

/// Runs `ConvWinograd` with `tile` on `cs` for every (chunk limit in floats, minimum GEMM rows,
/// threads) in `settings`, with and without the forward's transformed filters kept for the
/// backward as `keepFilters` lists, and hands its output, input gradient and weight gradient,
/// each beside im2col's, to `check` ("y", "dx", "dW"), with a description of the setting.
func compareWinogradWithIm2col(_ cs: ConvCase, tile: WinogradTile, settings: [(Int, Int, Int)], keepFilters: [Bool],
                               check: (_ got: Tensor, _ want: Tensor, _ what: String, _ how: String) -> Void) throws {
    let x = cs.makeInput()
    let direct = cs.makeConv()
    direct.algorithm = .im2col
    let ctx = Context(training: true)
    let y0 = direct.forward(x, ctx)
    let dy = randomTensor(y0.shape, seed: 21)
    let dx0 = try #require(direct.backward(dy, ctx))
    let g = direct.geometry(x.shape)
    for (limit, minRows, threads) in settings {
        for keep in keepFilters {
            let ws = ConvWorkspace(chunkLimit: limit, minRows: minRows), par = Parallel(threads: threads)
            let y = Tensor(shape: y0.shape), dx = Tensor(shape: x.shape), dW = Tensor(shape: direct.weight.shape)
            let kept = keep ? Tensor(shape: [ConvWinograd.filterFloats(g, tile)]) : nil
            ConvWinograd.forward(x: x.data, weight: direct.weight.value.data, bias: direct.bias?.value.data,
                                 y: y.data, g, tile: tile, workspace: ws, parallel: par, keepFilters: kept?.data)
            ConvWinograd.backward(x: x.data, weight: direct.weight.value.data, dy: dy.data, weightGrad: dW.data,
                                  dx: dx.data, g, tile: tile, workspace: ws, parallel: par,
                                  keptFilters: kept.map { UnsafePointer($0.data) })
            let how = "\(cs) chunk \(limit) threads \(threads) kept \(keep)"
            check(y, y0, "y", how)
            check(dx, dx0, "dx", how)
            check(dW, direct.weight.grad, "dW", how)
        }
    }
}
