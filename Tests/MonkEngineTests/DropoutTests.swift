// Dropout: mask statistics, scaling, seeding, eval identity and the masked gradient.
import Testing
@testable import MonkEngine

@Suite struct DropoutTests {
    @Test func trainingZeroesAboutPAndScalesTheRest() {
        let x = randomTensor([100, 1000], seed: 1, 0.5, 1.5)
        let drop = Dropout(p: 0.3)
        let y = drop.forward(x, Context(training: true, rng: RNG(seed: 4), parallel: Parallel(threads: 2)))
        var zeros = 0
        for i in 0..<x.count {
            if y[i] == 0 { zeros += 1 } else { #expect(abs(y[i] - x[i] / 0.7) < 1e-6) }
        }
        // Binomial(100 000, 0.3): standard deviation 0.00145 of the fraction; allow 7σ.
        #expect(abs(Double(zeros) / Double(x.count) - 0.3) < 0.01)
    }

    @Test func sameSeedSameMaskAndThreadCountIndependent() {
        let x = randomTensor([4, 64, 64, 8], seed: 2)  // 32 blocks: both threads draw
        let a = Dropout(p: 0.5).forward(x, Context(training: true, rng: RNG(seed: 9), parallel: .serial))
        let b = Dropout(p: 0.5).forward(x, Context(training: true, rng: RNG(seed: 9), parallel: Parallel(threads: 2)))
        let c = Dropout(p: 0.5).forward(x, Context(training: true, rng: RNG(seed: 10)))
        #expect(a.array == b.array)
        #expect(a.array != c.array)
    }

    @Test func consumesOneDrawOfTheCallersGenerator() {
        let ctx = Context(training: true, rng: RNG(seed: 5))
        _ = Dropout(p: 0.2).forward(randomTensor([4, 4]), ctx)
        var expected = RNG(seed: 5)
        _ = expected.nextUInt64()
        #expect(ctx.rng == expected)
    }

    @Test func evalIsIdentity() {
        let x = randomTensor([2, 5], seed: 3)
        let drop = Dropout(p: 0.9)
        let ctx = Context(training: false)
        #expect(drop.forward(x, ctx).array == x.array)
        #expect(drop.backward(x, ctx)!.array == x.array)
    }

    @Test func backwardAppliesTheSameMask() {
        let x = randomTensor([6, 7], seed: 4)
        let drop = Dropout(p: 0.4)
        let ctx = Context(training: true, rng: RNG(seed: 8))
        let y = drop.forward(x, ctx)
        let dx = drop.backward(Tensor(shape: [6, 7], repeating: 2), ctx)!
        for i in 0..<x.count { #expect(dx[i] == (y[i] == 0 ? 0 : 2 / 0.6)) }
        checkGradients(Dropout(p: 0.4), input: x, tolerance: 1e-3)
    }

    @Test func pOneDropsEverything() {
        let y = Dropout(p: 1).forward(randomTensor([3, 3]), Context(training: true))
        #expect(y.array.allSatisfy { $0 == 0 })
    }
}
