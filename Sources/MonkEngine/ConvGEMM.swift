// Dense and grouped convolution as GEMMs on NHWC data: y = cols·Wᵀ, dW += dyᵀ·cols,
// dcols = dy·W followed by col2im.

/// The GEMM formulation. Rows of every matrix are output pixels with the batch folded in
/// (M = n·oh·ow), so even 4×4 maps give OpenBLAS a tall matrix. A 1×1 stride-1 convolution
/// multiplies the activation buffer itself (a group is a column slice, via the leading
/// dimension); anything else goes through im2col in L2-sized chunks of output rows, into the
/// layer's reusable workspace.
///
/// Threads: when OpenBLAS is single-threaded (`BLAS.threads == 1`), each of `parallel`'s
/// threads takes a contiguous share of the rows and runs im2col, GEMM and col2im on it end to
/// end — no barrier per product, so it keeps its speed when the host is loaded (OpenBLAS' own
/// threads spin and lost 5–10× under load here). When OpenBLAS is multi-threaded, products run
/// one at a time on its threads and only the copies use `parallel`: never both at once.
enum ConvGEMM {
    /// Independent workers for `units` separable pieces of work, given OpenBLAS' thread count.
    static func workers(_ parallel: Parallel, units: Int, blasThreads: Int) -> Int {
        blasThreads > 1 ? 1 : max(1, min(parallel.threads, units))
    }

