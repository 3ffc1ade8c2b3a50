// experiment-state.json: the resolved configuration, status, stage keys and results of one
// experiment, human-readable, written atomically after every change.
import Foundation
import MonkEngine
import MonkPlan
import MonkReport

public struct ExperimentState: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case planned, training, stopped, failed, trained, tested
    }

    public struct TestSummary: Codable, Equatable, Sendable {
        public var checkpoint: String
        public var images: Int
        public var accuracy: Double?
        public var sensitivity: Double?
        public var specificity: Double?
        public var auc: Double?
        public var threshold: Double?
    }

    public var format = 1
    /// The monkpipe that last wrote the state (informational, like `updated`).
    public var monkpipeVersion = MonkpipeVersion.string
    public var project: String
    public var experiment: String
    public var config: ExperimentPlan
    public var data: DataPlan
    /// The `--set` options of the run that last wrote this state (nil for none): `config` and
    /// `data` hold the values they set; this says they did not come from the file.
    public var overrides: [String]?
    public var classes: [String]?
    public var status: Status
    /// Stage kind → key of the last completed run of that stage for this experiment.
    public var stageKeys: [String: String] = [:]
    public var training: TrainingSummary?
    public var test: TestSummary?
    public var error: String?
    /// The stage whose failure `error` describes, with the key it failed under: a cached
    /// training does not clear its test's failure, and `status` shows a failure while the
    /// spec gives that stage the same key. Absent in states of older monkpipes.
    public var failedStage: FailedStage?
    public var updated: String = ""

    public struct FailedStage: Codable, Equatable, Sendable {
        public var kind: StageKind
        public var key: String
    }

    public init(project: String, experiment: ExperimentPlan, data: DataPlan, status: Status) {
        self.project = project
        self.experiment = experiment.name
        self.config = experiment
        self.data = data
        self.status = status
    }

    /// The state at `url`; one that does not decode is a `DamagedFile`, left as it is, with
    /// the run that writes it anew.
    public static func read(_ url: URL) throws -> ExperimentState {
        let name = url.deletingLastPathComponent().lastPathComponent
        return try DamagedFile.decodeJSON(ExperimentState.self, from: url, remedy:
            "restore it from a copy, or run the pipeline with --force train/\(name) to train \(name) again, which writes it anew")
    }

    /// The state at `url`, or nil where nothing is there (the experiment has not started).
    /// Something there that does not read as a state is not taken for no state: a damaged file
    /// throws `read`'s `DamagedFile` (what is wrong, what to do); a folder or a file the system
    /// refuses throws `PipelineError.unreadableFile` with the path and the reason in
    /// FileSystemError's words.
    public static func readIfPresent(_ url: URL) throws -> ExperimentState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try read(url)
        } catch let damaged as DamagedFile {
            throw damaged
        } catch {
            throw PipelineError.unreadableFile(path: url.path, reason: FileSystemError.reason(error))
        }
    }

    /// What `status`, `show` and `run` go by: the state at `url` (nil where there is none), or
    /// why it cannot be read, in `readIfPresent`'s words: the file, what is wrong and, for a
    /// damaged one, what to do.
    public static func readForStatus(_ url: URL) -> (state: ExperimentState?, unreadable: String?) {
        do { return (try readIfPresent(url), nil) } catch { return (nil, FileSystemError.text(error)) }
    }

    public mutating func write(to url: URL) throws {
        updated = ISO8601DateFormatter().string(from: Date())
        monkpipeVersion = MonkpipeVersion.string
        try AtomicFile.writeJSON(self, to: url)
    }
}

extension ExperimentState {
    /// The epoch of the checkpoint the experiment keeps for use: the one `test_checkpoint`
    /// names, the best by `best_metric` (the default) or the final, which its test stage
    /// evaluates and `infer`, `evaluate` and `export` load. Not the epoch of the highest
    /// validation accuracy, which with `best_metric: val_loss` may be another.
    public var keptEpoch: Int? {
        guard let t = training else { return nil }
        switch config.testCheckpoint {
        case .best: return t.bestEpoch
        case .final: return t.epochsRun > 0 ? t.epochsRun : nil
        }
    }

    /// The kept checkpoint with its validation accuracy from the experiment's `history`: the
    /// one rule behind what `status`, `show` and the comparison report call its validation accuracy.
    public func keptCheckpoint(history: [EpochRecord]) -> KeptCheckpoint? {
        KeptCheckpoint(epoch: keptEpoch, history: history)
    }
}
