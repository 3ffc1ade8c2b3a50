// `--set` and `data.limit` reach the stage keys, the load stage and the experiment state
// (issue 11 item 9).
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct OverrideKeyTests {
    static func keys(_ sets: [String], _ text: String = PlanKeyGoldenTests.spec) throws -> [String: String] {
        let plan = try PlanLoader.plan(text: text, specDirectory: "/project", overrides: sets.map { try SpecOverride(parsing: $0) })
        let external = ExternalDigests(dataFiles: String(repeating: "d", count: 64),
                                       weights: ["/project/w.pth": String(repeating: "e", count: 64)])
        return Dictionary(uniqueKeysWithValues: StageGraph.build(plan, external: external).map { ($0.identity, $0.key.hex) })
    }

    @Test func keysFollowTheValuesTheOptionsSet() throws {
        let file = try Self.keys([])
        // The golden spec's own value, given again: the same plan values, the same keys.
        #expect(try Self.keys(["defaults.epochs=2", "experiments.b.freeze_layers=2"]) == file)
        // One experiment's learning rate: its train, test and the comparison change; the
        // other experiment and the load stage do not.
        let lr = try Self.keys(["experiments.a.optimizer.lr=0.001"])
        #expect(lr["load"] == file["load"] && lr["train/b"] == file["train/b"] && lr["test/b"] == file["test/b"])
        #expect(lr["train/a"] != file["train/a"] && lr["test/a"] != file["test/a"] && lr["compare/cmp"] != file["compare/cmp"])
        // A data limit is read by the load stage, so every stage changes.
        let limit = try Self.keys(["data.limit=0.5"])
        #expect(Set(limit.keys) == Set(file.keys))
        for (id, key) in limit { #expect(key != file[id], "\(id)") }
        #expect(try Self.keys(["data.limit=0.25"])["load"] != limit["load"])
    }

    /// `data.limit: 0.5` on the fixture (6 train, 2 validation, 2 test images per class):
    /// the load stage keeps 3, 1 and 1 of each class, and the experiment state records the
    /// options that set it.
    @Test func theLoadStageReadsTheLimitedImages() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let text = PipelineFixture.spec(epochs: 2, experiments: "  sgd: {}\n")
        let sets = try ["data.limit=0.5", "defaults.epochs=1"].map(SpecOverride.init(parsing:))
        let plan = try PlanLoader.plan(text: text, specDirectory: f.root.path, overrides: sets)
        let runner = PipelineRunner(plan: plan, options: RunOptions(environment: [:]), console: .silent)
        #expect(!(try runner.run()).failed)
        let load = try #require(try runner.stages().stages.first { $0.kind == .load })
        let loaded = try LoadedData.read(runner.layout.load(load.key).loaded)
        func perClass(_ images: [LoadedImage]) -> [Int] { [0, 1].map { c in images.filter { $0.label == c }.count } }
        #expect(perClass(loaded.train) == [3, 3] && perClass(loaded.validation) == [1, 1] && perClass(loaded.test) == [1, 1])
        let state = try ExperimentState.read(f.paths("sgd").state)
        #expect(state.overrides == ["--set data.limit=0.5", "--set defaults.epochs=1"])
        #expect(state.config.epochs == 1 && state.data.limit == DataLimit(amount: .fraction(0.5), seed: 7))
        // The same file without the options is another plan: its load stage has not run.
        let without = try #require(try f.decisions(text)["load"])
        #expect(without.hasPrefix("runs because data.limit"), "\(without)")
    }
}
