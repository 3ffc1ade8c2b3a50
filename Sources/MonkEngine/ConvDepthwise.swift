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

    /// Adds dL/dW into `weightGrad` and writes dL/dx into `dx` (zero-filled by the caller),
    /// each only when non-nil. Threads own whole images: dx is written without conflicts and
    /// each thread sums its own weight gradient, added up at the end.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, parallel: Parallel) {
        if weightGrad == nil && dx == nil { return }
        let taps = g.kh * g.kw
        let wt = tapMajor(weight, g)
        let tasks = min(parallel.threads, g.n)
        var partial = [Float](repeating: 0, count: weightGrad == nil ? 0 : tasks * taps * g.o)
        nonisolated(unsafe) let x = x, dy = dy, dx = dx
        let wantW = weightGrad != nil
        wt.withUnsafeBufferPointer { wtb in partial.withUnsafeMutableBufferPointer { pb in
            nonisolated(unsafe) let wt = wtb.baseAddress!
            nonisolated(unsafe) let part = pb.baseAddress
            parallel.forEach(tasks) { t in
                let dw = wantW ? part! + t * taps * g.o : nil
                for n in (t * g.n / tasks)..<((t + 1) * g.n / tasks) {
                    backwardImage(x, wt, dy, dw, dx, g, image: n)
                }
            }
        }}
        if let weightGrad {
            for t in 0..<tasks { for tap in 0..<taps { for oc in 0..<g.o {
                weightGrad[oc * taps + tap] += partial[(t * taps + tap) * g.o + oc]
            }}}
        }
    }

    @inline(__always)
    private static func backwardImage(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                      _ dw: UnsafeMutablePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
                                      _ g: ConvGeometry, image n: Int) {
        let o = g.o, c = g.c, mult = o / c
        let xImage = x + n * g.h * g.w * c
        let dxImage = dx.map { $0 + n * g.h * g.w * c }
        for oy in 0..<g.oh { for ox in 0..<g.ow {
            let d = dy + ((n * g.oh + oy) * g.ow + ox) * o
            for ky in 0..<g.kh {
                let iy = oy * g.stride - g.padTop + ky
                if iy < 0 || iy >= g.h { continue }
                for kx in 0..<g.kw {
                    let ix = ox * g.stride - g.padLeft + kx
                    if ix < 0 || ix >= g.w { continue }
                    let pixel = (iy * g.w + ix) * c, tap = (ky * g.kw + kx) * o
                    let xp = xImage + pixel, wp = wt + tap
                    if mult == 1 {
                        if let dw { let dwp = dw + tap; for i in 0..<o { dwp[i] += d[i] * xp[i] } }
                        if let dxImage { let dxp = dxImage + pixel; for i in 0..<o { dxp[i] += d[i] * wp[i] } }
                    } else {
                        if let dw { let dwp = dw + tap; for i in 0..<o { dwp[i] += d[i] * xp[i / mult] } }
                        if let dxImage { let dxp = dxImage + pixel; for i in 0..<o { dxp[i / mult] += d[i] * wp[i] } }
                    }
                }
            }
        }}
    }
}
