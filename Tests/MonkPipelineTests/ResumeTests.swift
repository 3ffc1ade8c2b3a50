// Interrupted runs resume to exactly the weights and metrics of an uninterrupted run with
// the same seed: stops at chosen batches (mid-epoch, at an epoch's end, in the last epoch)
// and the files a kill -9 would leave behind.
import Foundation
import MonkEngine
import Testing
@testable import MonkPipeline
import MonkReport

@Suite struct ResumeTests {
    /// One experiment, 3 epochs of 3 batches (12 train images, batch 4).
    static let spec = PipelineFixture.spec(epochs: 3, experiments: "  sgd: {}\n")
    static let batchesPerEpoch = 3

    /// Everything a run produces that must not depend on interruptions: weight files' bytes,
    /// the history without its timings, the test metrics.
    struct Outcome: Equatable {
        var best: Data
        var final: Data
        var history: [[Double]]
        var bestEpoch: Int?
        var testAccuracy: Double?
        var testAUC: Double?
    }

    static func outcome(_ f: PipelineFixture) throws -> Outcome {
        let p = f.paths("sgd")
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: p.logs.appendingPathComponent("history.json")))
        let state = try ExperimentState.read(p.state)
        return Outcome(best: try Data(contentsOf: p.bestWeights), final: try Data(contentsOf: p.finalWeights),
                       history: history.map { [Double($0.epoch), $0.learningRate, $0.trainLoss, $0.trainAccuracy, $0.valLoss, $0.valAccuracy] },
                       bestEpoch: state.training?.bestEpoch, testAccuracy: state.test?.accuracy, testAUC: state.test?.auc)
    }

    /// The uninterrupted reference, computed once per test process.
    static let reference: Result<Outcome, Error> = Result {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(spec).run()
        return try outcome(f)
    }

    /// The resumable state on disk: (epoch, batch) trained so far.
    static func savedPosition(_ f: PipelineFixture) throws -> [Int] {
        let url = f.paths("sgd").models.appendingPathComponent("resume.monksnap")
        let state = try SnapshotArchive.decode(TrainingState.self, from: Data(contentsOf: url))
        return [state.epoch, state.batch]
    }

    /// Runs until the stop after `batches` batches (mid-epoch), checks where it saved, resumes
    /// for one batch to show it continues from there (not from the start), then runs to the end.
    static func stoppedThenResumed(after batches: Int, _ f: PipelineFixture) throws {
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: StopSignal(afterBatches: batches)).run() }
        #expect(try ExperimentState.read(f.paths("sgd").state).status == .stopped)
        #expect(try savedPosition(f) == [batches / batchesPerEpoch, batches % batchesPerEpoch])
        #expect(throws: StoppedByUser.self) { try f.runner(spec, stop: StopSignal(afterBatches: 1)).run() }
        #expect(try savedPosition(f) == [(batches + 1) / batchesPerEpoch, (batches + 1) % batchesPerEpoch])
        let report = try f.runner(spec).run()
        #expect(!report.failed)
    }

    @Test(arguments: [1, 4, 7])  // mid-epoch 1, mid-epoch 2, in the last epoch (each + 1 stays mid-epoch)
    func stopMidEpochThenResume(batches: Int) throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        try Self.stoppedThenResumed(after: batches, f)
        let got = try Self.outcome(f)
        #expect(got.history.count == 3)
        #expect(got == reference)
    }

    @Test func stopAtEpochBoundaryThenResume() throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        // The stop comes with the epoch's last batch: validation and the checkpoint finish first.
        #expect(throws: StoppedByUser.self) { try f.runner(Self.spec, stop: StopSignal(afterBatches: Self.batchesPerEpoch)).run() }
        #expect(try Self.savedPosition(f) == [1, 0])
        try f.runner(Self.spec).run()
        #expect(try Self.outcome(f) == reference)
    }

    /// kill -9 during epoch 3: the files on disk are the epoch-2 checkpoint (atomic), a
    /// half-written temporary file next to it, an experiment state that still says
    /// "training", and a lock file naming a process that is gone.
    @Test func killedDuringAnEpochResumesFromTheLastCheckpoint() throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        let p = f.paths("sgd")
        let resume = p.models.appendingPathComponent("resume.monksnap")
        #expect(throws: StoppedByUser.self) { try f.runner(Self.spec, stop: StopSignal(afterBatches: 2 * Self.batchesPerEpoch)).run() }
        let afterEpoch2 = try Data(contentsOf: resume)
        // Let epoch 3 start and save a mid-epoch state, then put back what a kill would leave.
        #expect(throws: StoppedByUser.self) { try f.runner(Self.spec, stop: StopSignal(afterBatches: 1)).run() }
        #expect(try Data(contentsOf: resume) != afterEpoch2)
        try afterEpoch2.write(to: resume)
        try afterEpoch2.prefix(afterEpoch2.count / 3).write(to: p.models.appendingPathComponent(".resume.monksnap.tmp-99999-1"))
        var state = try ExperimentState.read(p.state)
        state.status = .training
        try state.write(to: p.state)
        try #"{"pid":2147483646,"host":"gone","started":"2026-11-27T00:00:00Z","command":"monkpipe run"}"#
            .write(to: p.lock, atomically: false, encoding: .utf8)
        // The next run starts epoch 3 from the epoch-2 checkpoint and takes the stale lock over.
        #expect(throws: StoppedByUser.self) { try f.runner(Self.spec, stop: StopSignal(afterBatches: 1)).run() }
        #expect(try Self.savedPosition(f) == [2, 1])
        #expect(!FileManager.default.fileExists(atPath: p.lock.path))
        let report = try f.runner(Self.spec).run()
        #expect(!report.failed)
        #expect(try Self.outcome(f) == reference)
    }

    /// Deleted best weights after a finished run: the saved state cannot give them back (it
    /// holds the last epoch's weights), so the stage trains again and rewrites them.
    @Test func deletedBestWeightsAreTrainedAgain() throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        try FileManager.default.removeItem(at: f.paths("sgd").bestWeights)
        #expect(try f.decisions(Self.spec)["train/sgd"] == "runs because its last run did not complete (or its outputs were deleted)")
        let report = try f.runner(Self.spec).run()
        #expect(!report.failed)
        // Same key, same weights: the cached test results stay in the experiment state.
        #expect(try Self.outcome(f) == reference)
        #expect(try ExperimentState.read(f.paths("sgd").state).status == .tested)
    }

    /// A stop that comes while a stage that does not stop mid-way runs (here: with the last
    /// training batch, so training completes) ends the run before the next stage, instead of
    /// running test and compare to the end and exiting 0 (issue 13, item 13).
    @Test func aStopBetweenStagesEndsTheRun() throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        do {
            try f.runner(Self.spec, stop: StopSignal(afterBatches: 3 * Self.batchesPerEpoch)).run()
            Issue.record("the run went on after the stop")
        } catch let stopped as StoppedByUser {
            #expect(stopped.detail == "train/sgd finished first; test/sgd and the stages after it have not run")
        }
        #expect(try f.decisions(Self.spec)["train/sgd"] == "cached")
        #expect(!FileManager.default.fileExists(atPath: f.paths("sgd").metrics.path))
        try f.runner(Self.spec).run()
        #expect(try Self.outcome(f) == reference)
    }

    /// A stop during the test stage's predictions ends them after the current batch: exit
    /// 130 with nothing of the test stage written (no metrics, no half prediction file), the
    /// trained stage cached, and the next run tests and ends where the reference does
    /// (issue 13, item 13). Batches of 2: 6 training batches, then 2 test batches of 2 images.
    @Test func aStopDuringTestPredictionsEndsTheStage() throws {
        let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
            .replacingOccurrences(of: "batch_size: 4", with: "batch_size: 2")
        let f = try PipelineFixture()
        defer { f.remove() }
        do {
            try f.runner(spec, stop: StopSignal(afterBatches: 6 + 1)).run()
            Issue.record("the run went on after the stop")
        } catch let stopped as StoppedByUser {
            #expect(stopped.detail == "predictions stopped after 2 of 4 images; nothing of this stage was saved")
        }
        let p = f.paths("sgd")
        #expect(try ExperimentState.read(p.state).status == .stopped)
        #expect(try f.decisions(spec)["train/sgd"] == "cached")
        #expect(try f.decisions(spec)["test/sgd"] == "runs because it has not run before")
        #expect(!FileManager.default.fileExists(atPath: p.metrics.path))
        #expect(!FileManager.default.fileExists(atPath: p.storedPredictions.path))
        let report = try f.runner(spec).run()
        #expect(!report.failed)
        #expect(try ExperimentState.read(p.state).status == .tested)
        #expect(FileManager.default.fileExists(atPath: p.metrics.path))
    }

    /// A checkpoint cut short (a copy or a disk that lost its tail) is not trusted, and not
    /// dropped in silence either: the run names it and says what to do; `--force train/sgd`
    /// (the choice it names) trains from the first epoch and ends where the reference does.
    @Test func truncatedCheckpointIsRefusedUntilForced() throws {
        let reference = try Self.reference.get()
        let f = try PipelineFixture()
        defer { f.remove() }
        let resume = f.paths("sgd").models.appendingPathComponent("resume.monksnap")
        #expect(throws: StoppedByUser.self) { try f.runner(Self.spec, stop: StopSignal(afterBatches: 4)).run() }
        let bytes = try Data(contentsOf: resume)
        let cut = bytes.prefix(bytes.count / 2)
        try cut.write(to: resume)
        let refused = try f.runner(Self.spec).run()
        let outcome = refused.stages.first { $0.identity == "train/sgd" }?.outcome
        guard case .failed(let why)? = outcome else { Issue.record("train/sgd: \(String(describing: outcome))"); return }
        #expect(why.hasPrefix("the saved training state \(resume.path) is damaged ("), "\(why)")
        #expect(why.hasSuffix("delete it to train train/sgd from the first epoch, or run with --force train/sgd"), "\(why)")
        #expect(try Data(contentsOf: resume) == cut, "the damaged state was kept for the user to decide")
        try f.runner(Self.spec, force: ["train/sgd"]).run()
        #expect(try Self.outcome(f) == reference)
    }
}
