// Timings of the memory-bound layers next to a conv-sized GEMM; runs only with MONKPIPE_BENCH=1.
// MONKPIPE_BENCH=1 swift test -c release --scratch-path .build-layers-rel --filter LayerBenchmarkTests
import Foundation
import Testing
@testable import MonkEngine

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MONKPIPE_BENCH"] == "1"))
struct LayerBenchmarkTests {
    /// Best time of `body` in milliseconds over `runs` runs after a warm-up. The machine is
    /// shared: the minimum is the least disturbed estimate, and with one thread the calling
    /// thread's CPU time (which excludes time spent descheduled) is measured instead of wall time.
    static func best(_ runs: Int = 25, cpuTime: Bool, _ body: () -> Void) -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(cpuTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
            return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
        }
        body()
        var best = Double.infinity
        for _ in 0..<runs {
            let t0 = now()
            body()
            best = min(best, now() - t0)
        }
        return best
    }

    @Test(arguments: [1, 2])
    func batchNormAgainstConvGemm(threads: Int) {
        let shape = [16, 32, 32, 64]
        let x = randomTensor(shape, seed: 1), dy = randomTensor(shape, seed: 2)
        let ctx = Context(training: true, parallel: Parallel(threads: threads))
        BLAS.threads = threads
        let bn = BatchNorm2D(channels: 64), relu = ReLU()
        let bnF = Self.best(cpuTime: threads == 1) { _ = bn.forward(x, ctx) }
        let bnB = Self.best(cpuTime: threads == 1) { _ = bn.backward(dy, ctx) }
        let reluF = Self.best(cpuTime: threads == 1) { _ = relu.forward(x, ctx) }
        let reluB = Self.best(cpuTime: threads == 1) { _ = relu.backward(dy, ctx) }
        let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
        let poolF = Self.best(cpuTime: threads == 1) { _ = pool.forward(x, ctx) }
        let pdy = randomTensor([16, 16, 16, 64], seed: 3)
        let poolB = Self.best(cpuTime: threads == 1) { _ = pool.backward(pdy, ctx) }
        let fused = BatchNorm2D(channels: 64, activation: .relu)
        let separate = Self.best(cpuTime: threads == 1) { _ = bn.backward(relu.backward(dy, ctx)!, ctx); _ = relu.forward(bn.forward(x, ctx), ctx) }
        let together = Self.best(cpuTime: threads == 1) { _ = fused.forward(x, ctx); _ = fused.backward(dy, ctx) }
        // Last: OpenBLAS' worker threads keep spinning after a call and would slow the loops above.
        // The 3×3 conv 64→64 on this tensor is one GEMM [16384 × 576]·[576 × 64] forward and
        // two of the same size backward; im2col copies come on top.
        let cols = randomTensor([16 * 32 * 32, 576], seed: 4), w = randomTensor([576, 64], seed: 5)
        let out = Tensor(shape: [16 * 32 * 32, 64])
        let gemm = Self.best(cpuTime: threads == 1) {
            BLAS.gemm(m: 16384, n: 64, k: 576, a: cols.data, lda: 576, b: w.data, ldb: 64, c: out.data, ldc: 64)
        }
        print(String(format: "[bench] threads %d (%@)  BN fwd %.2f ms  bwd %.2f ms | ReLU fwd %.2f bwd %.2f | BN+ReLU fwd+bwd separate %.2f fused %.2f | MaxPool3/2 fwd %.2f bwd %.2f | conv GEMM ×1 %.2f ms (fwd+bwd ≈ ×3 = %.2f, %.0f GFLOP/s)",
                     threads, threads == 1 ? "thread CPU time" : "wall time", bnF, bnB, reluF, reluB, separate, together, poolF, poolB, gemm, 3 * gemm, 2.0 * 16384 * 64 * 576 / gemm / 1e6))
        #expect(bnF > 0 && gemm > 0)
    }

    /// The other memory-bound layers on the same tensor, next to a plain copy of it (the floor
    /// for anything that reads and writes every element once).
    @Test func otherLayersAgainstCopy() {
        let shape = [16, 32, 32, 64]
        let x = randomTensor(shape, seed: 1), dy = randomTensor(shape, seed: 2)
        let ctx = Context(training: true)
        let copy = Self.best(cpuTime: true) { _ = x.copy() }
        let avg = AvgPool2D(kernelSize: 2, stride: 2), ady = randomTensor([16, 16, 16, 64], seed: 3)
        let avgF = Self.best(cpuTime: true) { _ = avg.forward(x, ctx) }
        let avgB = Self.best(cpuTime: true) { _ = avg.backward(ady, ctx) }
        let gap = GlobalAvgPool(), gdy = randomTensor([16, 64], seed: 4)
        let gapF = Self.best(cpuTime: true) { _ = gap.forward(x, ctx) }
        let gapB = Self.best(cpuTime: true) { _ = gap.backward(gdy, ctx) }
        let drop = Dropout(p: 0.2)
        let dropF = Self.best(cpuTime: true) { _ = drop.forward(x, ctx) }
        let dropB = Self.best(cpuTime: true) { _ = drop.backward(dy, ctx) }
        let half = randomTensor([16, 32, 32, 32], seed: 5)
        let cat = Self.best(cpuTime: true) { _ = concatChannels([half, half]) }
        let split = Self.best(cpuTime: true) { _ = splitChannels(dy, sizes: [32, 32]) }
        print(String(format: "[bench] 1 thread (thread CPU time) on %@: copy %.2f ms | AvgPool2/2 fwd %.2f bwd %.2f | GlobalAvgPool fwd %.2f bwd %.2f | Dropout fwd %.2f bwd %.2f | concat %.2f split %.2f",
                     "\(shape)", copy, avgF, avgB, gapF, gapB, dropF, dropB, cat, split))
        #expect(copy > 0)
    }

    /// ResNet's stem size at 224 px: each 51 MB tensor is above glibc's mmap threshold, so
    /// every allocation maps fresh pages and the first touch of each 4 KiB page faults. The
    /// fault count shows how much of the time is the allocator rather than the layers.
    @Test func stemSizedBatchNormReLUWithPageFaults() {
        let shape = [16, 112, 112, 64]
        let x = randomTensor(shape, seed: 1), dy = randomTensor(shape, seed: 2)
        let ctx = Context(training: true)
        func faults() -> Int { var ru = rusage(); getrusage(RUSAGE_SELF.rawValue, &ru); return ru.ru_minflt }
        let bn = BatchNorm2D(channels: 64), relu = ReLU(), fused = BatchNorm2D(channels: 64, activation: .relu)
        _ = relu.forward(bn.forward(x, ctx), ctx)
        var f0 = faults()
        let separate = Self.best(8, cpuTime: true) { _ = bn.backward(relu.backward(dy, ctx)!, ctx); _ = relu.forward(bn.forward(x, ctx), ctx) }
        let separateFaults = (faults() - f0) / 9
        f0 = faults()
        let together = Self.best(8, cpuTime: true) { _ = fused.forward(x, ctx); _ = fused.backward(dy, ctx) }
        let fusedFaults = (faults() - f0) / 9
        print(String(format: "[bench] 1 thread (thread CPU time) BN+ReLU fwd+bwd on %@: separate %.1f ms (%d page faults per step), fused %.1f ms (%d page faults per step); a 4 KiB page per fault, %d pages per tensor",
                     "\(shape)", separate, separateFaults, together, fusedFaults, x.count / 1024))
        #expect(together > 0)
    }
}
