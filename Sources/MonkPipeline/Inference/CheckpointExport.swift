// `monkpipe export`: a trained model written as a self-contained checkpoint (weights + sidecar
// recording its evaluation preprocessing and decision), to publish it or use it without its
// experiment folder, e.g. for an experiment whose pipeline has no test stage.
import Foundation
import MonkModels

public enum CheckpointExport {
    /// Writes `model`'s weights to `url` (a `.safetensors` path) and its sidecar beside it, with
    /// the preprocessing, batch size and decision `model` applies now (so `evaluate --checkpoint`
    /// on the written file gives exactly what `evaluate` gives on `model`).
    @discardableResult
    public static func write(_ model: TrainedModel, to url: URL) throws -> CheckpointInfo {
        guard url.pathExtension == "safetensors" else {
            throw UsageError(message: "--to \(url.path): a checkpoint is written as NAME.safetensors (its sidecar as NAME.json)")
        }
        guard url.standardizedFileURL != model.weights.standardizedFileURL else {
            throw UsageError(message: "--to \(url.path) is the checkpoint being exported; choose another file")
        }
        let loaded = try ModelCheckpoint.load(model.weights)
        var info = loaded.info
        let p = model.predictor
        info.input = CheckpointInput(preprocessing: p.preprocessing, pipeline: p.pipeline, batchSize: p.batchSize)
        switch model.decision.rule {
        case .mostProbable: info.decision = nil
        case let .threshold(positive, threshold):
            info.decision = CheckpointDecision(positiveClass: info.classes[positive], threshold: threshold,
                                               bootstrap: model.decision.bootstrap)
        }
        info.metadata["exported_from"] = CheckpointExport.provenance(model.weights)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return try ModelCheckpoint.save(loaded.weights, info: info, to: url)
    }

    /// Where the exported checkpoint came from, as a path relative to the directory export ran
    /// in when it lies below it: a published sidecar then names the file in the project
    /// (`pipelines/study/workspace/…`), not the exporting machine's home or work folders.
    static func provenance(_ weights: URL, from directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String {
        let file = weights.standardizedFileURL.resolvingSymlinksInPath().path
        let base = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }
}
