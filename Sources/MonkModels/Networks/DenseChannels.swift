// Channel-range copies between a dense block's shared buffer [N, H, W, total] and contiguous
// tensors [N, H, W, width]: each layer's new maps in, gradients of a channel range out.
import MonkEngine

enum DenseChannels {
    /// Channels `range` of every pixel of `g` ([…, total]) as a new contiguous tensor.
    static func copy(_ g: Tensor, _ range: Range<Int>, _ parallel: Parallel) -> Tensor {
        let total = g.shape.last ?? 1
        precondition(range.lowerBound >= 0 && range.upperBound <= total, "DenseChannels.copy: \(range) of \(g.shape)")
        let rows = g.count / total, width = range.count, start = range.lowerBound
        let out = Tensor(uninitializedShape: Array(g.shape.dropLast()) + [width])  // every pixel is copied
        parallel.chunks(rows, minChunk: max(1, 16_384 / total)) { r in
            for p in r { (out.data + p * width).update(from: g.data + p * total + start, count: width) }
        }
        return out
    }

    /// g[…, offset..<offset+w] = x where x is [..., w]: writes a piece into the shared buffer.
    static func write(_ x: Tensor, into g: Tensor, at offset: Int, _ parallel: Parallel) {
        let total = g.shape.last ?? 1, width = x.shape.last ?? 1, rows = x.count / width
        precondition(offset >= 0 && offset + width <= total && rows * total == g.count,
                     "DenseChannels.write: \(x.shape) at channel \(offset) of \(g.shape)")
        parallel.chunks(rows, minChunk: max(1, 16_384 / total)) { r in
            for p in r { (g.data + p * total + offset).update(from: x.data + p * width, count: width) }
        }
    }
}
