// The reasons `plan` and `run` give (issue 11 item 3): compared only with this project's own
// last run of the stage, "it has not run before" for a new one, "resumes from epoch E, batch
// B" for an interrupted one, and the changed value named old → new.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct RunReasonTests {
    static let one = PipelineFixture.spec(epochs: 2, experiments: "  sgd: {}\n")

    @Test func reasonsAfterARunAStopAndInAnotherProject() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        #expect(!(try f.runner(Self.one).run()).failed)

        // Another project in the same workspace, with other data settings and its own
        // comparison (the folder of `cmp` holds tiny's report): nothing of it has run,
        // whatever the first project's records say.
        let other = Self.one.replacingOccurrences(of: "project: tiny", with: "project: other")
            .replacingOccurrences(of: "input_size: 16", with: "input_size: 12")
            .replacingOccurrences(of: "name: cmp", with: "name: other_cmp")
        #expect(other.contains("project: other") && other.contains("input_size: 12") && other.contains("name: other_cmp"))
        for (id, line) in try f.decisions(other) { #expect(line == "runs because it has not run before", "\(id)") }

        // A changed value is named with its old and new values.
        let epochs = Self.one.replacingOccurrences(of: "epochs: 2", with: "epochs: 3")
        #expect(try f.decisions(epochs)["train/sgd"] == "runs because epochs 2 → 3")
        let lr = Self.one.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.01")
        #expect(try f.decisions(lr)["train/sgd"] == "runs because optimizer.sgd.lr 0.05 → 0.01")

        // Stopped after 4 batches (3 per epoch: 12 images in batches of 4) with a changed lr:
        // the next run continues that run, at the second batch of the second epoch.
        let changed = Self.one.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.02")
        #expect(throws: StoppedByUser.self) { try f.runner(changed, stop: StopSignal(afterBatches: 4)).run() }
        let afterStop = try f.decisions(changed)
        #expect(afterStop["train/sgd"] == "runs because it resumes from epoch 2, batch 2", "\(afterStop)")
        #expect(afterStop["load"] == "cached")
        // Other settings than the stopped run's: compared with the last completed run again.
        #expect(try f.decisions(lr)["train/sgd"] == "runs because optimizer.sgd.lr 0.05 → 0.01")
    }

    /// The detail of a change, from two recorded values (pure).
    @Test func changeDetails() {
        var old = StageInputs(), new = StageInputs()
        old.add("epochs", 4)
        new.add("epochs", 6)
        old.add("optimizer", ["sgd": ["lr": 0.01, "momentum": 0.9]])
        new.add("optimizer", ["adam": ["lr": 0.001]])
        let changes = InputChanges(old: old, new: new, names: new.changes(since: old))
        // A shape change prints the whole value when it is short.
        #expect(changes.description == #"epochs 4 → 6, optimizer {"sgd":{"lr":0.01,"momentum":0.9}} → {"adam":{"lr":0.001}}"#)

        let before = "train\tNORMAL/a.jpeg\tNORMAL\t11\ntrain\tNORMAL/b.jpeg\tNORMAL\t22\n"
        let after = "train\tNORMAL/a.jpeg\tNORMAL\t33\ntrain\tNORMAL/b.jpeg\tNORMAL\t22\ntest\tX/c.jpeg\tX\t44\ntest\tX/d.jpeg\tX\t55\n"
        #expect(InputChanges.fileChanges(before, after) == "data.files: train NORMAL/a.jpeg changed, 2 files added (test X/c.jpeg, …)")
        #expect(InputChanges.fileChanges(after, before) == "data.files: train NORMAL/a.jpeg changed, 2 files removed (test X/c.jpeg, …)")
        // Too long for a line: the name alone.
        var long = StageInputs(), longer = StageInputs()
        long.add("comparison", ["experiments": (0..<20).map { "experiment_\($0)" }])
        longer.add("comparison", ["experiments": (0..<21).map { "experiment_\($0)" }])
        #expect(InputChanges(old: long, new: longer, names: ["comparison"]).description == "comparison changed")
    }
}
