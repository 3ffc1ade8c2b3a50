// `monkpipe infer` and `monkpipe evaluate`: a trained experiment (its best checkpoint by
// default, unlike Monk, which used the last epoch) applied to new images or a labelled folder.
import Foundation
import MonkData
import MonkEngine
import MonkReport

/// A trained experiment directory (`workspace/<project>/<experiment>`) and its settings.
public struct TrainedExperiment {
    public let paths: ExperimentPaths
    public let state: ExperimentState

    public init(directory: URL) throws {
        let paths = ExperimentPaths(root: directory)
        guard FileManager.default.fileExists(atPath: paths.state.path) else {
            throw PipelineError.invalid("\(directory.path) is not a monkpipe experiment (no \(paths.state.lastPathComponent))")
        }
        self.paths = paths
        self.state = try ExperimentState.read(paths.state)
    }

    public func predictor(checkpoint: CheckpointChoice, threads: Int) throws -> Predictor {
        let url = checkpoint == .final ? paths.finalWeights : paths.bestWeights
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError.invalid("\(url.path) does not exist: has the experiment finished training?")
        }
        return try Predictor(weights: url, pipelines: DataPipelines(state.data), threads: threads)
    }
}

public struct InferenceRow: Codable, Sendable, Equatable {
    public var image: String
    public var predicted: String
    public var probability: Double
    public var probabilities: [String: Double]
}

public enum ExperimentInference {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "jpe"]

    /// The image files named, with folders expanded (recursively, sorted).
    public static func imageFiles(_ inputs: [URL]) -> [URL] {
        var out: [URL] = []
        for url in inputs {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
                let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
                var found: [URL] = []
                while let f = e?.nextObject() as? URL {
                    if imageExtensions.contains(f.pathExtension.lowercased()) { found.append(f) }
                }
                out += found.sorted { $0.path < $1.path }
            } else {
                out.append(url)
            }
        }
        return out
    }

    public static func infer(_ predictor: Predictor, images: [URL], console: Console) throws -> [InferenceRow] {
        let bar = console.progress("predicting", total: images.count, unit: "img")
        let probs = try predictor.probabilities(images, progress: bar)
        bar.finish()
        let classes = predictor.info.classes
        return zip(images, probs).map { url, p in
            let best = p.indices.max { p[$0] < p[$1] }!
            return InferenceRow(image: url.path, predicted: classes[best], probability: p[best],
                                probabilities: Dictionary(uniqueKeysWithValues: zip(classes, p)))
        }
    }

    public static func csv(_ rows: [InferenceRow], classes: [String]) -> String {
        let table = CSVTable(header: ["image", "predicted", "probability"] + classes.map { "p_\($0)" },
                             rows: rows.map { r in [r.image, r.predicted, String(r.probability)] + classes.map { String(r.probabilities[$0] ?? 0) } })
        return table.render()
    }

    /// Writes the predictions as CSV, atomically.
    public static func writeCSV(_ rows: [InferenceRow], classes: [String], to url: URL) throws {
        try AtomicFile.write(csv(rows, classes: classes), to: url)
    }

    /// Metrics of the experiment on a labelled folder (folder per class, the experiment's classes).
    public static func evaluate(_ experiment: TrainedExperiment, checkpoint: CheckpointChoice, data: URL, threads: Int,
                                console: Console) throws -> Evaluation {
        let predictor = try experiment.predictor(checkpoint: checkpoint, threads: threads)
        let ds = try Dataset.load(root: data, layout: .folderPerClass, classes: predictor.info.classes)
        let files = ds.items.map { ds.url(of: $0) }
        let bar = console.progress("evaluating", total: files.count, unit: "img")
        let probs = try predictor.probabilities(files, progress: bar)
        bar.finish()
        let set = try PredictionSet(classNames: predictor.info.classes, samples: zip(ds.items, probs).map {
            PredictedSample(file: ds.url(of: $0).path, trueLabel: $0.label, probabilities: $1)
        })
        let e = experiment.state.config.evaluation
        var positive: String?
        if case .named(let n) = e.positiveClass { positive = n }
        var threshold = 0.5
        if let t = experiment.state.test?.threshold { threshold = t }
        return try Evaluation(test: set, options: EvaluationOptions(
            positiveClass: positive, threshold: .fixed(threshold),
            bootstrap: BootstrapSettings(samples: e.bootstrapSamples, seed: e.bootstrapSeed),
            checkpoint: checkpoint.rawValue))
    }
}
