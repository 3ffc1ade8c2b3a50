// The small fixed matrices of Winograd's F(2×2, 3×3) and their transposes, applied to 16
// channels at a time: the input, filter and output transforms and their adjoints.
//
// F(2,3) (Lavin & Gray 2016): y = Aᵀ[(G g) ⊙ (Bᵀ d)] for a 4-tap input d and a 3-tap filter g
// gives the 2 outputs of the correlation y_i = Σ_k d_{i+k} g_k with 4 products instead of 6.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// In 2-D every transform is applied along rows, then along columns (X ↦ Mᵀ X M). The gradient
// passes use the transposes: dM = A dy Aᵀ, dx = B dV Bᵀ, dW = Gᵀ dU G.

/// 16 lanes of one transform position; the lanes are channels.
typealias Lanes = SIMD16<Float>

enum WinogradTransforms {
    /// Bᵀ applied to four values along one axis.
    @inline(__always)
    static func inputAxis(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes, _ d3: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
        (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
    }

    /// Bᵀ d B for a 4×4 tile `d` (row-major); returns the 16 transformed positions, row-major.
    @inline(__always)
    static func input(_ d: UnsafeMutablePointer<Lanes>) {
        // Rows first (Bᵀ d), then columns (· B).
        for j in 0..<4 {
            let r = inputAxis(d[j], d[4 + j], d[8 + j], d[12 + j])
            d[j] = r.0; d[4 + j] = r.1; d[8 + j] = r.2; d[12 + j] = r.3
        }
        for i in 0..<4 {
            let r = inputAxis(d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3])
            d[4 * i] = r.0; d[4 * i + 1] = r.1; d[4 * i + 2] = r.2; d[4 * i + 3] = r.3
        }
    }

    /// B applied to four values along one axis (the adjoint of `inputAxis`).
    @inline(__always)
    static func inputAdjointAxis(_ v0: Lanes, _ v1: Lanes, _ v2: Lanes, _ v3: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
        (v0, v1 - v2 + v3, v1 + v2 - v0, -v3)
    }

    /// B dV Bᵀ: the input-tile gradient of the 16 transformed-position gradients, in place.
    @inline(__always)
    static func inputAdjoint(_ v: UnsafeMutablePointer<Lanes>) {
        for j in 0..<4 {
            let r = inputAdjointAxis(v[j], v[4 + j], v[8 + j], v[12 + j])
            v[j] = r.0; v[4 + j] = r.1; v[8 + j] = r.2; v[12 + j] = r.3
        }
        for i in 0..<4 {
            let r = inputAdjointAxis(v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3])
            v[4 * i] = r.0; v[4 * i + 1] = r.1; v[4 * i + 2] = r.2; v[4 * i + 3] = r.3
        }
    }

    /// Aᵀ applied to four values along one axis: the two outputs.
    @inline(__always)
    static func outputAxis(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes) -> (Lanes, Lanes) {
        (m0 + m1 + m2, m1 - m2 - m3)
    }

    /// A applied to two values along one axis (the adjoint of `outputAxis`).
    @inline(__always)
    static func outputAdjointAxis(_ y0: Lanes, _ y1: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
        (y0, y0 + y1, y0 - y1, -y1)
    }

    /// G applied to three filter taps along one axis.
    @inline(__always)
    static func filterAxis(_ g0: Lanes, _ g1: Lanes, _ g2: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
        let half: Lanes = .init(repeating: 0.5)
        let outer = (g0 + g2) * half, middle = g1 * half
        return (g0, outer + middle, outer - middle, g2)
    }

    /// Gᵀ applied to four values along one axis (the adjoint of `filterAxis`).
    @inline(__always)
    static func filterAdjointAxis(_ u0: Lanes, _ u1: Lanes, _ u2: Lanes, _ u3: Lanes) -> (Lanes, Lanes, Lanes) {
        let half: Lanes = .init(repeating: 0.5)
        let sum = (u1 + u2) * half
        return (u0 + sum, (u1 - u2) * half, sum + u3)
    }
}

/// Up to 16 floats as lanes; missing lanes read as zero and are not written.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ count: Int) -> Lanes {
    if count == 16 { return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    var v = Lanes()
    for i in 0..<count { v[i] = p[i] }
    return v
}

@inline(__always)
func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == 16 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self); return }
    for i in 0..<count { p[i] = v[i] }
}
