// Convolution padding modes and the sizes one convolution call works with.

/// How a convolution pads its input with zeros.
public enum Padding: Sendable, Equatable {
    /// `p` zero pixels on every side (PyTorch's `padding=p`).
    case symmetric(Int)
    /// TensorFlow's "SAME": the output has ceil(in / stride) pixels; the total padding
    /// max((ceil(in/stride) - 1)·stride + k - in, 0) is split with the smaller half on
    /// top/left (the extra pixel goes bottom/right).
    case same

    /// Padding before the first pixel and output length along one axis.
    public func resolve(input: Int, kernel: Int, stride: Int) -> (before: Int, output: Int) {
        switch self {
        case .symmetric(let p):
            return (p, (input + 2 * p - kernel) / stride + 1)
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + kernel - input, 0)
            return (total / 2, out)
        }
    }
}

/// Every size of one convolution call, NHWC input `[n, h, w, c]` → output `[n, oh, ow, o]`,
/// OHWI weights `[o, kh, kw, c/groups]`. A value type so parallel loops can capture it.
struct ConvGeometry: Sendable, Equatable {
    let n, h, w, c: Int
    let o, kh, kw: Int
    let stride: Int
    let padTop, padLeft: Int
    let oh, ow: Int
    let groups: Int

    init(input shape: [Int], outChannels: Int, kernel: Int, stride: Int, padding: Padding, groups: Int) {
        precondition(shape.count == 4, "Conv2D expects NHWC input [N, H, W, C], got \(shape)")
        n = shape[0]; h = shape[1]; w = shape[2]; c = shape[3]
        o = outChannels; kh = kernel; kw = kernel
        self.stride = stride
        self.groups = groups
        let y = padding.resolve(input: h, kernel: kernel, stride: stride)
        let x = padding.resolve(input: w, kernel: kernel, stride: stride)
        padTop = y.before; oh = y.output
        padLeft = x.before; ow = x.output
        precondition(oh > 0 && ow > 0, "Conv2D: input \(h)×\(w) too small for a \(kernel)×\(kernel) kernel with \(padding)")
    }

    /// Input channels per group.
    var cg: Int { c / groups }
    /// Output channels per group.
    var og: Int { o / groups }
    /// Output pixels: the GEMM's M dimension (the batch is folded in).
    var rows: Int { n * oh * ow }
    /// One im2col row for one group: kh·kw·cg values in (ky, kx, channel) order, which is
    /// the OHWI weight row, so weights are used as stored.
    var patch: Int { kh * kw * cg }
    /// A 1×1, stride-1, unpadded convolution reads the activation buffer as its im2col matrix.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padTop == 0 && padLeft == 0 }
    /// One filter per input channel (times a multiplier): handled by the direct loop.
    var isDepthwise: Bool { groups > 1 && groups == c }
    var inputShape: [Int] { [n, h, w, c] }
    var outputShape: [Int] { [n, oh, ow, o] }
}
