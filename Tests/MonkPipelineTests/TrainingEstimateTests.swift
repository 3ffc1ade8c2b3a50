// `plan`'s time estimate for a train stage that will run (issue 11 item 11): the number agrees
// with a hand computation from a known history; another batch size is timed instead; cached
// stages get none.
import Foundation
import Testing
@testable import MonkPipeline
import MonkReport

@Suite struct TrainingEstimateTests {
    /// A last run of `sgd` with the fixture's model, size and batch: 12 train and 4 validation
    /// images; epoch 1 at 6 images/s in 3 s of wall time, epoch 2 at 12 images/s in 1.5 s.
    static func writeLastRun(_ f: PipelineFixture, plan: Plan) throws {
        let paths = f.paths("sgd")
        try FileManager.default.createDirectory(at: paths.logs, withIntermediateDirectories: true)
        var state = ExperimentState(project: "tiny", experiment: try #require(plan.experiment(named: "sgd")), data: plan.data, status: .trained)
        state.training = TrainingSummary(bestEpoch: 2, bestValAccuracy: 0.5, epochsRun: 2, stopReason: .completed, trainingSeconds: 4.5,
                                         trainImagesPerSecond: 8, peakMemoryMB: 100, trainImages: 12, validationImages: 4)
        try state.write(to: paths.state)
        let history = [
            EpochRecord(epoch: 1, learningRate: 0.05, trainLoss: 0.7, trainAccuracy: 0.5, valLoss: 0.7, valAccuracy: 0.5, valAUC: nil,
                        seconds: 3, trainImagesPerSecond: 6),
            EpochRecord(epoch: 2, learningRate: 0.05, trainLoss: 0.6, trainAccuracy: 0.6, valLoss: 0.6, valAccuracy: 0.5, valAUC: nil,
                        seconds: 1.5, trainImagesPerSecond: 12),
        ]
        try JSONEncoder().encode(history).write(to: paths.historyJSON)
    }

    @Test func fromTheLastRunAsComputedByHand() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let text = PipelineFixture.spec(epochs: 3, experiments: "  sgd: {}\n")
        let runner = try f.runner(text)
        try Self.writeLastRun(f, plan: runner.plan)
        let (sources, _, stages) = try runner.stages()
        let estimate = try #require(try runner.estimates(runner.decisions(stages), sources: sources)["train/sgd"])
        // By hand: epoch 1 trained 12 images in 12/6 = 2 s (+1 s validation), epoch 2 in 1 s
        // (+0.5 s): 24 images in 3 s = 8 images/s; 8 validation images in 1.5 s = 16/3 per s.
        // This plan: 12 train (the fixture's folder) and 4 validation images, 3 epochs:
        // 3 × (12 / 8 + 4 / (16/3)) = 3 × (1.5 + 0.75) = 6.75 s.
        #expect(estimate.source == .lastRun)
        #expect((estimate.trainImages, estimate.validationImages, estimate.epochs, estimate.exactCounts) == (12, 4, 3, false))
        #expect(abs(estimate.trainImagesPerSecond - 8) < 1e-9)
        #expect(abs(try #require(estimate.evalImagesPerSecond) - 16.0 / 3) < 1e-9)
        #expect(abs(estimate.seconds - 6.75) < 1e-9)
        #expect(estimate.line == "≈ 7 s: about 12 train + 4 validation images per epoch × 3 epochs at 8.0 train / 5.3 eval images/s (measured in this experiment's last run)")

        // Another batch size runs at another speed: the last run does not count, a timing does.
        let other = try f.runner(text.replacingOccurrences(of: "batch_size: 4", with: "batch_size: 2"))
        let (s2, _, st2) = try other.stages()
        let timed = try #require(try other.estimates(other.decisions(st2), sources: s2)["train/sgd"])
        #expect(timed.source == .timing && timed.trainImagesPerSecond > 0 && (timed.evalImagesPerSecond ?? 0) > 0)
        #expect(abs(timed.seconds - 3 * (12 / timed.trainImagesPerSecond + 4 / timed.evalImagesPerSecond!)) < 1e-6)
    }

    /// Head first, then every layer: each phase at its own rate. By hand, 3 epochs, unfrozen
    /// after 1, the head alone at 30 images/s and the whole network at 10: per image of an
    /// epoch 1/30 + 2/10 = 7/30 s over 3 epochs, 90/7 images/s; resumed after epoch 1, the two
    /// epochs left run at 10; resumed in epoch 1 (done 0), as from the start.
    @Test func frozenThenWholeEpochsEachAtTheirRate() throws {
        #expect(abs(MeasuredSpeed.phasedTrainRate(frozen: 30, whole: 10, epochs: 3, unfreezeAfter: 1, done: 0) - 90.0 / 7) < 1e-9)
        #expect(MeasuredSpeed.phasedTrainRate(frozen: 30, whole: 10, epochs: 3, unfreezeAfter: 1, done: 1) == 10)
        #expect(MeasuredSpeed.phasedTrainRate(frozen: 30, whole: 10, epochs: 3, unfreezeAfter: 1, done: 2) == 10)
        #expect(abs(MeasuredSpeed.phasedTrainRate(frozen: 30, whole: 10, epochs: 4, unfreezeAfter: 2, done: 1) - 3 / (1.0 / 30 + 2.0 / 10)) < 1e-9)

        // Through the runner: an experiment that unfreezes is timed (both settings).
        let f = try PipelineFixture()
        defer { f.remove() }
        let runner = try f.runner(PipelineFixture.spec(epochs: 3, experiments: "  sgd: {freeze_base_network: true, unfreeze_after_epochs: 1}\n"))
        let (sources, _, stages) = try runner.stages()
        let estimate = try #require(try runner.estimates(runner.decisions(stages), sources: sources)["train/sgd"])
        #expect(estimate.source == .timing && estimate.epochs == 3 && estimate.trainImagesPerSecond > 0)
    }

    /// Nothing to train: no estimate, and nothing timed.
    @Test func cachedStagesNeedNoEstimate() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let text = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
        #expect(!(try f.runner(text).run()).failed)
        let runner = try f.runner(text)
        let (sources, _, stages) = try runner.stages()
        #expect(try runner.estimates(runner.decisions(stages), sources: sources).isEmpty)
        // With the load stage cached, the counts are the load stage's own (exact).
        let more = try f.runner(PipelineFixture.spec(epochs: 2, experiments: "  sgd: {}\n"))
        let (s2, _, st2) = try more.stages()
        let estimate = try #require(try more.estimates(more.decisions(st2), sources: s2)["train/sgd"])
        #expect((estimate.trainImages, estimate.validationImages, estimate.exactCounts, estimate.source) == (12, 4, true, .lastRun))
    }

    @Test func durations() {
        let a = TrainingEstimate(trainImages: 10, validationImages: 0, exactCounts: true, epochs: 6, mayStopEarly: false,
                                 trainImagesPerSecond: 1, evalImagesPerSecond: nil, source: .timing)
        var b = a
        b.mayStopEarly = true
        // 60 s + 60 s, one of them with early stopping.
        #expect(TrainingEstimate.total([a, b]) == "training in all: at most ≈ 2 min for 2 train stages")
        #expect(TrainingEstimate.duration(44.6) == "45 s")
        #expect(TrainingEstimate.duration(12 * 60 + 10) == "12 min")
        #expect(TrainingEstimate.duration(2 * 3600 + 5 * 60) == "2 h 05 min")
    }
}
