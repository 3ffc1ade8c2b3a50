// `monkpipe bench --profile`: the op rows account for the whole step and count every layer.
import Testing
@testable import MonkEngine
@testable import MonkPipeline
import MonkVocabulary

@Suite struct BenchProfileTests {
    /// ResNet-18 (v1) has 20 convolutions (the stem, two per basic block × 8, three
    /// projections) and 20 BatchNorms beside them (torchvision's resnet18 has the same).
    @Test func resnet18StepIsAccountedFor() throws {
        let settings = BenchSettings(size: 32, batch: 2, modes: [.train, .infer], warmup: 1, iterations: 2,
                                     threads: 2, profile: true)
        let results = try Benchmark.run(model: .resnet18_v1, settings: settings)
        for r in results {
            let rows = try #require(r.profile)
            func calls(_ prefix: String, _ pass: String) -> Double {
                rows.filter { $0.op.hasPrefix(prefix) && $0.op.contains(pass) }.reduce(0) { $0 + $1.calls_per_step }
            }
            #expect(calls("conv ", "forward") == 20)
            #expect(calls("batchnorm", "forward") == 20)
            #expect(calls("linear", "forward") == 1)
            if r.mode == .train {
                #expect(calls("conv ", "backward") == 20)
                #expect(calls("batchnorm", "backward") == 20)
                #expect(calls("optimizer step", "step") == 1)   // not "": Foundation's contains("") is false
            } else {
                #expect(calls("conv ", "backward") == 0)
            }
            // Shares of the mean step: the op rows plus "(untimed)" make the whole step.
            let total = rows.reduce(0) { $0 + $1.share }
            #expect(abs(total - 1) < 1e-9, "shares add up to \(total)")
            #expect(rows.last?.op == "(untimed)")
            #expect(rows.allSatisfy { $0.ms_per_step >= 0 && $0.cpu_ms_per_step >= 0 })
        }
    }

    @Test func kindsDropSizes() {
        #expect(BenchProfileRow.kind("conv 3×3/1 256→256 @14×14 winograd backward") == "conv 3×3 winograd backward")
        #expect(BenchProfileRow.kind("batchnorm+relu 64 @56×56 forward") == "batchnorm+relu forward")
        #expect(BenchProfileRow.kind("dense copy 224 @56×56") == "dense copy")
    }
}
