// Learning rates per epoch for every schedule against PyTorch's closed forms worked by hand,
// warm-up in epochs and steps, and reduce-on-plateau's patience, cooldown and floor.
import Foundation
import Testing
@testable import MonkEngine

private func rates(_ s: LRSchedule, epochs: Int) -> [Double] {
    (0..<epochs).map { s.learningRate(epoch: $0) }
}

private func expectRates(_ got: [Double], _ want: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, sourceLocation: sourceLocation)
    for (e, (g, w)) in zip(got, want).enumerated() {
        #expect(abs(g - w) <= 1e-12 * max(1, abs(w)), "epoch \(e): \(g) vs \(w)", sourceLocation: sourceLocation)
    }
}

@Suite struct ScheduleTests {
    @Test func fixedStepMultiStepExponential() throws {
        expectRates(rates(try LRSchedule(.fixed, baseLR: 0.1), epochs: 3), [0.1, 0.1, 0.1])
        // StepLR(step_size=2, gamma=0.5): 0.1·0.5^⌊e/2⌋.
        expectRates(rates(try LRSchedule(.step(stepSize: 2, gamma: 0.5), baseLR: 0.1), epochs: 6),
                    [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
        // MultiStepLR(milestones=[2, 5], gamma=0.1): drops entering epochs 2 and 5.
        expectRates(rates(try LRSchedule(.multiStep(milestones: [2, 5], gamma: 0.1), baseLR: 1), epochs: 7),
                    [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01])
        // ExponentialLR(0.98), Monk's default decay: 0.01·0.98^e.
        expectRates(rates(try LRSchedule(.exponential(gamma: 0.98), baseLR: 0.01), epochs: 4),
                    [0.01, 0.0098, 0.009604, 0.00941192])
    }

    @Test func cosineAnnealing() throws {
        // η = 0.1 + (1 − 0.1)·(1 + cos(π·e/4))/2, cos(π/4) = √2/2:
        // e=0: 1; e=1: 0.1 + 0.45·(1 + 0.7071068) = 0.8681981; e=2: 0.55; e=3: 0.2318019; e=4: 0.1;
        // e=5 continues the cosine upward like PyTorch's closed form: equals e=3.
        let s = try LRSchedule(.cosine(tMax: 4, etaMin: 0.1), baseLR: 1)
        let h = 0.45 * (2.0.squareRoot() / 2)
        expectRates(rates(s, epochs: 6), [1, 0.55 + h, 0.55, 0.55 - h, 0.1, 0.55 - h])
    }

    @Test func epochWarmupThenCosine() throws {
        // SequentialLR([LinearLR(start_factor=0.25, total_iters=2), CosineAnnealingLR(T_max=2)], [2]):
        // e=0: 0.25; e=1: 0.25 + 0.75·1/2 = 0.625; then cosine from its epoch 0: 1, 0.5, 0.
        let s = try LRSchedule(.cosine(tMax: 2, etaMin: 0), baseLR: 1,
                               warmup: Warmup(length: 2, unit: .epochs, startFactor: 0.25))
        // PyTorch agrees: SequentialLR over SGD(lr=1), reading param_groups[0]['lr'] before each
        // opt.step(); s.step() printed [0.25, 0.625, 1.0, 0.5, 0.0].
        expectRates(rates(s, epochs: 5), [0.25, 0.625, 1, 0.5, 0])
    }

    @Test func stepWarmupRampsWithinTheFirstEpochs() throws {
        // 4 warm-up steps from factor 0.2, 3 steps per epoch, StepLR(1, 0.5) on unshifted epochs:
        // global step t → 0.2 + 0.8·t/4 while t < 4: 0.2, 0.4, 0.6 | (epoch 1, ×0.5) 0.8·0.5, 1·0.5, 0.5.
        let s = try LRSchedule(.step(stepSize: 1, gamma: 0.5), baseLR: 1,
                               warmup: Warmup(length: 4, unit: .steps, startFactor: 0.2))
        let got = (0..<2).flatMap { e in (0..<3).map { s.learningRate(epoch: e, step: $0, stepsPerEpoch: 3) } }
        expectRates(got, [0.2, 0.4, 0.6, 0.4, 0.5, 0.5])
    }

    @Test func plateauPatienceAndCooldown() throws {
        // ReduceLROnPlateau(mode='min', factor=0.5, patience=1, cooldown=1, threshold=0.1, rel):
        // better means loss < best·0.9.
        var s = try LRSchedule(.plateau(PlateauConfig(factor: 0.5, patience: 1, threshold: 0.1, cooldown: 1)),
                               baseLR: 1)
        let losses = [1.0, 0.95, 0.92, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]
        // e0 1.0: best 1.0.                         lr for e1: 1
        // e1 0.95 (not < 0.9): bad 1.               1
        // e2 0.92: bad 2 > 1 → lr 0.5, cooldown 1.  0.5
        // e3 0.5: better, best 0.5, cooldown → 0.   0.5
        // e4 0.6: bad 1.                            0.5
        // e5 0.6: bad 2 → lr 0.25, cooldown 1.      0.25
        // e6 0.6: bad 1, cooldown zeroes it → 0.    0.25
        // e7 0.6: bad 1.                            0.25
        // e8 0.6: bad 2 → 0.125.                    0.125
        var after: [Double] = []
        for (e, loss) in losses.enumerated() {
            s.endEpoch(e, metric: loss)
            after.append(s.learningRate(epoch: e + 1))
        }
        // PyTorch agrees: ReduceLROnPlateau(SGD(lr=1), same arguments), s.step(loss) then
        // param_groups[0]['lr'] per epoch printed [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125].
        expectRates(after, [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])
        #expect(s.plateau?.best == 0.5)
    }

    @Test func plateauMaxModeAbsoluteThresholdAndFloor() throws {
        // mode='max', threshold_mode='abs', threshold=0.01, patience=0, factor=0.1, min_lr=0.005:
        // every epoch without an accuracy gain of > 0.01 cuts the rate, never below 0.005.
        var s = try LRSchedule(.plateau(PlateauConfig(mode: .max, factor: 0.1, patience: 0, threshold: 0.01,
                                                      thresholdMode: .abs, minLR: 0.005)), baseLR: 1)
        var after: [Double] = []
        for (e, acc) in [0.5, 0.505, 0.6, 0.6, 0.6, 0.6].enumerated() {
            s.endEpoch(e, metric: acc)
            after.append(s.learningRate(epoch: e + 1))
        }
        // 0.5 best; 0.505 ≤ 0.51 → 0.1; 0.6 best; then 0.01, 0.005 (floor), 0.005.
        // PyTorch (same arguments) printed [1.0, 0.1, 0.1, 0.010000000000000002, 0.005, 0.005].
        expectRates(after, [1, 0.1, 0.1, 0.01, 0.005, 0.005])
    }

    @Test func plateauStateRoundTripsAndContinues() throws {
        let config = PlateauConfig(factor: 0.5, patience: 2)
        var a = try LRSchedule(.plateau(config), baseLR: 0.1, warmup: Warmup(length: 1, unit: .epochs))
        for (e, loss) in [9.0, 1.0, 1.0].enumerated() { a.endEpoch(e, metric: loss) }
        var b = try JSONDecoder().decode(LRSchedule.self, from: JSONEncoder().encode(a))
        #expect(b == a)
        // Epoch 0 was warm-up (ignored); 1.0 is best at e1, e2 bad 1, e3 bad 2, e4 bad 3 > 2 → halve.
        for e in 3...4 { a.endEpoch(e, metric: 1.0); b.endEpoch(e, metric: 1.0) }
        #expect(a == b)
        #expect(b.learningRate(epoch: 5) == 0.05)
    }

    @Test func nonFiniteMetricsCountAsBadEpochsAndStateStillEncodes() throws {
        // patience 0: each non-improving epoch halves the rate. −inf and NaN are not progress.
        var s = try LRSchedule(.plateau(PlateauConfig(factor: 0.5, patience: 0)), baseLR: 1)
        for (e, loss) in [1.0, -Double.infinity, Double.nan].enumerated() { s.endEpoch(e, metric: loss) }
        #expect(s.plateau?.best == 1.0)
        #expect(s.learningRate(epoch: 3) == 0.25)
        #expect(try JSONDecoder().decode(LRSchedule.self, from: JSONEncoder().encode(s)) == s)
    }

    @Test func invalidSchedulesAreRefused() {
        #expect(throws: LRScheduleError.self) { try LRSchedule(.step(stepSize: 0, gamma: 0.5), baseLR: 1) }
        #expect(throws: LRScheduleError.self) { try LRSchedule(.multiStep(milestones: [3, 2], gamma: 0.5), baseLR: 1) }
        #expect(throws: LRScheduleError.self) { try LRSchedule(.plateau(PlateauConfig(factor: 1.5)), baseLR: 1) }
        #expect(throws: LRScheduleError.self) {
            try LRSchedule(.fixed, baseLR: 1, warmup: Warmup(length: 0, unit: .steps))
        }
    }
}
