// The batch scripts of a Slurm submission (pure: text only): the load job, the array with one
// task per experiment, and the comparison. Dependencies go on sbatch's command line.
import Foundation

/// Options of a Slurm submission beyond the shared resources.
public struct SlurmOptions: Sendable, Equatable {
    public var partition: String?
    public var resources: ClusterResources
    /// Further sbatch options, added to every job's command line (e.g. `--account=lab`).
    public var extra: [String]

    public init(partition: String? = nil, resources: ClusterResources, extra: [String] = []) {
        self.partition = partition
        self.resources = resources
        self.extra = extra
    }
}

public struct SlurmBatchScript: Sendable, Equatable {
    public var role: ClusterJobRole
    public var fileName: String
    public var text: String
}

public enum SlurmBatchScripts {
    /// The scripts for the jobs `work` needs. Experiment tasks log to
    /// `logs/experiment-<array job>_<index>.out`, appending across requeues.
    public static func make(work: ClusterWork, project: String, commands: ClusterCommands,
                            options: SlurmOptions, logs: URL) -> [SlurmBatchScript] {
        var scripts: [SlurmBatchScript] = []
        let name = "monkpipe-" + safeName(project)
        if work.load {
            scripts.append(script(.load, name: "\(name)-load", log: logs.appendingPathComponent("load-%j.out").path,
                                  options: options, what: "the load stage: index, split, check and decode the data once for every experiment",
                                  body: commands.execLine(.load)))
        }
        if !work.experiments.isEmpty {
            let body = ClusterCommands.experimentCase(work.experiments, variable: "SLURM_ARRAY_TASK_ID") + "\n"
                + "echo \"monkpipe: experiment $experiment, job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}\"\n"
                + commands.execLine(.experiments)
            scripts.append(script(.experiments, name: "\(name)-experiments",
                                  log: logs.appendingPathComponent("experiment-%A_%a.out").path, options: options,
                                  what: "one array task per experiment: its train and test stages (\(work.experiments.count) experiments)",
                                  body: body, array: "0-\(work.experiments.count - 1)"))
        }
        if work.compare {
            scripts.append(script(.compare, name: "\(name)-compare", log: logs.appendingPathComponent("compare-%j.out").path,
                                  options: options, what: "the comparison of every experiment (comparison.csv, plots, index.html)",
                                  body: commands.execLine(.compare)))
        }
        return scripts
    }

    static func script(_ role: ClusterJobRole, name: String, log: String, options: SlurmOptions, what: String,
                       body: String, array: String? = nil) -> SlurmBatchScript {
        var lines = ["#!/bin/bash",
                     "# Written by `monkpipe submit --slurm`: \(what).",
                     "# Every job runs monkpipe on the shared workspace; cached stages finish at once, and a",
                     "# requeued or preempted task resumes from its last checkpoint."]
        func directive(_ option: String, _ value: String) { lines.append("#SBATCH \(option)=\(directiveValue(value))") }
        directive("--job-name", name)
        directive("--output", log)
        // A requeued task appends to its log instead of truncating the first attempt's output.
        directive("--open-mode", "append")
        if role == .experiments { lines.append("#SBATCH --requeue") }
        if let a = array { directive("--array", a) }
        if let p = options.partition { directive("--partition", p) }
        if let t = options.resources.time { directive("--time", t.slurm) }
        if let c = options.resources.cpusPerTask { directive("--cpus-per-task", "\(c)") }
        if let m = options.resources.memory { directive("--mem", m.slurm) }
        lines.append("set -u")
        lines.append(body)
        return SlurmBatchScript(role: role, fileName: "\(role.rawValue).sbatch", text: lines.joined(separator: "\n") + "\n")
    }

    /// sbatch reads `#SBATCH` values up to a blank unless double-quoted.
    static func directiveValue(_ v: String) -> String {
        v.contains(where: { $0 == " " || $0 == "\t" }) ? "\"\(v)\"" : v
    }

    /// A job-name-safe form of the project name.
    static func safeName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}
