// Plan → stages: pure, no I/O. Every stage's inputs are plan values (see KeyScope for what
// stays out of which key) and upstream keys; its key is their hash.
import Foundation
import MonkPlan

/// Digests of what lies outside the plan: the dataset files and pretrained weight files.
/// Computed by the runner (I/O) and handed to the pure planner.
public struct ExternalDigests: Codable, Equatable, Sendable {
    /// Digest of every (split source, relative path, class, content hash) of the data.
    public var dataFiles: String
    /// Content hash per weights file path named by `pretrained: <path>` or found for
    /// `pretrained: true`.
    public var weights: [String: String]
    /// The text `dataFiles` digests (`DataSources.listing`), kept for naming changed files.
    public var dataFileListing: String?

    public init(dataFiles: String, weights: [String: String], dataFileListing: String? = nil) {
        self.dataFiles = dataFiles
        self.weights = weights
        self.dataFileListing = dataFileListing
    }
}

/// One stage of a run: what it is, what it reads, and its key.
public struct PlannedStage: Equatable, Sendable {
    public var kind: StageKind
    /// "load", "train/<experiment>", "test/<experiment>", "compare/<name>".
    public var identity: String
    public var experiment: String?
    public var inputs: StageInputs
    public var key: StageKey
    /// Identities of the stages whose outputs this one reads.
    public var dependsOn: [String]
    /// Why this stage cannot run at all (e.g. its pretrained weights file is missing); set
    /// by the runner, which found out while fingerprinting.
    public var blockedBy: String? = nil
    /// The digests that the inputs holding a path (`data.train`, `pretrained`) had in keys
    /// of format 1, by name: a record written then is matched on every other input.
    public var formerLocations: [String: String] = [:]
}

public enum StageGraph {
    /// The stages of `plan` in execution order: load, then train and test per experiment,
    /// then compare. The experiment's display name is deliberately not an input of train or
    /// test (renaming reruns nothing); it is an input of compare (the report shows it).
    public static func build(_ plan: Plan, external: ExternalDigests) -> [PlannedStage] {
        var stages: [PlannedStage] = []
        let d = plan.data

        var load = StageInputs()
        let loadLocations = load.addProperties(of: d, locationFree: d.withoutLocations, prefix: "data.", excluding: KeyScope.load)
        load.add("data.files", digest: external.dataFiles, shown: external.dataFileListing)
        // How the files are decoded into the pixel cache, derived from the transforms.
        load.add("data.preprocessing", DataPipelines(d).preprocessing)
        let loadKey = StageKey(kind: .load, inputs: load)
        stages.append(PlannedStage(kind: .load, identity: "load", experiment: nil, inputs: load, key: loadKey, dependsOn: [],
                                   formerLocations: loadLocations))

        var testKeys: [(String, StageKey)] = []
        for e in plan.experiments {
            var train = StageInputs()
            train.add("upstream load", digest: loadKey.hex)
            let trainLocations = train.addProperties(of: e, locationFree: e.withoutLocations, excluding: KeyScope.trainExperiment)
            train.addProperties(of: d, prefix: "data.", excluding: KeyScope.trainData)
            if let key = e.pretrainedKey { train.add("pretrained file", digest: external.weights[key] ?? "missing") }
            let trainKey = StageKey(kind: .train, inputs: train)
            stages.append(PlannedStage(kind: .train, identity: "train/\(e.name)", experiment: e.name,
                                       inputs: train, key: trainKey, dependsOn: ["load"], formerLocations: trainLocations))
            guard plan.hasTestStages else { continue }
            var test = StageInputs()
            test.add("upstream train", digest: trainKey.hex)
            test.add("upstream load", digest: loadKey.hex)
            test.addProperties(of: e, only: KeyScope.testExperiment)
            let testKey = StageKey(kind: .test, inputs: test)
            stages.append(PlannedStage(kind: .test, identity: "test/\(e.name)", experiment: e.name,
                                       inputs: test, key: testKey, dependsOn: ["load", "train/\(e.name)"]))
            testKeys.append((e.name, testKey))
        }

        let compared = plan.comparison.experiments
        var compare = StageInputs()
        compare.add("comparison", plan.comparison)
        compare.add("project", plan.project)
        for (name, key) in testKeys where compared.contains(name) {
            compare.add("upstream test/\(name)", digest: key.hex)
        }
        // Without a test set, the comparison reads training results.
        if !plan.hasTestStages {
            for s in stages where s.kind == .train && compared.contains(s.experiment ?? "") {
                compare.add("upstream \(s.identity)", digest: s.key.hex)
            }
        }
        let deps = stages.filter { ($0.kind == .test || ($0.kind == .train && !plan.hasTestStages)) && compared.contains($0.experiment ?? "") }.map(\.identity)
        stages.append(PlannedStage(kind: .compare, identity: "compare/\(plan.comparison.name)", experiment: nil,
                                   inputs: compare, key: StageKey(kind: .compare, inputs: compare), dependsOn: deps))
        return stages
    }
}

extension Plan {
    /// Whether the experiments have a test stage: only with a test set (`data.test`). Without
    /// one an experiment's last stage is its training.
    var hasTestStages: Bool { data.test != nil }
}

extension ExperimentPlan {
    /// Under which key `ExternalDigests.weights` (and the runner's file map) hold this
    /// experiment's pretrained file: its path, or the model name for `pretrained: true`.
    var pretrainedKey: String? {
        switch pretrained {
        case .none: return nil
        case .file(let path): return path
        case .imagenet: return model.rawValue
        }
    }
}
