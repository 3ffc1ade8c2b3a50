// Winograd for layers with few tiles (small maps): transform every tile at once and split the
// 16 (36) GEMMs between threads by position instead of splitting tiles.

extension ConvWinograd {
    /// Whether a call is done whole: at most 2·minRows tiles (512 by default), so that splitting
    /// tiles would leave each thread GEMMs of a few rows that each read a whole in×out filter
    /// slice. Split by position instead, every thread reads only its own P/threads slices, the
    /// GEMMs have all the tiles as rows, and the weight gradient needs no per-thread partials.
    static func runsWhole(_ tiles: Tiles, workspace: ConvWorkspace) -> Bool {
        tiles.count <= 2 * workspace.minRows
    }

    /// Scratch of a whole call: U (unless the layer keeps its own), zeros, V and M for every
    /// tile, one sink per thread, and with `filterGradient` a dU.
    struct WholeScratch {
        let u: UnsafeMutablePointer<Float>?
        let zeros, v, m, sinks, dU: UnsafeMutablePointer<Float>
        let sinkFloats, uPlane, vPlane, mPlane: Int
        init(_ workspace: ConvWorkspace, _ g: ConvGeometry, _ tiles: Tiles, team: Int, filters: Bool,
             filterGradient: Bool = false) {
            uPlane = plane(g.o * g.c); vPlane = plane(tiles.count * g.c); mPlane = plane(tiles.count * g.o)
            let positions = tiles.positions, filterFloats = positions * uPlane, width = max(g.c, g.o)
            sinkFloats = positions * width
            let total = (filters ? filterFloats : 0) + width + positions * (vPlane + mPlane) + team * sinkFloats
                + (filterGradient ? filterFloats : 0)
            let base = workspace.buffer(total)
            u = filters ? base : nil
            zeros = base + (filters ? filterFloats : 0)
            v = zeros + width
            m = v + positions * vPlane
            sinks = m + positions * mPlane
            dU = sinks + team * sinkFloats
            zeros.update(repeating: 0, count: width)
        }
        func edges(_ t: Int) -> Edges { Edges(zeros: zeros, sink: sinks + t * sinkFloats) }
    }

    static func forwardWhole(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles,
                             workspace: ConvWorkspace, parallel: Parallel, keepFilters: UnsafeMutablePointer<Float>?) {
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let team = parallel.threads
        nonisolated(unsafe) let s = WholeScratch(workspace, g, tiles, team: team, filters: keepFilters == nil)
        let vPlane = s.vPlane, mPlane = s.mPlane, uPlane = s.uPlane
        nonisolated(unsafe) let u = keepFilters ?? s.u!
        transformFilters(weight, into: u, plane: uPlane, g, tiles.tile, parallel: parallel)
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            transformInput(x, g, tiles, mine, into: s.v + mine.lowerBound * g.c, plane: vPlane, s.edges(t))
        }
        parallel.forEach(tiles.positions) { p in
            BLAS.gemm(transB: true, m: tiles.count, n: g.o, k: g.c, a: s.v + p * vPlane, lda: g.c,
                      b: u + p * uPlane, ldb: g.c, beta: 0, c: s.m + p * mPlane, ldc: g.o)
        }
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            transformOutput(s.m + mine.lowerBound * g.o, plane: mPlane, g, tiles, mine, bias: bias, into: y, s.edges(t))
        }
    }

    /// As `backward`, for a whole call. dx still splits by images (tiles of one image overlap).
    static func backwardWhole(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                              weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                              _ g: ConvGeometry, _ tiles: Tiles, workspace: ConvWorkspace, parallel: Parallel,
                              keptFilters: UnsafePointer<Float>?) {
        nonisolated(unsafe) let x = x, dy = dy, weightGrad = weightGrad, dx = dx
        let team = parallel.threads
        let transforms = dx != nil && keptFilters == nil
        nonisolated(unsafe) let s = WholeScratch(workspace, g, tiles, team: team, filters: transforms,
                                                 filterGradient: weightGrad != nil)
        nonisolated(unsafe) let dU = s.dU
        let vPlane = s.vPlane, mPlane = s.mPlane, uPlane = s.uPlane
        if transforms { transformFilters(weight, into: s.u!, plane: uPlane, g, tiles.tile, parallel: parallel) }
        // Read only when dx is wanted, and then one of the two exists.
        nonisolated(unsafe) let u = keptFilters ?? UnsafePointer(s.u ?? s.zeros)
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            transformOutputGradient(dy, g, tiles, mine, into: s.m + mine.lowerBound * g.o, plane: mPlane, s.edges(t))
            if weightGrad != nil {
                transformInput(x, g, tiles, mine, into: s.v + mine.lowerBound * g.c, plane: vPlane, s.edges(t))
            }
        }
        parallel.forEach(tiles.positions) { p in
            if weightGrad != nil {
                BLAS.gemm(transA: true, m: g.o, n: g.c, k: tiles.count, a: s.m + p * mPlane, lda: g.o,
                          b: s.v + p * vPlane, ldb: g.c, beta: 0, c: dU + p * uPlane, ldc: g.c)
            }
            if dx != nil {
                // V[p] has served dU[p]; it now takes the transformed input gradients.
                BLAS.gemm(m: tiles.count, n: g.c, k: g.o, a: s.m + p * mPlane, lda: g.o,
                          b: u + p * uPlane, ldb: g.c, beta: 0, c: s.v + p * vPlane, ldc: g.c)
            }
        }
        if let dx {
            nonisolated(unsafe) let dx = dx
            parallel.forEach(min(team, g.n)) { t in
                let images = ConvGEMM.share(g.n, t, min(team, g.n))
                let mine = (images.lowerBound * tiles.perImage)..<(images.upperBound * tiles.perImage)
                addInputGradient(s.v + mine.lowerBound * g.c, plane: vPlane, g, tiles, mine, into: dx, s.edges(t))
            }
        }
        if let weightGrad {
            addFilterGradient(dU, plane: uPlane, partials: 1, into: weightGrad, g, tiles.tile, parallel: parallel)
        }
    }
}
