// What reruns after an edit: every decision `plan` would print, after one real run of the
// tiny pipeline (two experiments, one epoch) in a temporary folder.
import Foundation
import Testing
import MonkModels
@testable import MonkPipeline

@Suite struct CacheDecisionTests {
    static let base = PipelineFixture.spec(epochs: 1)

    /// One run shared by the assertions below (each edit is planned, not run, except where
    /// the test says so), to keep the suite fast in a debug build.
    @Test func decisionsFollowEachKindOfEdit() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let all = ["load", "train/adam", "test/adam", "train/sgd", "test/sgd", "compare/cmp"]

        // A first plan: nothing has run.
        let first = try f.decisions(Self.base)
        #expect(first.keys.sorted() == all.sorted())
        for id in all { #expect(first[id] == "runs because it has not run before", "\(id)") }

        let report = try f.runner(Self.base).run()
        #expect(!report.failed)
        #expect(report.stages.map(\.identity) == ["load", "train/adam", "test/adam", "train/sgd", "test/sgd", "compare/cmp"])
        for id in all { #expect(try f.decisions(Self.base)[id] == "cached", "\(id)") }

        // One experiment's lr: exactly its train and test, and the compare, rerun.
        let lr = Self.base.replacingOccurrences(of: "{type: adam, lr: 0.002}", with: "{type: adam, lr: 0.003}")
        #expect(lr != Self.base)
        let afterLR = try f.decisions(lr)
        #expect(afterLR["load"] == "cached")
        #expect(afterLR["train/sgd"] == "cached")
        #expect(afterLR["test/sgd"] == "cached")
        #expect(afterLR["train/adam"] == "runs because optimizer.adam.lr 0.002 → 0.003")
        #expect(afterLR["test/adam"] == "runs because its input from train changed")
        #expect(afterLR["compare/cmp"] == "runs because its input from test/adam changed")

        // Comments, blank lines and the order of keys in a mapping change nothing.
        let reordered = Self.base
            .replacingOccurrences(of: "project: tiny\nseed: 7\n", with: "seed: 7   # the project seed\n\nproject: tiny\n")
            .replacingOccurrences(of: "{type: sgd, lr: 0.05, momentum: 0.9}", with: "{momentum: 0.9, lr: 0.05, type: sgd}")
            .replacingOccurrences(of: "  input_size: 16\n  batch_size: 4\n", with: "  batch_size: 4 # small\n  input_size: 16\n")
        #expect(reordered != Self.base)
        for (id, line) in try f.decisions(reordered) { #expect(line == "cached", "\(id)") }

        // A new name for an experiment: its stages are found under the old directory.
        let renamed = Self.base.replacingOccurrences(of: "  adam:\n", with: "  adam_renamed:\n")
        let afterRename = try f.decisions(renamed)
        let oldDirectory = f.paths("adam").root.path
        #expect(afterRename["load"] == "cached")
        #expect(afterRename["train/sgd"] == "cached")
        #expect(afterRename["train/adam_renamed"] == "cached (outputs copied from \(oldDirectory))")
        #expect(afterRename["test/adam_renamed"] == "cached (outputs copied from \(oldDirectory))")
        #expect(afterRename["compare/cmp"]?.hasPrefix("runs because comparison.experiments[0] adam → adam_renamed") == true, "\(afterRename)")
        // Running the rename copies the outputs and trains nothing.
        let renameReport = try f.runner(renamed).run()
        let ran = renameReport.stages.filter { if case .ran = $0.outcome { return true } else { return false } }.map(\.identity)
        #expect(ran == ["compare/cmp"])
        let copied = f.paths("adam_renamed")
        #expect(try Data(contentsOf: copied.bestWeights) == Data(contentsOf: f.paths("adam").bestWeights))
        #expect(try ExperimentState.read(copied.state).experiment == "adam_renamed")
        // The copied checkpoint's sidecar names its new owner.
        let sidecar = try ModelCheckpoint.load(copied.bestWeights).info
        #expect(sidecar.metadata["experiment"] == "adam_renamed")
        #expect(try ModelCheckpoint.load(f.paths("adam").bestWeights).info.metadata["experiment"] == "adam")
        for (id, line) in try f.decisions(renamed) { #expect(line == "cached", "\(id)") }

        // --force train reruns the train stages (and only those are forced).
        let forced = try f.decisions(Self.base, force: ["train"])
        #expect(forced["train/sgd"] == "runs because --force train was given")
        #expect(forced["train/adam"] == "runs because --force train was given")
        #expect(forced["load"] == "cached")
        #expect(forced["test/sgd"] == "cached")
        // Run forced: the train stages run, to the same bytes, and the cached test results stay
        // in the experiment state. The comparison runs too: the renamed run rewrote its files, so
        // its earlier record no longer matches them (stage records keep their outputs' checksums).
        let bestBefore = try Data(contentsOf: f.paths("sgd").bestWeights)
        let forcedReport = try f.runner(Self.base, force: ["train"]).run()
        let forcedRan = forcedReport.stages.filter { if case .ran = $0.outcome { return true } else { return false } }.map(\.identity)
        #expect(forcedRan == ["train/adam", "train/sgd", "compare/cmp"])
        #expect(try Data(contentsOf: f.paths("sgd").bestWeights) == bestBefore)
        #expect(try ExperimentState.read(f.paths("sgd").state).test != nil)

        // One image's content: load and everything after it rerun, load naming data.files.
        let image = try #require(FileManager.default.contentsOfDirectory(
            atPath: f.dataDirectory.appendingPathComponent("train/NORMAL").path).sorted().first)
        let url = f.dataDirectory.appendingPathComponent("train/NORMAL/\(image)")
        var bytes = try Data(contentsOf: url)
        bytes.append(0)  // trailing byte after the JPEG end marker: other content, same pixels
        try bytes.write(to: url)
        let afterImage = try f.decisions(Self.base)
        #expect(afterImage["load"] == "runs because data.files: train NORMAL/\(image) changed")
        for e in ["sgd", "adam"] {
            #expect(afterImage["train/\(e)"] == "runs because its input from load changed")
            #expect(afterImage["test/\(e)"] == "runs because its input from load, train changed")
        }
        // The comparison last ran in the forced run above, with the same experiments.
        #expect(afterImage["compare/cmp"] == "runs because its input from test/adam, test/sgd changed")
    }
}
