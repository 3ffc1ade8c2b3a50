// The state of one experiment of a sweep, as `monkpipe status` reports it, and of the
// comparison: read from the workspace, the cache decisions and the scheduler's queue.
import Foundation

public struct ExperimentStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case notStarted = "not_started", queued, running, interrupted, finished, failed
        /// Its experiment-state.json is there but cannot be read (a folder, permission denied,
        /// damaged), or its train stage's record or outputs are damaged (`damagedStage`;
        /// `plan` says CANNOT RUN): `error` says which and why. A run of it would fail.
        case unreadable
    }

    public var experiment: String
    public var state: State
    /// The scheduler's job id (Slurm: `<array job>_<index>`), and its state there.
    public var job: String?
    public var jobState: String?
    /// The process holding the experiment's lock (`pid@host`), when one runs it.
    public var process: String?
    /// Epochs completed, of `epochs`; for an interrupted run, also the batch reached in the
    /// epoch that was stopped.
    public var epochsDone: Int?
    public var epochs: Int?
    public var batch: Int?
    /// Whether the training has ended: after its last epoch, or earlier by early stopping.
    /// Interrupted then means that the test is what is left.
    public var trained = false
    public var testAccuracy: Double?
    /// Whether the plan has a test stage for the experiment: without a test set it has none,
    /// and the experiment is finished once trained.
    public var testStage = true
    /// A finished experiment without a test stage: the validation accuracy of its kept
    /// checkpoint (`ExperimentState.keptEpoch`, the weights infer and export use) and its epoch.
    public var validationAccuracy: Double?
    public var keptEpoch: Int?
    public var checkpoint: String?
    /// A finished experiment (its stages cached) whose experiment-state.json is not there
    /// (deleted): the next `run` writes it again from the stages' outputs. Nil otherwise.
    public var stateMissing: Bool?
    /// The experiment folder holds a training of other settings than the spec's (a quick
    /// `--set` run since, a setting changed in the file), and the spec's own training has not
    /// ended: its experiment-state.json records another train key. `show` withholds that
    /// training's numbers and says `settings changed since`; a `run` trains it again. Nil otherwise.
    public var trainingOfOtherSettings: Bool?
    /// The stage (`train/NAME`) whose cache record or checksummed outputs are damaged, which
    /// `plan` and `run` will not run again without `--force` (training again may take hours):
    /// the experiment is `unreadable` with their words in `error`. Nil otherwise.
    public var damagedStage: String?
    public var error: String?
    public var log: String?
    public var logTail: [String]?
    /// The attempt of a retrying scheduler (a Kubernetes pod) that ran the experiment last,
    /// from 1, of `attempts` at most, when that attempt has ended without finishing it.
    public var attempt: Int?
    public var attempts: Int?
    /// The scheduler runs it again: a failure, or a run killed before it wrote its state, that
    /// a retry follows. `status --wait` goes on waiting.
    public var retryToCome = false

    public init(experiment: String, state: State) {
        self.experiment = experiment
        self.state = state
    }

    /// "trained", and when early stopping ended the training before its last epoch, after which.
    var trainedWords: String {
        guard let d = epochsDone, let n = epochs, d < n else { return "trained" }
        return "trained (early stopping after epoch \(d)/\(n))"
    }

    /// "retry 1 of 3 to come": the scheduler's next run of the experiment, of its retries.
    var retryWords: String {
        guard let a = attempt, let n = attempts else { return "a retry to come" }
        return "retry \(a) of \(n - 1) to come"
    }

    /// The word `monkpipe show` gives the experiment (in place of the accuracy while it has no
    /// test results): the state `status` shows, in show's words.
    public var resultWord: String {
        switch state {
        case .notStarted: return "not run"
        case .queued: return "queued"
        case .running: return trained && testStage ? "testing" : "training"
        case .interrupted: return trained && testStage ? "trained, test not run" : "stopped"
        case .finished: return (testStage ? "tested" : "trained") + (stateMissing == true ? ", " + Self.missingStateWords : "")
        case .failed: return "failed"
        case .unreadable: return damagedStage == nil ? "unreadable" : "training damaged"
        }
    }

    static let missingStateWords = "experiment-state.json missing"

    /// What `status` says of an experiment whose folder holds a training of other settings, in
    /// the words of `show`'s row (`not run, settings changed since`) and legend.
    var otherSettingsWords: String {
        "settings changed since: its training on disk is of other settings than the file's now; run the pipeline to train"
            + (testStage ? " and test it" : " it") + " with these settings"
    }

    /// One line for the table `monkpipe status` prints (failures add their log lines).
    public var detail: String {
        switch state {
        case .notStarted:
            // A pod killed before the experiment's state was written (while loading the data).
            if retryToCome { return "attempt \(attempt ?? 0) ended without a result; " + retryWords }
            // A task Slurm cancelled before it ran (its load job failed) leaves the experiment untouched.
            let job = job.map { j in "job \(j)" + (jobState.map { " \($0)" } ?? "") }
            // Outputs are there, of other settings: not started with these, as show says.
            let other = trainingOfOtherSettings == true ? otherSettingsWords : nil
            return [job, other].compactMap { $0 }.joined(separator: "; ")
        case .queued: return ["job \(job ?? "?")", jobState.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        case .running:
            var parts: [String] = []
            if let j = job { parts.append("job \(j)") }
            if let p = process { parts.append("pid \(p)") }
            // Training over, the test is what runs.
            if trained && testStage { parts.append(trainedWords + "; testing") }
            else if let d = epochsDone, let n = epochs { parts.append("\(d)/\(n) epochs done") }
            return parts.joined(separator: ", ")
        case .interrupted:
            var s: String
            if trained, let d = epochsDone, let n = epochs {
                s = testStage ? trainedWords + "; test not run" : "stopped after epoch \(d)/\(n)"
            } else if let d = epochsDone, let n = epochs { s = "stopped in epoch \(d + 1)/\(n) after \(batch ?? 0) batches" }
            else { s = "stopped" }
            if let j = job, let st = jobState { s += " (job \(j) \(st))" }
            return s + (retryToCome ? "; " + retryWords : "; run or submit again to resume")
        case .finished:
            let missing = stateMissing == true ? "; " + Self.missingStateWords + ": run the pipeline to write it again" : ""
            if !testStage {
                guard let a = validationAccuracy, let e = keptEpoch else { return "trained, no test set" + missing }
                return String(format: "trained, no test set (kept checkpoint: epoch %d, validation accuracy %.4f)", e, a) + missing
            }
            let acc = testAccuracy.map { String(format: "test accuracy %.4f", $0) } ?? "tested"
            return acc + (checkpoint.map { ", checkpoint \($0)" } ?? "") + missing
        case .unreadable:
            return error ?? ""
        case .failed:
            var parts: [String] = []
            if let j = job { parts.append("job \(j)" + (jobState.map { " \($0)" } ?? "")) }
            if let e = error { parts.append(e) }
            if retryToCome { parts.append(retryWords) }
            else if let a = attempt, let n = attempts { parts.append("attempt \(a) of \(n), no retry left") }
            if let l = log { parts.append("log \(l)") }
            return parts.joined(separator: "; ")
        }
    }
}

