// Explicit 16-lane loops for the element-wise layers: the compiler will not vectorise a select
// on a comparison by itself, and a branch per element mispredicts on activations.

/// 16 floats: four SSE registers on the baseline target, one AVX-512 register when built for it.
typealias Vec16 = SIMD16<Float>

@inline(__always) func loadVec(_ p: UnsafePointer<Float>) -> Vec16 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec16.self)
}

@inline(__always) func storeVec(_ v: Vec16, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec16.self)
}

enum VectorLoops {
    /// Elements per thread below which a streaming pass runs inline: 32 Ki floats take ~10 µs
    /// at memory speed, about what handing work to another thread and back costs.
    static let minChunk = 32_768

    /// y[i] = min(max(x[i], lo), hi) for i in range (hi = +∞ for ReLU). NaN stays NaN, as in PyTorch.
    @inline(__always)
    static func clamp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>, lo: Float, hi: Float) {
        var i = range.lowerBound
        let vlo = Vec16(repeating: lo), vhi = Vec16(repeating: hi)
        while i + 16 <= range.upperBound {
            let v = loadVec(x + i)
            storeVec(v.replacing(with: vlo, where: v .< vlo).replacing(with: vhi, where: v .> vhi), y + i)
            i += 16
        }
        while i < range.upperBound {
            let v = x[i]
            y[i] = v < lo ? lo : (v > hi ? hi : v)
            i += 1
        }
    }

    /// dx[i] = lo < x[i] < hi ? dy[i] : 0 for i in range.
    @inline(__always)
    static func passInside(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                           _ range: Range<Int>, lo: Float, hi: Float) {
        var i = range.lowerBound
        let vlo = Vec16(repeating: lo), vhi = Vec16(repeating: hi), zero = Vec16()
        while i + 16 <= range.upperBound {
            let v = loadVec(x + i)
            storeVec(zero.replacing(with: loadVec(dy + i), where: (v .> vlo) .& (v .< vhi)), dx + i)
            i += 16
        }
        while i < range.upperBound {
            dx[i] = (x[i] > lo && x[i] < hi) ? dy[i] : 0
            i += 1
        }
    }

    /// y[i] = max(0, y[i] + x[i]) for i in range, bit for bit `Swift.max(0, s)` (s ≥ 0 ? s : 0:
    /// a NaN sum becomes 0, −0 stays −0).
    @inline(__always)
    static func addReLU(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        let zero = Vec16()
        while i + 16 <= range.upperBound {
            let s = loadVec(y + i) + loadVec(x + i)
            storeVec(zero.replacing(with: s, where: s .>= zero), y + i)
            i += 16
        }
        while i < range.upperBound {
            y[i] = max(0, y[i] + x[i])
            i += 1
        }
    }
}

/// Whole-tensor element-wise passes for network code outside the engine (residual blocks),
/// split across threads in contiguous ranges; each element's result does not depend on the split.
public enum Elementwise {
    /// dL/dx of a clamp to [0, cap] given its output `y`: dy where 0 < y < cap, else 0
    /// (a new tensor). cap = ∞ is ReLU's gradient, 6 is ReLU6's.
    public static func clampGradient(_ dy: Tensor, output y: Tensor, cap: Float = .infinity, parallel: Parallel) -> Tensor {
        precondition(dy.count == y.count, "activation gradient: dy \(dy.shape) vs y \(y.shape)")
        let dx = Tensor(uninitializedShape: y.shape)  // every element is written
        parallel.chunks(y.count, minChunk: VectorLoops.minChunk) { r in
            VectorLoops.passInside(y.data, dy.data, dx.data, r, lo: 0, hi: cap)
        }
        return dx
    }

    /// y += x in place (a residual connection).
    public static func add(_ x: Tensor, into y: Tensor, parallel: Parallel) {
        precondition(y.shape == x.shape, "residual add: \(y.shape) vs \(x.shape)")
        parallel.chunks(y.count, minChunk: VectorLoops.minChunk) { r in
            let yp = y.data, xp = x.data
            for i in r { yp[i] += xp[i] }
        }
    }

    /// y = max(0, y + x) in place: ResNet v1's "add, then ReLU" in one pass over memory.
    public static func addReLU(_ x: Tensor, into y: Tensor, parallel: Parallel) {
        precondition(y.shape == x.shape, "residual add: \(y.shape) vs \(x.shape)")
        parallel.chunks(y.count, minChunk: VectorLoops.minChunk) { r in
            VectorLoops.addReLU(y.data, x.data, r)
        }
    }
}
