// The memory passes of Winograd convolution — gathering (m+2)² input tiles into the 16 or 36
// transformed planes, scattering m×m output tiles back, and their adjoints — which run in the
// C kernels of CKernels/winograd.c and winograd4.c (vectorised per CPU level), split over
// threads here.
import CKernels

extension ConvWinograd {
    /// Where tile loops read zeros (pixels outside the image) and write what falls outside it.
    typealias Edges = MonkWinogradEdges

    /// The C kernels' view of a geometry.
    static func shape(_ g: ConvGeometry, _ tiles: Tiles) -> MonkWinogradShape {
        MonkWinogradShape(h: g.h, w: g.w, c: g.c, oh: g.oh, ow: g.ow, o: g.o, padTop: g.padTop,
                          padLeft: g.padLeft, tileRows: tiles.rows, tileCols: tiles.cols)
    }

    /// U[p][o][c] = (G w[o, :, :, c] Gᵀ)[p] for OHWI weights `w`, positions `plane` floats apart.
    static func transformFilters(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, plane: Int,
                                 _ g: ConvGeometry, _ tile: WinogradTile, parallel: Parallel) {
        nonisolated(unsafe) let w = w, u = u
        let copy = shape(g, Tiles(g, tile))
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (9 * g.c))) { outs in
            var s = copy
            switch tile {
            case .f2: monk_winograd_filters(w, &s, outs.lowerBound, outs.count, u, plane)
            case .f4: monk_winograd4_filters(w, &s, outs.lowerBound, outs.count, u, plane)
            }
        }
    }

    /// dW[o, ky, kx, c] += (Gᵀ dU[·][o][c] G)[ky, kx], with dU the sum of `partials`
    /// consecutive blocks of P `[o][c]` planes, `plane` floats apart, at `dU` (summed into the
    /// first block in place).
    static func addFilterGradient(_ dU: UnsafeMutablePointer<Float>, plane: Int, partials: Int,
                                  into dW: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ tile: WinogradTile,
                                  parallel: Parallel) {
        nonisolated(unsafe) let dU = dU, dW = dW
        let copy = shape(g, Tiles(g, tile))
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (tile.positions * g.c))) { outs in
            var s = copy
            switch tile {
            case .f2: monk_winograd_filters_adjoint(dU, plane, partials, &s, outs.lowerBound, outs.count, dW)
            case .f4: monk_winograd4_filters_adjoint(dU, plane, partials, &s, outs.lowerBound, outs.count, dW)
            }
        }
    }

    /// V[p][tile − chunk.start][c] = (Bᵀ d B)[p] for the input tiles of `chunk`; positions are
    /// `plane` floats apart.
    static func transformInput(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles, _ chunk: Range<Int>,
                               into v: UnsafeMutablePointer<Float>, plane: Int, _ edges: Edges) {
        var s = shape(g, tiles)
        switch tiles.tile {
        case .f2: monk_winograd_input(x, &s, chunk.lowerBound, chunk.count, v, plane, edges)
        case .f4: monk_winograd4_input(x, &s, chunk.lowerBound, chunk.count, v, plane, edges)
        }
    }

    /// dx[pixels of each tile] += (B dV Bᵀ) for the transformed input gradients of `chunk`.
    static func addInputGradient(_ dv: UnsafePointer<Float>, plane: Int, _ g: ConvGeometry, _ tiles: Tiles,
                                 _ chunk: Range<Int>, into dx: UnsafeMutablePointer<Float>, _ edges: Edges) {
        var s = shape(g, tiles)
        switch tiles.tile {
        case .f2: monk_winograd_input_adjoint(dv, plane, &s, chunk.lowerBound, chunk.count, dx, edges)
        case .f4: monk_winograd4_input_adjoint(dv, plane, &s, chunk.lowerBound, chunk.count, dx, edges)
        }
    }

    /// y[m×m outputs of each tile] = (Aᵀ M A) + bias, for the products M of `chunk`.
    static func transformOutput(_ m: UnsafePointer<Float>, plane: Int, _ g: ConvGeometry, _ tiles: Tiles,
                                _ chunk: Range<Int>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                                _ edges: Edges) {
        var s = shape(g, tiles)
        switch tiles.tile {
        case .f2: monk_winograd_output(m, plane, &s, chunk.lowerBound, chunk.count, bias, y, edges)
        case .f4: monk_winograd4_output(m, plane, &s, chunk.lowerBound, chunk.count, bias, y, edges)
        }
    }

    /// dM[p][tile − chunk.start][o] = (A dy Aᵀ)[p], dy being zero past the output's edge.
    static func transformOutputGradient(_ dy: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles,
                                        _ chunk: Range<Int>, into dm: UnsafeMutablePointer<Float>, plane: Int,
                                        _ edges: Edges) {
        var s = shape(g, tiles)
        switch tiles.tile {
        case .f2: monk_winograd_output_adjoint(dy, &s, chunk.lowerBound, chunk.count, dm, plane, edges)
        case .f4: monk_winograd4_output_adjoint(dy, &s, chunk.lowerBound, chunk.count, dm, plane, edges)
        }
    }
}
