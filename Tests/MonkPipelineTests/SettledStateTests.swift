// experiment-state.json after a run that finds an experiment's stages done: a failure or stop
// of an earlier run that never touched their outputs (settings tried and taken back, a forced
// rerun stopped) no longer shows as the experiment's status in `status` and `show`, which say
// the same by one rule.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct SettledStateTests {
    static let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
    /// Diverges at epoch 1, batch 2 (see DamagedWorkspaceTests): the run fails before it
    /// writes any checkpoint, so the outputs of `spec` stay complete.
    static func diverging(_ spec: String) -> String { spec.replacingOccurrences(of: "lr: 0.05", with: "lr: 1e300") }

    static func state(_ f: PipelineFixture, _ experiment: String = "sgd") throws -> ExperimentState {
        try ExperimentState.read(f.paths(experiment).state)
    }

    /// Another learning rate tried, failed, and taken back: every stage is cached, and the
    /// state said "failed" with the old error (and had lost the test summary) for good.
    @Test func settingsTakenBackAfterAFailedTryLeaveTheExperimentTested() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let tested = try Self.state(f)
        #expect(tested.status == .tested)
        #expect(try f.runner(Self.diverging(Self.spec)).run().failed)
        let failed = try Self.state(f)
        #expect(failed.status == .failed)
        #expect(failed.error?.hasPrefix("training diverged") == true)

        let report = try f.runner(Self.spec).run()
        #expect(report.stages.map(\.outcome) == [.cached, .cached, .cached, .cached])
        let state = try Self.state(f)
        #expect(state.status == .tested)
        #expect(state.error == nil)
        #expect(state.test == tested.test)
        #expect(state.test?.accuracy != nil)
        #expect(state.config == tested.config)
        // What a user sees: `status` with the test accuracy again, `show` (and --json) tested.
        let status = try #require(try f.runner(Self.spec).sweepStatus().experiments.first)
        #expect(status.state == .finished)
        #expect(status.testAccuracy == tested.test?.accuracy)
        #expect(ResultsOverview.table(try f.plan(Self.spec)).rows.map(\.status) == ["tested"])
    }

    /// A deleted experiment-state.json where the plan has no test set: the cached train stage
    /// writes it again (a run wrote nothing, and `show` had no kept checkpoint, time or memory),
    /// its training summary that of the training's saved state, as the run that trained wrote it.
    @Test func aDeletedStateIsWrittenAgainFromTheCachedTraining() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = Self.spec.replacingOccurrences(of: "  test: data/test\n", with: "")
        try f.runner(spec).run()
        let trained = try Self.state(f)
        #expect(trained.status == .trained && trained.training?.epochsRun == 1)
        let shown = ResultsOverview.table(try f.plan(spec))
        try FileManager.default.removeItem(at: f.paths("sgd").state)
        let missing = try #require(try f.runner(spec).sweepStatus().experiments.first)
        #expect(missing.state == .finished && missing.stateMissing == true, "\(missing)")
        #expect(missing.detail == "trained, no test set; experiment-state.json missing: run the pipeline to write it again")

        #expect(try f.runner(spec).run().stages.map(\.outcome) == [.cached, .cached, .cached])
        let state = try Self.state(f)
        #expect(state.status == .trained)
        // The peak memory is the one the saved state recorded after the last epoch; the run's
        // own figure, measured once more after it wrote the logs, can be a little higher (here
        // in a test process whose other tests allocate too).
        var training = try #require(state.training)
        let peak = try #require(trained.training?.peakMemoryMB)
        #expect(training.peakMemoryMB > 0 && training.peakMemoryMB <= peak, "\(training.peakMemoryMB) \(peak)")
        training.peakMemoryMB = peak
        #expect(training == trained.training)
        #expect(state.stageKeys == trained.stageKeys)
        #expect(state.classes == trained.classes && state.config == trained.config && state.data == trained.data)
        var table = ResultsOverview.table(try f.plan(spec))
        table.rows[0].peakMemoryMb = shown.rows[0].peakMemoryMb
        #expect(table == shown)
        let status = try #require(try f.runner(spec).sweepStatus().experiments.first)
        #expect(status.stateMissing == nil && status.keptEpoch == 1 && status.validationAccuracy == trained.training?.bestValAccuracy)
    }

    /// `show` takes its rows and its warnings from one read of each experiment-state.json: a
    /// damaged state and a folder are `unreadable` rows, and the warnings are the statuses'
    /// words (those `run` warns with), in plan order.
    @Test func showsWarningsAreThoseOfItsRows() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1)
        try f.runner(spec).run()
        try Data("{\"status\": ".utf8).write(to: f.paths("sgd").state)
        try FileManager.default.removeItem(at: f.paths("adam").state)
        try FileManager.default.createDirectory(at: f.paths("adam").state, withIntermediateDirectories: false)
        let plan = try f.plan(spec)
        let (table, warnings) = ResultsOverview.overview(plan)
        let statuses = try f.runner(spec).experimentStatuses()
        #expect(plan.experiments.map(\.name) == ["adam", "sgd"])
        #expect(table.rows.map(\.status) == ["unreadable", "unreadable"])
        #expect(statuses.map(\.state) == [.unreadable, .unreadable])
        #expect(warnings == statuses.compactMap(\.error))
        #expect(warnings == ResultsOverview.unreadableStates(plan))
        #expect(warnings.count == 2 && warnings[0] == "cannot read \(f.paths("adam").state.path): it is a folder, not a file"
                && warnings[1].hasPrefix("\(f.paths("sgd").state.path) is damaged ("), "\(warnings)")
    }

    /// Without a test set the train stage is the experiment's last: `status` and `show` said
    /// "failed: training diverged …" for an experiment trained with the settings of the spec.
    @Test func withoutATestSetTheExperimentIsTrainedAgain() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = Self.spec.replacingOccurrences(of: "  test: data/test\n", with: "")
        try f.runner(spec).run()
        #expect(try Self.state(f).status == .trained)
        #expect(try f.runner(Self.diverging(spec)).run().failed)
        #expect(try Self.state(f).status == .failed)

        #expect(try f.runner(spec).run().stages.map(\.outcome) == [.cached, .cached, .cached])
        let state = try Self.state(f)
        #expect(state.status == .trained)
        #expect(state.error == nil)
        let status = try #require(try f.runner(spec).sweepStatus().experiments.first)
        #expect(status.state != .failed)
        #expect(status.error == nil)
        #expect(ResultsOverview.table(try f.plan(spec)).rows.map(\.status) == ["trained"])
    }

    /// The cached train stage clears an old failure, but a stop later in the same run (a
    /// forced test, Ctrl-C during its predictions) is recorded; the next run, all cached,
    /// says tested. Batches of 2: the test predicts 2 batches of 2 images.
    @Test func aStopLaterInTheRunIsRecordedAndTheNextRunSaysTested() throws {
        let spec = Self.spec.replacingOccurrences(of: "batch_size: 4", with: "batch_size: 2")
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(spec).run()
        let tested = try Self.state(f)
        #expect(try f.runner(Self.diverging(spec)).run().failed)

        #expect(throws: StoppedByUser.self) { try f.runner(spec, force: ["test/sgd"], stop: StopSignal(afterBatches: 1)).run() }
        var state = try Self.state(f)
        #expect(state.status == .stopped)
        #expect(state.error == nil)
        #expect(try f.decisions(spec)["test/sgd"] == "cached")

        #expect(!(try f.runner(spec).run().failed))
        state = try Self.state(f)
        #expect(state.status == .tested)
        #expect(state.test == tested.test)
    }

    /// `run --stage train` after the test failed (here a file stands where the test writes its
    /// report, as a full disk or a read-only folder would): the cached training dropped the
    /// test's error and said `trained`, so `status` no longer showed the failure. The training
    /// is recorded, and the test's failure stays until a test succeeds; `status` shows it while
    /// the spec gives the test the key it failed under.
    @Test func aTrainOnlyRunKeepsTheFailureOfTheTest() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let trainOnly = StageSelection(kinds: [.train])
        try f.runner(Self.spec, selection: trainOnly).run()
        let trained = try Self.state(f)
        #expect(trained.status == .trained)
        try Data().write(to: f.paths("sgd").test)
        let report = try f.runner(Self.spec).run()
        #expect(report.stages.map(\.outcome).dropLast(2) == [.cached, .cached])
        guard case .failed(let why)? = report.stages.first(where: { $0.identity == "test/sgd" })?.outcome else {
            Issue.record("test/sgd: \(report.stages)"); return
        }
        #expect(try Self.state(f).failedStage?.kind == .test)

        #expect(try f.runner(Self.spec, selection: trainOnly).run().stages.map(\.outcome) == [.cached, .cached])
        let state = try Self.state(f)
        #expect(state.status == .failed)
        #expect(state.error == why)
        #expect(state.training == trained.training && state.stageKeys == trained.stageKeys)
        let status = try #require(try f.runner(Self.spec).sweepStatus().experiments.first)
        #expect(status.state == .failed)
        #expect(status.error == why)
        #expect(ResultsOverview.table(try f.plan(Self.spec)).rows.map(\.status) == ["failed"])

        // Other test settings give the test another key: that test has not run, let alone failed.
        let final = Self.spec.replacingOccurrences(of: "  sgd: {}\n", with: "  sgd: {test_checkpoint: final}\n")
        #expect(try f.decisions(final)["train/sgd"] == "cached")
        let other = try #require(try f.runner(final).sweepStatus().experiments.first)
        #expect(other.state == .interrupted && other.error == nil)
        #expect(other.detail == "trained; test not run; run or submit again to resume")
        #expect(ResultsOverview.table(try f.plan(final)).rows.map(\.status) == ["trained, test not run"])
        // `run --stage train` with those settings: the state records them now and still says the
        // test failed (under the other key). `show` said "failed" where `status` said the test
        // had not run; both go by the stage keys now.
        #expect(try f.runner(final, selection: trainOnly).run().stages.map(\.outcome) == [.cached, .cached])
        let recorded = try Self.state(f)
        #expect(recorded.status == .failed && recorded.config.testCheckpoint == .final)
        let afterTrain = try #require(try f.runner(final).sweepStatus().experiments.first)
        #expect(afterTrain.state == .interrupted && afterTrain.detail == "trained; test not run; run or submit again to resume")
        #expect(ResultsOverview.table(try f.plan(final)).rows.map(\.status) == ["trained, test not run"])
        #expect(ResultsOverview.table(try f.plan(Self.spec)).rows.map(\.status) == ["failed"])

        try FileManager.default.removeItem(at: f.paths("sgd").test)
        #expect(!(try f.runner(Self.spec).run().failed))
        let tested = try Self.state(f)
        #expect(tested.status == .tested && tested.error == nil && tested.failedStage == nil)
        #expect(try f.runner(Self.spec).sweepStatus().experiments.first?.state == .finished)
    }

    /// Renamed while its state said failed: the new name takes over the outputs, and its
    /// state (the old one under the new name) says what they are.
    @Test func aRenamedExperimentTakesOverTheWorkNotTheOldFailure() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let tested = try Self.state(f)
        #expect(try f.runner(Self.diverging(Self.spec)).run().failed)

        let renamed = Self.spec.replacingOccurrences(of: "  sgd: {}\n", with: "  sgd_renamed: {}\n")
        #expect(try f.decisions(renamed)["test/sgd_renamed"]?.hasPrefix("cached (outputs copied from") == true)
        #expect(!(try f.runner(renamed).run().failed))
        let state = try Self.state(f, "sgd_renamed")
        #expect(state.status == .tested)
        #expect(state.error == nil)
        #expect(state.test == tested.test)
    }
}
