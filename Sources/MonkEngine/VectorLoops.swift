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
}
