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
