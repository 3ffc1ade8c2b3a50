// `monkpipe bench --versus-conv/--versus-products`: two settings timed in one process, step by
// step, each step with its own setting, and the paired ratios computed as documented.
import Foundation
import Testing
@testable import MonkEngine
@testable import MonkPipeline
import MonkVocabulary

@Suite struct BenchPairingTests {
    /// Hand-computed: wall ratios 0.5, 1.0, 1.5 (median 1.0), faster in 1 pair (0.5); CPU
    /// ratios 1.0, 0.5, 2.0, 0.25 with an even count: the median is the mean of 0.5 and 1.0.
    @Test func ratiosAreMediansOfThePairs() {
        let p = BenchPairing.of([1, 2, 3], [1, 1, 1], against: [2, 2, 2], [1, 2, 0.5], label: "conv automatic")
        #expect(p.pairs == 3 && p.faster_in == 1 && p.against == "conv automatic")
        #expect(p.wall_ratio == 1.0)
        #expect(p.cpu_ratio == 1.0)  // 1, 0.5, 2 → 1
        #expect(BenchPairing.median([1, 0.5, 2, 0.25]) == 0.75)
    }

    /// Each step runs with its own setting: with --profile, the steps of `conv im2col` have no
    /// Winograd layer and those of `conv winograd` (F(2×2) wherever it applies: ResNet-18's
    /// 3×3 stride-1 layers) have; both profiles count all 20 convolutions per step, so no step
    /// of one setting was counted in the other's.
    @Test func eachSettingsStepsRunWithIt() throws {
        let settings = BenchSettings(size: 32, batch: 2, modes: [.train], warmup: 1, iterations: 3, threads: 2,
                                     convAlgorithm: .winograd, profile: true, versus: .conv(.im2col))
        let results = try Benchmark.run(model: .resnet18_v1, settings: settings)
        #expect(results.map(\.setting) == ["conv winograd", "conv im2col"])
        #expect(results[0].paired == nil)
        let paired = try #require(results[1].paired)
        #expect(paired.pairs == 3 && paired.against == "conv winograd" && paired.wall_ratio > 0)
        // (Foundation's contains("") is false: nil stands for every convolution.)
        func convs(_ r: BenchMeasurement, _ algorithm: String?) throws -> Double {
            try #require(r.profile).filter { $0.op.hasPrefix("conv ") && $0.op.hasSuffix("forward") && algorithm.map($0.op.contains) ?? true }
                .reduce(0) { $0 + $1.calls_per_step }
        }
        #expect(try convs(results[0], "winograd") > 0)
        #expect(try convs(results[1], "winograd") == 0)
        #expect(try convs(results[0], nil) == 20)
        #expect(try convs(results[1], nil) == 20)
    }

    /// A run without a second setting is as before: one measurement, no setting or pairing
    /// (so `--json` prints neither key).
    @Test func oneSettingMeasuresAsBefore() throws {
        let settings = BenchSettings(size: 32, batch: 2, modes: [.infer], warmup: 0, iterations: 1, threads: 1,
                                     versus: nil)
        let results = try Benchmark.run(model: .resnet18_v1, settings: settings)
        #expect(results.count == 1 && results[0].setting == nil && results[0].paired == nil)
        let json = String(decoding: try JSONEncoder().encode(results[0]), as: UTF8.self)
        #expect(!json.contains("setting") && !json.contains("paired"))
    }
}
