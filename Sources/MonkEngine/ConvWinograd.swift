// Winograd F(2×2, 3×3) and F(4×4, 3×3) for dense 3×3 stride-1 convolutions: each 2×2 output
// tile costs 16 products per channel pair instead of 36, each 4×4 tile 36 instead of 144, in
// the forward, input-gradient and weight-gradient passes alike.

/// The algorithm, on NHWC data with the batch folded into the tiles, for m×m output tiles
/// (m = 2 or 4, see `WinogradTile`) and P = (m+2)² positions:
///   U[p] = (G w Gᵀ)[p]            filters, `[P][out][in]` (OHWI order within a position)
///   V[p] = (Bᵀ d B)[p]            each (m+2)² input tile d (stride m, zero outside the image)
///   M[p] = V[p] · U[p]ᵀ           P GEMMs, tiles × out
///   y    = Aᵀ M A                 each tile's m×m outputs
/// Backward runs the adjoints: dM = A dy Aᵀ; dU[p] = dM[p]ᵀ·V[p] and dW += Gᵀ dU G;
/// dV[p] = dM[p]·U[p] and dx += B dV Bᵀ (tiles overlap by 2 pixels, so this adds).
///
/// Work goes in chunks of tiles whose V and M (P·tiles·(in + out) floats) stay near the L2
/// cache, one chunk at a time per thread, as `ConvGEMM` does with im2col; OpenBLAS runs
/// single-threaded under it. Layers with few tiles run whole instead (`runsWhole`). In exact
/// arithmetic this equals the direct convolution; in float32 the transforms add rounding,
/// measured in `WinogradTile`. The memory passes are C (CKernels/winograd.c, winograd4.c).
enum ConvWinograd {
    /// Dense 3×3 stride-1 convolutions, any padding.
    static func applies(_ g: ConvGeometry) -> Bool {
        g.kh == 3 && g.kw == 3 && g.stride == 1 && g.groups == 1
    }

    /// The output tiles of a geometry: `perImage` = rows·cols tiles of m×m outputs per image.
    struct Tiles: Sendable {
        let rows, cols, images: Int
        let tile: WinogradTile
        init(_ g: ConvGeometry, _ tile: WinogradTile = .f2) {
            let m = tile.outputs
            rows = (g.oh + m - 1) / m; cols = (g.ow + m - 1) / m; images = g.n
            self.tile = tile
        }
        var perImage: Int { rows * cols }
        var count: Int { images * perImage }
        /// Transformed positions per tile: 16 or 36.
        var positions: Int { tile.positions }
    }

    /// Tiles per chunk: P·tiles·(in + out) floats near twice `workspace.chunkLimit`, kept
    /// between minRows/2 and minRows tiles (128–256 by default): GEMMs of 64 rows ran at
    /// 84–97 GFLOP/s on ResNet-18's layers against 97–115 with 128–256
    /// (`monkpipe bench --kernels winograd`, one thread), and larger chunks made layer1's backward
    /// slower (its V and dM leave the L2 cache).
    static func chunkTiles(_ g: ConvGeometry, _ tile: WinogradTile, workspace: ConvWorkspace, total: Int) -> Int {
        let perTile = tile.positions * (g.c + g.o)
        let lo = max(1, workspace.minRows / 2), hi = max(lo, workspace.minRows)
        return max(1, min(total, max(lo, min(hi, workspace.chunkLimit * 2 / perTile))))
    }

    /// The stride between the 16 (36) planes of `floats` values each: one cache line more, so that
    /// when `floats` is a power of two (it usually is) the streams a transform writes or
    /// reads do not all map to the same cache sets. A precaution: on this machine the filter
    /// transform timed the same either way (`monkpipe bench --kernels winograd`).
    static func plane(_ floats: Int) -> Int { floats + 16 }

    /// One worker's scratch: the transformed inputs (or their gradients) and products of a
    /// chunk, and a sink for writes that fall outside the image.
    struct WorkerScratch {
        let v, m, sink: UnsafeMutablePointer<Float>
        let vPlane, mPlane: Int
        static func floats(_ g: ConvGeometry, _ tile: WinogradTile, per: Int) -> Int {
            tile.positions * (plane(per * g.c) + plane(per * g.o) + max(g.c, g.o))
        }
        init(_ base: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ tile: WinogradTile, per: Int) {
            vPlane = plane(per * g.c); mPlane = plane(per * g.o)
            v = base; m = base + tile.positions * vPlane; sink = m + tile.positions * mPlane
        }
    }

