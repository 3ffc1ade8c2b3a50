// Winograd F(2×2, 3×3) for dense 3×3 stride-1 convolutions: each 2×2 output tile costs 16
// products per channel pair instead of 36, in the forward, input-gradient and weight-gradient
// passes alike, and the transformed input is 4× the input instead of im2col's 9×.

/// The algorithm, on NHWC data with the batch folded into the tiles:
///   U[p] = (G w Gᵀ)[p]            filters, `[16][out][in]` (OHWI order within a position)
///   V[p] = (Bᵀ d B)[p]            each 4×4 input tile d (stride 2, zero outside the image)
///   M[p] = V[p] · U[p]ᵀ           16 GEMMs, tiles × out
///   y    = Aᵀ M A                 each tile's 2×2 outputs
/// Backward runs the adjoints: dM = A dy Aᵀ; dU[p] = dM[p]ᵀ·V[p] and dW += Gᵀ dU G;
/// dV[p] = dM[p]·U[p] and dx += B dV Bᵀ (tiles overlap by 2 pixels, so this adds).
///
/// Work goes in chunks of tiles whose V and M (16·tiles·(in + out) floats) stay near the L2
/// cache, one chunk at a time per thread, as `ConvGEMM` does with im2col; OpenBLAS runs
/// single-threaded under it. In exact arithmetic this equals the direct convolution; in
/// float32 the transforms add a few ulps (F(2×2,3×3) has the smallest error of the Winograd
/// family, which is why the larger F(4×4,3×3) is not used).
enum ConvWinograd {
    /// Dense 3×3 stride-1 convolutions, any padding.
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kh == 3 && g.kw == 3 && g.stride == 1 && g.groups == 1
    }

    /// The output tiles of a geometry: `perImage` = rows·cols tiles of 2×2 outputs per image.
    struct Tiles: Sendable {
        let rows, cols, images: Int
        init(_ g: ConvGeometry) { rows = (g.oh + 1) / 2; cols = (g.ow + 1) / 2; images = g.n }
        var perImage: Int { rows * cols }
        var count: Int { images * perImage }
    }

    /// Tiles per chunk: 16·tiles·(in + out) floats near `workspace.chunkLimit`, but at least
    /// `workspace.minRows` tiles so the GEMMs stay tall enough for OpenBLAS.
    static func chunkTiles(_ g: ConvGeometry, workspace: ConvWorkspace, total: Int) -> Int {
        let perTile = 16 * (g.c + g.o)
        return max(1, min(total, max(workspace.minRows / 4, workspace.chunkLimit * 2 / perTile)))
    }

    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        workspace: ConvWorkspace, parallel: Parallel) {
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let tiles = Tiles(g)
        let team = max(1, min(parallel.threads, tiles.count))
        let per = chunkTiles(g, workspace: workspace, total: (tiles.count + team - 1) / team)
        let filterFloats = 16 * g.o * g.c, chunkFloats = 16 * per * (g.c + g.o)
        nonisolated(unsafe) let scratch = workspace.buffer(filterFloats + team * chunkFloats)
        transformFilters(weight, into: scratch, g, parallel: parallel)
        parallel.forEach(team) { t in
            let u = UnsafePointer(scratch), v = scratch + filterFloats + t * chunkFloats
            let m = v + 16 * per * g.c
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { lanes in
                let lanes = lanes.baseAddress!
                forEachChunk(ConvGEMM.share(tiles.count, t, team), per) { chunk in
                    let count = chunk.count
                    transformInput(x, g, tiles, chunk, into: v, lanes)
                    for p in 0..<16 {
                        BLAS.gemm(transB: true, m: count, n: g.o, k: g.c, a: v + p * count * g.c, lda: g.c,
                                  b: u + p * g.o * g.c, ldb: g.c, beta: 0, c: m + p * count * g.o, ldc: g.o)
                    }
                    transformOutput(m, g, tiles, chunk, bias: bias, into: y, lanes)
                }
            }
        }
    }

    /// Adds dL/dW into `weightGrad` when non-nil; adds dL/dx into `dx` (zero-filled by the
    /// caller) when non-nil. Workers own whole images, so no two threads add into the same
    /// input pixel; each keeps a private dU, summed before the filter adjoint.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, workspace: ConvWorkspace, parallel: Parallel) {
        if weightGrad == nil && dx == nil { return }
        nonisolated(unsafe) let x = x, dy = dy, weightGrad = weightGrad, dx = dx
        let tiles = Tiles(g)
        let team = max(1, min(parallel.threads, g.n))
        let per = chunkTiles(g, workspace: workspace, total: (tiles.count + team - 1) / team)
        let filterFloats = 16 * g.o * g.c, chunkFloats = 16 * per * (g.c + g.o)
        let gradFloats = weightGrad == nil ? 0 : team * filterFloats
        let uFloats = dx == nil ? 0 : filterFloats
        nonisolated(unsafe) let scratch = workspace.buffer(uFloats + gradFloats + team * chunkFloats)
        if dx != nil { transformFilters(weight, into: scratch, g, parallel: parallel) }
        nonisolated(unsafe) let gradBase = scratch + uFloats
        parallel.forEach(team) { t in
            let u = UnsafePointer(scratch)
            let dU: UnsafeMutablePointer<Float>? = weightGrad == nil ? nil : gradBase + t * filterFloats
            dU?.update(repeating: 0, count: filterFloats)
            let v = gradBase + gradFloats + t * chunkFloats, dm = v + 16 * per * g.c
            let images = ConvGEMM.share(g.n, t, team)
            let mine = (images.lowerBound * tiles.perImage)..<(images.upperBound * tiles.perImage)
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { lanes in
                let lanes = lanes.baseAddress!
                forEachChunk(mine, per) { chunk in
                    let count = chunk.count
                    transformOutputGradient(dy, g, tiles, chunk, into: dm, lanes)
                    if let dU {
                        transformInput(x, g, tiles, chunk, into: v, lanes)
                        for p in 0..<16 {
                            BLAS.gemm(transA: true, m: g.o, n: g.c, k: count, a: dm + p * count * g.o, lda: g.o,
                                      b: v + p * count * g.c, ldb: g.c, beta: 1, c: dU + p * g.o * g.c, ldc: g.c)
                        }
                    }
                    if let dx {
                        // V's space now holds the transformed input gradients.
                        for p in 0..<16 {
                            BLAS.gemm(m: count, n: g.c, k: g.o, a: dm + p * count * g.o, lda: g.o,
                                      b: u + p * g.o * g.c, ldb: g.c, beta: 0, c: v + p * count * g.c, ldc: g.c)
                        }
                        addInputGradient(v, g, tiles, chunk, into: dx, lanes)
                    }
                }
            }
        }
        if let weightGrad {
            addFilterGradient(gradBase, partials: team, into: weightGrad, g, parallel: parallel)
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
