// Output sizes and window bounds shared by the 2-D pooling layers (PyTorch floor mode).

/// The geometry of a k×k pooling window sliding with a stride over a zero- or
/// −∞-padded NHWC map: output size `⌊(in + 2·pad − k) / stride⌋ + 1` (PyTorch's default
/// `ceil_mode=False`).
struct PoolGeometry: Sendable {
    let n: Int, h: Int, w: Int, c: Int
    let kernel: Int, stride: Int, padding: Int
    let outH: Int, outW: Int

    init(input shape: [Int], kernel: Int, stride: Int, padding: Int, layer: String) {
        precondition(shape.count == 4, "\(layer) needs NHWC input, got \(shape)")
        precondition(kernel > 0 && stride > 0 && padding >= 0, "\(layer): bad kernel/stride/padding")
        // PyTorch rejects larger pads: a window could then lie wholly in the padding.
        precondition(padding <= kernel / 2, "\(layer): padding \(padding) exceeds half the kernel \(kernel)")
        (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
        precondition(h + 2 * padding >= kernel && w + 2 * padding >= kernel,
                     "\(layer): kernel \(kernel) larger than the padded input \(shape)")
        outH = (h + 2 * padding - kernel) / stride + 1
        outW = (w + 2 * padding - kernel) / stride + 1
    }

    var outputShape: [Int] { [n, outH, outW, c] }

    /// Input rows covered by output row `i`, clipped to the image.
    @inline(__always) func rows(_ i: Int) -> Range<Int> {
        let lo = i * stride - padding
        return max(0, lo)..<min(h, lo + kernel)
    }

    /// Input columns covered by output column `j`, clipped to the image.
    @inline(__always) func cols(_ j: Int) -> Range<Int> {
        let lo = j * stride - padding
        return max(0, lo)..<min(w, lo + kernel)
    }
}
