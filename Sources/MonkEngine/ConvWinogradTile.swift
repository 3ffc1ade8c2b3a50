// The two Winograd variants a 3×3 stride-1 convolution can run: F(2×2,3×3) and F(4×4,3×3),
// their sizes, and the float32 error each adds (measured, not assumed).

/// The output tile of a Winograd convolution F(m×m, 3×3): each tile reads an (m+2)² input
/// window and costs (m+2)² products per channel pair instead of the direct 9·m².
///
/// Float32 error, as max |error| / max |exact| of a random layer's output or gradient (uniform
/// inputs, PyTorch-scaled weights, 196 tiles), worst of 10 layers, against float64
/// (`python3 benchmarks/winograd_error.py`, 2026-12-06; the tests measure our kernels too):
///
/// | channels in = out | 64: y | dx | dW | 256: y | dx | dW |
/// |---|---|---|---|---|---|---|
/// | F(2×2), points 0, ±1, ∞ | 3.7e-7 | 4.8e-7 | 8.1e-7 | 7.1e-7 | 1.0e-6 | 7.8e-7 |
/// | F(4×4), points 0, ±1, ±2, ∞ | 8.0e-6 | 4.6e-6 | 9.0e-6 | 1.4e-5 | 9.5e-6 | 1.1e-5 |
/// | F(4×4), points 0, ±1, ±1/2, ∞ | 8.2e-6 | 4.5e-6 | 9.5e-6 | 2.0e-5 | 9.3e-6 | 1.2e-5 |
/// | F(4×4), points 0, ±1, 1/2, −2, ∞ (ours) | 2.7e-6 | 2.2e-6 | 3.1e-6 | 5.6e-6 | 4.8e-6 | 4.5e-6 |
///
/// So F(4×4) on our points rounds 5–8× more than F(2×2) (about 20–50 float32 ulps of the
/// largest value, far below a training step's noise) for 2.25 products per output instead of 4;
/// the usual ±2 points would round 2–3× more again.
public enum WinogradTile: Int, Sendable, CaseIterable {
    /// F(2×2,3×3): 4×4 windows, 16 products per 4 outputs.
    case f2 = 2
    /// F(4×4,3×3): 6×6 windows, 36 products per 16 outputs.
    case f4 = 4

    /// Outputs per tile side, m.
    var outputs: Int { rawValue }
    /// Input window side, m + 2.
    var window: Int { rawValue + 2 }
    /// Transformed positions per tile, and so GEMMs per chunk: (m + 2)².
    var positions: Int { window * window }
}
