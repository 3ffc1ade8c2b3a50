// Polyphase Winograd for dense 3×3 stride-2 convolutions, F(2×2, 3×3, stride 2): each 2×2
// output tile costs 25 products per channel pair instead of 36, in the forward, input-gradient
// and weight-gradient passes.
import CKernels

/// A stride-2 3×3 convolution is the sum of four stride-1 ones on the parity phases of its
/// padded input: the even rows and columns meet the corner taps (a 2×2 filter), the odd ones
/// the centre tap (1×1), the mixed ones the edge taps (1×2, 2×1). Along one axis the even phase
/// is a 2-tap correlation, done with Winograd's F(2, 2) in 3 products, and the odd phase takes
/// 2; the 2-D algorithm is the product of two such axes (CKernels/polyphase.c has the
/// matrices). So it is a Winograd algorithm with 25 transformed positions ("slots") per 2×2
/// tile, run as `ConvWinograd` runs its own:
///   U[q] = (G″ w G″ᵀ)[q]       16 filter planes `[q][out][in]`: both odd slots of an axis share
///                              the centre-tap column, so slots sharing a plane form a group
///   V[s] = (B′ᵀ d B′)[s]       each 5×5 input window d (stride 4, zero outside the image)
///   M[group] = V[group]·U[q]ᵀ  one GEMM per group (16), its slots' tiles stacked as rows
///   y = A′ᵀ M A′               each tile's 2×2 outputs
/// and backward by the adjoints: dM = A′ dy A′ᵀ; dU[q] = dM[group]ᵀ·V[group] and
/// dW += G″ᵀ dU G″; dV[group] = dM[group]·U[q] and dx += B′ dV B′ᵀ (windows of neighbouring
/// tiles share a row or column of pixels, so this adds).
///
/// In float32 the transforms only add and subtract, so the result rounds like im2col's
/// (measured in the tests). The products are 25/36 of im2col's, but in 16 GEMMs whose inner
/// dimension is the channel count instead of 9 times it, which OpenBLAS runs slower; the
/// transforms cost memory passes of their own. What that nets was measured per layer
/// (`ConvAlgorithm.usesPolyphase`). F(4×4) tiles (81 slots per 16 outputs, F(4,2) on points
/// 0, ±1, 2, ∞ along each axis) were measured too and lost to F(2×2) on every shape: with 2
/// threads, ResNet-50's 128→128 @56×56 at batch 4 took 6.6 ms forward and 11.1 ms backward
/// against 5.3 and 9.7 (im2col 5.8 and 11.4), and its 9×9 windows made the transforms 3× slower
/// per float (`monkpipe bench --kernels conv`, 2026-12-06).
enum ConvPolyphase {
    /// Dense 3×3 stride-2 convolutions, any padding.
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kh == 3 && g.kw == 3 && g.stride == 2 && g.groups == 1
    }

    /// Transformed slots per tile.
    static let slots = 25
    /// Distinct transformed filter planes.
    static let planes = 16

    /// The GEMM groups: consecutive slots `first ..< first + count` multiplied by filter plane
    /// `plane` (4 × 4 positions, the odd ones of each axis as one), in polyphase.c's slot order:
    /// the 9 even-even slots alone, then per even row its 2 odd columns, per even column its 2
    /// odd rows, and the 4 odd-odd slots (the 1×1 phase: the centre tap on every other pixel).
    static let groups: [(first: Int, count: Int, plane: Int)] = {
        var out: [(Int, Int, Int)] = []
        for a in 0..<3 { for b in 0..<3 { out.append((a * 3 + b, 1, a * 4 + b)) } }
        for a in 0..<3 { out.append((9 + a * 2, 2, a * 4 + 3)) }
        for b in 0..<3 { out.append((15 + b * 2, 2, 12 + b)) }
        out.append((21, 4, 15))
        return out
    }()

    /// Where group `index` starts in a buffer of slots `plane` floats apart: each group after the
    /// first 16 floats further on (see polyphase.c's `poly_offset`), so a buffer holds
    /// `slotFloats(plane)` floats.
    @inline(__always)
    static func start(_ index: Int, plane: Int) -> Int { groups[index].first * plane + index * 16 }
    static func slotFloats(_ plane: Int) -> Int { slots * plane + 16 * groups.count }

    /// The 2×2 output tiles of a geometry.
    struct Tiles: Sendable {
        let rows, cols, images: Int
        init(_ g: ConvGeometry) {
            rows = (g.oh + 1) / 2; cols = (g.ow + 1) / 2; images = g.n
        }
        var perImage: Int { rows * cols }
        var count: Int { images * perImage }
    }

    /// The C kernels' view of a geometry.
    static func shape(_ g: ConvGeometry, _ tiles: Tiles) -> MonkWinogradShape {
        MonkWinogradShape(h: g.h, w: g.w, c: g.c, oh: g.oh, ow: g.ow, o: g.o, padTop: g.padTop,
                          padLeft: g.padLeft, tileRows: tiles.rows, tileCols: tiles.cols)
    }

    /// Whether a call transforms every tile at once (`forwardWhole`, `backwardWhole`): at most
    /// 2·minRows tiles (512 by default), as `ConvWinograd.runsWhole`. With 2 threads, ResNet-50's
    /// 256→256 @28×28 at batch 4 (196 tiles) took 4.0 ms forward and 6.5 backward whole against
    /// 4.6 and 6.7 in chunks; 128→128 @56×56 (784 tiles) 5.6 and 10.5 whole against 5.0 and 9.5
    /// in chunks of 32 tiles.
    static func runsWhole(_ tiles: Tiles, workspace: ConvWorkspace) -> Bool {
        tiles.count <= 2 * workspace.minRows
    }

    /// Tiles per chunk: V and M (25·tiles·(in + out) floats) within `workspace.chunkLimit`
    /// (512 KiB by default, in the L2 cache), kept between minRows/8 and minRows tiles. Chunks
    /// of 32 tiles beat 64 on every chunked shape measured (ResNet-50's 128→128 @56×56 at batch
    /// 4: 5.0 ms forward and 9.5 backward against 5.3 and 9.7; ResNet-18's 64→128 @32×32 at batch
    /// 16: 1.9 and 3.7 against 2.3 and 4.3; 2 threads).
    static func chunkTiles(_ g: ConvGeometry, workspace: ConvWorkspace, total: Int) -> Int {
        let perTile = slots * (g.c + g.o)
        let lo = max(1, workspace.minRows / 8), hi = max(lo, workspace.minRows)
        return max(1, min(total, max(lo, min(hi, workspace.chunkLimit / perTile))))
    }

    /// Floats of the transformed filters a layer keeps between forward and backward.
    static func filterFloats(_ g: ConvGeometry) -> Int { planes * ConvWinograd.plane(g.o * g.c) }

    /// One worker's scratch for chunks of up to `per` tiles: transformed inputs (or their
    /// gradients), products, and a sink for writes outside the image.
    struct WorkerScratch {
        let v, m, sink: UnsafeMutablePointer<Float>
        static func floats(_ g: ConvGeometry, per: Int) -> Int {
            slotFloats(per * g.c) + slotFloats(per * g.o) + slots * max(g.c, g.o) + 32
        }
        init(_ base: UnsafeMutablePointer<Float>, _ g: ConvGeometry, per: Int) {
            v = base; m = base + slotFloats(per * g.c) + 16; sink = m + slotFloats(per * g.o) + 16
        }
    }

    /// With `keepFilters` (`filterFloats(g)` floats) the transformed filters are written there
    /// for the backward to reuse.
    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, workspace: ConvWorkspace,
                        parallel: Parallel, keepFilters: UnsafeMutablePointer<Float>? = nil) {
        let tiles = Tiles(g)
        if runsWhole(tiles, workspace: workspace) {
            forwardWhole(x: x, weight: weight, bias: bias, y: y, g, tiles, workspace: workspace, parallel: parallel,
                         keepFilters: keepFilters)
            return
        }
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let team = max(1, min(parallel.threads, tiles.count))
        let per = chunkTiles(g, workspace: workspace, total: (tiles.count + team - 1) / team)
        let uPlane = ConvWinograd.plane(g.o * g.c), filterFloats = planes * uPlane, zeroFloats = max(g.c, g.o)
        let workerFloats = WorkerScratch.floats(g, per: per)
        // U is transformed as [q][out][in], then multiplied as a copy stored [q][in][out]: on
        // these chunks' small GEMMs OpenBLAS runs the untransposed product faster (see
        // `ConvWinograd.forward`); whole calls multiply [q][out][in] as it is.
        nonisolated(unsafe) let scratch = workspace.buffer(2 * filterFloats + zeroFloats + team * workerFloats)
        nonisolated(unsafe) let zeros = scratch + 2 * filterFloats
        zeros.update(repeating: 0, count: zeroFloats)
        let untransposed = keepFilters ?? scratch + filterFloats
        transformFilters(weight, into: untransposed, plane: uPlane, g, parallel: parallel)
        ConvWinograd.transposePlanes(untransposed, into: scratch, plane: uPlane, planes: planes, rows: g.o, cols: g.c,
                                     parallel: parallel)
        let s0 = shape(g, tiles)
        parallel.forEach(team) { t in
            let u = UnsafePointer(scratch)
            let w = WorkerScratch(scratch + 2 * filterFloats + zeroFloats + t * workerFloats, g, per: per)
            let edges = MonkWinogradEdges(zeros: zeros, sink: w.sink)
            var s = s0
            forEachChunk(ConvGEMM.share(tiles.count, t, team), per) { chunk in
                let count = chunk.count, vPlane = count * g.c, mPlane = count * g.o
                monk_polyphase_input(x, &s, chunk.lowerBound, count, w.v, vPlane, edges)
                for (i, group) in groups.enumerated() {
                    BLAS.gemm(m: group.count * count, n: g.o, k: g.c, a: w.v + start(i, plane: vPlane), lda: g.c,
                              b: u + group.plane * uPlane, ldb: g.o, beta: 0, c: w.m + start(i, plane: mPlane), ldc: g.o)
                }
                monk_polyphase_output(w.m, mPlane, &s, chunk.lowerBound, count, bias, y, edges)
            }
        }
    }

    /// Adds dL/dW into `weightGrad` when non-nil; adds dL/dx into `dx` (zero-filled by the
    /// caller) when non-nil. Workers own whole images (windows of one image overlap); each
    /// keeps a private dU, summed before the filter adjoint. `keptFilters` are the forward's
    /// transformed filters, when it kept them.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, workspace: ConvWorkspace, parallel: Parallel,
                         keptFilters: UnsafePointer<Float>? = nil) {
        if weightGrad == nil && dx == nil { return }
        let tiles = Tiles(g)
        if runsWhole(tiles, workspace: workspace) {
            backwardWhole(x: x, weight: weight, dy: dy, weightGrad: weightGrad, dx: dx, g, tiles, workspace: workspace,
                          parallel: parallel, keptFilters: keptFilters)
            return
        }
        nonisolated(unsafe) let x = x, dy = dy, weightGrad = weightGrad, dx = dx
        let team = max(1, min(parallel.threads, g.n))
        let per = chunkTiles(g, workspace: workspace, total: (tiles.count + team - 1) / team)
        let uPlane = ConvWinograd.plane(g.o * g.c), filterFloats = planes * uPlane, zeroFloats = max(g.c, g.o)
        let workerFloats = WorkerScratch.floats(g, per: per)
        let gradFloats = weightGrad == nil ? 0 : team * filterFloats
        let uFloats = dx == nil || keptFilters != nil ? 0 : filterFloats
        nonisolated(unsafe) let scratch = workspace.buffer(uFloats + gradFloats + zeroFloats + team * workerFloats)
        nonisolated(unsafe) let gradBase = scratch + uFloats
        nonisolated(unsafe) let zeros = gradBase + gradFloats
        zeros.update(repeating: 0, count: zeroFloats)
        if dx != nil && keptFilters == nil {
            transformFilters(weight, into: scratch, plane: uPlane, g, parallel: parallel)
        }
        nonisolated(unsafe) let u = keptFilters ?? UnsafePointer(scratch)
        let s0 = shape(g, tiles)
        parallel.forEach(team) { t in
            let dU: UnsafeMutablePointer<Float>? = weightGrad == nil ? nil : gradBase + t * filterFloats
            let w = WorkerScratch(gradBase + gradFloats + zeroFloats + t * workerFloats, g, per: per)
            let edges = MonkWinogradEdges(zeros: zeros, sink: w.sink)
            var s = s0
            let images = ConvGEMM.share(g.n, t, team)
            let mine = (images.lowerBound * tiles.perImage)..<(images.upperBound * tiles.perImage)
            if let dU, mine.isEmpty { dU.update(repeating: 0, count: filterFloats) }
            forEachChunk(mine, per) { chunk in
                let count = chunk.count, vPlane = count * g.c, mPlane = count * g.o
                monk_polyphase_output_adjoint(dy, &s, chunk.lowerBound, count, w.m, mPlane, edges)
                if let dU {
                    monk_polyphase_input(x, &s, chunk.lowerBound, count, w.v, vPlane, edges)
                    let beta: Float = chunk.lowerBound == mine.lowerBound ? 0 : 1
                    for (i, group) in groups.enumerated() {
                        BLAS.gemm(transA: true, m: g.o, n: g.c, k: group.count * count,
                                  a: w.m + start(i, plane: mPlane), lda: g.o, b: w.v + start(i, plane: vPlane), ldb: g.c,
                                  beta: beta, c: dU + group.plane * uPlane, ldc: g.c)
                    }
                }
                if let dx {
                    // V's space now takes the transformed input gradients.
                    for (i, group) in groups.enumerated() {
                        BLAS.gemm(m: group.count * count, n: g.c, k: g.o, a: w.m + start(i, plane: mPlane), lda: g.o,
                                  b: u + group.plane * uPlane, ldb: g.c, beta: 0, c: w.v + start(i, plane: vPlane),
                                  ldc: g.c)
                    }
                    monk_polyphase_input_adjoint(w.v, vPlane, &s, chunk.lowerBound, count, dx, edges)
                }
            }
        }
        if let weightGrad {
            addFilterGradient(gradBase, plane: uPlane, partials: team, into: weightGrad, g, parallel: parallel)
        }
    }

    /// U[q][o][c] for OHWI weights `w`, planes `plane` floats apart.
    static func transformFilters(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, plane: Int,
                                 _ g: ConvGeometry, parallel: Parallel) {
        nonisolated(unsafe) let w = w, u = u
        let s0 = shape(g, Tiles(g))
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (9 * g.c))) { outs in
            var s = s0
            monk_polyphase_filters(w, &s, outs.lowerBound, outs.count, u, plane)
        }
    }

    /// dW[o, ky, kx, c] += (G″ᵀ dU[·][o][c] G″)[ky, kx], with dU the sum of `partials`
    /// consecutive blocks of 16 `[o][c]` planes, `plane` floats apart (summed into the first).
    static func addFilterGradient(_ dU: UnsafeMutablePointer<Float>, plane: Int, partials: Int,
                                  into dW: UnsafeMutablePointer<Float>, _ g: ConvGeometry, parallel: Parallel) {
        nonisolated(unsafe) let dU = dU, dW = dW
        let s0 = shape(g, Tiles(g))
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (planes * g.c))) { outs in
            var s = s0
            monk_polyphase_filters_adjoint(dU, plane, partials, &s, outs.lowerBound, outs.count, dW)
        }
    }

    @inline(__always)
    private static func forEachChunk(_ range: Range<Int>, _ per: Int, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + per, range.upperBound)
            body(start..<end)
            start = end
        }
    }
}
