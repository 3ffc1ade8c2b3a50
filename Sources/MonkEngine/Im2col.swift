// im2col and col2im for NHWC convolutions: patches as GEMM rows, and their gradients back.

/// A chunk of output image rows: rows `r` = n·oh + oy for r in `start ..< start + count`.
/// Chunks are whole output image rows so col2im can split its work by input rows.
struct RowChunk: Sendable {
    let start: Int
    let count: Int
    var end: Int { start + count }
}

enum Im2col {
    /// Work below this many floats per thread runs on one thread: a thread hand-off costs
    /// about as much as copying this much memory.
    static let minFloatsPerThread = 1 << 15

    /// Fills `cols` (`chunk.count·ow` rows of `patch` floats, (ky, kx, channel) order) with the
    /// input patches of group `group`; out-of-image taps are zero.
    static func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, group: Int, chunk: RowChunk,
                       cols: UnsafeMutablePointer<Float>, parallel: Parallel) {
        nonisolated(unsafe) let x = x
        nonisolated(unsafe) let cols = cols
        let rowFloats = g.ow * g.patch
        parallel.chunks(chunk.count, minChunk: max(1, minFloatsPerThread / max(1, rowFloats))) { range in
            for local in range {
                fillRow(x, g, group: group, row: chunk.start + local, into: cols + local * rowFloats)
            }
        }
    }

    /// One output image row's patches.
    @inline(__always)
    private static func fillRow(_ x: UnsafePointer<Float>, _ g: ConvGeometry, group: Int, row: Int,
                                into dst: UnsafeMutablePointer<Float>) {
        let n = row / g.oh, oy = row % g.oh
        let c = g.c, cg = g.cg, kw = g.kw, runLength = kw * cg
        let image = x + n * g.h * g.w * c
        for ox in 0..<g.ow {
            let ix0 = ox * g.stride - g.padLeft
            // The taps inside the image along x: kx in kxLo..<kxHi.
            let kxLo = max(0, -ix0), kxHi = min(kw, g.w - ix0)
            var d = dst + ox * g.patch
            for ky in 0..<g.kh {
                let iy = oy * g.stride - g.padTop + ky
                if iy < 0 || iy >= g.h || kxLo >= kxHi {
                    d.update(repeating: 0, count: runLength)
                } else if cg == c {
                    // Whole pixels: the kx taps are one contiguous run of the input row.
                    if kxLo > 0 { d.update(repeating: 0, count: kxLo * c) }
                    d.advanced(by: kxLo * c).update(from: image + (iy * g.w + ix0 + kxLo) * c,
                                                    count: (kxHi - kxLo) * c)
                    if kxHi < kw { d.advanced(by: kxHi * c).update(repeating: 0, count: (kw - kxHi) * c) }
                } else {
                    let src = image + iy * g.w * c + group * cg
                    for kx in 0..<kw {
                        let ix = ix0 + kx
                        if ix >= 0 && ix < g.w {
                            (d + kx * cg).update(from: src + ix * c, count: cg)
                        } else {
                            (d + kx * cg).update(repeating: 0, count: cg)
                        }
                    }
                }
                d += runLength
            }
        }
    }

    /// Adds the column gradients `dcols` (laid out as `im2col` fills them) into `dx`.
    /// Parallel over input rows: each task gathers every contribution to one input image row,
    /// so no two threads write the same memory.
    static func col2im(_ dcols: UnsafePointer<Float>, _ g: ConvGeometry, group: Int, chunk: RowChunk,
                       dx: UnsafeMutablePointer<Float>, parallel: Parallel) {
        nonisolated(unsafe) let dcols = dcols
        nonisolated(unsafe) let dx = dx
        // Input rows (q = n·h + iy) that the chunk's output rows can touch.
        let first = chunk.start, last = chunk.end - 1
        let qLo = (first / g.oh) * g.h + max(0, (first % g.oh) * g.stride - g.padTop)
        let qHi = (last / g.oh) * g.h + min(g.h, (last % g.oh) * g.stride - g.padTop + g.kh)
        guard qHi > qLo else { return }
        let perRow = max(1, g.w * g.kh * g.kw * g.cg)
        parallel.chunks(qHi - qLo, minChunk: max(1, minFloatsPerThread / perRow)) { range in
            for q in range { gatherRow(dcols, g, group: group, chunk: chunk, inputRow: qLo + q, dx: dx) }
        }
    }

    @inline(__always)
    private static func gatherRow(_ dcols: UnsafePointer<Float>, _ g: ConvGeometry, group: Int,
                                  chunk: RowChunk, inputRow q: Int, dx: UnsafeMutablePointer<Float>) {
        let n = q / g.h, iy = q % g.h
        let c = g.c, cg = g.cg, kw = g.kw
        let dst = dx + q * g.w * c
        for ky in 0..<g.kh {
            let t = iy + g.padTop - ky
            if t < 0 || t % g.stride != 0 { continue }
            let oy = t / g.stride
            if oy >= g.oh { continue }
            let r = n * g.oh + oy
            if r < chunk.start || r >= chunk.end { continue }
            let srcRow = dcols + (r - chunk.start) * g.ow * g.patch + ky * kw * cg
            for ox in 0..<g.ow {
                let ix0 = ox * g.stride - g.padLeft
                let kxLo = max(0, -ix0), kxHi = min(kw, g.w - ix0)
                if kxLo >= kxHi { continue }
                let s = srcRow + ox * g.patch
                if cg == c {
                    let d = dst + (ix0 + kxLo) * c, src = s + kxLo * c
                    for i in 0..<((kxHi - kxLo) * c) { d[i] += src[i] }
                } else {
                    for kx in kxLo..<kxHi {
                        let d = dst + (ix0 + kx) * c + group * cg, src = s + kx * cg
                        for i in 0..<cg { d[i] += src[i] }
                    }
                }
            }
        }
    }
}
