// Polyphase convolution for layers with few tiles: transform every tile at once, so each group's
// GEMM has all the tiles as rows, and split the GEMMs' rows (or, for the weight gradient, the
// groups) between threads.
import CKernels

extension ConvPolyphase {
    /// Scratch of a whole call: U (unless the layer keeps its own), zeros, V and M for every
    /// tile, one sink per thread, and `extra` floats more (the backward's dU).
    struct WholeScratch {
        let u: UnsafeMutablePointer<Float>?
        let zeros, v, m, sinks, extra: UnsafeMutablePointer<Float>
        let sinkFloats, uPlane, vPlane, mPlane: Int
        init(_ workspace: ConvWorkspace, _ g: ConvGeometry, _ tiles: Tiles, team: Int, filters: Bool, extra: Int = 0) {
            uPlane = ConvWinograd.plane(g.o * g.c); vPlane = tiles.count * g.c; mPlane = tiles.count * g.o
            let filterFloats = planes * uPlane, width = max(g.c, g.o)
            sinkFloats = slots * width
            let total = (filters ? filterFloats : 0) + width + slotFloats(vPlane) + slotFloats(mPlane) + 16
                + team * sinkFloats + extra
            let base = workspace.buffer(total)
            u = filters ? base : nil
            zeros = base + (filters ? filterFloats : 0)
            v = zeros + width
            m = v + slotFloats(vPlane) + 16
            sinks = m + slotFloats(mPlane)
            self.extra = sinks + team * sinkFloats
            zeros.update(repeating: 0, count: width)
        }
        func edges(_ t: Int) -> MonkWinogradEdges { MonkWinogradEdges(zeros: zeros, sink: sinks + t * sinkFloats) }
    }

    /// `groups` split between `team` threads for whole-group work, largest first onto the least
    /// loaded thread: thread t runs the groups at `result[t]`.
    static func groupShares(team: Int) -> [[Int]] {
        var load = [Int](repeating: 0, count: team), shares = [[Int]](repeating: [], count: team)
        for i in groups.indices.sorted(by: { groups[$0].count > groups[$1].count }) {
            let t = load.indices.min { load[$0] < load[$1] }!
            shares[t].append(i)
            load[t] += groups[i].count
        }
        return shares
    }

    static func forwardWhole(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles,
                             workspace: ConvWorkspace, parallel: Parallel, keepFilters: UnsafeMutablePointer<Float>?) {
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let team = parallel.threads
        nonisolated(unsafe) let s = WholeScratch(workspace, g, tiles, team: team, filters: keepFilters == nil)
        nonisolated(unsafe) let u = keepFilters ?? s.u!
        transformFilters(weight, into: u, plane: s.uPlane, g, parallel: parallel)
        let s0 = shape(g, tiles)
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            var sh = s0
            monk_polyphase_input(x, &sh, mine.lowerBound, mine.count, s.v + mine.lowerBound * g.c,
                                 s.vPlane, s.edges(t))
        }
        parallel.forEach(team) { t in
            for (i, group) in groups.enumerated() {
                let rows = ConvGEMM.share(group.count * tiles.count, t, team)
                BLAS.gemm(transB: true, m: rows.count, n: g.o, k: g.c,
                          a: s.v + start(i, plane: s.vPlane) + rows.lowerBound * g.c, lda: g.c,
                          b: u + group.plane * s.uPlane, ldb: g.c, beta: 0,
                          c: s.m + start(i, plane: s.mPlane) + rows.lowerBound * g.o, ldc: g.o)
            }
        }
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            var sh = s0
            monk_polyphase_output(s.m + mine.lowerBound * g.o, s.mPlane, &sh, mine.lowerBound, mine.count,
                                  bias, y, s.edges(t))
        }
    }

    static func backwardWhole(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                              weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                              _ g: ConvGeometry, _ tiles: Tiles, workspace: ConvWorkspace, parallel: Parallel,
                              keptFilters: UnsafePointer<Float>?) {
        nonisolated(unsafe) let x = x, dy = dy, weightGrad = weightGrad, dx = dx
        let team = parallel.threads
        let transforms = dx != nil && keptFilters == nil
        let filterFloats = planes * ConvWinograd.plane(g.o * g.c)
        let gradFloats = weightGrad == nil ? 0 : filterFloats
        nonisolated(unsafe) let s = WholeScratch(workspace, g, tiles, team: team, filters: transforms,
                                                 extra: gradFloats)
        nonisolated(unsafe) let dU = s.extra
        if transforms { transformFilters(weight, into: s.u!, plane: s.uPlane, g, parallel: parallel) }
        nonisolated(unsafe) let u = keptFilters ?? UnsafePointer(s.u ?? s.zeros)
        let s0 = shape(g, tiles)
        parallel.forEach(team) { t in
            let mine = ConvGEMM.share(tiles.count, t, team)
            var sh = s0
            monk_polyphase_output_adjoint(dy, &sh, mine.lowerBound, mine.count, s.m + mine.lowerBound * g.o,
                                          s.mPlane, s.edges(t))
            if weightGrad != nil {
                monk_polyphase_input(x, &sh, mine.lowerBound, mine.count, s.v + mine.lowerBound * g.c,
                                     s.vPlane, s.edges(t))
            }
        }
        if weightGrad != nil {
            let shares = groupShares(team: team)
            parallel.forEach(team) { t in
                for i in shares[t] {
                    let group = groups[i]
                    BLAS.gemm(transA: true, m: g.o, n: g.c, k: group.count * tiles.count,
                              a: s.m + start(i, plane: s.mPlane), lda: g.o, b: s.v + start(i, plane: s.vPlane), ldb: g.c,
                              beta: 0, c: dU + group.plane * s.uPlane, ldc: g.c)
                }
            }
        }
        if let dx {
            nonisolated(unsafe) let dx = dx
            parallel.forEach(team) { t in
                for (i, group) in groups.enumerated() {
                    let rows = ConvGEMM.share(group.count * tiles.count, t, team)
                    // V has served dU; it now takes the transformed input gradients.
                    BLAS.gemm(m: rows.count, n: g.c, k: g.o, a: s.m + start(i, plane: s.mPlane) + rows.lowerBound * g.o,
                              lda: g.o, b: u + group.plane * s.uPlane, ldb: g.c, beta: 0,
                              c: s.v + start(i, plane: s.vPlane) + rows.lowerBound * g.c, ldc: g.c)
                }
            }
            let imageTeam = min(team, g.n)
            parallel.forEach(imageTeam) { t in
                let images = ConvGEMM.share(g.n, t, imageTeam)
                let mine = (images.lowerBound * tiles.perImage)..<(images.upperBound * tiles.perImage)
                var sh = s0
                monk_polyphase_input_adjoint(s.v + mine.lowerBound * g.c, s.vPlane, &sh, mine.lowerBound,
                                             mine.count, dx, s.edges(t))
            }
        }
        if let weightGrad {
            addFilterGradient(dU, plane: s.uPlane, partials: 1, into: weightGrad, g, parallel: parallel)
        }
    }
}
