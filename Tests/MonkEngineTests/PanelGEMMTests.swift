// The AVX-512 panel product (Sources/CKernels/panels.c) against the definition of a matrix
// product, and the 1×1 convolutions that use it against the direct convolution and against
// the same layer on OpenBLAS. Skipped on CPUs without AVX-512, where the kernel never runs.
import Testing
@testable import MonkEngine

@Suite(.enabled(if: PanelGEMM.supported, "the panel kernel runs only on AVX-512 CPUs"))
struct PanelGEMMTests {
    /// C = A·B (+ C) for every tail of the 14-row blocks and 32-column panels, k from 1 up,
    /// B given both ways round, padded leading dimensions, packed in pieces of panels. The
    /// reference sums in Double. A float32 sum of k products of values in [−1, 1] differs from
    /// the exact sum by at most k·2⁻²⁴·Σ|aᵢbᵢ| ≤ 6e-8·k², below the 1e-5·k allowed for k ≤ 166
    /// (the largest here is 77).
    @Test func productMatchesTheDefinition() {
        var failures: [String] = []
        for m in [1, 13, 14, 15, 29, 43] {
            for n in [1, 15, 16, 17, 32, 33, 64, 70] {
                for k in [1, 3, 32, 77] {
                    for transposed in [false, true] {
                        for accumulate in [false, true] {
                            let pad = (m + n + k) % 2 == 0 ? 0 : 5
                            let e = productError(m: m, n: n, k: k, transposed: transposed, accumulate: accumulate, pad: pad)
                            if e > 1e-5 * Float(k) {
                                failures.append("m \(m) n \(n) k \(k) transposed \(transposed) accumulate \(accumulate) pad \(pad): \(e)")
                            }
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Largest |C − reference| of one product, B packed by two calls (first panel, then the rest)
    /// to check that packing in pieces lands each panel where the product reads it.
    func productError(m: Int, n: Int, k: Int, transposed: Bool, accumulate: Bool, pad: Int) -> Float {
        let lda = k + pad, ldb = (transposed ? k : n) + pad, ldc = n + pad
        let a = randomTensor([m * lda], seed: 1), b = randomTensor([(transposed ? n : k) * ldb], seed: 2)
        let c = randomTensor([m * ldc], seed: 3), start = c.copy()
        let panels = Tensor(shape: [PanelGEMM.floats(n: n, k: k)]), scratch = Tensor(shape: [PanelGEMM.scratchFloats(n: n, k: k)])
        let count = (n + 31) / 32
        pack(b, ldb: ldb, transposed: transposed, n: n, k: k, first: 0, count: 1, panels)
        pack(b, ldb: ldb, transposed: transposed, n: n, k: k, first: 1, count: count - 1, panels)
        PanelGEMM.gemm(m: m, n: n, k: k, a: a.data, lda: lda, panels: panels.data, accumulate: accumulate,
                       c: c.data, ldc: ldc, scratch: scratch.data)
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                guard j < n else {
                    // Padding between rows is never written.
                    if got != start[i * ldc + j] { worst = .infinity }
                    continue
                }
                var sum = accumulate ? Double(start[i * ldc + j]) : 0
                for r in 0..<k {
                    let bv = transposed ? b[j * ldb + r] : b[r * ldb + j]
                    sum += Double(a[i * lda + r]) * Double(bv)
                }
                worst = max(worst, abs(got - Float(sum)))
            }
        }
        return worst
    }

    func pack(_ b: Tensor, ldb: Int, transposed: Bool, n: Int, k: Int, first: Int, count: Int, _ panels: Tensor) {
        guard count > 0 else { return }
        PanelGEMM.packPanels(b.data, ldb: ldb, transposed: transposed, n: n, k: k, first: first, count: count,
                             into: panels.data)
    }

    /// 1×1 layers whose forward runs on panels: the forward against the direct convolution
    /// (float64) and against OpenBLAS's, dx and dW against the definition, on one and two
    /// threads, grouped and not, with and without bias,
    /// with row counts that leave tails of the 14-row blocks (3·5·7 = 105 rows) and channel
    /// counts that leave tails of the 32-column panels. Errors relative to the largest value
    /// (`relativeError`); float32 sums of 40–70 terms stay below 1e-5 of it.
    @Test(arguments: [
        ConvCase(n: 3, h: 5, w: 7, cin: 40, cout: 70, k: 1, padding: .symmetric(0)),
        ConvCase(n: 3, h: 5, w: 7, cin: 70, cout: 33, k: 1, padding: .symmetric(0), bias: false),
        ConvCase(n: 2, h: 3, w: 3, cin: 64, cout: 96, k: 1, padding: .symmetric(0), groups: 2),
    ])
    func pointwiseLayersMatchTheDirectConvolution(_ cs: ConvCase) throws {
        for threads in [1, 2] {
            let conv = cs.makeConv(seed: 7)
            #expect(conv.pointwiseOnPanels(conv.geometry([cs.n, cs.h, cs.w, cs.cin])))
            let x = cs.makeInput(seed: 8)
            let ctx = Context(training: true, parallel: Parallel(threads: threads))
            let y = conv.forward(x, ctx)
            let dy = randomTensor(y.shape, seed: 9)
            let dx = try #require(conv.backward(dy, ctx))
            let want = referenceConv(x, weight: conv.weight.value, bias: conv.bias?.value, stride: 1,
                                     padding: cs.padding, groups: cs.groups)
            #expect(relativeError(y, want) < 1e-5, "\(cs) threads \(threads)")
            // The same layer on OpenBLAS: the forward's sums in another order, the same backward.
            let blas = cs.makeConv(seed: 7)
            blas.matrixProducts = .openblas
            #expect(!blas.pointwiseOnPanels(blas.geometry(x.shape)))
            let yBLAS = blas.forward(x, ctx)
            let dxBLAS = try #require(blas.backward(dy, ctx))
            #expect(relativeError(y, yBLAS) < 1e-5, "\(cs) threads \(threads)")
            #expect(relativeError(dx, dxBLAS) < 1e-5, "\(cs) threads \(threads)")
            #expect(relativeError(conv.weight.grad, blas.weight.grad) < 1e-5, "\(cs) threads \(threads)")
            if cs.groups == 1 {
                let (dxWant, dWWant) = referenceConvGradients(x, weight: conv.weight.value, dy: dy, padding: cs.padding)
                #expect(relativeError(dx, dxWant) < 1e-5, "\(cs) threads \(threads)")
                #expect(relativeError(conv.weight.grad, dWWant) < 1e-5, "\(cs) threads \(threads)")
            }
        }
    }

    /// Gradients of a 1×1 layer whose forward runs on panels against central finite
    /// differences (the differences are taken of the panel forward).
    @Test func pointwiseGradientsMatchFiniteDifferences() {
        let cs = ConvCase(n: 2, h: 3, w: 5, cin: 6, cout: 35, k: 1, padding: .symmetric(0))
        let conv = cs.makeConv()
        #expect(conv.pointwiseOnPanels(conv.geometry([cs.n, cs.h, cs.w, cs.cin])))
        checkGradients(conv, input: cs.makeInput())
    }

    /// Which products go to the panels (`PanelGEMM.applies`): thin ones (k ≤ 512) and
    /// 128-wide ones at any depth (DenseNet's bottlenecks reach k = 1,000), not ResNet-50's
    /// 256-wide products over k = 1,024, nor weights of more than 128 K floats for fewer than
    /// 256 rows (ResNet-50's 512→2048 layer at 7×7, batch 4); never with `.openblas`. The
    /// measurements behind the rule are in benchmarks/small_batch_RESULTS.md §16–§17.
    @Test func rule() {
        #expect(PanelGEMM.applies(.automatic, m: 12544, n: 256, k: 64))
        #expect(PanelGEMM.applies(.automatic, m: 784, n: 2048, k: 512))
        #expect(PanelGEMM.applies(.automatic, m: 196, n: 128, k: 1000))
        #expect(!PanelGEMM.applies(.automatic, m: 784, n: 256, k: 1024))
        #expect(!PanelGEMM.applies(.automatic, m: 196, n: 2048, k: 512))
        #expect(!PanelGEMM.applies(.openblas, m: 12544, n: 256, k: 64))
        #expect(MatrixProducts.kernelName(.automatic) == "panels")
        #expect(MatrixProducts.kernelName(.openblas) == "openblas")
    }
}
