// Polyphase F(2×2,3×3) for stride-2 convolutions: output and both gradients against a direct
// float64 convolution and the im2col path within measured float32 error bounds, finite
// differences, whole and chunked calls on several threads, and which layers take it.
import Testing
@testable import MonkEngine

@Suite struct ConvPolyphaseTests {
    /// Even and odd input sizes (windows that run past the bottom/right edge or stop short of
    /// it), exact and partial 2×2 tiles (outputs 4×4, 5×4, 7×7 as ResNet's last stride-2 layer,
    /// 6×8, 1×2, 4×4 unpadded), padding 1, 0 and SAME, channel counts off the vector width, 1–3
    /// images.
    static let cases: [ConvCase] = [
        ConvCase(n: 2, h: 8, w: 8, cin: 16, cout: 16, k: 3, stride: 2),
        ConvCase(n: 1, h: 9, w: 7, cin: 13, cout: 7, k: 3, stride: 2),
        ConvCase(n: 3, h: 14, w: 14, cin: 20, cout: 24, k: 3, stride: 2, bias: false),
        ConvCase(n: 2, h: 11, w: 16, cin: 33, cout: 17, k: 3, stride: 2, padding: .same),
        ConvCase(n: 1, h: 2, w: 3, cin: 5, cout: 4, k: 3, stride: 2),
        ConvCase(n: 2, h: 10, w: 9, cin: 8, cout: 12, k: 3, stride: 2, padding: .symmetric(0)),
    ]

    /// The float32 error bound, as max |error| / max |float64 value| of a tensor. Measured over
    /// the six cases above with seeds 1–20 (120 layers, `convErrors(_:_:seed:)` printed once,
    /// 2026-12-06): polyphase worst y 3.0e-7, dx 5.3e-7, dW 5.2e-7; im2col on the same layers
    /// y 7.0e-7, dx 2.2e-7, dW 5.5e-7 (the transforms only add and subtract, so polyphase rounds
    /// like im2col). The bound is about 3× the worst of either. Dropping one phase (the 1×1
    /// centre-tap GEMM) gave errors of 0.39 (y), 0.56 (dx) and 1.0 (dW) here; the finite
    /// differences cannot see that, as the layer's gradients still match its (wrong) output.
    static let relativeBound: Float = 2e-6

    @Test(arguments: cases)
    func outputAndGradientsMatchDirectFloat64(_ cs: ConvCase) throws {
        let g = cs.makeConv().geometry(cs.makeInput().shape)
        #expect(ConvAlgorithm.polyphase.usesPolyphase(g))
        for seed: UInt64 in 1...3 {
            let e = try convErrors(cs, .polyphase, seed: seed)
            #expect(e.y < Self.relativeBound, "\(cs) seed \(seed) y")
            #expect(e.dx < Self.relativeBound, "\(cs) seed \(seed) dx")
            #expect(e.dW < Self.relativeBound, "\(cs) seed \(seed) dW")
        }
    }

    /// dL/dx, dL/dW and the bias by central differences (`checkGradients`).
    @Test(arguments: [cases[1], cases[4], ConvCase(n: 2, h: 7, w: 6, cin: 4, cout: 3, k: 3, stride: 2, padding: .same)])
    func gradientsMatchFiniteDifferences(_ cs: ConvCase) {
        let conv = cs.makeConv()
        conv.algorithm = .polyphase
        checkGradients(conv, input: cs.makeInput())
    }

    /// Polyphase equals im2col (y, dx, dW) for whole and chunked calls — one-tile chunks, chunks
    /// crossing images, the default (these layers have 48 tiles: whole) — on 1–3 threads,
    /// with and without the filters kept from the forward, on a ResNet-like layer and an
    /// odd-sized SAME one. Bound: polyphase's and im2col's own errors against float64 together.
    @Test(arguments: [
        ConvCase(n: 3, h: 16, w: 16, cin: 32, cout: 48, k: 3, stride: 2),
        ConvCase(n: 4, h: 13, w: 11, cin: 24, cout: 16, k: 3, stride: 2, padding: .same, bias: false),
    ])
    func matchesIm2colWithChunksAndThreads(_ cs: ConvCase) throws {
        let x = cs.makeInput()
        let direct = cs.makeConv()
        direct.algorithm = .im2col
        let ctx = Context(training: true)
        let y0 = direct.forward(x, ctx)
        let dy = randomTensor(y0.shape, seed: 21)
        let dx0 = try #require(direct.backward(dy, ctx))
        let g = direct.geometry(x.shape)
        // (chunk limit in floats, minimum GEMM rows, threads): chunks of 1 tile, chunks of 5 or
        // 10 tiles crossing images, whole on 3 and 2 threads.
        for (limit, minRows, threads) in [(1, 1, 1), (10_000, 16, 2), (1 << 17, 256, 3), (1 << 17, 256, 2)] {
            for keep in [false, true] {
                let ws = ConvWorkspace(chunkLimit: limit, minRows: minRows), par = Parallel(threads: threads)
                let y = Tensor(shape: y0.shape), dx = Tensor(shape: x.shape), dW = Tensor(shape: direct.weight.shape)
                let kept = keep ? Tensor(shape: [ConvPolyphase.filterFloats(g)]) : nil
                ConvPolyphase.forward(x: x.data, weight: direct.weight.value.data, bias: direct.bias?.value.data,
                                      y: y.data, g, workspace: ws, parallel: par, keepFilters: kept?.data)
                ConvPolyphase.backward(x: x.data, weight: direct.weight.value.data, dy: dy.data, weightGrad: dW.data,
                                       dx: dx.data, g, workspace: ws, parallel: par,
                                       keptFilters: kept.map { UnsafePointer($0.data) })
                let how = "\(cs) chunk \(limit)/\(minRows) threads \(threads) kept \(keep)"
                #expect(relativeError(y, y0) < 2 * Self.relativeBound, "\(how) y")
                #expect(relativeError(dx, dx0) < 2 * Self.relativeBound, "\(how) dx")
                #expect(relativeError(dW, direct.weight.grad) < 2 * Self.relativeBound, "\(how) dW")
            }
        }
    }