    /// Worker `t`'s share of `0..<count` when split `workers` ways.
    @inline(__always)
    static func share(_ count: Int, _ t: Int, _ workers: Int) -> Range<Int> {
        (t * count / workers)..<((t + 1) * count / workers)
    }

    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        workspace: ConvWorkspace, parallel: Parallel, blasThreads: Int,
                        products: MatrixProducts = .automatic) {
        nonisolated(unsafe) let x = x, weight = weight, bias = bias, y = y
        let o = g.o, og = g.og
        let imageRows = g.n * g.oh
        if g.isPointwise && PanelGEMM.applies(products, m: imageRows * g.ow, n: og, k: g.cg) {
            pointwiseForwardOnPanels(x: x, weight: weight, bias: bias, y: y, g, workspace: workspace, parallel: parallel)
            return
        }
        let chunked = g.isPointwise ? imageRows : workspace.chunkImageRows(patch: g.patch, ow: g.ow, imageRows: imageRows)
        // A small output (ResNet-50's stride-2 layers at 7×7, batch 4: 196 GEMM rows) fits one
        // chunk and would run on one thread while the other waits (27 ms of a 1,445 ms step,
        // `bench --profile`): split it between the threads while each share keeps a GEMM of at
        // least minRows/4 rows.
        let threads = blasThreads > 1 ? 1 : parallel.threads
        let split = (imageRows + threads - 1) / threads
        let per = !g.isPointwise && threads > 1 && (imageRows + chunked - 1) / chunked < threads
            && split * g.ow >= workspace.minRows / 4 ? split : chunked
        let team = workers(parallel, units: g.isPointwise ? imageRows : (imageRows + per - 1) / per,
                           blasThreads: blasThreads)
        let chunkFloats = per * g.ow * g.patch
        nonisolated(unsafe) let scratch = g.isPointwise ? nil : workspace.buffer(team * chunkFloats)
        let copies = team > 1 ? Parallel.serial : parallel
        parallel.forEach(team) { t in
            let mine = share(imageRows, t, team)
            let rows = (mine.lowerBound * g.ow)..<(mine.upperBound * g.ow)
            // Start from the bias and accumulate the products onto it (beta = 1).
            if let bias { for r in rows { (y + r * o).update(from: bias, count: o) } }
            let beta: Float = bias == nil ? 0 : 1
            guard let scratch else {
                for group in 0..<g.groups {
                    BLAS.gemm(transB: true, m: rows.count, n: og, k: g.cg,
                              a: x + rows.lowerBound * g.c + group * g.cg, lda: g.c,
                              b: weight + group * og * g.cg, ldb: g.cg,
                              beta: beta, c: y + rows.lowerBound * o + group * og, ldc: o)
                }
                return
            }
            let cols = scratch + t * chunkFloats
            forEachChunk(mine, per) { chunk in
                for group in 0..<g.groups {
                    Im2col.im2col(x, g, group: group, chunk: chunk, cols: cols, parallel: copies)
                    BLAS.gemm(transB: true, m: chunk.count * g.ow, n: og, k: g.patch,
                              a: cols, lda: g.patch, b: weight + group * og * g.patch, ldb: g.patch,
                              beta: beta, c: y + chunk.start * g.ow * o + group * og, ldc: o)
                }
            }
        }
    }

    /// A 1×1 stride-1 forward on `PanelGEMM`: each group's filters packed into panels once (on
    /// this thread), then each thread multiplies its share of the rows, starting from the bias
    /// if any.
    private static func pointwiseForwardOnPanels(x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                                 bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>,
                                                 _ g: ConvGeometry, workspace: ConvWorkspace, parallel: Parallel) {
        nonisolated(unsafe) let x = x, bias = bias, y = y
        let o = g.o, og = g.og, rows = g.n * g.oh * g.ow
        let team = max(1, min(parallel.threads, rows / 14))
        let panelFloats = PanelGEMM.floats(n: og, k: g.cg), scratchFloats = PanelGEMM.scratchFloats(n: og, k: g.cg)
        nonisolated(unsafe) let panels = workspace.buffer(g.groups * panelFloats + team * scratchFloats)
        for group in 0..<g.groups {
            PanelGEMM.pack(weight + group * og * g.cg, ldb: g.cg, transposed: true, n: og, k: g.cg,
                           into: panels + group * panelFloats)
        }
        parallel.forEach(team) { t in
            let mine = share(rows, t, team)
            if let bias { for r in mine { (y + r * o).update(from: bias, count: o) } }
            for group in 0..<g.groups {
                PanelGEMM.gemm(m: mine.count, n: og, k: g.cg, a: x + mine.lowerBound * g.c + group * g.cg, lda: g.c,
                               panels: panels + group * panelFloats, accumulate: bias != nil,
                               c: y + mine.lowerBound * o + group * og, ldc: o,
                               scratch: panels + g.groups * panelFloats + t * scratchFloats)
            }
        }
    }

    /// Adds dL/dW into `weightGrad` when it is non-nil and writes dL/dx into `dx` (zero-filled
    /// by the caller) when that is non-nil. Workers own whole images, so col2im never writes
    /// the same input pixel from two threads; each worker past the first sums its weight
    /// gradient privately, added in at the end.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, workspace: ConvWorkspace, parallel: Parallel, blasThreads: Int) {
        if weightGrad == nil && dx == nil { return }
        nonisolated(unsafe) let x = x, weight = weight, dy = dy, weightGrad = weightGrad, dx = dx
        let o = g.o, og = g.og, patch = g.patch
        let per = g.isPointwise ? g.oh : workspace.chunkImageRows(patch: patch, ow: g.ow, imageRows: g.n * g.oh)
        let team = workers(parallel, units: g.n, blasThreads: blasThreads)
        let chunkFloats = g.isPointwise ? 0 : per * g.ow * patch
        let weightFloats = o * patch
        let extra = weightGrad == nil ? 0 : (team - 1) * weightFloats
        nonisolated(unsafe) let scratch = workspace.buffer(team * chunkFloats + extra)
        let copies = team > 1 ? Parallel.serial : parallel
        parallel.forEach(team) { t in
            let images = share(g.n, t, team)
            let mine = (images.lowerBound * g.oh)..<(images.upperBound * g.oh)
            var dW = weightGrad
            if dW != nil && t > 0 {
                dW = scratch + team * chunkFloats + (t - 1) * weightFloats
                dW!.update(repeating: 0, count: weightFloats)
            }
            if g.isPointwise {
                let rows = (mine.lowerBound * g.ow)..<(mine.upperBound * g.ow)
                for group in 0..<g.groups {
                    let dyBlock = dy + rows.lowerBound * o + group * og
                    if let dW {
                        BLAS.gemm(transA: true, m: og, n: g.cg, k: rows.count,
                                  a: dyBlock, lda: o, b: x + rows.lowerBound * g.c + group * g.cg, ldb: g.c,
                                  beta: 1, c: dW + group * og * g.cg, ldc: g.cg)
                    }
                    if let dx {
                        BLAS.gemm(m: rows.count, n: g.cg, k: og,
                                  a: dyBlock, lda: o, b: weight + group * og * g.cg, ldb: g.cg,
                                  beta: 0, c: dx + rows.lowerBound * g.c + group * g.cg, ldc: g.c)
                    }
                }
                return
            }
            let cols = scratch + t * chunkFloats
            forEachChunk(mine, per) { chunk in
                let m = chunk.count * g.ow
                for group in 0..<g.groups {
                    let dyBlock = dy + chunk.start * g.ow * o + group * og
                    if let dW {
                        Im2col.im2col(x, g, group: group, chunk: chunk, cols: cols, parallel: copies)
                        BLAS.gemm(transA: true, m: og, n: patch, k: m, a: dyBlock, lda: o, b: cols, ldb: patch,
                                  beta: 1, c: dW + group * og * patch, ldc: patch)
                    }
                    if let dx {
                        // The same scratch now holds the column gradients.
                        BLAS.gemm(m: m, n: patch, k: og, a: dyBlock, lda: o,
                                  b: weight + group * og * patch, ldb: patch, beta: 0, c: cols, ldc: patch)
                        Im2col.col2im(cols, g, group: group, chunk: chunk, dx: dx, parallel: copies)
                    }
                }
            }
        }
        if let total = weightGrad, team > 1 {
            nonisolated(unsafe) let total = total, partials = scratch + team * chunkFloats
            parallel.chunks(weightFloats, minChunk: 1 << 14) { range in
                for t in 1..<team {
                    let p = partials + (t - 1) * weightFloats
                    for i in range { total[i] += p[i] }
                }
            }
        }
    }

    /// Calls `body` on consecutive chunks of at most `per` output image rows covering `rows`.
    @inline(__always)
    private static func forEachChunk(_ rows: Range<Int>, _ per: Int, _ body: (RowChunk) -> Void) {
        var start = rows.lowerBound
        while start < rows.upperBound {
            let count = min(per, rows.upperBound - start)
            body(RowChunk(start: start, count: count))
            start += count
        }
    }
}
