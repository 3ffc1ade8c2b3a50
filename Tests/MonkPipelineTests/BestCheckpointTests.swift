// Which epoch's weights are "best" (issue 11 item 7): chosen by a setting — val_loss,
// val_accuracy or val_auc — that follows early stopping's metric by default.
import Foundation
import Testing
@testable import MonkPipeline
import MonkReport

@Suite struct BestCheckpointTests {
    /// Hand-made epochs where the metrics disagree: epoch 2 has the lowest loss, epoch 1 the
    /// highest accuracy, epoch 3 the highest AUC.
    static let e1 = BestEpoch(epoch: 1, valAccuracy: 0.75, valLoss: 0.60, valAUC: 0.80)
    static let e2 = BestEpoch(epoch: 2, valAccuracy: 0.70, valLoss: 0.40, valAUC: 0.85)
    static let e3 = BestEpoch(epoch: 3, valAccuracy: 0.70, valLoss: 0.50, valAUC: 0.90)

    static func best(by metric: ValidationMetric) throws -> Int {
        var best = e1
        for e in [e2, e3] where try Trainer.isBetter(e, than: best, by: metric) { best = e }
        return best.epoch
    }

    @Test func eachMetricPicksItsEpoch() throws {
        #expect(try Self.best(by: .val_loss) == 2)
        #expect(try Self.best(by: .val_accuracy) == 1)
        #expect(try Self.best(by: .val_auc) == 3)
        // Equal accuracy: the lower loss wins (epoch 2 over epoch 3), and a full tie keeps the earlier.
        #expect(try Trainer.isBetter(Self.e2, than: Self.e3, by: .val_accuracy))
        #expect(try !Trainer.isBetter(Self.e2, than: Self.e2, by: .val_accuracy))
        // No AUC (a class missing from validation): a clear error, not a silent choice.
        let noAUC = BestEpoch(epoch: 4, valAccuracy: 0.7, valLoss: 0.5, valAUC: nil)
        #expect(throws: PipelineError.self) { try Trainer.isBetter(noAUC, than: Self.e1, by: .val_auc) }
    }

    /// By hand: class-1 scores 0.1, 0.8, 0.4, 0.7 with labels 0, 1, 1, 0. Of the 4
    /// positive–negative pairs, 3 are ranked right (0.4 < 0.7 is not): AUC 0.75, and the
    /// class-0 AUC of the complementary probabilities is the same.
    @Test func oneVsRestAUCByHand() {
        let p = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]]
        #expect(Trainer.meanOneVsRestAUC(p, [0, 1, 1, 0]) == 0.75)
        #expect(Trainer.meanOneVsRestAUC(p, [1, 1, 1, 1]) == nil)
    }

    /// A real run: the best epoch is the one with the lowest validation loss (the default
    /// without early stopping), and each epoch's validation AUC is logged.
    @Test func trainingKeepsTheLowestValidationLoss() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 3, experiments: "  sgd: {}\n")
        #expect(!(try f.runner(spec).run()).failed)
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: f.paths("sgd").historyJSON))
        #expect(history.count == 3)
        #expect(history.allSatisfy { ($0.valAUC ?? -1) >= 0 && ($0.valAUC ?? 2) <= 1 }, "\(history)")
        let lowest = history.min { $0.valLoss < $1.valLoss }!.epoch
        let state = try ExperimentState.read(f.paths("sgd").state)
        #expect(state.training?.bestEpoch == lowest, "\(history.map(\.valLoss))")
        // The timing accounting, from its definitions: an epoch's seconds are its training
        // loop (every wait for data included) plus its validation pass, and the training rate
        // is the epoch's images over the loop's seconds alone.
        let images = Double(state.training?.trainImages ?? 0)
        for r in history {
            guard let validation = r.validationSeconds else { Issue.record("epoch \(r.epoch) has no validation time"); continue }
            #expect(validation > 0 && validation < r.seconds, "\(r)")
            let rate = images / (r.seconds - validation)
            #expect(abs(r.trainImagesPerSecond - rate) <= 1e-9 * rate, "\(r.trainImagesPerSecond) vs \(rate)")
            // CPU time of the loop (the whole process's, other tests in it included): some was
            // spent, and no more than every CPU of the machine busy for the whole loop.
            let cpu = r.trainCPUSeconds ?? -1, cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            #expect(cpu > 0 && cpu <= cores * (r.seconds - validation) + 0.05, "\(r)")
        }
    }
}
