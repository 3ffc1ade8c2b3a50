// Per-channel reductions and affine maps over the contiguous last (channel) axis of a tensor.
// BatchNorm is memory-bound: each kernel makes one pass and its inner loop runs over C.

/// A `[rows, C]` view whose rows lie `stride` floats apart (stride ≥ C): a contiguous tensor
/// (stride C), or the leading C channels of a wider buffer — a dense block's features, which
/// its layers then read and update in place instead of through copies.
struct ChannelRows: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let rows: Int
    let stride: Int

    /// The whole tensor as rows of `c` channels.
    init(_ t: Tensor, channels c: Int) { base = t.data; rows = t.count / c; stride = c }

    /// The leading `c` channels of every pixel of `t` (`[…, total ≥ c]`).
    init(leading c: Int, of t: Tensor) {
        stride = t.shape.last ?? 1
        precondition(c <= stride, "cannot view \(c) channels of \(t.shape)")
        base = t.data; rows = t.count / stride
    }

    /// Channels `range` of every pixel of `t` (`[…, total ≥ range.upperBound]`).
    init(_ range: Range<Int>, of t: Tensor) {
        stride = t.shape.last ?? 1
        precondition(range.lowerBound >= 0 && range.upperBound <= stride, "cannot view channels \(range) of \(t.shape)")
        base = t.data + range.lowerBound; rows = t.count / stride
    }

    @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<Float> { base + r * stride }
}

/// Per-channel sums over every row of a `[rows, C]` view.
///
/// Rows are summed in fixed blocks of `blockRows` in Float (short sums, accurate), blocks are
/// combined in Double in block order: the result is the same for any thread count.
enum ChannelReduce {
    static let blockRows = 64

    /// Mean and biased variance per channel, in one pass over `x`. The sums are taken around
    /// the first row (a shift K per channel), so E[(x−K)²] − E[x−K]² does not cancel
    /// catastrophically when the mean is large compared to the spread.
    static func meanAndVariance(_ x: Tensor, channels c: Int, parallel: Parallel) -> (mean: [Double], variance: [Double]) {
        meanAndVariance(ChannelRows(x, channels: c), channels: c, parallel: parallel)
    }

    static func meanAndVariance(_ x: ChannelRows, channels c: Int, parallel: Parallel) -> (mean: [Double], variance: [Double]) {
        let rows = x.rows
        let totals = blockSums(rows: rows, channels: c, parallel: parallel) { r0, r1, s1, s2 in
            let xp = x.base
            for r in r0..<r1 {
                let row = x.row(r)
                var j = 0
                while j + 16 <= c {
                    let d = loadVec(row + j) - loadVec(xp + j)
                    storeVec(loadVec(s1 + j) + d, s1 + j)
                    storeVec(loadVec(s2 + j) + d * d, s2 + j)
                    j += 16
                }
                for j in j..<c {
                    let d = row[j] - xp[j]
                    s1[j] += d
                    s2[j] += d * d
                }
            }
        }
        return statistics(totals, shift: x.base, rows: rows, channels: c)
    }

    /// y += s (a residual add), and the mean and biased variance of the sum per channel, in
    /// one pass: bit for bit `Elementwise.add` followed by `meanAndVariance(y)`. Row 0, the
    /// statistics' shift, is added first; the blocks then add and sum their own rows.
    static func addThenMeanAndVariance(_ y: Tensor, adding s: Tensor, channels c: Int,
                                       parallel: Parallel) -> (mean: [Double], variance: [Double]) {
        precondition(y.shape == s.shape && y.shape.last == c, "residual add: \(y.shape) vs \(s.shape)")
        let yv = ChannelRows(y, channels: c), sv = ChannelRows(s, channels: c)
        for j in 0..<c { yv.base[j] += sv.base[j] }
        let totals = blockSums(rows: yv.rows, channels: c, parallel: parallel) { r0, r1, s1, s2 in
            let k = yv.base
            for r in r0..<r1 {
                let row = yv.row(r), add = sv.row(r)
                var j = 0
                while j + 16 <= c {
                    let v = r == 0 ? loadVec(row + j) : loadVec(row + j) + loadVec(add + j)
                    if r != 0 { storeVec(v, row + j) }
                    let d = v - loadVec(k + j)
                    storeVec(loadVec(s1 + j) + d, s1 + j)
                    storeVec(loadVec(s2 + j) + d * d, s2 + j)
                    j += 16
                }
                for j in j..<c {
                    if r != 0 { row[j] += add[j] }
                    let d = row[j] - k[j]
                    s1[j] += d
                    s2[j] += d * d
                }
            }
        }
        return statistics(totals, shift: yv.base, rows: yv.rows, channels: c)
    }

