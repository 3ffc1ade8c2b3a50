// Per-channel reductions and affine maps over the contiguous last (channel) axis of a tensor.
// BatchNorm is memory-bound: each kernel makes one pass and its inner loop runs over C.

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
        let rows = x.count / c
        let totals = blockSums(rows: rows, channels: c, parallel: parallel) { r0, r1, s1, s2 in
            let xp = x.data
            for r in r0..<r1 {
                let row = xp + r * c
                for j in 0..<c {
                    let d = row[j] - xp[j]
                    s1[j] += d
                    s2[j] += d * d
                }
            }
        }
        var mean = [Double](repeating: 0, count: c), variance = mean
        let n = Double(rows)
        for j in 0..<c {
            let m1 = totals[j] / n
            mean[j] = Double(x.data[j]) + m1
            variance[j] = max(0, totals[c + j] / n - m1 * m1)
        }
        return (mean, variance)
    }

    /// Σ dy and Σ dy·(x − mean) per channel, in one pass over both tensors.
    static func gradientSums(_ dy: Tensor, _ x: Tensor, mean: [Float], parallel: Parallel) -> (dy: [Double], dyCentered: [Double]) {
        let c = mean.count, rows = x.count / c
        let totals = blockSums(rows: rows, channels: c, parallel: parallel) { r0, r1, s1, s2 in
            mean.withUnsafeBufferPointer { mp in
                let m = mp.baseAddress!
                for r in r0..<r1 {
                    let g = dy.data + r * c, v = x.data + r * c
                    for j in 0..<c {
                        s1[j] += g[j]
                        s2[j] += g[j] * (v[j] - m[j])
                    }
                }
            }
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
    /// y = x·scale[c] + shift[c]; with `relu`, y = max(0, x·scale[c] + shift[c]).
    static func apply(_ x: Tensor, scale: [Float], shift: [Float], relu: Bool = false,
                      into y: Tensor, parallel: Parallel) {
        let c = scale.count, rows = x.count / c
        parallel.chunks(rows, minChunk: max(1, 16_384 / c)) { range in
            scale.withUnsafeBufferPointer { sp in
                shift.withUnsafeBufferPointer { hp in
                    let s = sp.baseAddress!, h = hp.baseAddress!
                    for r in range {
                        let xi = x.data + r * c, yo = y.data + r * c
                        if relu {
                            for j in 0..<c { yo[j] = max(0, xi[j] * s[j] + h[j]) }
                        } else {
                            for j in 0..<c { yo[j] = xi[j] * s[j] + h[j] }
                        }
                    }
                }
            }
        }
    }

    /// out = u·a[c] + v·b[c] + shift[c].
    static func apply2(_ u: Tensor, a: [Float], _ v: Tensor, b: [Float], shift: [Float],
                       into out: Tensor, parallel: Parallel) {
        let c = a.count, rows = u.count / c
        parallel.chunks(rows, minChunk: max(1, 16_384 / c)) { range in
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    shift.withUnsafeBufferPointer { hp in
                        let pa = ap.baseAddress!, pb = bp.baseAddress!, h = hp.baseAddress!
                        for r in range {
                            let ui = u.data + r * c, vi = v.data + r * c, o = out.data + r * c
                            for j in 0..<c { o[j] = ui[j] * pa[j] + vi[j] * pb[j] + h[j] }
                        }
                    }
                }
            }
        }
    }
}
