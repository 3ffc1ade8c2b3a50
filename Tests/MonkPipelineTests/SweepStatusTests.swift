// `monkpipe status` from the workspace alone (no scheduler): not started, interrupted with
// the epoch and batch reached, running while the lock is held, finished with the test
// accuracy, failed with the error; and the comparison.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct SweepStatusTests {
    static func states(_ s: SweepStatus) -> [String: ExperimentStatus.State] {
        Dictionary(uniqueKeysWithValues: s.experiments.map { ($0.experiment, $0.state) })
    }

    @Test func statesFollowTheRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 2)
        let fresh = try f.runner(spec).sweepStatus()
        #expect(Self.states(fresh) == ["adam": .notStarted, "sgd": .notStarted])
        #expect(fresh.comparison.state == .notWritten)

        // adam runs first (plan order); 12 train images in batches of 4 make 3 batches an epoch,
        // so a stop after 4 batches leaves it in epoch 2 after 1 batch.
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: StopSignal(afterBatches: 4)).run() }
        let stopped = try f.runner(spec).sweepStatus()
        let adam = try #require(stopped.experiments.first { $0.experiment == "adam" })
        #expect(adam.state == .interrupted)
        #expect(adam.epochsDone == 1 && adam.batch == 1 && adam.epochs == 2)
        #expect(adam.detail == "stopped in epoch 2/2 after 1 batches; run or submit again to resume")
        #expect(Self.states(stopped)["sgd"] == .notStarted)

        // Whoever holds an experiment's lock is running it.
        let lock = try RunLock(f.paths("sgd").lock)
        let running = try f.runner(spec).sweepStatus().experiments.first { $0.experiment == "sgd" }
        #expect(running?.state == .running)
        #expect(running?.process?.hasPrefix("\(getpid())@") == true)
        lock.release()

        try f.runner(spec).run()
        let done = try f.runner(spec).sweepStatus()
        #expect(Self.states(done) == ["adam": .finished, "sgd": .finished])
        for e in done.experiments {
            let state = try ExperimentState.read(f.paths(e.experiment).state)
            #expect(e.testAccuracy == state.test?.accuracy)
            #expect(e.testAccuracy != nil)
            #expect(e.epochsDone == 2)
        }
        #expect(done.comparison.state == .written)
        #expect(done.comparison.report == f.workspace.appendingPathComponent("comparison/cmp/index.html").path)

        // Another learning rate: the finished results describe other settings.
        let changed = spec.replacingOccurrences(of: "{type: adam, lr: 0.002}", with: "{type: adam, lr: 0.003}")
        #expect(Self.states(try f.runner(changed).sweepStatus()) == ["adam": .notStarted, "sgd": .finished])
    }

    /// Without a test set the plan has no test stages: a trained experiment is finished (with
    /// its kept checkpoint's validation accuracy, not a "test not run"), also when the data cannot be read
    /// and only the state file says so, and waiting for the sweep ends there.
    @Test func untestedPipelineFinishesWhenTrained() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1).replacingOccurrences(of: "  test: data/test\n", with: "")
        #expect(try f.runner(spec).stages().stages.map(\.identity) == ["load", "train/adam", "train/sgd", "compare/cmp"])
        // adam's one epoch is 3 batches of 4: a stop after 2 leaves it mid-epoch.
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: StopSignal(afterBatches: 2)).run() }
        let adam = try #require(try f.runner(spec).sweepStatus().experiments.first { $0.experiment == "adam" })
        #expect(adam.state == .interrupted)
        #expect(adam.detail == "stopped in epoch 1/1 after 2 batches; run or submit again to resume")

        try f.runner(spec).run()
        let done = try f.runner(spec).sweepStatus()
        #expect(Self.states(done) == ["adam": .finished, "sgd": .finished])
        #expect(done.allFinished && done.comparison.state == .written)
        for e in done.experiments {
            let accuracy = try #require(try ExperimentState.read(f.paths(e.experiment).state).training?.bestValAccuracy)
            #expect(!e.testStage && e.testAccuracy == nil && e.epochsDone == 1)
            #expect(e.validationAccuracy == accuracy && e.keptEpoch == 1)
            #expect(e.detail == String(format: "trained, no test set (kept checkpoint: epoch 1, validation accuracy %.4f)", accuracy))
        }
        // A stop already asked for ends the wait after its first look, unless every experiment has finished.
        let stop = StopSignal()
        stop.request()
        #expect((try? f.runner(spec, stop: stop).waitForExperiments(interval: 0.01))?.allFinished == true)

        // Without its data there are no cache decisions; the state files say trained.
        try FileManager.default.removeItem(at: f.dataDirectory)
        #expect(Self.states(try f.runner(spec).sweepStatus()) == ["adam": .finished, "sgd": .finished])
    }

    /// With a test set, a trained experiment whose test has not run is not finished, and
    /// waiting goes on.
    @Test func trainedButUntestedIsNotFinishedWithATestSet() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
        // The stop comes with training's last batch (3): the run ends before the test stage.
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: StopSignal(afterBatches: 3)).run() }
        #expect(try f.decisions(spec)["train/sgd"] == "cached")
        let status = try f.runner(spec).sweepStatus()
        let sgd = try #require(status.experiments.first)
        #expect(sgd.state == .interrupted && sgd.testStage)
        #expect(sgd.detail == "trained; test not run; run or submit again to resume")
        let stop = StopSignal()
        stop.request()
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: stop).waitForExperiments(interval: 0.01) }

        try FileManager.default.removeItem(at: f.dataDirectory)
        #expect(Self.states(try f.runner(spec).sweepStatus()) != ["sgd": .finished])
    }

    /// `run --stage train` with a test set and early stopping: the experiment whose training
    /// early stopping ended after epoch 2 of 4 showed "stopped in epoch 3/4 after 0 batches",
    /// as if a run had been cut; it is trained, and its test is what is left, as for the one
    /// that trained every epoch.
    @Test func trainedByEarlyStoppingButUntestedSaysTrained() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        // No validation loss improves by 100: early stopping with patience 1 ends after epoch 2.
        let spec = PipelineFixture.spec(epochs: 4, experiments: """
              early: {early_stopping: {metric: val_loss, patience: 1, min_delta: 100}}
              full: {epochs: 2, early_stopping: {metric: val_loss, patience: 5}}

            """)
        let trainOnly = try f.runner(spec, selection: StageSelection(kinds: [.train]))
        #expect(try trainOnly.run().stages.map(\.identity) == ["load", "train/early", "train/full"])
        #expect(try ExperimentState.read(f.paths("early").state).training?.stopReason == .earlyStopping)
        #expect(try ExperimentState.read(f.paths("full").state).training?.stopReason == .completed)

        let rows = Dictionary(uniqueKeysWithValues: try f.runner(spec).sweepStatus().experiments.map { ($0.experiment, $0) })
        let early = try #require(rows["early"]), full = try #require(rows["full"])
        #expect(early.state == .interrupted && early.trained && early.epochsDone == 2 && early.epochs == 4)
        #expect(early.detail == "trained (early stopping after epoch 2/4); test not run; run or submit again to resume")
        #expect(full.state == .interrupted && full.trained && full.epochsDone == 2 && full.epochs == 2)
        #expect(full.detail == "trained; test not run; run or submit again to resume")

        // While a run tests them (it holds their locks), the rows say the test runs; they said
        // "2/4 epochs done" for the one early stopping ended, and nothing for the other.
        do {
            let locks = try ["early", "full"].map { try RunLock(f.paths($0).lock, command: "monkpipe run tiny.yaml") }
            defer { locks.forEach { $0.release() } }
            let running = Dictionary(uniqueKeysWithValues: try f.runner(spec).sweepStatus().experiments.map { ($0.experiment, $0) })
            let early = try #require(running["early"]), full = try #require(running["full"])
            #expect(early.state == .running && full.state == .running)
            let pid = "pid \(getpid())@"
            #expect(early.detail.hasPrefix(pid) && early.detail.hasSuffix(", trained (early stopping after epoch 2/4); testing"), "\(early.detail)")
            #expect(full.detail.hasPrefix(pid) && full.detail.hasSuffix(", trained; testing"), "\(full.detail)")
        }

        try f.runner(spec).run()
        let done = try f.runner(spec).sweepStatus()
        #expect(Self.states(done) == ["early": .finished, "full": .finished])
        #expect(done.experiments.map(\.trained) == [true, true])
    }

    /// Without readable data status cannot plan the keys and reads the state files: a state of
    /// an older spec (one epoch where the spec now says two, another input size) showed as
    /// finished, with the comparison written, and `--wait` ended. A state counts when the
    /// settings it records give the spec's keys; what stays out of the keys (workers) does not
    /// count, and other test settings leave the training the spec's.
    @Test func withoutTheDataAStateOfOtherSettingsIsNotFinished() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
        try f.runner(spec).run()
        let workers = spec.replacingOccurrences(of: "  batch_size: 4\n", with: "  batch_size: 4\n  workers: 3\n")
        let epochs = PipelineFixture.spec(epochs: 2, experiments: "  sgd: {}\n")
        let size = spec.replacingOccurrences(of: "input_size: 16", with: "input_size: 20")
        let final = spec.replacingOccurrences(of: "  sgd: {}\n", with: "  sgd: {test_checkpoint: final}\n")
        func rows(_ text: String) throws -> (state: ExperimentStatus.State, detail: String, comparison: ComparisonStatus.State) {
            let s = try f.runner(text).sweepStatus()
            let sgd = try #require(s.experiments.first)
            return (sgd.state, sgd.detail, s.comparison.state)
        }
        // The same answers with the data and without it.
        for removed in [false, true] {
            if removed { try FileManager.default.removeItem(at: f.dataDirectory) }
            for text in [spec, workers] {
                let r = try rows(text)
                #expect(r.state == .finished && r.comparison == .written, "data removed: \(removed)")
            }
            for text in [epochs, size] {
                let r = try rows(text)
                #expect(r.state == .notStarted && r.comparison == .notWritten, "data removed: \(removed), \(r)")
            }
            let r = try rows(final)
            #expect(r.state == .interrupted && r.detail == "trained; test not run; run or submit again to resume", "data removed: \(removed)")
            #expect(r.comparison == .notWritten)
        }
    }

    /// A weights file that is not one fails its experiment at run time; status says why.
    @Test func failedExperimentShowsItsError() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try Data("not a weights file".utf8).write(to: f.root.appendingPathComponent("broken.pth"))
        let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n  broken: {model: resnet18_v1, pretrained: broken.pth}\n")
        let report = try f.runner(spec).run()
        #expect(report.failed)
        let status = try f.runner(spec).sweepStatus()
        let broken = try #require(status.experiments.first { $0.experiment == "broken" })
        #expect(broken.state == .failed)
        let state = try ExperimentState.read(f.paths("broken").state)
        #expect(broken.error == state.error && broken.error != nil)
        #expect(Self.states(status)["sgd"] == .finished)
        #expect(status.failed.map(\.experiment) == ["broken"])
    }
}
