// The three kinds of cluster job and the monkpipe command each runs on the shared workspace;
// Slurm's batch scripts and Kubernetes' containers both run exactly these commands.
import Foundation
import MonkPlan

/// One kind of job of a submission, in dependency order.
public enum ClusterJobRole: String, Codable, Sendable, CaseIterable {
    /// The load stage: index, split, check and decode the data once for every experiment.
    case load
    /// One task per experiment: its train and test stages.
    case experiments
    /// The comparison of every experiment, once all have finished.
    case compare
}

/// How a job invokes monkpipe: the executable (an absolute path on a shared file system for
/// Slurm, a command on the image's PATH for Kubernetes) and the absolute spec path.
public struct ClusterCommands: Sendable, Equatable {
    public var executable: String
    public var spec: String
    /// The submission's `--set KEY=VALUE` options, passed on to every job: the jobs must run
    /// the plan that was submitted, not the file without them.
    public var settings: [SpecOverride]

    public init(executable: String, spec: String, settings: [SpecOverride] = []) {
        self.executable = executable
        self.spec = spec
        self.settings = settings
    }

    /// The `--set` arguments, in the submission's order (a later one wins, as on the command line).
    public var settingArguments: [String] { settings.flatMap(\.arguments) }

    /// The arguments of `role`'s job; an experiment task's name comes from the shell
    /// variable `experiment` (see `experimentCase`).
    public func arguments(_ role: ClusterJobRole) -> [String] {
        let run = [executable, "run", spec] + settingArguments
        switch role {
        case .load: return run + ["--stage", "load"]
        case .experiments: return run + ["--experiment"]
        case .compare: return run + ["--stage", "compare"]
        }
    }

    /// The shell line that runs `role` in place of the script's shell, so that the
    /// scheduler's signals (preemption, requeue, time limit) reach monkpipe itself, which
    /// saves a checkpoint and stops.
    public func execLine(_ role: ClusterJobRole) -> String {
        let words = ShellWords.join(arguments(role))
        return role == .experiments ? "exec \(words) \"$experiment\"" : "exec \(words)"
    }

    /// A `case` statement setting `experiment` from the index in `variable`
    /// (`SLURM_ARRAY_TASK_ID`, `JOB_COMPLETION_INDEX`); an unknown index exits with 64.
    public static func experimentCase(_ experiments: [String], variable: String) -> String {
        var lines = ["case \"${\(variable)}\" in"]
        for (i, name) in experiments.enumerated() {
            lines.append("    \(i)) experiment=\(ShellWords.quote(name)) ;;")
        }
        lines.append("    *) echo \"monkpipe: no experiment for \(variable)=${\(variable)}\" >&2; exit 64 ;;")
        lines.append("esac")
        return lines.joined(separator: "\n")
    }
}

/// The path of the monkpipe executable running now (what Slurm's batch scripts call).
public enum MonkpipeExecutable {
    public static func current() -> String {
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return exe }
        let arg0 = CommandLine.arguments.first ?? "monkpipe"
        return URL(fileURLWithPath: arg0).standardizedFileURL.path
    }
}
