// `--force` targets are typed: every valid spelling parses and forces exactly its stages; a
// misspelt kind or stage is a usage error naming the nearest valid target (issue 11, item 4:
// they used to be ignored silently, leaving everything cached).
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct ForceTargetTests {
    @Test func validTargetsParseAndForceTheirStages() throws {
        #expect(try ForceTarget(parsing: "all") == .all)
        #expect(try ForceTarget(parsing: "test") == .kind(.test))
        #expect(try ForceTarget(parsing: "train/sgd") == .stage(.train, name: "sgd"))
        #expect(try ForceTarget(parsing: "compare/cmp") == .stage(.compare, name: "cmp"))
        // What each target forces, among the fixture's six stages (planned, not run).
        let f = try PipelineFixture()
        defer { f.remove() }
        let runner = try f.runner(PipelineFixture.spec(epochs: 1))
        let stages = try runner.stages().stages
        func forced(_ text: String) throws -> [String] {
            let t = try ForceTarget(parsing: text)
            return stages.filter { t.matches($0) }.map(\.identity)
        }
        #expect(try forced("all") == ["load", "train/adam", "test/adam", "train/sgd", "test/sgd", "compare/cmp"])
        #expect(try forced("load") == ["load"])
        #expect(try forced("test") == ["test/adam", "test/sgd"])
        #expect(try forced("train/sgd") == ["train/sgd"])
        #expect(try forced("compare/cmp") == ["compare/cmp"])
        // plan names the target that forced a stage.
        let decisions = try f.decisions(PipelineFixture.spec(epochs: 1), force: ["train/sgd", "test"])
        #expect(decisions["train/sgd"] == "runs because --force train/sgd was given")
        #expect(decisions["test/adam"] == "runs because --force test was given")
    }

    func usageMessage(_ body: () throws -> Void) -> String? {
        do { try body() } catch let e as UsageError { return e.message } catch { return "not a usage error: \(error)" }
        return nil
    }

    @Test func unknownTargetsAreUsageErrorsWithTheNearestName() throws {
        #expect(usageMessage { _ = try ForceTarget(parsing: "trian") }
                == "no stage kind named 'trian'; did you mean 'train'? (valid: all, load, train, test, compare, or a stage such as train/NAME)")
        #expect(usageMessage { _ = try ForceTarget(parsing: "tset/sgd") }
                == "no stage kind named 'tset'; did you mean 'test'? (valid: train/NAME, test/NAME or compare/NAME)")
        #expect(usageMessage { _ = try ForceTarget(parsing: "load/x") } == "the load stage has no name; use --force load")
        #expect(usageMessage { _ = try ForceTarget(parsing: "train/") } == "name the experiment after the slash")

        // Names are checked against the spec when the runner plans, before anything runs.
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1)
        #expect(usageMessage { _ = try f.runner(spec, force: ["train/sgdd"]).stages() }
                == "--force train/sgdd: no stage named 'train/sgdd'; did you mean 'train/sgd'? (valid: train/adam, train/sgd)")
        #expect(usageMessage { _ = try f.runner(spec, force: ["compare/cpm"]).stages() }
                == "--force compare/cpm: no stage named 'compare/cpm'; did you mean 'compare/cmp'? (valid: compare/cmp)")
        #expect(!FileManager.default.fileExists(atPath: f.workspace.appendingPathComponent(".cache/stages").path))
    }
}