    /// Mean and biased variance from the shifted sums `blockSums` gathered.
    private static func statistics(_ totals: [Double], shift: UnsafePointer<Float>, rows: Int,
                                   channels c: Int) -> (mean: [Double], variance: [Double]) {
        var mean = [Double](repeating: 0, count: c), variance = mean
        let n = Double(rows)
        for j in 0..<c {
            let m1 = totals[j] / n
            mean[j] = Double(shift[j]) + m1
            variance[j] = max(0, totals[c + j] / n - m1 * m1)
        }
        return (mean, variance)
    }

    /// Σ g and Σ g·(x − mean) per channel, in one pass over both tensors; g = dy, or with
    /// `clamp` g = dy where 0 < x·scale + shift < cap (the gradient through a fused ReLU/ReLU6).
    /// With `adding` (a clamp's only), the same pass also does out += g·a[c]: the part of a
    /// BatchNorm input gradient that needs no sums, for callers that add the rest (x·b[c] +
    /// k[c], known only after the pass) later. The sums are the same bits either way; each row
    /// of `out` is written by one block.
    static func gradientSums(_ dy: ChannelRows, _ x: ChannelRows, mean: [Float], clamp: ChannelAffine.ClampMask? = nil,
                             adding a: (scale: [Float], out: ChannelRows)? = nil,
                             parallel: Parallel) -> (dy: [Double], dyCentered: [Double]) {
        precondition(a == nil || clamp != nil, "gradientSums adds a·g only behind a fused activation's mask")
        let c = mean.count, rows = x.rows
        let aScale = a?.scale ?? []
        let totals = blockSums(rows: rows, channels: c, parallel: parallel) { r0, r1, s1, s2 in
            mean.withUnsafeBufferPointer { mp in aScale.withUnsafeBufferPointer { ap in
                let m = mp.baseAddress!, pa = ap.baseAddress   // nil without `adding`
                guard let clamp else {
                    for r in r0..<r1 {
                        let g = dy.row(r), v = x.row(r)
                        var j = 0
                        while j + 16 <= c {
                            let gv = loadVec(g + j)
                            storeVec(loadVec(s1 + j) + gv, s1 + j)
                            storeVec(loadVec(s2 + j) + gv * (loadVec(v + j) - loadVec(m + j)), s2 + j)
                            j += 16
                        }
                        for j in j..<c {
                            s1[j] += g[j]
                            s2[j] += g[j] * (v[j] - m[j])
                        }
                    }
                    return
                }
                clamp.withPointers { sc, sh in
                    let cap = clamp.cap, vcap = Vec16(repeating: cap)
                    for r in r0..<r1 {
                        let g = dy.row(r), v = x.row(r), o = a?.out.row(r)
                        var j = 0
                        while j + 16 <= c {
                            let xv = loadVec(v + j)
                            let z = xv * loadVec(sc + j) + loadVec(sh + j)
                            let gv = Vec16().replacing(with: loadVec(g + j), where: (z .> 0) .& (z .< vcap))
                            storeVec(loadVec(s1 + j) + gv, s1 + j)
                            storeVec(loadVec(s2 + j) + gv * (xv - loadVec(m + j)), s2 + j)
                            if let o, let pa { storeVec(loadVec(o + j) + gv * loadVec(pa + j), o + j) }
                            j += 16
                        }
                        for j in j..<c {
                            let z = v[j] * sc[j] + sh[j]
                            guard z > 0 && z < cap else { continue }
                            s1[j] += g[j]
                            s2[j] += g[j] * (v[j] - m[j])
                            if let o, let pa { o[j] += g[j] * pa[j] }
                        }
                    }
                }
            } }
        }
        return (Array(totals[0..<c]), Array(totals[c..<(2 * c)]))
    }

