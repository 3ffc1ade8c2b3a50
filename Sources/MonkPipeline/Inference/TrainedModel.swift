// A trained model as `infer` and `evaluate` use it: weights, the preprocessing they were
// evaluated with and the decision their test stage applied, from an experiment folder or from
// a checkpoint file alone (its sidecar carries all three).
import Foundation
import MonkData
import MonkModels
import MonkPlan
import MonkReport

/// Which weights to use: an experiment's best or final checkpoint, or a checkpoint file.
public enum ModelSource: Sendable, Equatable {
    /// `checkpoint` nil: the one the experiment's test stage evaluates.
    case experiment(directory: URL, checkpoint: CheckpointChoice?)
    /// A `.safetensors` file with its `.json` sidecar beside it.
    case file(URL)
}

public struct TrainedModel {
    /// The weights file (its sidecar beside it).
    public let weights: URL
    public let predictor: Predictor
    public let decision: ModelDecision
    /// Which weights, as reports name them ("best (best.safetensors)", a file path).
    public let checkpointName: String
    /// The experiment's own test folder, when it has one (so `evaluate` can say whether it
    /// was given the test set or another folder).
    public let testFolder: URL?
    /// The experiment's test images as its load stage recorded them (content hash and class),
    /// so that its test folder is recognised by content after the project has moved.
    let testImages: [LoadedImage]?

    /// Loads the model. `threshold` overrides the decision threshold of a two-class model.
    /// An experiment whose threshold is chosen on validation, and whose test stage has not
    /// recorded it yet, gets it chosen now on the same validation images (`console` shows progress).
    public init(_ source: ModelSource, threshold override: Double? = nil, threads: Int, console: Console) throws {
        switch source {
        case let .experiment(directory, choice):
            let exp = try TrainedExperiment(directory: directory)
            let checkpoint = choice ?? exp.state.config.testCheckpoint
            let weights = exp.weights(checkpoint)
            guard FileManager.default.fileExists(atPath: weights.path) else {
                throw PipelineError.invalid("\(weights.path) does not exist: has the experiment finished training?")
            }
            self.weights = weights
            predictor = try Predictor(weights: weights, pipelines: DataPipelines(exp.state.data), threads: threads,
                                      batchSize: exp.state.data.batchSize)
            checkpointName = "\(checkpoint.rawValue) (\(weights.lastPathComponent))"
            testFolder = exp.state.data.test.flatMap {
                if case .folder(let path) = $0 { return URL(fileURLWithPath: path) } else { return nil }
            }
            // Looked up once: it checks the training's outputs (the weights among them) by checksum.
            let info = predictor.info
            let loadKey = Result { try exp.trainingLoadKey(info) }
            testImages = (try? loadKey.get()).flatMap(exp.loadResult)?.test
            decision = try exp.decision(for: predictor, loadKey: loadKey, override: override, console: console)
        case .file(let url):
            weights = url
            predictor = try Predictor(weights: url, pipelines: nil, threads: threads)
            checkpointName = url.path
            testFolder = nil
            testImages = nil
            let info = predictor.info
            let bootstrap = info.decision?.bootstrap ?? BootstrapSettings()
            if let override {
                decision = try .make(classes: info.classes, positive: info.decision?.positiveClass,
                                     threshold: DecisionThreshold(value: override, method: .fixed), bootstrap: bootstrap,
                                     origin: "--threshold")
            } else if let d = info.decision {
                decision = try .make(classes: info.classes, positive: d.positiveClass, threshold: d.threshold,
                                     bootstrap: d.bootstrap, origin: "recorded in the checkpoint (by its test stage or by export)")
            } else {
                decision = try .make(classes: info.classes, positive: nil, threshold: DecisionThreshold(value: 0.5, method: .fixed),
                                     bootstrap: bootstrap, origin: "the checkpoint records no threshold; 0.5 by default")
            }
        }
    }
}

extension TrainedExperiment {
    /// The workspace holding this experiment (`<workspace>/<project>/<experiment>`).
    var workspace: URL { paths.root.deletingLastPathComponent().deletingLastPathComponent() }

    func weights(_ checkpoint: CheckpointChoice) -> URL {
        checkpoint == .final ? paths.finalWeights : paths.bestWeights
    }

    /// The decision the test stage applies to these weights: the one it recorded in their
    /// sidecar, else the experiment's rule resolved now (a fixed threshold, or Youden's J on
    /// the experiment's validation images, those of the load stage `loadKey` names: `trainingLoadKey`).
    func decision(for predictor: Predictor, loadKey: Result<StageKey, Error>, override: Double?,
                  console: Console) throws -> ModelDecision {
        let e = state.config.evaluation
        let classes = predictor.info.classes
        var positive: String?
        if case .named(let name) = e.positiveClass { positive = name }
        let bootstrap = BootstrapSettings(samples: e.bootstrapSamples, seed: e.bootstrapSeed)
        if let override {
            return try .make(classes: classes, positive: positive, threshold: DecisionThreshold(value: override, method: .fixed),
                             bootstrap: bootstrap, origin: "--threshold")
        }
        if let recorded = predictor.info.decision {
            return try .make(classes: classes, positive: recorded.positiveClass, threshold: recorded.threshold,
                             bootstrap: recorded.bootstrap, origin: "chosen by the experiment's test stage")
        }
        switch e.threshold {
        case .fixed(let t):
            return try .make(classes: classes, positive: positive, threshold: DecisionThreshold(value: t, method: .fixed),
                             bootstrap: bootstrap, origin: "the experiment's setting")
        case .youden:
            guard classes.count == 2 else {
                return ModelDecision(classes: classes, rule: .mostProbable, bootstrap: bootstrap, origin: "more than two classes")
            }
            let validation = try validationPredictions(predictor, loadKey: loadKey.get(), console: console)
            let index = try Evaluation.positiveClassIndex(classes, requested: positive)
            let threshold = try DecisionThreshold(rule: .youdenJ(validation: validation), positive: index)
            return try .make(classes: classes, positive: positive, threshold: threshold, bootstrap: bootstrap,
                             origin: "the experiment's rule, chosen now on its validation images")
        }
    }

