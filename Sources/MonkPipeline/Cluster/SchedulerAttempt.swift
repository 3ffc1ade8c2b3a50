// Which attempt of a scheduler that retries failed runs an experiment's run is: a Kubernetes
// experiment pod is retried by its Indexed Job (`backoffLimitPerIndex`) after it exits with a
// status other than 2, 4 or 64 and after it is killed (out of memory, node lost, time limit).
// The pod's run records its attempt in the experiment's folder before it does anything else
// and holds a lock on it while it lives, so that `status` (and the comparison Job's
// `status --wait`) tells a failure that the scheduler will retry from one it will not, and
// sees a run that was killed before it could write its state.
import Foundation
import MonkEngine
#if canImport(Glibc)
import Glibc
#endif

public struct SchedulerAttempt: Codable, Sendable, Equatable {
    /// Runs of the experiment that failed before this one (Kubernetes:
    /// the pod's `batch.kubernetes.io/job-index-failure-count` annotation).
    public var failures: Int
    /// How often the scheduler runs the experiment again after a failure (`backoffLimitPerIndex`).
    public var retries: Int
    /// The pod (host name) and process of the run; nil in the record `submit` writes before
    /// any pod has started (`isStarted`).
    public var host: String?
    public var pid: Int32?
    public var started: String?
    /// The submission's Job, and when it was submitted (the record `submit` writes).
    public var job: String?
    public var submitted: String?
    /// The keys of the experiment's stages the attempt runs ("train/NAME" → key), once
    /// planned: an attempt of other settings (the spec changed since) says nothing of this
    /// spec's experiment. Nil for a run that ended before it planned (killed while listing
    /// the data): taken to be the spec's.
    public var stageKeys: [String: String]?

    /// This attempt, from 1, of `limit` at most.
    public var number: Int { failures + 1 }
    public var limit: Int { retries + 1 }
    /// Whether the scheduler runs the experiment again should this attempt fail or be killed.
    public var isRetried: Bool { failures < retries }
    /// Whether a pod has started on the experiment since it was submitted.
    public var isStarted: Bool { pid != nil }

    /// The environment of a run the scheduler retries: `MONKPIPE_FAILURES` (the failures so
    /// far) and `MONKPIPE_RETRIES`, both set in the experiment pods of
    /// `monkpipe submit --kubernetes`. Nil when either is missing or not a count (a cluster
    /// that does not annotate its pods leaves `MONKPIPE_FAILURES` empty): nothing is recorded
    /// and `status` goes by the experiment's state alone.
    public static let failuresVariable = "MONKPIPE_FAILURES"
    public static let retriesVariable = "MONKPIPE_RETRIES"

    static func counts(_ environment: [String: String]) -> (failures: Int, retries: Int)? {
        guard let f = environment[failuresVariable].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              let r = environment[retriesVariable].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
              f >= 0, r >= 0 else { return nil }
        return (f, r)
    }

    /// The attempt recorded for an experiment, if one is (and reads).
    static func read(_ paths: ExperimentPaths) -> SchedulerAttempt? {
        guard let data = try? Data(contentsOf: paths.attempt) else { return nil }
        return try? JSONDecoder().decode(SchedulerAttempt.self, from: data)
    }

    /// Takes each experiment's attempt lock and records the attempt, for a run whose
    /// environment names one; returns the locks. The locks are held until released or until
    /// the process ends, however it ends: the kernel drops them when it is killed, and the
    /// record stays. A run outside such a scheduler (no attempt in its environment) removes
    /// the records of the experiments it runs that no live attempt holds: what it leaves
    /// (finished, failed, stopped) is its own, and no retry of an earlier attempt is to come.
    static func begin(_ experiments: [(name: String, paths: ExperimentPaths)], environment: [String: String]) throws -> [Held] {
        guard let (failures, retries) = counts(environment) else {
            for (_, paths) in experiments where RunLock.holder(at: paths.attemptLock) == nil {
                try? FileManager.default.removeItem(at: paths.attempt)
            }
            return []
        }
        var held: [Held] = []
        for (name, paths) in experiments {
            let lock = try RunLock(paths.attemptLock)
            let me = SchedulerAttempt(failures: failures, retries: retries, host: RunLock.hostName(),
                                      pid: getpid(), started: ISO8601DateFormatter().string(from: Date()),
                                      job: read(paths)?.job)
            try AtomicFile.writeJSON(me, to: paths.attempt)
            held.append(Held(experiment: name, paths: paths, record: me, lock: lock))
        }
        return held
    }

    /// A recorded attempt of the running process, with its lock.
    final class Held {
        let experiment: String
        let paths: ExperimentPaths
        var record: SchedulerAttempt
        let lock: RunLock
        init(experiment: String, paths: ExperimentPaths, record: SchedulerAttempt, lock: RunLock) {
            self.experiment = experiment
            self.paths = paths
            self.record = record
            self.lock = lock
        }

        /// Records the keys of the experiment's planned stages.
        func planned(_ stages: [PlannedStage]) {
            record.stageKeys = Dictionary(stages.filter { $0.experiment == experiment }.map { ($0.identity, $0.key.hex) },
                                          uniquingKeysWith: { a, _ in a })
            try? AtomicFile.writeJSON(record, to: paths.attempt)
        }
    }

    /// Written by `submit` for each experiment it submits, before the Jobs are applied: until
    /// the first pod's run records its attempt, the experiment is queued, whatever the state
    /// of an earlier submission's last run says (a failure that comparison would otherwise
    /// fail on at once, while the new pod is still pending). Not over a live attempt's record.
    /// Returns each experiment written with the record it replaced (nil for none).
    static func submitted(_ experiments: [ExperimentPaths], job: String, retries: Int) throws -> [(ExperimentPaths, Data?)] {
        let now = ISO8601DateFormatter().string(from: Date())
        var replaced: [(ExperimentPaths, Data?)] = []
        for paths in experiments where RunLock.holder(at: paths.attemptLock) == nil {
            let before = try? Data(contentsOf: paths.attempt)
            try AtomicFile.writeJSON(SchedulerAttempt(failures: 0, retries: retries, job: job, submitted: now), to: paths.attempt)
            replaced.append((paths, before))
        }
        return replaced
    }

    /// Puts back what `submitted` replaced, where no pod has recorded an attempt since.
    static func withdraw(_ replaced: [(ExperimentPaths, Data?)], job: String) {
        for (paths, before) in replaced where read(paths).map({ !$0.isStarted && $0.job == job }) == true {
            if let before { try? AtomicFile.write(before, to: paths.attempt) } else { try? FileManager.default.removeItem(at: paths.attempt) }
        }
    }
}
