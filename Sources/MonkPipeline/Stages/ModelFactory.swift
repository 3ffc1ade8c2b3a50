// From a plan's experiment to a network with the right head, pretrained weights and freezing.
import Foundation
import MonkEngine
import MonkModels
import MonkPlan
import MonkVocabulary

enum ModelFactory {
    /// The weights file an experiment starts from: its own path, or the model's published
    /// file, found in its framework's cache or downloaded there. Throws the "put file X in Y"
    /// error when it is neither.
    static func pretrainedFile(_ e: ExperimentPlan, fetch: PretrainedFetch, console: Console) throws -> URL? {
        switch e.pretrained {
        case .none: return nil
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw PipelineError.invalid("pretrained weights file \(path) does not exist")
            }
            return URL(fileURLWithPath: path)
        case .imagenet:
            // A model without catalogued sources never gets here: validation refuses it.
            return try fetch.file(for: e.model, console: console)
        }
    }

    /// Builds the experiment's network for `classes`, loads pretrained weights (the
    /// classifier head is replaced when the class count differs) and applies freezing.
    static func build(_ e: ExperimentPlan, classes: [String], weights: URL?, console: Console) throws -> ClassifierNetwork {
        var rng = RNG(seed: e.seed, stream: 1)
        let net: ClassifierNetwork
        if let weights {
            let report: WeightLoadReport
            (net, report) = try e.model.build(loading: try WeightsFile.read(weights), numClasses: classes.count, rng: &rng)
            console.info("  loaded \(report.loaded.count) tensors from \(weights.lastPathComponent)"
                + (report.replaced.isEmpty ? "" : "; new head for \(classes.count) classes (\(report.replaced.joined(separator: ", ")))"))
        } else {
            net = e.model.build(numClasses: classes.count, rng: &rng)
        }
        if e.freezeBaseNetwork {
            net.freezeBaseNetwork()
        } else if e.freezeLayers > 0 {
            net.freezeLayers(e.freezeLayers)
        }
        net.prepareBackward()
        return net
    }
}
