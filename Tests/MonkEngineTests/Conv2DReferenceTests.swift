// Test-only reference convolution: the textbook seven nested loops over NHWC/OHWI data,
// itself checked against a hand computation.
import Testing
@testable import MonkEngine

/// One convolution configuration for table-driven tests.
struct ConvCase: CustomStringConvertible, Sendable {
    var n = 1, h = 5, w = 7, cin = 3, cout = 5, k = 3, stride = 1
    var padding: Padding = .symmetric(1)
    var groups = 1
    var bias = true

    var description: String {
        "[\(n),\(h),\(w),\(cin)]→\(cout) k\(k) s\(stride) \(padding) g\(groups)\(bias ? " +b" : "")"
    }

    func makeConv(seed: UInt64 = 11) -> Conv2D {
        var rng = RNG(seed: seed)
        return Conv2D(inChannels: cin, outChannels: cout, kernelSize: k, stride: stride,
                      padding: padding, groups: groups, bias: bias, rng: &rng)
    }

    func makeInput(seed: UInt64 = 5) -> Tensor { randomTensor([n, h, w, cin], seed: seed) }
}

/// Padding before the first pixel and output size along one axis, straight from the
/// definitions: PyTorch's floor((in + 2p − k)/s) + 1, and TensorFlow's SAME rule
/// out = ceil(in/s), total = max((out−1)·s + k − in, 0), top/left = floor(total/2).
func referencePadding(_ padding: Padding, input: Int, kernel k: Int, stride s: Int) -> (Int, Int) {
    switch padding {
    case .symmetric(let p):
        return (p, Int((Double(input + 2 * p - k) / Double(s)).rounded(.down)) + 1)
    case .same:
        let out = Int((Double(input) / Double(s)).rounded(.up))
        let total = max((out - 1) * s + k - input, 0)
        return (total / 2, out)
    }
}

/// y[n,oy,ox,o] = b[o] + Σ_{ky,kx,ci} x[n, oy·s−pt+ky, ox·s−pl+kx, g·cg+ci] · w[o,ky,kx,ci],
/// with taps outside the image counting as zero; accumulated in Double.
func referenceConv(_ x: Tensor, weight w: Tensor, bias b: Tensor?, stride s: Int, padding: Padding,
                   groups: Int) -> Tensor {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw, cg) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let (pt, oh) = referencePadding(padding, input: h, kernel: kh, stride: s)
    let (pl, ow) = referencePadding(padding, input: wd, kernel: kw, stride: s)
    let og = o / groups
    let y = Tensor(shape: [n, oh, ow, o])
    for b0 in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for oc in 0..<o {
        var acc = Double(b?[oc] ?? 0)
        let group = oc / og
        for ky in 0..<kh { for kx in 0..<kw { for ci in 0..<cg {
            let iy = oy * s - pt + ky, ix = ox * s - pl + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            let xv = x[((b0 * h + iy) * wd + ix) * c + group * cg + ci]
            acc += Double(xv) * Double(w[((oc * kh + ky) * kw + kx) * cg + ci])
        }}}
        y[((b0 * oh + oy) * ow + ox) * o + oc] = Float(acc)
    }}}}
    return y
}

/// Largest |a − b| over two tensors of equal shape.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// The reference itself, checked by hand, so the other tests rest on something verified.
@Suite struct Conv2DReferenceTests {
    /// 4×4 input 1…16, 3×3 ones kernel, stride 2, SAME: out 2×2, total pad
    /// max((2−1)·2 + 3 − 4, 0) = 1, all of it bottom/right. Each output is the sum of the
    /// window: rows 0–2 × cols 0–2 = 6+18+30 = 54; cols 2–3 = 7+15+23 = 45;
    /// rows 2–3 × cols 0–2 = 30+42 = 72; rows 2–3 × cols 2–3 = 23+31 = 54.
    @Test func sameStrideTwoByHand() {
        let x = Tensor(shape: [1, 4, 4, 1], values: (1...16).map(Float.init))
        let w = Tensor(shape: [1, 3, 3, 1], repeating: 1)
        let y = referenceConv(x, weight: w, bias: nil, stride: 2, padding: .same, groups: 1)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.array == [54, 45, 72, 54])
    }
}

/// dL/dx and dL/dW of an ungrouped convolution with stride `s` for L = Σ y·dy, straight from the
/// definition y[n,oy,ox,o] = Σ x[n, oy·s−pt+ky, ox·s−pl+kx, c]·w[o,ky,kx,c], accumulated in Double.
func referenceConvGradients(_ x: Tensor, weight w: Tensor, dy: Tensor, stride s: Int = 1,
                            padding: Padding) -> (dx: Tensor, dW: Tensor) {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[1], w.shape[2])
    let (pt, oh) = referencePadding(padding, input: h, kernel: kh, stride: s)
    let (pl, ow) = referencePadding(padding, input: wd, kernel: kw, stride: s)
    var dx = [Double](repeating: 0, count: x.count), dW = [Double](repeating: 0, count: w.count)
    for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for oc in 0..<o {
        let g = Double(dy[((b * oh + oy) * ow + ox) * o + oc])
        for ky in 0..<kh { for kx in 0..<kw {
            let iy = oy * s - pt + ky, ix = ox * s - pl + kx
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            let xi = ((b * h + iy) * wd + ix) * c, wi = ((oc * kh + ky) * kw + kx) * c
            for ci in 0..<c {
                dx[xi + ci] += g * Double(w[wi + ci])
                dW[wi + ci] += g * Double(x[xi + ci])
            }
        }}
    }}}}
    return (Tensor(shape: x.shape, values: dx.map(Float.init)), Tensor(shape: w.shape, values: dW.map(Float.init)))
}

/// max |got − want| / max |want|: a float32 result's error relative to its largest value.
func relativeError(_ got: Tensor, _ want: Tensor) -> Float {
    var peak: Float = 0
    for i in 0..<want.count { peak = max(peak, abs(want[i])) }
    return maxAbsDifference(got, want) / max(peak, .leastNormalMagnitude)
}

/// One ungrouped layer of `cs` with `seed` through `algorithm`: the relative errors
/// (`relativeError`) of its forward and of the backward of a random dy against the direct
/// float64 convolution and its adjoints.
func convErrors(_ cs: ConvCase, _ algorithm: ConvAlgorithm, seed: UInt64) throws -> (y: Float, dx: Float, dW: Float) {
    let conv = cs.makeConv(seed: seed)
    conv.algorithm = algorithm
    let x = cs.makeInput(seed: seed + 100)
    let ctx = Context(training: true)
    let y = conv.forward(x, ctx)
    let dy = randomTensor(y.shape, seed: seed + 200)
    let dx = try #require(conv.backward(dy, ctx))
    let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value, stride: cs.stride,
                             padding: cs.padding, groups: 1)
    let (dxWant, dWWant) = referenceConvGradients(x, weight: conv.weight.value, dy: dy, stride: cs.stride,
                                                  padding: cs.padding)
    return (relativeError(y, want), relativeError(dx, dxWant), relativeError(conv.weight.grad, dWWant))
}
