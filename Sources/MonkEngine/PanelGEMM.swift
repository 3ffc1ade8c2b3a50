// Matrix products of thin layers on AVX-512 CPUs, in C (Sources/CKernels/panels.c): the
// weights packed into 32-column panels per call, the activations read in place, C written once.
import CKernels

/// Which library forms the forward products of a `Conv2D`'s 1×1 layers (their backward runs
/// on OpenBLAS).
public enum MatrixProducts: String, Sendable, CaseIterable {
    /// monkpipe's own AVX-512 kernel where it is faster than OpenBLAS (`PanelGEMM.applies`),
    /// OpenBLAS elsewhere and on CPUs without AVX-512.
    case automatic
    /// OpenBLAS for every product (for comparing the two).
    case openblas

    /// What `products` runs on this CPU: "panels" (with OpenBLAS where they do not apply) or
    /// "openblas".
    public static func kernelName(_ products: MatrixProducts) -> String {
        products == .automatic && PanelGEMM.supported ? "panels" : "openblas"
    }
}

/// C[m×n] = A[m×k]·B[k×n] (+ C), with B packed beforehand into panels (`pack`). The product is
/// written in 14×32 blocks that sum the whole k in registers and store C once, so there is no
/// zeroing pass for beta = 0 and no packing of A; OpenBLAS packs both operands per call (per
/// thread, in the engine's row split) and reads C back. Measured against OpenBLAS's SkylakeX
/// kernel with the engine's threading on batch 4's products (benchmarks/small_batch_RESULTS.md
/// §16): 1.03–1.18× on ResNet-50's 1×1 products with k ≤ 512, 0.93–0.95× with k = 1024 (the 14
/// rows of A no longer fit L1), 1.09–1.57× on DenseNet-121's 128-wide bottleneck products up to
/// k = 1000. In the engine (§17, batch 4) the 1×1 forwards it takes ran 7–12% faster per
/// layer (medians) and ResNet-50's step 6–9%; the input-gradient products of the backward and
/// Winograd's ran no faster measurably, so only the 1×1 forward uses it.
enum PanelGEMM {
    /// Whether this CPU runs the kernel (AVX-512F and FMA).
    static let supported = monk_panels_supported() != 0

    /// Whether `products` sends a product of m rows and n columns summed over k to the panels:
    /// k ≤ 512 or n ≤ 128 (ResNet-50's 256-wide products over k = 1,024 ran 5–7% faster on
    /// OpenBLAS; DenseNet's 128-wide ones up to k = 1,000 ran faster here), and B's n·k floats
    /// few enough to repack per call for m rows (at least 256 rows, or at most 128 K floats:
    /// ResNet-50's 512→2048 layer at 7×7, batch 4, 196 rows, 1 M floats of weights, ran 10%
    /// slower on panels with the repacking).
    static func applies(_ products: MatrixProducts, m: Int, n: Int, k: Int) -> Bool {
        products == .automatic && supported && m > 0 && n > 0 && k > 0 && (k <= 512 || n <= 128)
            && (m >= 256 || n * k <= 1 << 17)
    }

    /// Floats of B's panels (n rounded up to 32 columns, k deep).
    static func floats(n: Int, k: Int) -> Int { monk_panels_floats(n, k) }

    /// Floats of scratch one thread's `gemm` needs for its last rows.
    static func scratchFloats(n: Int, k: Int) -> Int { monk_panels_scratch_floats(n, k) }

    /// Packs all of B (k×n, `ldb` apart; n×k when `transposed`) into `panels`, on this thread:
    /// 0.03 ms for DenseNet's largest bottleneck (128×1000). Splitting it between the threads
    /// added a hand-off per layer, and the step measured no faster for it (§17).
    static func pack(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, n: Int, k: Int,
                     into panels: UnsafeMutablePointer<Float>) {
        packPanels(b, ldb: ldb, transposed: transposed, n: n, k: k, first: 0, count: (n + 31) / 32, into: panels)
    }

    /// Packs panels `first ..< first + count` of B (each 32 columns, the last zero past n).
    static func packPanels(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, n: Int, k: Int, first: Int,
                           count: Int, into panels: UnsafeMutablePointer<Float>) {
        monk_panels_pack(b, ldb, transposed ? 1 : 0, n, k, first, count, panels)
    }

    /// C = A·B, or C += A·B when `accumulate`, on one thread.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panels: UnsafePointer<Float>,
                     accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, scratch: UnsafeMutablePointer<Float>) {
        precondition(supported, "the panel kernel needs AVX-512")
        if m == 0 { return }
        monk_panels_gemm(m, n, k, a, lda, panels, accumulate ? 1 : 0, c, ldc, scratch)
    }
}

extension Module {
    /// Sets how every `Conv2D` in this module tree forms its 1×1 forward products (for benchmarks and
    /// for comparing the kernels; `.automatic` is the default).
    public func useMatrixProducts(_ products: MatrixProducts) {
        if let conv = self as? Conv2D { conv.matrixProducts = products }
        for (_, child) in namedChildren { child.useMatrixProducts(products) }
    }
}
