// Sweep expansion: every combination, readable path-safe names, the values applied.
import Testing
@testable import MonkPlan
import MonkVocabulary

@Suite struct SweepTests {
    @Test func gridOverDefaultsNamesPointsByTheirValues() throws {
        let text = minimal + "defaults: {epochs: 2}\nsweep:\n  optimizer.lr: [0.01, 0.001]\n  model: [resnet18_v1, densenet121]\n"
        let p = try #require(plan(text))
        // Keys are taken in sorted order (model < optimizer.lr), values in the order written.
        #expect(p.experiments.map(\.name) == ["resnet18_v1-lr0.01", "resnet18_v1-lr0.001",
                                               "densenet121-lr0.01", "densenet121-lr0.001"])
        #expect(p.experiments.map(\.model) == [.resnet18_v1, .resnet18_v1, .densenet121, .densenet121])
        #expect(p.experiments.map(\.optimizer.learningRate) == [0.01, 0.001, 0.01, 0.001])
        #expect(p.experiments.allSatisfy { $0.epochs == 2 })
        #expect(p.comparison.experiments == p.experiments.map(\.name))
    }

    @Test func gridOverNamedExperimentsPrefixesTheirNames() throws {
        let text = minimal + "experiments: {a: {}, b: {epochs: 3}}\nsweep:\n  pretrained: [true, false]\n"
        let p = try #require(plan(text))
        #expect(p.experiments.map(\.name) == ["a-pretrainedtrue", "a-pretrainedfalse", "b-pretrainedtrue", "b-pretrainedfalse"])
        #expect(p.experiments.map(\.pretrained) == [.imagenet, .none, .imagenet, .none])
        #expect(p.experiments.map(\.epochs) == [10, 10, 3, 3])
    }

    @Test func bareWordThenDottedKeyOnTheSameSetting() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/examples/sweep.yaml", encoding: .utf8)
        let p = try PlanLoader.plan(text: text, specDirectory: repositoryRoot + "/examples")
        #expect(p.experiments.map(\.name) == ["sgd-lr0.01", "sgd-lr0.002", "adam-lr0.01", "adam-lr0.002"])
        // `optimizer: sgd` replaces the defaults' optimizer, so nesterov/momentum go back to sgd defaults.
        #expect(p.experiments[1].optimizer == .sgd(SGDConfig(lr: 0.002, momentum: 0.9, nesterov: false, weightDecay: 0)))
        #expect(p.experiments[2].optimizer == .adam(AdamConfig(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0)))
    }

    /// `optimizer.type` sorts after `optimizer.lr`, but a new type replaces the optimizer whole:
    /// applied in name order it threw the swept rate away (every adam point had adam's default
    /// rate, and `validate` called the points duplicates). The type goes in first now.
    @Test func sweptTypeAndRateOfOneSettingBothApply() throws {
        let text = minimal + "defaults: {optimizer: {type: sgd, lr: 0.05, momentum: 0.9}}\nsweep:\n  optimizer.type: [sgd, adam]\n  optimizer.lr: [0.01, 0.001]\n"
        let p = try #require(plan(text))
        #expect(p.experiments.map(\.name) == ["lr0.01-sgd", "lr0.01-adam", "lr0.001-sgd", "lr0.001-adam"])
        #expect(p.experiments.map(\.optimizer.learningRate) == [0.01, 0.01, 0.001, 0.001])
        // sgd keeps the defaults' momentum; adam replaces the optimizer, with adam's defaults.
        #expect(p.experiments[0].optimizer == .sgd(SGDConfig(lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)))
        #expect(p.experiments[3].optimizer == .adam(AdamConfig(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0)))
        #expect(Sweep.applicationOrder("optimizer.type").lexicographicallyPrecedes(Sweep.applicationOrder("optimizer.lr")))
        // The defaults' rate is replaced by the swept one, not lost: no warning about it
        // (momentum is sgd's and adam has none, so dropping it for adam loses nothing).
        #expect(p.warnings.isEmpty, "\(p.warnings)")
        // A setting written beside the defaults' type that adam also takes is still named.
        let decay = try #require(plan(minimal + "defaults: {optimizer: {type: sgd, lr: 0.05, weight_decay: 0.01}}\nsweep:\n  optimizer.type: [adam]\n  optimizer.lr: [0.01]\n"))
        #expect(decay.warnings.count == 1 && decay.warnings[0].contains("`weight_decay: 0.01`") && !decay.warnings[0].contains("`lr: 0.05`"), "\(decay.warnings)")
        #expect(decay.experiments[0].optimizer == .adam(AdamConfig(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0)))
    }

    @Test func mappingValuesAreNumberedAndBadValuesLocated() throws {
        let text = minimal + "sweep:\n  early_stopping: [false, {patience: 5}]\n"
        let p = try #require(plan(text))
        #expect(p.experiments.map(\.name) == ["early_stoppingfalse", "early_stopping2"])
        #expect(p.experiments[1].earlyStopping?.patience == 5)

        let bad = planErrors(minimal + "sweep:\n  model: [resnet18, resnt50_v2]\n  optimiser.lr: [0.1]\n")
        #expect(bad.map(\.kind) == [.invalidValue, .unknownKey])
        #expect(bad.map(\.suggestion) == ["resnet50_v2", "optimizer.lr"])
        #expect(bad.first?.mark == SourceMark(line: 5, column: 21))
    }
}
