// An override that replaces a whole setting (a bare word in a sweep, an experiment or a
// `--set`) drops what was written beside it in the file; the plan says so (issue 11 item 8).
import Foundation
import Testing
@testable import MonkPlan

@Suite struct DiscardedSettingsTests {
    /// The shipped sweep: `optimizer: [sgd, adam]` replaces the defaults' sgd setting, so the
    /// two sgd points train without `momentum: 0.9` and `nesterov: true` (the adam points
    /// lose nothing adam takes: it has neither setting).
    @Test func theShippedSweepWarnsAboutNesterov() throws {
        let examples = repositoryRoot + "/examples"
        let text = try String(contentsOfFile: examples + "/sweep.yaml", encoding: .utf8)
        let plan = try PlanLoader.plan(text: text, specDirectory: examples, file: "examples/sweep.yaml")
        // Lines 27 (defaults.optimizer) and 33 (sweep.optimizer) of examples/sweep.yaml.
        #expect(plan.warnings == [
            "the sweep value `optimizer: sgd` (line 33) replaces the whole optimizer setting, so `momentum: 0.9` (line 27) and `nesterov: true` (line 27) written at defaults.optimizer are not used (experiments sgd-lr0.002, sgd-lr0.01); write `{type: sgd}` instead to keep them (a mapping merges with them)",
        ])
        // What the warning says is what the plan holds: sgd's defaults (momentum 0.9 is
        // also its default; nesterov is not).
        let sgd = try #require(plan.experiment(named: "sgd-lr0.01"))
        guard case .sgd(let config) = sgd.optimizer else { Issue.record("not sgd"); return }
        #expect(config.nesterov == false)
    }

    /// A mapping of the same type merges, as the warning advises: nothing is dropped.
    @Test func aMappingValueKeepsTheSettings() throws {
        let examples = repositoryRoot + "/examples"
        let text = try String(contentsOfFile: examples + "/sweep.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  optimizer: [sgd, adam]", with: "  optimizer: [{type: sgd}, adam]")
        let plan = try PlanLoader.plan(text: text, specDirectory: examples)
        #expect(plan.warnings.isEmpty)
        // Named by position for a mapping: optimizer1-lr0.01 is the sgd point.
        guard case .sgd(let config)? = plan.experiment(named: "optimizer1-lr0.01")?.optimizer else { Issue.record("\(plan.experiments.map(\.name))"); return }
        #expect(config.nesterov == true && config.momentum == 0.9 && config.lr == 0.01)
    }

    static let spec = """
        project: p
        data:
          train: data/train
        defaults:
          optimizer: {type: sgd, momentum: 0.8, weight_decay: 0.01}
          loss: {type: cross_entropy, class_weights: balanced, label_smoothing: 0.1}
        experiments:
          bare: {loss: cross_entropy}
          other: {optimizer: {type: adam, lr: 0.001}}
          merged: {optimizer: {lr: 0.1}, loss: {label_smoothing: 0.2}}

        """

    /// Experiments overriding defaults: a bare word over the same type, a mapping with another
    /// type (only what adam also takes is named), and mappings that merge (no warning).
    @Test func experimentOverridesAreNamedWithTheirLines() throws {
        let planned = try #require(plan(Self.spec))
        #expect(planned.warnings == [
            "experiments.bare.loss: cross_entropy (line 8) replaces the whole loss setting, so `class_weights: balanced` (line 6) and `label_smoothing: 0.1` (line 6) written at defaults.loss are not used (experiment bare); write `{type: cross_entropy}` instead to keep them (a mapping merges with them)",
            "experiments.other.optimizer: {type: adam, lr: 0.001} (line 9) replaces the whole optimizer setting, so `weight_decay: 0.01` (line 5) written at defaults.optimizer is not used (experiment other); write them beside `type: adam` if they are meant for adam too",
        ])
        let bare = try #require(planned.experiment(named: "bare"))
        #expect(bare.loss == .crossEntropy(classWeights: .none, labelSmoothing: 0))
    }

    /// Nothing written beside the type, or nothing the new variant takes: no warning.
    @Test func nothingLostIsNoWarning() throws {
        let spec = minimal + "defaults:\n  optimizer: {type: sgd, nesterov: true}\nexperiments:\n  a: {optimizer: adam}\n  b: {optimizer: sgd}\n"
        let warnings = try #require(plan(spec)).warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("experiments.b.optimizer: sgd (line 8) replaces the whole optimizer setting, so `nesterov: true` (line 5)") == true, "\(warnings)")
        #expect(try #require(plan(minimal + "defaults:\n  optimizer: sgd\nsweep:\n  optimizer: [sgd, adam]\n")).warnings.isEmpty)
    }
}
