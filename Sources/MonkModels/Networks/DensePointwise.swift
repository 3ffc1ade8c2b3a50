// The dense layer's 1×1 bottleneck convolution as plain GEMMs on an input the caller passes in
// again for backward, so the input need not stay alive in between (a `Conv2D` caches it).
import MonkEngine

/// `y = z·Wᵀ`, `dW += dyᵀ·z`, `dz = dy·W` for a 1×1, stride-1, bias-free, ungrouped `Conv2D`
/// on NHWC data: the pixels of the whole batch are the GEMM rows.
///
/// Rows are split between threads exactly as `Conv2D` splits a pointwise product (forward by
/// image rows, backward by whole images with private weight-gradient partials added in thread
/// order), so every sum runs in the same order and the results are bit-identical to
/// `conv.forward` / `conv.backward` on the same input.
enum DensePointwise {
    /// Workers for `units` separable pieces: OpenBLAS threads or ours, never both at once.
    private static func team(_ parallel: Parallel, units: Int) -> Int {
        BLAS.threads > 1 ? 1 : max(1, min(parallel.threads, units))
    }

    private static func share(_ count: Int, _ t: Int, _ workers: Int) -> Range<Int> {
        (t * count / workers)..<((t + 1) * count / workers)
    }

    private static func check(_ conv: Conv2D, _ z: Tensor) {
        precondition(conv.kernelSize == 1 && conv.stride == 1 && conv.groups == 1 && conv.bias == nil,
                     "DensePointwise runs only 1×1, stride-1, ungrouped convolutions without bias")
        precondition(z.rank == 4 && z.shape[3] == conv.inChannels,
                     "DensePointwise: conv \(conv.inChannels)→\(conv.outChannels) got input \(z.shape)")
    }

    // z: [N, H, W, C] → [N, H, W, O]
    static func forward(_ conv: Conv2D, _ z: Tensor, _ parallel: Parallel) -> Tensor {
        check(conv, z)
        let (n, h, w, c, o) = (z.shape[0], z.shape[1], z.shape[2], conv.inChannels, conv.outChannels)
        let y = Tensor(uninitializedShape: [n, h, w, o])  // the GEMM (beta 0) writes every element
        nonisolated(unsafe) let x = UnsafePointer(z.data), wt = UnsafePointer(conv.weight.value.data), out = y.data
        let imageRows = n * h, workers = team(parallel, units: imageRows)
        parallel.forEach(workers) { t in
            let mine = share(imageRows, t, workers)
            let rows = (mine.lowerBound * w)..<(mine.upperBound * w)
            BLAS.gemm(transB: true, m: rows.count, n: o, k: c, a: x + rows.lowerBound * c, lda: c,
                      b: wt, ldb: c, beta: 0, c: out + rows.lowerBound * o, ldc: o)
        }
        return y
    }

    /// Adds dL/dW into `conv.weight.grad` when the weight trains; returns dL/dz when
    /// `needsInputGradient`, else nil. `z` must equal the forward's input.
    // z: [N, H, W, C], dy: [N, H, W, O] → dz: [N, H, W, C]
    static func backward(_ conv: Conv2D, _ z: Tensor, _ dy: Tensor, needsInputGradient: Bool,
                         _ parallel: Parallel) -> Tensor? {
        check(conv, z)
        let (n, h, w, c, o) = (z.shape[0], z.shape[1], z.shape[2], conv.inChannels, conv.outChannels)
        precondition(dy.shape == [n, h, w, o], "DensePointwise.backward: dy \(dy.shape) for input \(z.shape)")
        let trains = conv.weight.trainable
        guard trains || needsInputGradient else { return nil }
        let dz = needsInputGradient ? Tensor(uninitializedShape: z.shape) : nil  // written by a beta-0 GEMM
        let workers = team(parallel, units: n), weightFloats = o * c
        // Workers past the first sum their weight gradient privately; added in order below.
        let partials = trains && workers > 1 ? Tensor(shape: [workers - 1, weightFloats]) : nil
        nonisolated(unsafe) let x = UnsafePointer(z.data), wt = UnsafePointer(conv.weight.value.data)
        nonisolated(unsafe) let g = UnsafePointer(dy.data), dx = dz?.data
        nonisolated(unsafe) let grad = trains ? conv.weight.grad.data : nil, part = partials?.data
        parallel.forEach(workers) { t in
            let images = share(n, t, workers)
            let rows = (images.lowerBound * h * w)..<(images.upperBound * h * w)
            let dyBlock = g + rows.lowerBound * o
            if let grad {
                let dW = t == 0 ? grad : part! + (t - 1) * weightFloats
                BLAS.gemm(transA: true, m: o, n: c, k: rows.count, a: dyBlock, lda: o,
                          b: x + rows.lowerBound * c, ldb: c, beta: 1, c: dW, ldc: c)
            }
            if let dx {
                BLAS.gemm(m: rows.count, n: c, k: o, a: dyBlock, lda: o, b: wt, ldb: c,
                          beta: 0, c: dx + rows.lowerBound * c, ldc: c)
            }
        }
        if let partials {
            let total = conv.weight.grad
            parallel.chunks(weightFloats, minChunk: 1 << 14) { range in
                for t in 1..<workers {
                    let p = partials.data + (t - 1) * weightFloats
                    for i in range { total.data[i] += p[i] }
                }
            }
        }
        return dz
    }
}
