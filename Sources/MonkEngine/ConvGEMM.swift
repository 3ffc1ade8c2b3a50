// Dense and grouped convolution as GEMMs on NHWC data: y = cols·Wᵀ, dW += dyᵀ·cols,
// dcols = dy·W followed by col2im.

/// The GEMM formulation. Rows of every matrix are output pixels with the batch folded in
/// (M = n·oh·ow), so even 4×4 maps give OpenBLAS a tall matrix. A 1×1 stride-1 convolution
/// multiplies the activation buffer itself (a group is a column slice, via the leading
/// dimension); anything else goes through im2col in chunks of output rows, into the layer's
/// reusable workspace. Copies run on `parallel`'s threads, products on OpenBLAS's, one after
/// the other, never at the same time.
enum ConvGEMM {
    static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>, _ g: ConvGeometry,
                        workspace: ConvWorkspace, parallel: Parallel) {
        let o = g.o, og = g.og
        var beta: Float = 0
        if let bias {
            // Start from the bias and accumulate the products onto it (beta = 1).
            for r in 0..<g.rows { (y + r * o).update(from: bias, count: o) }
            beta = 1
        }
        if g.isPointwise {
            for group in 0..<g.groups {
                BLAS.gemm(transB: true, m: g.rows, n: og, k: g.cg,
                          a: x + group * g.cg, lda: g.c, b: weight + group * og * g.cg, ldb: g.cg,
                          beta: beta, c: y + group * og, ldc: o)
            }
            return
        }
        forEachChunk(g, workspace) { chunk, cols in
            let m = chunk.count * g.ow, first = chunk.start * g.ow
            for group in 0..<g.groups {
                Im2col.im2col(x, g, group: group, chunk: chunk, cols: cols, parallel: parallel)
                BLAS.gemm(transB: true, m: m, n: og, k: g.patch,
                          a: cols, lda: g.patch, b: weight + group * og * g.patch, ldb: g.patch,
                          beta: beta, c: y + first * o + group * og, ldc: o)
            }
        }
    }

    /// Adds dL/dW into `weightGrad` when it is non-nil and writes dL/dx into `dx` (zero-filled
    /// by the caller) when that is non-nil.
    static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         weightGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?,
                         _ g: ConvGeometry, workspace: ConvWorkspace, parallel: Parallel) {
        let o = g.o, og = g.og, cg = g.cg
        if g.isPointwise {
            for group in 0..<g.groups {
                if let weightGrad {
                    BLAS.gemm(transA: true, m: og, n: cg, k: g.rows,
                              a: dy + group * og, lda: o, b: x + group * cg, ldb: g.c,
                              beta: 1, c: weightGrad + group * og * cg, ldc: cg)
                }
                if let dx {
                    BLAS.gemm(m: g.rows, n: cg, k: og,
                              a: dy + group * og, lda: o, b: weight + group * og * cg, ldb: cg,
                              beta: 0, c: dx + group * cg, ldc: g.c)
                }
            }
            return
        }
        if weightGrad == nil && dx == nil { return }
        forEachChunk(g, workspace) { chunk, cols in
            let m = chunk.count * g.ow, first = chunk.start * g.ow
            for group in 0..<g.groups {
                let dyBlock = dy + first * o + group * og
                if let weightGrad {
                    Im2col.im2col(x, g, group: group, chunk: chunk, cols: cols, parallel: parallel)
                    BLAS.gemm(transA: true, m: og, n: g.patch, k: m,
                              a: dyBlock, lda: o, b: cols, ldb: g.patch,
                              beta: 1, c: weightGrad + group * og * g.patch, ldc: g.patch)
                }
                if let dx {
                    // The same scratch now holds the column gradients.
                    BLAS.gemm(m: m, n: g.patch, k: og,
                              a: dyBlock, lda: o, b: weight + group * og * g.patch, ldb: g.patch,
                              beta: 0, c: cols, ldc: g.patch)
                    Im2col.col2im(cols, g, group: group, chunk: chunk, dx: dx, parallel: parallel)
                }
            }
        }
    }

    /// Splits the output rows into chunks whose im2col matrix fits the workspace limit and
    /// calls `body` with each chunk and the scratch buffer.
    private static func forEachChunk(_ g: ConvGeometry, _ workspace: ConvWorkspace,
                                     _ body: (RowChunk, UnsafeMutablePointer<Float>) -> Void) {
        let imageRows = g.n * g.oh
        let per = workspace.chunkRows(rowLength: g.patch, alignRows: g.ow, totalRows: imageRows * g.ow) / g.ow
        let cols = workspace.buffer(max(1, per) * g.ow * g.patch)
        var start = 0
        while start < imageRows {
            let count = min(max(1, per), imageRows - start)
            body(RowChunk(start: start, count: count), cols)
            start += count
        }
    }
}
