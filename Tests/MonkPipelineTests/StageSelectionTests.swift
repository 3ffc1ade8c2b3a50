// Running a pipeline in parts (`--experiment`, `--stage`), as one cluster job per experiment
// would: each part runs only its stages, and the parts together leave exactly what one whole
// run leaves (same weights, same predictions, every stage cached afterwards).
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct StageSelectionTests {
    static let spec = PipelineFixture.spec(epochs: 1)

    func runner(_ f: PipelineFixture, _ selection: StageSelection) throws -> PipelineRunner {
        PipelineRunner(plan: try f.plan(Self.spec), options: RunOptions(selection: selection, environment: [:]), console: .silent)
    }

    func ran(_ report: RunReport) -> [String] {
        report.stages.filter { if case .ran = $0.outcome { return true } else { return false } }.map(\.identity)
    }

    @Test func partsInAnyOrderEqualOneWholeRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }

        // What each selection covers, before anything ran.
        #expect(try runner(f, StageSelection(experiments: ["sgd"])).stages().stages.map(\.identity) == ["load", "train/sgd", "test/sgd"])
        #expect(try runner(f, StageSelection(kinds: [.load])).stages().stages.map(\.identity) == ["load"])
        #expect(try runner(f, StageSelection(kinds: [.train])).stages().stages.map(\.identity) == ["load", "train/adam", "train/sgd"])
        #expect(try runner(f, StageSelection(experiments: ["adam"], kinds: [.test])).stages().stages.map(\.identity) == ["load", "test/adam"])
        #expect(try runner(f, StageSelection(kinds: [.compare])).stages().stages.map(\.identity) == ["compare/cmp"])

        // The comparison alone, before the experiments: it cannot run and says what it needs.
        let early = try runner(f, StageSelection(kinds: [.compare]))
        let blocked = early.decisions(try early.stages().stages)
        #expect(blocked.map(\.line).first?.hasSuffix("CANNOT RUN: needs test/adam, test/sgd, which have not completed with the current settings (not selected in this run)") == true,
                "\(blocked.map(\.line))")
        #expect(try early.run().failed)
        #expect(!FileManager.default.fileExists(atPath: f.workspace.appendingPathComponent("comparison/cmp/index.html").path))

        // One experiment: the data is loaded, that experiment trained and tested, nothing else.
        let sgd = try runner(f, StageSelection(experiments: ["sgd"])).run()
        #expect(!sgd.failed)
        #expect(ran(sgd) == ["load", "train/sgd", "test/sgd"])
        #expect(!FileManager.default.fileExists(atPath: f.paths("adam").root.path))
        // A test alone whose training has not run cannot run either.
        let testOnly = try runner(f, StageSelection(experiments: ["adam"], kinds: [.test]))
        guard case .cannotRun(let why)? = testOnly.decisions(try testOnly.stages().stages).last?.verdict else {
            Issue.record("test/adam without train/adam must not run"); return
        }
        #expect(why.hasPrefix("needs train/adam, which has not completed"), "\(why)")

        // The other experiment: the load stage is now cached.
        let adam = try runner(f, StageSelection(experiments: ["adam"])).run()
        #expect(ran(adam) == ["train/adam", "test/adam"])
        #expect(adam.stages.first.map { $0.identity == "load" && $0.outcome == .cached } == true)

        // Then the comparison alone, from the finished experiments.
        let compare = try runner(f, StageSelection(kinds: [.compare])).run()
        #expect(ran(compare) == ["compare/cmp"])
        #expect(FileManager.default.fileExists(atPath: f.workspace.appendingPathComponent("comparison/cmp/comparison.csv").path))

        // The whole pipeline now has nothing to do.
        for (id, line) in try f.decisions(Self.spec) { #expect(line == "cached", "\(id)") }

        // And the parts trained and tested exactly what one whole run does: training is
        // deterministic for a seed (ResumeTests relies on it too), so the bytes are the same.
        let whole = try PipelineFixture()
        defer { whole.remove() }
        #expect(try ran(whole.runner(Self.spec).run()) == ["load", "train/adam", "test/adam", "train/sgd", "test/sgd", "compare/cmp"])
        for name in ["sgd", "adam"] {
            #expect(try Data(contentsOf: f.paths(name).bestWeights) == Data(contentsOf: whole.paths(name).bestWeights), "\(name)")
            let parts = try ExperimentState.read(f.paths(name).state).test
            let one = try ExperimentState.read(whole.paths(name).state).test
            #expect(parts != nil && parts == one, "\(name): \(String(describing: parts)) vs \(String(describing: one))")
        }
    }

    @Test func unknownNamesAreUsageErrorsWithTheNearestName() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        do {
            _ = try runner(f, StageSelection(experiments: ["sgdd"])).stages()
            Issue.record("an unknown experiment must be refused")
        } catch let e as UsageError {
            #expect(e.message == "--experiment sgdd: no experiment named 'sgdd'; did you mean 'sgd'? (valid: adam, sgd)")
        }
        #expect(throws: UsageError.self) { try runner(f, StageSelection(experiments: ["sgd"], kinds: [.compare])).stages() }
    }
}