    /// Floats of the transformed filters a layer keeps between forward and backward.
    static func filterFloats(_ g: ConvGeometry, _ tile: WinogradTile = .f2) -> Int { tile.positions * plane(g.o * g.c) }

    /// With `keepFilters` (`filterFloats(g)` floats) the transformed filters are written there,
    /// for the backward to reuse (the weights do not change in between).
    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, tile: WinogradTile = .f2,
                        workspace: ConvWorkspace, parallel: Parallel, keepFilters: UnsafeMutablePointer<Float>? = nil) {
        let tiles = Tiles(g, tile), positions = tile.positions
        if runsWhole(tiles, workspace: workspace) {
            forwardWhole(x: x, weight: weight, bias: bias, y: y, g, tiles, workspace: workspace, parallel: parallel,
                         keepFilters: keepFilters)
            return
        }
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let team = max(1, min(parallel.threads, tiles.count))
        let per = chunkTiles(g, tile, workspace: workspace, total: (tiles.count + team - 1) / team)
        let uPlane = plane(g.o * g.c), filterFloats = positions * uPlane, zeroFloats = max(g.c, g.o)
        let workerFloats = WorkerScratch.floats(g, tile, per: per)
        // U is transformed as [P][out][in], then stored [P][in][out] for untransposed GEMMs:
        // OpenBLAS' small-matrix path ran these chunk products (e.g. 128×64·64×64) at 117–123
        // GFLOP/s untransposed against 65–69 transposed (`monkpipe bench --kernels winograd`).
        nonisolated(unsafe) let scratch = workspace.buffer(2 * filterFloats + zeroFloats + team * workerFloats)
        nonisolated(unsafe) let zeros = scratch + 2 * filterFloats
        zeros.update(repeating: 0, count: zeroFloats)
        let untransposed = keepFilters ?? scratch + filterFloats
        transformFilters(weight, into: untransposed, plane: uPlane, g, tile, parallel: parallel)
        transposePlanes(untransposed, into: scratch, plane: uPlane, planes: positions, rows: g.o, cols: g.c,
                        parallel: parallel)
        parallel.forEach(team) { t in
            let u = UnsafePointer(scratch)
            let w = WorkerScratch(scratch + 2 * filterFloats + zeroFloats + t * workerFloats, g, tile, per: per)
            let edges = Edges(zeros: zeros, sink: w.sink)
            forEachChunk(ConvGEMM.share(tiles.count, t, team), per) { chunk in
                let count = chunk.count
                transformInput(x, g, tiles, chunk, into: w.v, plane: w.vPlane, edges)
                for p in 0..<positions {
                    BLAS.gemm(m: count, n: g.o, k: g.c, a: w.v + p * w.vPlane, lda: g.c,
                              b: u + p * uPlane, ldb: g.o, beta: 0, c: w.m + p * w.mPlane, ldc: g.o)
                }
                transformOutput(w.m, plane: w.mPlane, g, tiles, chunk, bias: bias, into: y, edges)
            }
        }
    }

    /// Adds dL/dW into `weightGrad` when non-nil; adds dL/dx into `dx` (zero-filled by the
    /// caller) when non-nil. Workers own whole images, so no two threads add into the same
    /// input pixel; each keeps a private dU (its first chunk overwrites it, the others add),
    /// summed before the filter adjoint. `keptFilters` are the forward's transformed filters
    /// (`keepFilters`), when it kept them.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, tile: WinogradTile = .f2, workspace: ConvWorkspace, parallel: Parallel,
                         keptFilters: UnsafePointer<Float>? = nil) {
        if weightGrad == nil && dx == nil { return }
        let tiles = Tiles(g, tile), positions = tile.positions
        if runsWhole(tiles, workspace: workspace) {
            backwardWhole(x: x, weight: weight, dy: dy, weightGrad: weightGrad, dx: dx, g, tiles,
                          workspace: workspace, parallel: parallel, keptFilters: keptFilters)
            return
        }
        nonisolated(unsafe) let x = x, dy = dy, weightGrad = weightGrad, dx = dx
        let team = max(1, min(parallel.threads, g.n))
        let per = chunkTiles(g, tile, workspace: workspace, total: (tiles.count + team - 1) / team)
        let uPlane = plane(g.o * g.c), filterFloats = positions * uPlane, zeroFloats = max(g.c, g.o)
        let workerFloats = WorkerScratch.floats(g, tile, per: per)
        let gradFloats = weightGrad == nil ? 0 : team * filterFloats
        let uFloats = dx == nil || keptFilters != nil ? 0 : filterFloats
        nonisolated(unsafe) let scratch = workspace.buffer(uFloats + gradFloats + zeroFloats + team * workerFloats)
        nonisolated(unsafe) let gradBase = scratch + uFloats
        nonisolated(unsafe) let zeros = gradBase + gradFloats
        zeros.update(repeating: 0, count: zeroFloats)
        if dx != nil && keptFilters == nil {
            transformFilters(weight, into: scratch, plane: uPlane, g, tile, parallel: parallel)
        }
        nonisolated(unsafe) let filters = keptFilters ?? UnsafePointer(scratch)
        parallel.forEach(team) { t in
            let u = filters
            let dU: UnsafeMutablePointer<Float>? = weightGrad == nil ? nil : gradBase + t * filterFloats
            let w = WorkerScratch(gradBase + gradFloats + zeroFloats + t * workerFloats, g, tile, per: per)
            let edges = Edges(zeros: zeros, sink: w.sink)
            let images = ConvGEMM.share(g.n, t, team)
            let mine = (images.lowerBound * tiles.perImage)..<(images.upperBound * tiles.perImage)
            if let dU, mine.isEmpty { dU.update(repeating: 0, count: filterFloats) }
            forEachChunk(mine, per) { chunk in
                let count = chunk.count
                transformOutputGradient(dy, g, tiles, chunk, into: w.m, plane: w.mPlane, edges)
                if let dU {
                    transformInput(x, g, tiles, chunk, into: w.v, plane: w.vPlane, edges)
                    let beta: Float = chunk.lowerBound == mine.lowerBound ? 0 : 1
                    for p in 0..<positions {
                        BLAS.gemm(transA: true, m: g.o, n: g.c, k: count, a: w.m + p * w.mPlane, lda: g.o,
                                  b: w.v + p * w.vPlane, ldb: g.c, beta: beta, c: dU + p * uPlane, ldc: g.c)
                    }
                }
                if let dx {
                    // V's space now holds the transformed input gradients.
                    for p in 0..<positions {
                        BLAS.gemm(m: count, n: g.c, k: g.o, a: w.m + p * w.mPlane, lda: g.o,
                                  b: u + p * uPlane, ldb: g.c, beta: 0, c: w.v + p * w.vPlane, ldc: g.c)
                    }
                    addInputGradient(w.v, plane: w.vPlane, g, tiles, chunk, into: dx, edges)
                }
            }
        }
        if let weightGrad {
            addFilterGradient(gradBase, plane: uPlane, partials: team, into: weightGrad, g, tile, parallel: parallel)
        }
    }

    /// dst[p][j][i] = src[p][i][j] for the `planes` `rows`×`cols` planes (`plane` floats
    /// apart), in 16×16 blocks.
    static func transposePlanes(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, plane: Int,
                                planes: Int, rows: Int, cols: Int, parallel: Parallel) {
        nonisolated(unsafe) let src = src, dst = dst
        parallel.forEach(planes, minChunk: max(1, 16_384 / max(1, rows * cols))) { p in
            let s = src + p * plane, d = dst + p * plane
            for i0 in stride(from: 0, to: rows, by: 16) {
                for j0 in stride(from: 0, to: cols, by: 16) {
                    for i in i0..<min(i0 + 16, rows) {
                        for j in j0..<min(j0 + 16, cols) { d[j * rows + i] = s[i * cols + j] }
                    }
                }
            }
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
