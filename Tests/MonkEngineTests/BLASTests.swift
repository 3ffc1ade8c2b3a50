// OpenBLAS is found, runs the kernel monkpipe chose, and multiplies correctly with it.
import Foundation
import Testing
@testable import MonkEngine

@Suite struct BLASTests {
    @Test func fastKernelChosenFromCPUFlags() {
        let flags = BLAS.cpuFlags()
        let userSet = BLAS.kernelSource.contains("set by the user")
        if !userSet, let expected = BLAS.preferredCoreType(cpuFlags: flags) {
            #expect(BLAS.kernel == expected, "OpenBLAS runs \(BLAS.kernel), monkpipe asked for \(expected)")
        }
        #expect(BLAS.preferredCoreType(cpuFlags: ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd", "avx2", "fma"]) == "SkylakeX")
        #expect(BLAS.preferredCoreType(cpuFlags: ["avx2", "fma"]) == "Haswell")
        #expect(BLAS.preferredCoreType(cpuFlags: ["sse3"]) == nil)
    }

    /// Every transpose combination against a naive triple loop, on odd sizes (the kernel's
    /// edge handling) and with beta accumulation.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveLoop(ta: Bool, tb: Bool) {
        var rng = RNG(seed: 7)
        for (m, n, k) in [(1, 1, 1), (7, 5, 3), (33, 17, 65), (64, 96, 40)] {
            let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }
            let b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
            let c0 = (0..<(m * n)).map { _ in rng.uniform(-1, 1) }
            var c = c0
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                BLAS.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5,
                          a: pa.baseAddress!, lda: ta ? m : k, b: pb.baseAddress!, ldb: tb ? k : n,
                          beta: 2, c: pc.baseAddress!, ldc: n)
            }}}
            for i in 0..<m { for j in 0..<n {
                var s: Double = 0
                for p in 0..<k {
                    let av = ta ? a[p * m + i] : a[i * k + p]
                    let bv = tb ? b[j * k + p] : b[p * n + j]
                    s += Double(av) * Double(bv)
                }
                let want = 0.5 * s + 2 * Double(c0[i * n + j])
                #expect(abs(Double(c[i * n + j]) - want) < 1e-4 * max(1, abs(want)))
            }}
        }
    }
}
