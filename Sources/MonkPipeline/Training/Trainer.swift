// The training loop: epochs of forward/backward/step, validation after each, an atomic
// resumable checkpoint after each, best-model export, early stopping, clean Ctrl-C.
import Foundation
import MonkData
import MonkEngine
import MonkModels
import MonkPlan
import MonkReport
import MonkVocabulary

/// The loss a run trains with, over logits [N, K] and class labels.
public enum TrainingLoss: Sendable {
    case crossEntropy(SoftmaxCrossEntropy)
    /// One sigmoid per class against one-hot targets.
    case binaryCrossEntropy(SigmoidBinaryCrossEntropy)

    public func callAsFunction(_ logits: Tensor, _ labels: [Int]) -> (loss: Float, gradient: Tensor) {
        switch self {
        case .crossEntropy(let ce): return ce(logits, labels)
        case .binaryCrossEntropy(let bce):
            let k = logits.shape[1]
            let targets = Tensor(shape: logits.shape)
            for (i, y) in labels.enumerated() { targets[i * k + y] = 1 }
            return bce(logits, targets)
        }
    }
}

/// What one training run needs; built by the train stage from the plan.
public struct TrainingJob {
    public var network: ClassifierNetwork
    public var optimizer: MonkEngine.Optimizer
    public var schedule: MonkEngine.LRSchedule
    public var loss: TrainingLoss
    public var epochs: Int
    public var earlyStopping: EarlyStopping?
    /// The validation metric that picks the best checkpoint.
    public var bestMetric: ValidationMetric = .val_loss
    /// From this epoch (0-based) on every layer trains, whatever the network was built frozen
    /// with (`unfreeze_after_epochs`); nil keeps the freezing to the end.
    public var unfreezeAfterEpochs: Int? = nil
    public var train: BatchLoader
    public var validation: BatchLoader
    public var context: Context
    public var stageKey: String
    /// Where the checkpoints go (resume state, best and final weights).
    public var paths: ExperimentPaths
    /// Writes the best (and final) weights in a portable format; called with the file name.
    public var exportWeights: (ClassifierNetwork, URL) throws -> Void
}

public final class Trainer {
    let job: TrainingJob
    let console: Console
    let stop: StopSignal
    let parameters: [(String, Parameter)]

    public init(_ job: TrainingJob, console: Console, stop: StopSignal) {
        self.job = job
        self.console = console
        self.stop = stop
        self.parameters = job.network.namedParameters()
    }

    public var resumeURL: URL { job.paths.resume }
    public var bestURL: URL { job.paths.bestWeights }
    public var finalURL: URL { job.paths.finalWeights }

    /// What changes as training goes: the saved state and the optimizer and schedule it is
    /// saved from.
    struct Progress {
        var state: TrainingState
        var optimizer: MonkEngine.Optimizer
        var schedule: MonkEngine.LRSchedule
        /// The last finite training loss, for the message when one is not.
        var lastFiniteLoss: Float?
    }

    /// A saved state of this very stage (same key), if one exists. One that exists and does
    /// not read back is an error (`DamagedSnapshot`), never a silent restart.
    public func savedState() throws -> TrainingState? {
        guard FileManager.default.fileExists(atPath: resumeURL.path) else { return nil }
        let state: TrainingState
        do {
            state = try SnapshotArchive.decode(TrainingState.self, from: Data(contentsOf: resumeURL))
        } catch {
            throw DamagedSnapshot(path: resumeURL.path, reason: FileSystemError.reason(error), stage: "train/\(job.paths.root.lastPathComponent)")
        }
        // A state of other settings (another key) is not this run's to resume.
        return state.stageKey == job.stageKey ? state : nil
    }

    /// Runs (or resumes) training to the end. Throws `StoppedByUser` after saving when a stop
    /// was requested.
    public func run() throws -> TrainingState {
        var run = try startOrResume()
        job.network.prepareBackward()
        // Gradients start at zero; each optimizer step then zeroes them as it reads them
        // (one pass over the gradients instead of two).
        for (_, p) in parameters { p.grad.zero() }
        while run.state.stopped == nil && run.state.epoch < job.epochs {
            unfreezeIfDue(epoch: run.state.epoch)
            let bar = console.progress("  epoch \(run.state.epoch + 1)/\(job.epochs)", total: job.train.batchesPerEpoch, unit: "batch")
            try trainBatches(&run, bar: bar)
            try endEpoch(&run, bar: bar)
        }
        if !FileManager.default.fileExists(atPath: finalURL.path) { try job.exportWeights(job.network, finalURL) }
        return run.state
    }

