// Depthwise convolution (groups == input channels) as a direct NHWC loop over channels.

/// Depthwise convolutions do k·k multiply-adds per output value, far too little work for a
/// GEMM. In NHWC the channels of a pixel are contiguous, so the inner loop runs over channels
/// with weights transposed to [kh, kw, o]: both operands are unit-stride and the loop
/// vectorises. Output channel `oc` reads input channel `oc / multiplier`.
enum ConvDepthwise {
    /// OHWI `[o, kh, kw, 1]` → `[kh, kw, o]`, so a tap's weights for all channels are contiguous.
    static func tapMajor(_ weight: UnsafePointer<Float>, _ g: ConvGeometry) -> [Float] {
        let taps = g.kh * g.kw
        var out = [Float](repeating: 0, count: taps * g.o)
        for oc in 0..<g.o { for t in 0..<taps { out[t * g.o + oc] = weight[oc * taps + t] } }
        return out
    }

    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, parallel: Parallel) {
        let wt = tapMajor(weight, g)
        nonisolated(unsafe) let x = x, y = y, bias = bias
        let rowWork = g.ow * g.o * g.kh * g.kw
        wt.withUnsafeBufferPointer { wtb in
            nonisolated(unsafe) let wt = wtb.baseAddress!
            parallel.chunks(g.n * g.oh, minChunk: max(1, (1 << 15) / max(1, rowWork))) { rows in
                for r in rows { forwardRow(x, wt, bias, y, g, row: r) }
            }
        }
    }

    /// Channels per register block: 16 floats are four SSE registers at the baseline target,
    /// so a block's accumulator stays in registers across all k·k taps and is stored once.
    typealias Block = SIMD16<Float>
    static let blockWidth = 16

    @inline(__always)
    private static func forwardRow(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                                   _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry, row: Int) {
        let n = row / g.oh, oy = row % g.oh
        let o = g.o, c = g.c, mult = o / c
        let image = x + n * g.h * g.w * c
        // Taps inside the image along y are the same for the whole row.
        let kyLo = max(0, g.padTop - oy * g.stride), kyHi = min(g.kh, g.h + g.padTop - oy * g.stride)
        for ox in 0..<g.ow {
            let out = y + (row * g.ow + ox) * o
            let ix0 = ox * g.stride - g.padLeft
            let kxLo = max(0, -ix0), kxHi = min(g.kw, g.w - ix0)
            let pixel0 = image + ((oy * g.stride - g.padTop) * g.w + ix0) * c
            var cb = 0
            if mult == 1 {
                while cb + blockWidth <= o {
                    var acc = bias.map { load($0 + cb) } ?? Block()
                    for ky in kyLo..<max(kyLo, kyHi) {
                        for kx in kxLo..<max(kxLo, kxHi) {
                            let xp = pixel0 + (ky * g.w + kx) * c + cb, wp = wt + (ky * g.kw + kx) * o + cb
                            acc += load(xp) * load(wp)
                        }
                    }
                    UnsafeMutableRawPointer(out + cb).storeBytes(of: acc, as: Block.self)
                    cb += blockWidth
                }
            }
            // Remaining channels (and every channel when one input feeds several outputs).
            for i in cb..<o {
                var acc = bias?[i] ?? 0
                let ci = i / mult
                for ky in kyLo..<max(kyLo, kyHi) {
                    for kx in kxLo..<max(kxLo, kxHi) {
                        acc += pixel0[(ky * g.w + kx) * c + ci] * wt[(ky * g.kw + kx) * o + i]
                    }
                }
                out[i] = acc
            }
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Block {
        UnsafeRawPointer(p).loadUnaligned(as: Block.self)
    }

    /// Adds dL/dW into `weightGrad` and writes dL/dx into `dx`, each only when non-nil.
    /// dx is gathered: each input pixel sums its taps in registers and is written once, in
    /// parallel over input rows. dW is summed per thread over whole images, added up at the end.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, parallel: Parallel) {
        let taps = g.kh * g.kw
        nonisolated(unsafe) let x = x, dy = dy
        if let dx {
            let wt = tapMajor(weight, g)
            nonisolated(unsafe) let dx = dx
            let rowWork = g.w * g.o * taps
            wt.withUnsafeBufferPointer { wtb in
                nonisolated(unsafe) let wt = wtb.baseAddress!
                parallel.chunks(g.n * g.h, minChunk: max(1, (1 << 15) / max(1, rowWork))) { rows in
                    for q in rows { inputGradientRow(dy, wt, dx, g, inputRow: q) }
                }
            }
        }
        guard let weightGrad else { return }
        let tasks = min(parallel.threads, g.n)
        var partial = [Float](repeating: 0, count: tasks * taps * g.o)
        partial.withUnsafeMutableBufferPointer { pb in
            nonisolated(unsafe) let part = pb.baseAddress!
            parallel.forEach(tasks) { t in
                for n in (t * g.n / tasks)..<((t + 1) * g.n / tasks) {
                    weightGradientImage(x, dy, part + t * taps * g.o, g, image: n)
                }
            }
        }
        for t in 0..<tasks { for tap in 0..<taps { for oc in 0..<g.o {
            weightGrad[oc * taps + tap] += partial[(t * taps + tap) * g.o + oc]
        }}}
    }

    /// dx for one input image row q = n·h + iy: dx[c] = Σ over taps that read this pixel of
    /// dy[oy, ox, oc] · w[oc, ky, kx] for the outputs oc fed by channel c.
    @inline(__always)
    private static func inputGradientRow(_ dy: UnsafePointer<Float>, _ wt: UnsafePointer<Float>,
                                         _ dx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, inputRow q: Int) {
        let n = q / g.h, iy = q % g.h
        let o = g.o, c = g.c, mult = o / c, s = g.stride
        let dyImage = dy + n * g.oh * g.ow * o
        // The (dy pixel, weight tap) offsets that read input pixel (iy, ix), found once per
        // pixel and reused by every channel block.
        withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: g.kh * g.kw) { list in
            for ix in 0..<g.w {
                var count = 0
                for ky in 0..<g.kh {
                    let ty = iy + g.padTop - ky
                    guard ty >= 0, ty % s == 0, ty / s < g.oh else { continue }
                    for kx in 0..<g.kw {
                        let tx = ix + g.padLeft - kx
                        guard tx >= 0, tx % s == 0, tx / s < g.ow else { continue }
                        list[count] = (((ty / s) * g.ow + tx / s) * o, (ky * g.kw + kx) * o)
                        count += 1
                    }
                }
                let out = dx + (q * g.w + ix) * c
                var cb = 0
                if mult == 1 {
                    while cb + blockWidth <= o {
                        var acc = Block()
                        for j in 0..<count { acc += load(dyImage + list[j].0 + cb) * load(wt + list[j].1 + cb) }
                        UnsafeMutableRawPointer(out + cb).storeBytes(of: acc, as: Block.self)
                        cb += blockWidth
                    }
                }
                for ci in (cb / mult)..<c {
                    var acc: Float = 0
                    for j in 0..<count {
                        let d = dyImage + list[j].0, wp = wt + list[j].1
                        for oc in (ci * mult)..<((ci + 1) * mult) { acc += d[oc] * wp[oc] }
                    }
                    out[ci] = acc
                }
            }
        }
    }

    /// dw[tap, oc] += Σ over one image's output pixels of dy[oy, ox, oc] · x[tap's pixel, oc / mult].
    @inline(__always)
    private static func weightGradientImage(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                            _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry, image n: Int) {
        let o = g.o, c = g.c, mult = o / c
        let xImage = x + n * g.h * g.w * c
        for oy in 0..<g.oh { for ox in 0..<g.ow {
            let d = dy + ((n * g.oh + oy) * g.ow + ox) * o
            for ky in 0..<g.kh {
                let iy = oy * g.stride - g.padTop + ky
                if iy < 0 || iy >= g.h { continue }
                for kx in 0..<g.kw {
                    let ix = ox * g.stride - g.padLeft + kx
                    if ix < 0 || ix >= g.w { continue }
                    let xp = xImage + (iy * g.w + ix) * c, dwp = dw + (ky * g.kw + kx) * o
                    if mult == 1 {
                        for i in 0..<o { dwp[i] += d[i] * xp[i] }
                    } else {
                        for i in 0..<o { dwp[i] += d[i] * xp[i / mult] }
                    }
                }
            }
        }}
    }
}
