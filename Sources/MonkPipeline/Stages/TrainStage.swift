// The train stage of one experiment: network, loaders and trainer from the plan; logs and
// portable best/final weights in `output/`.
import Foundation
import MonkReport
import MonkData
import MonkEngine
import MonkModels
import MonkPlan

/// What the train stage reports (also stored in experiment-state.json).
public struct TrainingSummary: Codable, Equatable, Sendable {
    public var bestEpoch: Int?
    public var bestValAccuracy: Double?
    public var epochsRun: Int
    public var stopReason: StopReason?
    public var trainingSeconds: Double
    public var trainImagesPerSecond: Double
    public var peakMemoryMB: Double
    public var trainImages: Int
    public var validationImages: Int
}

extension TrainingSummary {
    /// The summary of a training that ended with `history` (the train stage's, or the one its
    /// saved training state holds when a deleted experiment-state.json is written again).
    init(history: [EpochRecord], best: BestEpoch?, stopped: StopReason?, peakMemoryMB: Double,
         trainImages: Int, validationImages: Int) {
        // Each epoch logged its images/s over pure training time; their harmonic mean is the
        // run's rate, as every epoch trains the same number of images.
        let secondsPerImage = history.reduce(0) { $0 + 1 / max($1.trainImagesPerSecond, 1e-9) }
        self.init(bestEpoch: best?.epoch, bestValAccuracy: best?.valAccuracy, epochsRun: history.count, stopReason: stopped,
                  trainingSeconds: history.reduce(0) { $0 + $1.seconds },
                  trainImagesPerSecond: Double(history.count) / max(secondsPerImage, 1e-9),
                  peakMemoryMB: peakMemoryMB, trainImages: trainImages, validationImages: validationImages)
    }
}

enum TrainStage {
    static func loaders(_ plan: Plan, _ e: ExperimentPlan, loaded: LoadedData, cache: PixelCache,
                        threads: Int) throws -> (train: BatchLoader, validation: BatchLoader) {
        let pipelines = DataPipelines(plan.data)
        let roots = DataRoots(plan.data)
        func samples(_ list: [LoadedImage]) -> [LoaderSample] {
            list.enumerated().map { LoaderSample(url: roots.url(of: $1), contentHash: $1.hash, label: $1.label, index: $0) }
        }
        let seed = AugmentationSeed(seed: e.seed)
        let train = try BatchLoader(samples: samples(loaded.train), preprocessing: pipelines.preprocessing,
                                    pipeline: pipelines.train, seed: seed,
                                    settings: LoaderSettings(batchSize: plan.data.batchSize, shuffle: true, threads: threads),
                                    cache: cache)
        let val = try BatchLoader(samples: samples(loaded.validation), preprocessing: pipelines.preprocessing,
                                  pipeline: pipelines.eval, seed: seed,
                                  settings: LoaderSettings(batchSize: plan.data.batchSize, shuffle: false, threads: threads),
                                  cache: cache)
        return (train, val)
    }

    static func run(plan: Plan, experiment e: ExperimentPlan, key: StageKey, loaded: LoadedData,
                    paths: ExperimentPaths, cache: PixelCache, weights: URL?, cores: CoreAllowance, console: Console,
                    stop: StopSignal) throws -> TrainingSummary {
        let threads = cores.threads(plan.threads)
        let parallel = ComputeThreads.configure(threads)
        PeakMemory.reset()
        for dir in [paths.models, paths.logs] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        let network = try ModelFactory.build(e, classes: loaded.classes, weights: weights, console: console)
        let (trainLoader, valLoader) = try loaders(plan, e, loaded: loaded, cache: cache, threads: cores.threads(plan.data.workers))
        var counts = [Int](repeating: 0, count: loaded.classes.count)
        for image in loaded.train { counts[image.label] += 1 }
        let pipelines = DataPipelines(plan.data)
        var info = CheckpointInfo(model: e.model.rawValue, classes: loaded.classes, inputSize: plan.data.inputSize,
                                  mean: pipelines.eval.normalization.mean, std: pipelines.eval.normalization.std,
                                  metadata: ["experiment": e.name, "project": plan.project, "stage_key": key.hex])
        // The checkpoint alone must evaluate as its experiment does (`evaluate --checkpoint FILE`).
        info.input = CheckpointInput(preprocessing: pipelines.preprocessing, pipeline: pipelines.eval, batchSize: plan.data.batchSize)
        let job = TrainingJob(
            network: network,
            optimizer: try MonkEngine.Optimizer(e.optimizer),
            schedule: try e.lrSchedule.engine(baseLR: e.optimizer.learningRate),
            loss: try e.loss.engine(trainCounts: counts),
            epochs: e.epochs, earlyStopping: e.earlyStopping, bestMetric: e.bestMetric,
            unfreezeAfterEpochs: e.startsFrozen ? e.unfreezeAfterEpochs : nil,
            train: trainLoader, validation: valLoader,
            context: Context(training: true, rng: RNG(seed: e.seed, stream: 2), parallel: parallel),
            stageKey: key.hex, paths: paths,
            exportWeights: { net, url in
                _ = try ModelCheckpoint.save(torchStateDict(of: net), info: info, to: url)
            })
        console.info("  \(e.model.rawValue): \(network.parameterCount) parameters, \(network.parameters.filter(\.trainable).reduce(0) { $0 + $1.value.count }) trainable"
            + (e.frozenSpan.map { " \($0), then all" } ?? "")
            + "; \(loaded.train.count) train / \(loaded.validation.count) validation images; \(threads) threads"
            + (plan.threads == .auto && cores.source != "machine" ? " (\(cores.source))" : ""))
        let trainer = Trainer(job, console: console, stop: stop)
        trainer.plateauMetricKind = e.lrSchedule.watchedMetric
        let state = try trainer.run()
        try writeLogs(state.history, to: paths)
        return TrainingSummary(history: state.history, best: state.best, stopped: state.stopped,
                               peakMemoryMB: max(state.peakMemoryMB, PeakMemory.megabytes),
                               trainImages: loaded.train.count, validationImages: loaded.validation.count)
    }

    static func writeLogs(_ history: [EpochRecord], to paths: ExperimentPaths) throws {
        var csv = "epoch,learning_rate,train_loss,train_accuracy,val_loss,val_accuracy,seconds,train_images_per_s\n"
        for r in history {
            csv += "\(r.epoch),\(r.learningRate),\(r.trainLoss),\(r.trainAccuracy),\(r.valLoss),\(r.valAccuracy),\(r.seconds),\(r.trainImagesPerSecond)\n"
        }
        try AtomicFile.write(csv, to: paths.historyCSV)
        try AtomicFile.writeJSON(history, to: paths.historyJSON)
    }
}