    /// Head first, then the whole network: from epoch `unfreezeAfterEpochs` on, every layer
    /// trains. Decided by the epoch alone, so a resumed run unfreezes exactly where an
    /// uninterrupted one did. Newly trainable parameters start with fresh optimizer state
    /// (zero momentum) and their BatchNorm layers switch to batch statistics.
    func unfreezeIfDue(epoch: Int) {
        guard let after = job.unfreezeAfterEpochs, epoch >= after, parameters.contains(where: { !$0.1.trainable }) else { return }
        job.network.unfreezeAll()
        console.info("  epoch \(epoch + 1): every layer trains from now on (unfreeze_after_epochs: \(after))")
    }

    /// The saved state of this stage restored into the network, optimizer, schedule and
    /// generator, or a fresh start.
    func startOrResume() throws -> Progress {
        // A state that has recorded a best epoch whose weights file is gone cannot give it
        // back (it holds the latest weights only): train again from the start.
        let usable = try savedState().flatMap { $0.best != nil && !FileManager.default.fileExists(atPath: bestURL.path) ? nil : $0 }
        guard let saved = usable else {
            let state = TrainingState(stageKey: job.stageKey, model: job.network.snapshot(), optimizer: job.optimizer.state,
                                      schedule: job.schedule, rng: job.context.rng, epoch: 0, batch: 0, progress: EpochProgress(),
                                      history: [], best: nil, watchedBest: nil, epochsWithoutImprovement: 0,
                                      stopped: nil, peakMemoryMB: 0)
            return Progress(state: state, optimizer: job.optimizer, schedule: job.schedule)
        }
        try job.network.restore(saved.model)
        job.context.rng = saved.rng
        if saved.stopped == nil {
            console.info("  resuming from epoch \(saved.epoch + 1), batch \(saved.batch + 1) (\(resumeURL.lastPathComponent))")
        }
        return Progress(state: saved, optimizer: try MonkEngine.Optimizer(restoring: saved.optimizer), schedule: saved.schedule)
    }

    /// The rest of the current epoch's batches (all of them unless a stopped run resumes
    /// mid-epoch). Saves and throws `StoppedByUser` when a stop is requested before its end.
    func trainBatches(_ run: inout Progress, bar: ProgressBar) throws {
        let epoch = run.state.epoch
        let batches = job.train.batchesPerEpoch
        // From the first batch a previous, interrupted run had not trained on.
        let iterator = job.train.epoch(epoch, from: run.state.batch)
        // Each batch is timed from the end of the one before: the wait for its data, the
        // step, the metrics and the progress line all count, so a loader that falls behind
        // shows in the epoch's images/s.
        var last = Date(), lastCPU = OpProfile.processCPUSeconds()
        while let batch = try iterator.next() {
            try step(batch, epoch: epoch, &run)
            let now = Date(), cpu = OpProfile.processCPUSeconds()
            run.state.progress.seconds += now.timeIntervalSince(last)
            run.state.progress.cpuSeconds = (run.state.progress.cpuSeconds ?? 0) + (cpu - lastCPU)
            last = now; lastCPU = cpu
            run.state.batch += 1
            stop.batchFinished()
            let p = run.state.progress
            bar.update(done: run.state.batch, suffix: String(format: "loss %.4f acc %.3f", p.lossSum / Double(p.seen), Double(p.correct) / Double(p.seen)))
            if stop.isRequested && run.state.batch < batches {
                try save(&run)
                bar.finish(done: run.state.batch, suffix: "stopped")
                throw StoppedByUser(detail: "saved at epoch \(epoch + 1), batch \(run.state.batch)")
            }
        }
    }

    /// One batch: forward, loss, backward, optimizer step at the scheduled learning rate.
    func step(_ batch: Batch, epoch: Int, _ run: inout Progress) throws {
        let ctx = job.context
        run.optimizer.learningRate = run.schedule.learningRate(epoch: epoch, step: run.state.batch, stepsPerEpoch: job.train.batchesPerEpoch)
        ctx.training = true
        let logits = job.network.forward(batch.images, ctx)
        let (loss, dlogits) = job.loss(logits, batch.labels)
        // Before the step: NaN gradients would make every weight NaN.
        guard loss.isFinite else {
            throw TrainingDiverged(epoch: epoch + 1, batch: run.state.batch + 1, phase: "training", loss: loss,
                                   lastFiniteLoss: run.lastFiniteLoss)
        }
        run.lastFiniteLoss = loss
        _ = job.network.backward(dlogits, ctx)
        try run.optimizer.step(parameters, parallel: ctx.parallel, zeroingGradients: true)
        run.state.progress.lossSum += Double(loss) * Double(batch.labels.count)
        run.state.progress.correct += Trainer.correctCount(logits, batch.labels)
        run.state.progress.seen += batch.labels.count
    }