    /// The chunked path on a layer with more tiles than a whole call takes (4 images of 34×30 →
    /// 17×15 outputs, 4·9·8 = 288 tiles > 2·128) and the whole path on the same layer.
    @Test func chunkedAndWholeAgreeOnALargerLayer() throws {
        let cs = ConvCase(n: 4, h: 34, w: 30, cin: 24, cout: 40, k: 3, stride: 2)
        let x = cs.makeInput(), conv = cs.makeConv()
        let g = conv.geometry(x.shape)
        #expect(!ConvPolyphase.runsWhole(ConvPolyphase.Tiles(g), workspace: ConvWorkspace(minRows: 128)))
        #expect(ConvPolyphase.runsWhole(ConvPolyphase.Tiles(g), workspace: ConvWorkspace(minRows: 256)))
        let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value, stride: 2, padding: cs.padding,
                                 groups: 1)
        let dy = randomTensor(g.outputShape, seed: 4)
        let (dxWant, dWWant) = referenceConvGradients(x, weight: conv.weight.value, dy: dy, stride: 2,
                                                              padding: cs.padding)
        for minRows in [128, 256] {
            let ws = ConvWorkspace(minRows: minRows), par = Parallel(threads: 2)
            let y = Tensor(shape: g.outputShape), dx = Tensor(shape: x.shape), dW = Tensor(shape: conv.weight.shape)
            ConvPolyphase.forward(x: x.data, weight: conv.weight.value.data, bias: conv.bias?.value.data, y: y.data, g,
                                  workspace: ws, parallel: par)
            ConvPolyphase.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: dW.data,
                                   dx: dx.data, g, workspace: ws, parallel: par)
            #expect(relativeError(y, want) < Self.relativeBound, "minRows \(minRows) y")
            #expect(relativeError(dx, dxWant) < Self.relativeBound, "minRows \(minRows) dx")
            #expect(relativeError(dW, dWWant) < Self.relativeBound, "minRows \(minRows) dW")
        }
    }

    /// Only one of the two gradients asked for: the same values as with both.
    @Test(arguments: [256, 16])
    func weightGradientOnlyAndInputGradientOnly(_ minRows: Int) {
        let cs = ConvCase(n: 2, h: 9, w: 10, cin: 16, cout: 16, k: 3, stride: 2)
        let conv = cs.makeConv(), x = cs.makeInput()
        let g = conv.geometry(x.shape)
        let dy = randomTensor(g.outputShape, seed: 3)
        let dWOnly = Tensor(shape: conv.weight.shape), dxOnly = Tensor(shape: x.shape)
        let dWBoth = Tensor(shape: conv.weight.shape), dxBoth = Tensor(shape: x.shape)
        let ws = ConvWorkspace(minRows: minRows), par = Parallel(threads: 2)
        ConvPolyphase.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: dWOnly.data,
                               dx: nil, g, workspace: ws, parallel: par)
        ConvPolyphase.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: nil,
                               dx: dxOnly.data, g, workspace: ws, parallel: par)
        ConvPolyphase.backward(x: x.data, weight: conv.weight.value.data, dy: dy.data, weightGrad: dWBoth.data,
                               dx: dxBoth.data, g, workspace: ws, parallel: par)
        #expect(dWOnly.array == dWBoth.array)
        #expect(dxOnly.array == dxBoth.array)
    }

    /// The groups cover the 25 slots once each, in order, and use each of the 16 filter planes
    /// once; a thread split of the groups covers each group once.
    @Test func groupsCoverSlotsAndPlanes() {
        var next = 0
        for group in ConvPolyphase.groups {
            #expect(group.first == next)
            next += group.count
        }
        #expect(next == ConvPolyphase.slots)
        #expect(Set(ConvPolyphase.groups.map(\.plane)) == Set(0..<ConvPolyphase.planes))
        for team in 1...3 {
            #expect(ConvPolyphase.groupShares(team: team).flatMap { $0 }.sorted() == Array(ConvPolyphase.groups.indices))
        }
    }

    /// A layer in automatic mode on a shape it runs polyphase (196 tiles of 64 channels), two
    /// training steps with the weights changed in between (the backward reuses filters the
    /// forward transformed): output and gradients as the im2col layer's, and named so in a profile.
    @Test func automaticLayerMatchesIm2col() throws {
        let cs = ConvCase(n: 4, h: 28, w: 27, cin: 64, cout: 64, k: 3, stride: 2)
        let auto = cs.makeConv(), direct = cs.makeConv()
        direct.algorithm = .im2col
        let x = cs.makeInput()
        let g = auto.geometry(x.shape)
        #expect(ConvAlgorithm.automatic.usesPolyphase(g))
        #expect(auto.profileLabel(g, "backward") == "conv 3×3/2 64→64 @28×27 polyphase backward")
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        for step in 0..<2 {
            let y = auto.forward(x, ctx), y0 = direct.forward(x, ctx)
            let dy = randomTensor(y0.shape, seed: 30 + UInt64(step))
            auto.zeroGrad(); direct.zeroGrad()
            let dx = try #require(auto.backward(dy, ctx)), dx0 = try #require(direct.backward(dy, ctx))
            #expect(relativeError(y, y0) < 2 * Self.relativeBound, "step \(step) y")
            #expect(relativeError(dx, dx0) < 2 * Self.relativeBound, "step \(step) dx")
            #expect(relativeError(auto.weight.grad, direct.weight.grad) < 2 * Self.relativeBound, "step \(step) dW")
            for i in 0..<auto.weight.value.count { auto.weight.value[i] *= -0.5 }
            for i in 0..<direct.weight.value.count { direct.weight.value[i] *= -0.5 }
        }
    }

    /// Which layers take polyphase: forced, only 3×3 stride-2 dense layers; automatic, ResNet-50
    /// v2's first two stride-2 layers at 224 px, batch 4 and 8 (784 and 196 tiles at batch 4),
    /// not its 512-channel one (7×7 outputs: 64 and 128 tiles) nor narrow ones.
    @Test func choice() {
        func geometry(_ c: Int, _ o: Int, k: Int = 3, stride: Int = 2, groups: Int = 1, n: Int = 4,
                      side: Int = 56) -> ConvGeometry {
            ConvGeometry(input: [n, side, side, c], outChannels: o, kernel: k, stride: stride,
                         padding: .symmetric(k / 2), groups: groups)
        }
        #expect(ConvAlgorithm.polyphase.usesPolyphase(geometry(3, 5, side: 3)))
        #expect(!ConvAlgorithm.polyphase.usesPolyphase(geometry(64, 64, stride: 1)))
        #expect(!ConvAlgorithm.polyphase.usesPolyphase(geometry(64, 64, k: 1)))
        #expect(!ConvAlgorithm.polyphase.usesPolyphase(geometry(64, 64, k: 5)))
        #expect(!ConvAlgorithm.polyphase.usesPolyphase(geometry(64, 64, groups: 2)))
        #expect(!ConvAlgorithm.polyphase.usesPolyphase(geometry(64, 64, groups: 64)))
        #expect(ConvAlgorithm.polyphase.winogradTile(geometry(64, 64, stride: 1)) == nil)
        #expect(!ConvAlgorithm.im2col.usesPolyphase(geometry(128, 128)))
        #expect(!ConvAlgorithm.winograd4.usesPolyphase(geometry(128, 128)))
        #expect(ConvAlgorithm.automatic.usesPolyphase(geometry(128, 128)))                   // 784 tiles
        #expect(ConvAlgorithm.automatic.usesPolyphase(geometry(128, 128, n: 8)))             // 1568
        #expect(ConvAlgorithm.automatic.usesPolyphase(geometry(256, 256, side: 28)))         // 196
        #expect(ConvAlgorithm.automatic.usesPolyphase(geometry(256, 256, n: 8, side: 28)))   // 392
        #expect(!ConvAlgorithm.automatic.usesPolyphase(geometry(512, 512, side: 14)))        // 64
        #expect(!ConvAlgorithm.automatic.usesPolyphase(geometry(512, 512, n: 8, side: 14)))  // 128
        #expect(!ConvAlgorithm.automatic.usesPolyphase(geometry(256, 256, n: 3, side: 28)))  // 147
        #expect(!ConvAlgorithm.automatic.usesPolyphase(geometry(32, 128)))
        #expect(!ConvAlgorithm.automatic.usesPolyphase(geometry(3, 64, side: 224)))
        #expect(ConvAlgorithm.automatic.winogradTile(geometry(128, 128)) == nil)
    }
}
