// The test stage: the checkpoint the spec names (best on validation by default) evaluated on
// the test set; metrics, predictions and plots in `output/test/`.
import Foundation
import MonkEngine
import MonkData
import MonkModels
import MonkPlan
import MonkReport

/// What the compare stage needs to rebuild an experiment's evaluation exactly
/// (`ExperimentPaths.storedPredictions`).
public struct StoredPredictions: Codable, Sendable {
    public struct Sample: Codable, Sendable {
        public var file: String
        public var label: Int
        public var probabilities: [Double]
    }
    public var classes: [String]
    public var checkpoint: String
    public var samples: [Sample]
    public var positiveClass: String?
    /// The threshold actually applied (fixed, or chosen on validation).
    public var threshold: Double
    public var thresholdMethod: String
    public var validationJ: Double?
    public var validationImages: Int?
    public var bootstrapSamples: Int
    public var bootstrapSeed: UInt64

    public func evaluation() throws -> Evaluation {
        let set = try PredictionSet(classNames: classes, samples: samples.map {
            PredictedSample(file: $0.file, trueLabel: $0.label, probabilities: $0.probabilities)
        })
        let method = DecisionThreshold.Method(rawValue: thresholdMethod) ?? .fixed
        let resolved = DecisionThreshold(value: threshold, method: method, validationJ: validationJ, validationImages: validationImages)
        let options = EvaluationOptions(positiveClass: positiveClass, threshold: .resolved(resolved),
                                        bootstrap: BootstrapSettings(samples: bootstrapSamples, seed: bootstrapSeed),
                                        checkpoint: checkpoint)
        return try Evaluation(test: set, options: options)
    }
}

enum TestStage {
    static func run(plan: Plan, experiment e: ExperimentPlan, loaded: LoadedData, paths: ExperimentPaths,
                    cache: PixelCache, cores: CoreAllowance, console: Console,
                    stop: StopSignal = StopSignal()) throws -> Evaluation {
        let weights = e.testCheckpoint == .best ? paths.bestWeights : paths.finalWeights
        let predictor = try Predictor(weights: weights, pipelines: DataPipelines(plan.data), threads: cores.threads(plan.threads))
        let roots = DataRoots(plan.data)
        // Files are named inside their folder ("NORMAL/IM-0001.jpeg"): the stored predictions,
        // which the comparison pairs across experiments, do not depend on where the project is.
        func predict(_ images: [LoadedImage], _ what: String) throws -> PredictionSet {
            let bar = console.progress("  predicting \(what)", total: images.count, unit: "img")
            let probs = try predictor.probabilities(images.map(roots.url(of:)), hashes: images.map(\.hash),
                                                    cache: cache, batchSize: plan.data.batchSize, progress: bar, stop: stop)
            bar.finish()
            return try PredictionSet(classNames: loaded.classes, samples: zip(images, probs).map {
                PredictedSample(file: $0.path, trueLabel: $0.label, probabilities: $1)
            })
        }
        let test = try predict(loaded.test, "test set")
        let positive: String?
        switch e.evaluation.positiveClass {
        case .auto: positive = nil
        case .named(let name): positive = name
        }
        var rule = ThresholdRule.fixed(0.5)
        switch e.evaluation.threshold {
        case .fixed(let t): rule = .fixed(t)
        case .youden:
            if loaded.classes.count == 2 { rule = .youdenJ(validation: try predict(loaded.validation, "validation set (threshold)")) }
        }
        let checkpointName = "\(e.testCheckpoint.rawValue) (\(weights.lastPathComponent))"
        let options = EvaluationOptions(positiveClass: positive, threshold: rule,
                                        bootstrap: BootstrapSettings(samples: e.evaluation.bootstrapSamples, seed: e.evaluation.bootstrapSeed),
                                        checkpoint: checkpointName)
        let evaluation = try Evaluation(test: test, options: options)
        try evaluation.writeReport(to: paths.test, experiment: e.name)
        let threshold = evaluation.metrics.binary?.threshold
        let stored = StoredPredictions(
            classes: loaded.classes, checkpoint: checkpointName,
            samples: test.samples.map { .init(file: $0.file, label: $0.trueLabel, probabilities: $0.probabilities) },
            positiveClass: positive, threshold: threshold?.value ?? 0.5,
            thresholdMethod: threshold?.method.rawValue ?? "argmax", validationJ: threshold?.validationJ,
            validationImages: threshold?.validationImages,
            bootstrapSamples: e.evaluation.bootstrapSamples, bootstrapSeed: e.evaluation.bootstrapSeed)
        try AtomicFile.writeJSON(stored, to: paths.storedPredictions)
        // The evaluated checkpoint carries the decision made with it, so `infer` and
        // `evaluate --checkpoint FILE` decide exactly as this stage did, without the experiment.
        let decision = evaluation.metrics.binary.map {
            CheckpointDecision(positiveClass: $0.positiveClass, threshold: $0.threshold, bootstrap: options.bootstrap)
        }
        try ModelCheckpoint.recordDecision(sidecar: ModelCheckpoint.sidecarURL(for: weights), decision,
                                           input: CheckpointInput(preprocessing: predictor.preprocessing, pipeline: predictor.pipeline,
                                                                  batchSize: plan.data.batchSize))
        return evaluation
    }
}
