// Everything a training run must save to resume bit-identically, and its per-epoch history
// (each epoch an EpochRecord, declared in MonkReport, which charts it).
import Foundation
import MonkEngine
import MonkReport

/// The best epoch so far by the selection metric.
public struct BestEpoch: Codable, Equatable, Sendable {
    public var epoch: Int
    public var valAccuracy: Double
    public var valLoss: Double
    public var valAUC: Double?
}

/// Running sums of an epoch in progress (restored when a run stopped mid-epoch).
public struct EpochProgress: Codable, Equatable, Sendable {
    public var lossSum: Double = 0
    public var correct: Int = 0
    public var seen: Int = 0
    public var seconds: Double = 0
    /// Process CPU seconds of the loop so far (optional: states saved before it was kept).
    public var cpuSeconds: Double?
    public init() {}
}

/// Why training ended.
public enum StopReason: String, Codable, Sendable {
    case completed, earlyStopping = "early_stopping"
}

/// The resumable state, written atomically after every epoch and on Ctrl-C as one
/// `SnapshotArchive` (`ExperimentPaths.resume`).
public struct TrainingState: Codable, Sendable {
    /// The train stage key this state belongs to; a state from other settings is not resumed.
    public var stageKey: String
    public var model: ModuleState
    public var optimizer: OptimizerState
    public var schedule: MonkEngine.LRSchedule
    /// The forward-pass generator (dropout), after the last completed batch.
    public var rng: RNG
    /// 0-based epoch and batch to run next.
    public var epoch: Int
    public var batch: Int
    public var progress: EpochProgress
    public var history: [EpochRecord]
    public var best: BestEpoch?
    /// Early stopping: best watched value and epochs without improvement.
    public var watchedBest: Double?
    public var epochsWithoutImprovement: Int
    public var stopped: StopReason?
    /// Peak memory seen by any process that worked on this run, in MiB.
    public var peakMemoryMB: Double
}

/// Where a stopped run of a train stage continues, read from the resume archive's JSON
/// header alone (the floats after it are never read); used by `plan` and `status`.
public struct ResumePoint: Decodable, Equatable, Sendable {
    public var stageKey: String
    /// 0-based epoch and batch to run next.
    public var epoch: Int
    public var batch: Int
    public var stopped: StopReason?

    /// The resume point saved at `url`, if the file is a readable training state.
    public static func read(_ url: URL) -> ResumePoint? {
        try? SnapshotArchive.decodeHeader(ResumePoint.self, at: url)
    }
}
