// Slurm's view of a submission's jobs, through `squeue` (finished jobs stay listed for the
// cluster's MinJobAge; after that the workspace alone tells what happened).
import Foundation

/// A job's state as squeue prints it (`%T`), with the reason (`%r`).
public struct SlurmJobState: Sendable, Equatable {
    public var state: String
    public var reason: String

    /// Waiting to start (dependency, resources, priority, a requeue's begin time).
    public var isPending: Bool { ["PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED", "CONFIGURING"].contains(state) }
    public var isRunning: Bool { ["RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING", "STOPPED"].contains(state) }
    public var isActive: Bool { isPending || isRunning }
    /// Ended without success.
    public var isFailed: Bool {
        ["FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "CANCELLED", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT"].contains(state)
    }
    public var description: String { reason.isEmpty || reason == "None" ? state : "\(state) (\(reason))" }
}

public struct SlurmQueue: Sendable {
    let squeue: ExternalTool

    /// nil when squeue is not installed.
    public init?(environment: [String: String]) {
        guard let tool = ExternalTool("squeue", environment: environment) else { return nil }
        squeue = tool
    }

    /// The states of `jobs` (job ids or array job ids; array tasks come back one per line as
    /// `<array>_<index>`). Jobs squeue no longer knows are absent from the result.
    public func states(of jobs: [String]) throws -> [String: SlurmJobState] {
        guard !jobs.isEmpty else { return [:] }
        let o = try squeue.run(["--noheader", "--array", "--states=all", "--jobs=" + jobs.joined(separator: ","), "--format=%i|%T|%r"])
        if o.status != 0 {
            // Every id unknown (aged out of the controller's memory) is an error to squeue.
            if o.stderr.contains("Invalid job id") { return [:] }
            throw ExternalTool.Failure(command: ["squeue"], output: o)
        }
        return Self.parse(o.stdout)
    }

    static func parse(_ text: String) -> [String: SlurmJobState] {
        var states: [String: SlurmJobState] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 3, !f[0].isEmpty else { continue }
            states[f[0]] = SlurmJobState(state: f[1], reason: f[2])
        }
        return states
    }
}
