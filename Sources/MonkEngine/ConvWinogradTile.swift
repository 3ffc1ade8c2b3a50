// The two Winograd variants a 3×3 stride-1 convolution can run: F(2×2,3×3) and F(4×4,3×3),
// their sizes, and the float32 error each adds (measured, not assumed).

/// The output tile of a Winograd convolution F(m×m, 3×3): each tile reads an (m+2)² input
/// window and costs (m+2)² products per channel pair instead of the direct 9·m².
///
/// Float32 error, as max |error| / max |exact| over one random layer (uniform inputs,
/// PyTorch-scaled weights, 196 tiles), worst of 10 layers at 64 and at 256 channels, against
/// float64 (`python3 benchmarks/winograd_error.py`; the tests measure the same on our kernels):
///
/// | | forward y | input gradient | weight gradient |
/// |---|---|---|---|
/// | F(2×2), points 0, ±1, ∞ | 3.7e-7 | 4.8e-7 | 8.1e-7 |
/// | F(4×4), points 0, ±1, ±2, ∞ | 8.0e-6 | 3.8e-6 | 9.0e-6 |
/// | F(4×4), points 0, ±1, 1/2, −2, ∞ (ours) | 2.7e-6 | 2.2e-6 | 3.1e-6 |
///
/// F(4×4) thus adds about 7× the rounding of F(2×2) — some 20 float32 ulps of the largest
/// output, far below the noise of a training step — for 2.25 products per output instead of 4.
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