    /// Runs `body(firstRow, endRow, s1, s2)` on every block with zeroed Float accumulators of
    /// C values each, and returns the block sums added in order: [Σs1 (C values), Σs2 (C values)].
    private static func blockSums(rows: Int, channels c: Int, parallel: Parallel,
                                  _ body: @Sendable (Int, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let blocks = (rows + blockRows - 1) / blockRows
        let partial = UnsafeMutablePointer<Double>.allocate(capacity: max(1, blocks * 2 * c))
        defer { partial.deallocate() }
        nonisolated(unsafe) let part = partial
        parallel.forEach(blocks, minChunk: max(1, 32_768 / (blockRows * c))) { b in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * c) { scratch in
                let s1 = scratch.baseAddress!, s2 = s1 + c
                s1.initialize(repeating: 0, count: 2 * c)
                body(b * blockRows, min(rows, (b + 1) * blockRows), s1, s2)
                let out = part + b * 2 * c
                for j in 0..<(2 * c) { out[j] = Double(s1[j]) }
            }
        }
        var totals = [Double](repeating: 0, count: 2 * c)
        for b in 0..<blocks {
            let p = partial + b * 2 * c
            for j in 0..<(2 * c) { totals[j] += p[j] }
        }
        return totals
    }
}

/// Per-channel affine maps of `[rows, C]` views, parallel over rows.
enum ChannelAffine {
    /// y = x·scale[c] + shift[c]; with a `cap`, y = min(max(0, x·scale[c] + shift[c]), cap)
    /// (a fused ReLU for cap = ∞, ReLU6 for 6; NaN stays NaN).
    static func apply(_ x: Tensor, scale: [Float], shift: [Float], cap: Float? = nil,
                      into y: Tensor, parallel: Parallel) {
        let c = scale.count
        apply(ChannelRows(x, channels: c), scale: scale, shift: shift, cap: cap, into: ChannelRows(y, channels: c),
              parallel: parallel)
    }

    static func apply(_ x: ChannelRows, scale: [Float], shift: [Float], cap: Float? = nil,
                      into y: ChannelRows, parallel: Parallel) {
        let c = scale.count
        parallel.chunks(x.rows, minChunk: max(1, 16_384 / c)) { range in
            withFloatPointers(scale, shift) { s, h, _ in
                for r in range { applyRow(x.row(r), y.row(r), s, h, c, cap: cap) }
            }
        }
    }

    /// One pixel's channels: y = x·scale + shift, clamped to [0, cap] when `cap` is set. Shared
    /// by `apply` and BatchNorm's recomputation, whose output must be bit-identical to it.
    @inline(__always)
    static func applyRow(_ xi: UnsafePointer<Float>, _ yo: UnsafeMutablePointer<Float>,
                         _ s: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ c: Int, cap: Float?) {
        guard let cap else {
            for j in 0..<c { yo[j] = xi[j] * s[j] + h[j] }
            return
        }
        var j = 0
        while j + 16 <= c {
            let z = loadVec(xi + j) * loadVec(s + j) + loadVec(h + j)
            storeVec(z.replacing(with: 0, where: z .< 0).replacing(with: cap, where: z .> cap), yo + j)
            j += 16
        }
        for j in j..<c {
            let z = xi[j] * s[j] + h[j]
            yo[j] = z < 0 ? 0 : (z > cap ? cap : z)
        }
    }

    /// y = max(0, x·scale[c] + shift[c] + r): a BatchNorm output, a residual add and a ReLU
    /// in one pass, bit for bit the separate passes (`Swift.max(0, s)`: NaN → 0, −0 stays).
    static func applyAddReLU(_ x: Tensor, scale: [Float], shift: [Float], residual r: Tensor,
                             into y: Tensor, parallel: Parallel) {
        let c = scale.count, rows = x.count / c
        parallel.chunks(rows, minChunk: max(1, 16_384 / c)) { range in
            withFloatPointers(scale, shift) { s, h, _ in
                let zero = Vec16()
                for row in range {
                    let xi = x.data + row * c, ri = r.data + row * c, yo = y.data + row * c
                    var j = 0
                    while j + 16 <= c {
                        let z = (loadVec(xi + j) * loadVec(s + j) + loadVec(h + j)) + loadVec(ri + j)
                        storeVec(zero.replacing(with: z, where: z .>= zero), yo + j)
                        j += 16
                    }
                    for j in j..<c { yo[j] = max(0, (xi[j] * s[j] + h[j]) + ri[j]) }
                }
            }
        }
    }