    /// After the last batch: validate, log the epoch, keep the best weights, step the
    /// schedule, check early stopping, and save the state (final weights when done).
    func endEpoch(_ run: inout Progress, bar: ProgressBar) throws {
        let e = run.state.epoch
        let batches = job.train.batchesPerEpoch
        let t1 = Date()
        let (valLoss, valAccuracy, valAUC) = try evaluate(job.validation, epoch: e)
        let validationSeconds = Date().timeIntervalSince(t1)
        // Weights that give a non-finite validation loss are neither "best" nor saved.
        guard valLoss.isFinite else {
            throw TrainingDiverged(epoch: e + 1, batch: batches, phase: "validation", loss: Float(valLoss),
                                   lastFiniteLoss: run.lastFiniteLoss)
        }
        let p = run.state.progress
        let lr = run.schedule.learningRate(epoch: e, step: max(0, batches - 1), stepsPerEpoch: batches)
        let record = EpochRecord(epoch: e + 1, learningRate: lr,
                                 trainLoss: p.lossSum / Double(max(p.seen, 1)),
                                 trainAccuracy: Double(p.correct) / Double(max(p.seen, 1)),
                                 valLoss: valLoss, valAccuracy: valAccuracy, valAUC: valAUC,
                                 seconds: p.seconds + validationSeconds,
                                 trainImagesPerSecond: Double(p.seen) / max(p.seconds, 1e-9),
                                 validationSeconds: validationSeconds, trainCPUSeconds: p.cpuSeconds)
        run.state.history.append(record)
        bar.finish(suffix: String(format: "loss %.4f acc %.3f | val loss %.4f acc %.3f", record.trainLoss, record.trainAccuracy, valLoss, valAccuracy))
        let candidate = BestEpoch(epoch: e + 1, valAccuracy: valAccuracy, valLoss: valLoss, valAUC: valAUC)
        if try run.state.best.map({ try Trainer.isBetter(candidate, than: $0, by: job.bestMetric) }) ?? true {
            run.state.best = candidate
            try job.exportWeights(job.network, bestURL)
        }
        run.schedule.endEpoch(e, metric: try Trainer.value(plateauMetricKind, of: record))
        if let es = job.earlyStopping, try shouldStop(es, record: record, state: &run.state) {
            run.state.stopped = .earlyStopping
            console.info("  early stopping: \(es.metric.rawValue) has not improved for \(es.patience) epochs")
        }
        run.state.epoch = e + 1
        run.state.batch = 0
        run.state.progress = EpochProgress()
        if run.state.epoch >= job.epochs && run.state.stopped == nil { run.state.stopped = .completed }
        if run.state.stopped != nil { try job.exportWeights(job.network, finalURL) }
        try save(&run)
        if stop.isRequested && run.state.stopped == nil {
            throw StoppedByUser(detail: "saved after epoch \(e + 1)")
        }
    }

    /// The metric reduce-on-plateau watches: the plan's choice, validation loss by default.
    var plateauMetricKind: ValidationMetric = .val_loss

    /// Whether epoch `a` beats the best so far `b` by `metric` (in its direction); equal
    /// values go to the lower validation loss (for val_loss: the higher accuracy), and a full
    /// tie to the earlier epoch.
    static func isBetter(_ a: BestEpoch, than b: BestEpoch, by metric: ValidationMetric) throws -> Bool {
        func v(_ x: BestEpoch) throws -> Double {
            try value(metric, loss: x.valLoss, accuracy: x.valAccuracy, auc: x.valAUC)
        }
        let (va, vb) = (try v(a), try v(b))
        if va != vb { return metric.defaultMode == .min ? va < vb : va > vb }
        return metric == .val_loss ? a.valAccuracy > b.valAccuracy : a.valLoss < b.valLoss
    }