public struct ComparisonStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case notWritten = "not_written", queued, running, written, cancelled, failed
        /// The folder holds the report of another project (`otherProjects`) whose comparison
        /// has the same name; `run` refuses until one is renamed.
        case otherProject = "other_project"
    }
    public var state: State
    public var report: String?
    public var otherProjects: [String]?
    public var job: String?
    public var jobState: String?
    public var log: String?
    public var logTail: [String]?
}

/// The newest submission's load job, while the scheduler still lists it.
public struct LoadJobStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case queued, running, done, failed }
    public var state: State
    public var job: String
    public var jobState: String
    public var log: String?
    public var logTail: [String]?
}

public struct SweepStatus: Codable, Sendable, Equatable {
    public var project: String
    public var load: LoadJobStatus?
    public var experiments: [ExperimentStatus]
    public var comparison: ComparisonStatus
    /// Why the scheduler could not be asked (squeue failed), if it could not.
    public var queueError: String?

    public var allFinished: Bool { experiments.allSatisfy { $0.state == .finished } }
    public var failed: [ExperimentStatus] { experiments.filter { $0.state == .failed } }
    /// The experiments that failed and that no scheduler retries (`ExperimentStatus.retryToCome`).
    public var failedForGood: [ExperimentStatus] { failed.filter { !$0.retryToCome } }
    /// Whether every run of this pipeline is refused: the comparison's folder holds another
    /// project's report. `status --wait` exits with `ExitStatus.refused`, which no retry cures.
    public var refused: Bool { comparison.state == .otherProject }
    /// Whether waiting cannot end in a comparison: an experiment failed for good (a failure
    /// the scheduler retries is waited on) or its state cannot be read (its run would fail),
    /// or every run is refused.
    public var cannotComplete: Bool { !failedForGood.isEmpty || experiments.contains { $0.state == .unreadable } || refused }
}