    /// Where the load result of `key` is in this experiment's workspace.
    func loadResultURL(_ key: StageKey) -> URL {
        StageCache(workspace: workspace).root.appendingPathComponent("load/\(key.hex)/\(LoadPaths.loadedName)")
    }

    func loadResult(_ key: StageKey) -> LoadedData? {
        try? LoadedData.read(loadResultURL(key))
    }

    /// The load stage that fed the training of the weights `info` describes, as the cache
    /// knows it: the completed record of the train stage their sidecar names, kept in this
    /// experiment's folder with its outputs (these weights among them) unchanged, read that
    /// load stage. The load key the state records is not used: as `Trainer` resumes a saved
    /// training only under its own stage key, a state out of step with the cache (edited,
    /// copied, or written by a training that failed before it saved weights) must not decide
    /// which images a threshold is chosen on.
    func trainingLoadKey(_ info: CheckpointInfo) throws -> StageKey {
        let cache = StageCache(workspace: workspace)
        guard let train = info.metadata["stage_key"].flatMap(StageKey.init(hex:)), let record = cache.completed(train),
              record.kind == .train,
              cache.directory(of: record).standardizedFileURL.path == paths.root.standardizedFileURL.path,
              let load = record.inputs.digests["upstream load"].flatMap(StageKey.init(hex:)) else {
            throw PipelineError.invalid("""
                \(paths.root.path) chooses its threshold by Youden's J on validation, but its test stage has not \
                recorded one and the cache holds no completed training of its weights to name the validation \
                images (it was interrupted, or trained by an older monkpipe): finish its training \
                (`monkpipe run FILE --stage train`) or pass --threshold
                """)
        }
        return load
    }

    /// The predictor's probabilities on the validation images of the load stage `key` that fed
    /// this experiment's training (`trainingLoadKey`), read through the workspace's pixel cache.
    /// Only images the data lists are read, as `run` reads a cached load result.
    func validationPredictions(_ predictor: Predictor, loadKey key: StageKey, console: Console) throws -> PredictionSet {
        let cache = StageCache(workspace: workspace)
        let loadedURL = loadResultURL(key)
        guard let loaded = loadResult(key) else {
            throw PipelineError.invalid("""
                the validation images of \(paths.root.path) are listed in \(loadedURL.path), which is missing: \
                run `monkpipe run FILE --stage load` again, or pass --threshold
                """)
        }
        if let why = unreadable(loaded) {
            throw PipelineError.invalid("""
                the load result \(loadedURL.path) does not match the data: \(why); load the data again \
                (`monkpipe run FILE --force load`) or pass --threshold
                """)
        }
        let bar = console.progress("predicting validation set (threshold)", total: loaded.validation.count, unit: "img")
        // The images are read from where the state last saw the data; the pixel cache, keyed by
        // content, serves them without the files when the project has moved since.
        let roots = DataRoots(state.data)
        let probs = try predictor.probabilities(loaded.validation.map(roots.url(of:)),
                                                hashes: loaded.validation.map(\.hash),
                                                cache: PixelCache(root: cache.root.appendingPathComponent("pixels", isDirectory: true),
                                                                  reportDamaged: { [console] in console.warning($0) }),
                                                progress: bar)
        bar.finish()
        return try PredictionSet(classNames: loaded.classes, samples: zip(loaded.validation, probs).map {
            PredictedSample(file: $0.path, trueLabel: $0.label, probabilities: $1)
        })
    }

    /// Why reading `loaded`'s validation images could read a file outside the data, or nil.
    /// Where the state last saw the data, each must be one it lists (`DataSources.unlisted`,
    /// the check `run` makes). Where the data is no longer there (the project moved and has
    /// not run since), the images can only come from the pixel cache; each must then still
    /// name a file inside its source's folder, of one of the classes.
    func unreadable(_ loaded: LoadedData) -> String? {
        if let sources = try? DataSources.list(state.data) { return sources.unlisted(in: loaded) }
        for image in loaded.validation {
            guard let role = image.source, role != .test, !image.path.hasPrefix("/"),
                  !image.path.split(separator: "/").contains(".."), loaded.classes.indices.contains(image.label) else {
                return "its validation image '\(image.path)' with class number \(image.label) is not inside a data folder"
            }
        }
        return nil
    }
}
