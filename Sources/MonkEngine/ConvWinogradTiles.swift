// The memory passes of Winograd convolution: gathering 4×4 input tiles into the 16 transformed
// planes, scattering 2×2 output tiles back, and the same for the gradients.

extension ConvWinograd {
    /// U[p][o][c] = (G w[o, :, :, c] Gᵀ)[p] for OHWI weights `w`.
    static func transformFilters(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>,
                                 _ g: ConvGeometry, parallel: Parallel) {
        nonisolated(unsafe) let w = w, u = u
        let c = g.c, plane = g.o * g.c
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (9 * c))) { outs in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { lanes in
                let s = lanes.baseAddress!
                for o in outs {
                    var c0 = 0
                    while c0 < c {
                        let n = min(16, c - c0)
                        let src = w + o * 9 * c + c0
                        // G along ky for each kx (rows i of s), then along kx for each row.
                        for kx in 0..<3 {
                            let r = WinogradTransforms.filterAxis(loadLanes(src + kx * c, n), loadLanes(src + (3 + kx) * c, n),
                                                                  loadLanes(src + (6 + kx) * c, n))
                            s[kx] = r.0; s[4 + kx] = r.1; s[8 + kx] = r.2; s[12 + kx] = r.3
                        }
                        let dst = u + o * c + c0
                        for i in 0..<4 {
                            let r = WinogradTransforms.filterAxis(s[4 * i], s[4 * i + 1], s[4 * i + 2])
                            storeLanes(r.0, dst + (4 * i) * plane, n)
                            storeLanes(r.1, dst + (4 * i + 1) * plane, n)
                            storeLanes(r.2, dst + (4 * i + 2) * plane, n)
                            storeLanes(r.3, dst + (4 * i + 3) * plane, n)
                        }
                        c0 += 16
                    }
                }
            }
        }
    }

    /// dW[o, ky, kx, c] += (Gᵀ dU[·][o][c] G)[ky, kx], with dU the sum of `partials`
    /// consecutive `[16][o][c]` blocks at `dU`.
    static func addFilterGradient(_ dU: UnsafeMutablePointer<Float>, partials: Int, into dW: UnsafeMutablePointer<Float>,
                                  _ g: ConvGeometry, parallel: Parallel) {
        nonisolated(unsafe) let dU = dU, dW = dW
        let c = g.c, plane = g.o * g.c, block = 16 * plane
        parallel.chunks(g.o, minChunk: max(1, 16_384 / (16 * c))) { outs in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { lanes in
                let s = lanes.baseAddress!
                for o in outs {
                    var c0 = 0
                    while c0 < c {
                        let n = min(16, c - c0)
                        let src = dU + o * c + c0
                        for p in 0..<16 {
                            var sum = loadLanes(src + p * plane, n)
                            for k in 1..<max(1, partials) { sum += loadLanes(src + k * block + p * plane, n) }
                            s[p] = sum
                        }
                        // Gᵀ along i (→ ky) for each column j, in place in rows 0–2 of s;
                        // then along j (→ kx) for each ky.
                        for j in 0..<4 {
                            let r = WinogradTransforms.filterAdjointAxis(s[j], s[4 + j], s[8 + j], s[12 + j])
                            s[j] = r.0; s[4 + j] = r.1; s[8 + j] = r.2
                        }
                        let dst = dW + o * 9 * c + c0
                        for ky in 0..<3 {
                            let r = WinogradTransforms.filterAdjointAxis(s[4 * ky], s[4 * ky + 1], s[4 * ky + 2], s[4 * ky + 3])
                            let d = dst + ky * 3 * c
                            storeLanes(loadLanes(d, n) + r.0, d, n)
                            storeLanes(loadLanes(d + c, n) + r.1, d + c, n)
                            storeLanes(loadLanes(d + 2 * c, n) + r.2, d + 2 * c, n)
                        }
                        c0 += 16
                    }
                }
            }
        }
    }

    /// V[p][tile − chunk.start][c] = (Bᵀ d B)[p] for the input tiles of `chunk`.
    static func transformInput(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles, _ chunk: Range<Int>,
                               into v: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Lanes>) {
        let c = g.c, planeStride = chunk.count * c
        for tile in chunk {
            let (image, iy0, ix0) = inputOrigin(tile, g, tiles)
            let base = x + image * g.h * g.w * c
            let inside = iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= g.h && ix0 + 4 <= g.w
            let dst = v + (tile - chunk.lowerBound) * c
            var c0 = 0
            while c0 < c {
                let n = min(16, c - c0)
                for i in 0..<4 {
                    let iy = iy0 + i
                    for j in 0..<4 {
                        let ix = ix0 + j
                        d[4 * i + j] = inside || (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w)
                            ? loadLanes(base + (iy * g.w + ix) * c + c0, n) : Lanes()
                    }
                }
                WinogradTransforms.input(d)
                for p in 0..<16 { storeLanes(d[p], dst + p * planeStride + c0, n) }
                c0 += 16
            }
        }
    }

    /// dx[pixels of each tile] += (B dV Bᵀ) for the transformed input gradients of `chunk`.
    static func addInputGradient(_ dv: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles, _ chunk: Range<Int>,
                                 into dx: UnsafeMutablePointer<Float>, _ d: UnsafeMutablePointer<Lanes>) {
        let c = g.c, planeStride = chunk.count * c
        for tile in chunk {
            let (image, iy0, ix0) = inputOrigin(tile, g, tiles)
            let base = dx + image * g.h * g.w * c
            let src = dv + (tile - chunk.lowerBound) * c
            var c0 = 0
            while c0 < c {
                let n = min(16, c - c0)
                for p in 0..<16 { d[p] = loadLanes(src + p * planeStride + c0, n) }
                WinogradTransforms.inputAdjoint(d)
                for i in 0..<4 {
                    let iy = iy0 + i
                    if iy < 0 || iy >= g.h { continue }
                    for j in 0..<4 {
                        let ix = ix0 + j
                        if ix < 0 || ix >= g.w { continue }
                        let q = base + (iy * g.w + ix) * c + c0
                        storeLanes(loadLanes(q, n) + d[4 * i + j], q, n)
                    }
                }
                c0 += 16
            }
        }
    }

    /// y[2×2 outputs of each tile] = (Aᵀ M A) + bias, for the products M of `chunk`.
    static func transformOutput(_ m: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles, _ chunk: Range<Int>,
                                bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                                _ s: UnsafeMutablePointer<Lanes>) {
        let o = g.o, planeStride = chunk.count * o
        for tile in chunk {
            let (image, oy0, ox0) = outputOrigin(tile, tiles)
            let rows = min(2, g.oh - oy0), cols = min(2, g.ow - ox0)
            let base = y + image * g.oh * g.ow * o
            let src = m + (tile - chunk.lowerBound) * o
            var k0 = 0
            while k0 < o {
                let n = min(16, o - k0)
                for p in 0..<16 { s[p] = loadLanes(src + p * planeStride + k0, n) }
                let b = bias.map { loadLanes($0 + k0, n) } ?? Lanes()
                for j in 0..<4 {
                    let r = WinogradTransforms.outputAxis(s[j], s[4 + j], s[8 + j], s[12 + j])
                    s[j] = r.0; s[4 + j] = r.1
                }
                for a in 0..<rows {
                    let r = WinogradTransforms.outputAxis(s[4 * a], s[4 * a + 1], s[4 * a + 2], s[4 * a + 3])
                    let row = base + ((oy0 + a) * g.ow + ox0) * o + k0
                    storeLanes(r.0 + b, row, n)
                    if cols == 2 { storeLanes(r.1 + b, row + o, n) }
                }
                k0 += 16
            }
        }
    }

    /// dM[p][tile − chunk.start][o] = (A dy Aᵀ)[p], dy being zero past the output's edge.
    static func transformOutputGradient(_ dy: UnsafePointer<Float>, _ g: ConvGeometry, _ tiles: Tiles,
                                        _ chunk: Range<Int>, into dm: UnsafeMutablePointer<Float>,
                                        _ s: UnsafeMutablePointer<Lanes>) {
        let o = g.o, planeStride = chunk.count * o
        for tile in chunk {
            let (image, oy0, ox0) = outputOrigin(tile, tiles)
            let rows = min(2, g.oh - oy0), cols = min(2, g.ow - ox0)
            let base = dy + image * g.oh * g.ow * o
            let dst = dm + (tile - chunk.lowerBound) * o
            var k0 = 0
            while k0 < o {
                let n = min(16, o - k0)
                var q = (Lanes(), Lanes(), Lanes(), Lanes())   // dy[0,0], dy[0,1], dy[1,0], dy[1,1]
                let row0 = base + (oy0 * g.ow + ox0) * o + k0
                q.0 = loadLanes(row0, n)
                if cols == 2 { q.1 = loadLanes(row0 + o, n) }
                if rows == 2 {
                    q.2 = loadLanes(row0 + g.ow * o, n)
                    if cols == 2 { q.3 = loadLanes(row0 + g.ow * o + o, n) }
                }
                // A along columns for each output row, then along rows.
                let e0 = WinogradTransforms.outputAdjointAxis(q.0, q.1)
                let e1 = WinogradTransforms.outputAdjointAxis(q.2, q.3)
                s[0] = e0.0; s[1] = e0.1; s[2] = e0.2; s[3] = e0.3
                s[4] = e1.0; s[5] = e1.1; s[6] = e1.2; s[7] = e1.3
                for j in 0..<4 {
                    let r = WinogradTransforms.outputAdjointAxis(s[j], s[4 + j])
                    s[j] = r.0; s[4 + j] = r.1; s[8 + j] = r.2; s[12 + j] = r.3
                }
                for p in 0..<16 { storeLanes(s[p], dst + p * planeStride + k0, n) }
                k0 += 16
            }
        }
    }

    /// Image and top-left input pixel (may be negative: padding) of a tile's 4×4 input window.
    @inline(__always)
    static func inputOrigin(_ tile: Int, _ g: ConvGeometry, _ tiles: Tiles) -> (Int, Int, Int) {
        let (image, oy, ox) = outputOrigin(tile, tiles)
        return (image, oy - g.padTop, ox - g.padLeft)
    }

    /// Image and top-left output pixel of a tile.
    @inline(__always)
    static func outputOrigin(_ tile: Int, _ tiles: Tiles) -> (Int, Int, Int) {
        let image = tile / tiles.perImage, r = tile % tiles.perImage
        return (image, 2 * (r / tiles.cols), 2 * (r % tiles.cols))
    }
}
