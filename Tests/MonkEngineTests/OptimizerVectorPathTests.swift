// The vectorised SGD-momentum loop and the step that zeroes gradients as it goes, checked on
// tensors long enough for the vector lanes (the PyTorch-recorded tests use 3 elements).
import Testing
@testable import MonkEngine
import MonkVocabulary

@Suite struct OptimizerVectorPathTests {
    /// 2·4096 + 37 elements: whole 16-lane groups, a scalar tail, and several zeroing pieces.
    static let count = 4096 * 2 + 37

    static func values(_ seed: UInt64, _ n: Int = count) -> [Float] {
        var r = RNG(seed: seed)
        return (0..<n).map { _ in r.uniform(-1, 1) }
    }

    /// torch.optim.SGD's single-tensor rule written element by element in Float, in the
    /// order of its code (`buf.mul_(momentum).add_(grad, alpha=1-dampening)`, then
    /// `param.add_(buf, alpha=-lr)`; `grad.add(param, alpha=wd)` first when decaying).
    static func reference(_ config: SGDConfig, start: [Float], grads: [[Float]]) -> [Float] {
        var p = start, b = [Float](repeating: 0, count: start.count)
        let wd = Float(config.weightDecay), mu = Float(config.momentum), keep = Float(1 - config.dampening)
        let negLR = Float(-config.lr)
        for (t, g) in grads.enumerated() {
            for i in 0..<p.count {
                let gi = config.weightDecay != 0 ? g[i] + wd * p[i] : g[i]
                b[i] = t == 0 ? gi : b[i] * mu + keep * gi
                p[i] += negLR * b[i]
            }
        }
        return p
    }

    @Test(arguments: [SGDConfig(lr: 0.1, momentum: 0.9), SGDConfig(lr: 0.05, momentum: 0.5, dampening: 0.3, weightDecay: 0.01)])
    func sgdMomentumVectorLoopMatchesScalarRuleBitForBit(_ config: SGDConfig) throws {
        let start = Self.values(1), grads = (2...5).map { Self.values(UInt64($0)) }
        let p = Parameter(Tensor(shape: [Self.count], values: start))
        var opt = try Optimizer(.sgd(config))
        for g in grads {
            g.withUnsafeBufferPointer { p.grad.data.update(from: $0.baseAddress!, count: Self.count) }
            try opt.step([("w", p)], parallel: Parallel(threads: 2))
        }
        let want = Self.reference(config, start: start, grads: grads)
        let differing = zip(p.value.array, want).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(differing == 0)
    }

    /// Stepping with `zeroingGradients` leaves parameters and state with exactly the bits of
    /// a plain step, and every gradient at zero (frozen ones untouched).
    @Test(arguments: OptimizerStateTests.configs + [.sgd(SGDConfig(lr: 0.1, momentum: 0.9))])
    func zeroingStepEqualsStepThenZero(_ config: OptimizerConfig) throws {
        let a = Parameter(Tensor(shape: [Self.count], values: Self.values(7)))
        let b = Parameter(Tensor(shape: [Self.count], values: Self.values(7)))
        let frozenA = Parameter(Tensor(shape: [5], values: [1, 2, 3, 4, 5]), trainable: false)
        let frozenB = Parameter(Tensor(shape: [5], values: [1, 2, 3, 4, 5]), trainable: false)
        for f in [frozenA, frozenB] { f.grad.fill(0.5) }
        var plain = try Optimizer(config), zeroing = try Optimizer(config)
        for seed in 8...10 {
            let g = Self.values(UInt64(seed))
            g.withUnsafeBufferPointer { a.grad.data.update(from: $0.baseAddress!, count: Self.count) }
            try plain.step([("w", a), ("f", frozenA)], parallel: Parallel(threads: 2))
            a.grad.zero()
            // b's gradient is zero after each step, so this adds into zeros as a backward would.
            for i in 0..<Self.count { b.grad[i] += g[i] }
            try zeroing.step([("w", b), ("f", frozenB)], parallel: Parallel(threads: 2), zeroingGradients: true)
            #expect(b.grad.array.allSatisfy { $0 == 0 && $0.sign == .plus })
        }
        #expect(a.value.array.map(\.bitPattern) == b.value.array.map(\.bitPattern))
        #expect(plain.state == zeroing.state)
        #expect(frozenB.grad.array == [Float](repeating: 0.5, count: 5) && frozenB.value.array == frozenA.value.array)
    }
}