    /// Where a fused ReLU or ReLU6 let the gradient through: 0 < x·scale[c] + shift[c] < cap,
    /// recomputed from the forward's scale and shift exactly as the forward computed it.
    struct ClampMask: Sendable {
        let scale: [Float]
        let shift: [Float]
        let cap: Float

        func withPointers<R>(_ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
            withFloatPointers(scale, shift) { s, h, _ in body(s, h) }
        }
    }

    /// out = g·a[c] + x·b[c] + shift[c], with g = dy, or with `clamp` g = dy where
    /// 0 < x·scale + shift < cap.
    /// With `accumulating`, out += that value instead; with `base`, out = base + that value
    /// (a residual's gradient added in the same pass). Either is bit for bit the value, then an add.
    static func apply2(_ dy: ChannelRows, a: [Float], _ x: ChannelRows, b: [Float], shift: [Float],
                       clamp: ClampMask? = nil, into out: ChannelRows, accumulating: Bool = false,
                       plus base: ChannelRows? = nil, parallel: Parallel) {
        precondition(!(accumulating && base != nil), "apply2: accumulating already adds out itself")
        let c = a.count, rows = dy.rows
        let base = accumulating ? out : base
        parallel.chunks(rows, minChunk: max(1, 16_384 / c)) { range in
            withFloatPointers(a, b, shift) { pa, pb, hp in
                let h = hp!
                guard let clamp else {
                    for r in range {
                        let gi = dy.row(r), xi = x.row(r), o = out.row(r)
                        if let bi = base?.row(r) {
                            for j in 0..<c { o[j] = bi[j] + (gi[j] * pa[j] + xi[j] * pb[j] + h[j]) }
                        } else {
                            for j in 0..<c { o[j] = gi[j] * pa[j] + xi[j] * pb[j] + h[j] }
                        }
                    }
                    return
                }
                clamp.withPointers { sc, sh in
                    let cap = clamp.cap, vcap = Vec16(repeating: cap)
                    for r in range {
                        let gi = dy.row(r), xi = x.row(r), o = out.row(r), bi = base?.row(r)
                        var j = 0
                        while j + 16 <= c {
                            let xv = loadVec(xi + j)
                            let z = xv * loadVec(sc + j) + loadVec(sh + j)
                            let gv = Vec16().replacing(with: loadVec(gi + j), where: (z .> 0) .& (z .< vcap))
                            let v = gv * loadVec(pa + j) + xv * loadVec(pb + j) + loadVec(h + j)
                            storeVec(bi.map { loadVec($0 + j) + v } ?? v, o + j)
                            j += 16
                        }
                        for j in j..<c {
                            let z = xi[j] * sc[j] + sh[j]
                            let g: Float = z > 0 && z < cap ? gi[j] : 0
                            let v = g * pa[j] + xi[j] * pb[j] + h[j]
                            o[j] = bi.map { $0[j] + v } ?? v
                        }
                    }
                }
            }
        }
    }
}

extension ChannelAffine {
    /// out = base + (x·scale[c] + shift[c]), parallel over rows; out += that without a `base`.
    static func add(_ x: ChannelRows, scale: [Float], shift: [Float], to base: ChannelRows? = nil, into out: ChannelRows,
                    parallel: Parallel) {
        let c = scale.count
        let base = base ?? out
        parallel.chunks(x.rows, minChunk: max(1, 16_384 / c)) { range in
            withFloatPointers(scale, shift) { s, h, _ in
                for r in range {
                    let xi = x.row(r), b = base.row(r), o = out.row(r)
                    for j in 0..<c { o[j] = b[j] + (xi[j] * s[j] + h[j]) }
                }
            }
        }
    }
}

/// Base pointers of up to three Float arrays at once (the third may be empty).
@inline(__always)
func withFloatPointers<R>(_ a: [Float], _ b: [Float], _ c: [Float] = [],
                          _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?) -> R) -> R {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeBufferPointer { pc in body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress) }
        }
    }
}
