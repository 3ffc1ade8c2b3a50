// Where an experiment's files live: Monk's layout, `workspace/<project>/<experiment>/`. Every
// file name of an experiment is written here once; the stages ask for URLs.
import Foundation
import MonkReport

public struct ExperimentPaths: Sendable {
    public let root: URL
    public init(workspace: URL, project: String, experiment: String) {
        root = workspace.appendingPathComponent(project, isDirectory: true).appendingPathComponent(experiment, isDirectory: true)
    }
    public init(root: URL) { self.root = root }

    /// Names relative to `root`.
    enum Name {
        static let state = "experiment-state.json"
        static let lock = ".lock"
        static let attempt = "scheduler-attempt.json"
        static let attemptLock = ".attempt.lock"
        static let models = "output/models"
        static let logs = "output/logs"
        static let test = "output/test"
        static let bestWeights = "\(models)/best.safetensors"
        static let finalWeights = "\(models)/final.safetensors"
        static let resume = "\(models)/resume.monksnap"
        static let historyCSV = "\(logs)/history.csv"
        static let historyJSON = "\(logs)/history.json"
        static let metrics = "\(test)/\(Evaluation.metricsFileName)"
        static let storedPredictions = "\(test)/predictions.json"
    }

    public var state: URL { root.appendingPathComponent(Name.state) }
    public var lock: URL { root.appendingPathComponent(Name.lock) }
    /// Which attempt of a retrying scheduler (a Kubernetes pod) ran the experiment last
    /// (`SchedulerAttempt`), and the lock that run holds for as long as it lives.
    public var attempt: URL { root.appendingPathComponent(Name.attempt) }
    public var attemptLock: URL { root.appendingPathComponent(Name.attemptLock) }
    public var output: URL { root.appendingPathComponent("output", isDirectory: true) }
    public var models: URL { root.appendingPathComponent(Name.models, isDirectory: true) }
    public var logs: URL { root.appendingPathComponent(Name.logs, isDirectory: true) }
    public var test: URL { root.appendingPathComponent(Name.test, isDirectory: true) }
    public var bestWeights: URL { root.appendingPathComponent(Name.bestWeights) }
    public var finalWeights: URL { root.appendingPathComponent(Name.finalWeights) }
    /// The resumable training state (`TrainingState`), rewritten after every epoch.
    public var resume: URL { root.appendingPathComponent(Name.resume) }
    public var historyCSV: URL { root.appendingPathComponent(Name.historyCSV) }
    public var historyJSON: URL { root.appendingPathComponent(Name.historyJSON) }
    /// The test stage's metrics; the other report files are named by `Evaluation.writeReport`.
    public var metrics: URL { root.appendingPathComponent(Name.metrics) }
    /// The test predictions the compare stage rebuilds the evaluation from (`StoredPredictions`).
    public var storedPredictions: URL { root.appendingPathComponent(Name.storedPredictions) }

    /// The files whose presence, with the stage's record, makes a train or test stage cached.
    static func completionFiles(_ kind: StageKind) -> [String] {
        switch kind {
        case .train: return [Name.bestWeights, Name.finalWeights, Name.historyJSON]
        case .test: return [Name.metrics, Name.storedPredictions]
        case .load, .compare: return []
        }
    }

    /// The folders a train or test stage writes, copied whole when a renamed experiment
    /// adopts the outputs of its old name.
    static func outputFolders(_ kind: StageKind) -> [String] {
        switch kind {
        case .train: return [Name.models, Name.logs]
        case .test: return [Name.test]
        case .load, .compare: return []
        }
    }
}
