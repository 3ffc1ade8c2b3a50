// Timings of the memory-bound passes of a ResNet-18 training step at 128 px, batch 16 (the
// issue-3 benchmark's shapes); runs only with MONKPIPE_BENCH=1, in release:
// MONKPIPE_BENCH=1 swift test -c release --scratch-path .build-elem-rel --filter MemoryBoundBenchmarkTests
import Foundation
import Testing
import MonkEngine
@testable import MonkModels
import MonkVocabulary

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MONKPIPE_BENCH"] == "1"))
struct MemoryBoundBenchmarkTests {
    /// Best time of `body` in milliseconds over `runs` runs after a warm-up. The machine is
    /// shared: the minimum is the least disturbed estimate, and with one thread the calling
    /// thread's CPU time (which excludes time spent descheduled) is measured, not wall time.
    static func best(_ runs: Int = 15, cpuTime: Bool, _ body: () -> Void) -> Double {
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

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var r = RNG(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in r.uniform(-1, 1) })
    }

    /// ms per call of each pass, with the copy of the same tensor as the floor for a pass
    /// that reads and writes every element once.
    static let shapes = ["stem": [16, 64, 64, 64], "layer1": [16, 32, 32, 64], "layer4": [16, 4, 4, 512]]

    @Test(arguments: ["stem", "layer1", "layer4"], [1, 2])
    func passes(name: String, threads: Int) {
        let shape = Self.shapes[name]!
        let ctx = Context(training: true, parallel: Parallel(threads: threads))
        func best(_ body: () -> Void) -> Double { Self.best(cpuTime: threads == 1, body) }
        let c = shape.last!
        let x = Self.random(shape, seed: 1), dy = Self.random(shape, seed: 2), r = Self.random(shape, seed: 3)
        let copy = best { _ = x.copy() }
        let bn = BatchNorm2D(channels: c), bnr = BatchNorm2D(channels: c, activation: .relu)
        let bnF = best { _ = bn.forward(x, ctx) }
        let bnB = best { _ = bn.backward(dy, ctx) }
        let bnrF = best { _ = bnr.forward(x, ctx) }
        let bnrB = best { _ = bnr.backward(dy, ctx) }
        let y = x.copy()
        // ResNet v1's block end: BN, then add and ReLU in place, against the fused pass.
        let addReLU = best { Elementwise.addReLU(r, into: bn.forward(x, ctx), parallel: ctx.parallel) }
        let bnAddReLU = best { _ = bn.forward(x, addingThenReLU: r, ctx) }
        let add = best { addInPlace(y, r, parallel: ctx.parallel) }
        let mask = best { _ = activationGradient(dy, output: x, parallel: ctx.parallel) }
        let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
        let pooled = pool.forward(x, ctx)
        let pdy = Self.random(pooled.shape, seed: 4)
        let poolF = best { _ = pool.forward(x, ctx) }
        let poolB = best { _ = pool.backward(pdy, ctx) }
        print(String(format: "[bench] %@ %@, %d thread%@, ms: copy %.3f | BN fwd %.3f bwd %.3f | BN+ReLU fwd %.3f bwd %.3f | BN then add+ReLU %.3f, fused %.3f | add %.3f reluMask %.3f | maxpool fwd %.3f bwd %.3f",
                     name, "\(shape)", threads, threads == 1 ? " (CPU time)" : "s", copy, bnF, bnB, bnrF, bnrB, addReLU, bnAddReLU, add, mask, poolF, poolB))
        #expect(copy > 0)
    }

    /// One SGD-momentum step over ResNet-18's parameters (2-class head): with the separate
    /// gradient zeroing the benchmark does before each step, and with the zeroing fused into
    /// the step (`zeroingGradients`).
    @Test(arguments: [1, 2])
    func sgdStepOverResNet18(threads: Int) throws {
        var rng = RNG(seed: 0)
        let net = ResNet(.resnet18, numClasses: 2, rng: &rng)
        let params = net.namedParameters()
        let parallel = Parallel(threads: threads)
        var opt = try Optimizer(.sgd(SGDConfig(lr: 0.01, momentum: 0.9)))
        try opt.step(params, parallel: parallel)
        func best(_ body: () -> Void) -> Double { Self.best(cpuTime: threads == 1, body) }
        var failed = false
        let zero = best { for (_, p) in params { p.grad.zero() } }
        let step = best { do { try opt.step(params, parallel: parallel) } catch { failed = true } }
        let zeroing = best { do { try opt.step(params, parallel: parallel, zeroingGradients: true) } catch { failed = true } }
        print(String(format: "[bench] ResNet-18 (%d parameters), %d thread%@, ms: zero grads %.3f + SGD momentum step %.3f = %.3f | step zeroing grads %.3f",
                     net.parameterCount, threads, threads == 1 ? " (CPU time)" : "s", zero, step, zero + step, zeroing))
        #expect(!failed)
    }
}