    static func value(_ metric: ValidationMetric, of r: EpochRecord) throws -> Double {
        try value(metric, loss: r.valLoss, accuracy: r.valAccuracy, auc: r.valAUC)
    }

    static func value(_ metric: ValidationMetric, loss: Double, accuracy: Double, auc: Double?) throws -> Double {
        switch metric {
        case .val_loss: return loss
        case .val_accuracy: return accuracy
        case .val_auc:
            guard let auc else {
                throw PipelineError.invalid("val_auc needs validation images of every class (an AUC ranks positives against negatives); choose val_loss or val_accuracy, or another validation split")
            }
            return auc
        }
    }

    func shouldStop(_ es: EarlyStopping, record: EpochRecord, state: inout TrainingState) throws -> Bool {
        let value = try Trainer.value(es.metric, of: record)
        let improved: Bool
        if let best = state.watchedBest {
            improved = es.mode == .min ? value < best - es.minDelta : value > best + es.minDelta
        } else {
            improved = true
        }
        if improved {
            state.watchedBest = value
            state.epochsWithoutImprovement = 0
        } else {
            state.epochsWithoutImprovement += 1
        }
        return state.epochsWithoutImprovement >= es.patience
    }

    /// Writes the resumable state: everything needed to continue bit-identically.
    func save(_ run: inout Progress) throws {
        run.state.model = job.network.snapshot()
        run.state.optimizer = run.optimizer.state
        run.state.schedule = run.schedule
        run.state.rng = job.context.rng
        run.state.peakMemoryMB = max(run.state.peakMemoryMB, PeakMemory.megabytes)
        try AtomicFile.write(SnapshotArchive.encode(run.state), to: resumeURL)
    }

    /// Mean loss, accuracy and ROC AUC over a loader, in eval mode. The AUC is the mean over
    /// classes of each class's one-vs-rest AUC of its softmax probability (for two classes,
    /// the usual AUC either way round); nil when a class has no image in the loader.
    public func evaluate(_ loader: BatchLoader, epoch: Int) throws -> (loss: Double, accuracy: Double, auc: Double?) {
        let ctx = job.context
        let (wasTraining, wasKeeping) = (ctx.training, ctx.keepsForBackward)
        ctx.training = false
        ctx.keepsForBackward = false   // no backward follows: activations are freed as they are read
        defer { ctx.training = wasTraining; ctx.keepsForBackward = wasKeeping }
        var lossSum = 0.0, correct = 0, seen = 0
        var probabilities: [[Double]] = [], labels: [Int] = []
        let it = loader.epoch(epoch)
        while let batch = try it.next() {
            let logits = job.network.forward(batch.images, ctx)
            lossSum += Double(job.loss(logits, batch.labels).loss) * Double(batch.labels.count)
            correct += Trainer.correctCount(logits, batch.labels)
            seen += batch.labels.count
            probabilities += Trainer.softmax(logits)
            labels += batch.labels
        }
        return (lossSum / Double(max(seen, 1)), Double(correct) / Double(max(seen, 1)),
                Trainer.meanOneVsRestAUC(probabilities, labels))
    }

    /// Row-wise softmax of logits [N, K], in Double.
    static func softmax(_ logits: Tensor) -> [[Double]] {
        let n = logits.shape[0], k = logits.shape[1]
        return (0..<n).map { i in
            let row = (0..<k).map { Double(logits[i * k + $0]) }
            let top = row.max() ?? 0
            let e = row.map { Foundation.exp($0 - top) }
            let sum = e.reduce(0, +)
            return e.map { $0 / sum }
        }
    }

    /// The mean over classes of the AUC of P(class) for that class against the rest.
    static func meanOneVsRestAUC(_ probabilities: [[Double]], _ labels: [Int]) -> Double? {
        guard let k = probabilities.first?.count, k >= 2 else { return nil }
        var sum = 0.0
        for c in 0..<k {
            guard let roc = ROCCurve(scores: probabilities.map { $0[c] }, isPositive: labels.map { $0 == c }) else { return nil }
            sum += roc.auc
        }
        return sum / Double(k)
    }

    static func correctCount(_ logits: Tensor, _ labels: [Int]) -> Int {
        let k = logits.shape[1]
        var correct = 0
        for (i, y) in labels.enumerated() {
            var best = 0
            for j in 1..<k where logits[i * k + j] > logits[i * k + best] { best = j }
            if best == y { correct += 1 }
        }
        return correct
    }
}
