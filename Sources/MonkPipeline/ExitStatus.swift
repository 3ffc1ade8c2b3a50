// The exit statuses of the monkpipe command (README, "Exit status"), here so that the cluster
// jobs' retry rules name the same numbers the commands exit with.

public enum ExitStatus {
    /// A stage or command failed; running again may succeed (a full disk freed, a lock released).
    public static let failure: Int32 = 1
    /// The spec file is invalid.
    public static let badSpec: Int32 = 2
    /// Another run holds the experiment's lock.
    public static let locked: Int32 = 3
    /// Refused before anything ran, for a reason no retry of the same command can change: the
    /// comparison's folder holds another project's report (`PipelineError.refusesEveryRun`).
    public static let refused: Int32 = 4
    /// Bad command-line usage (an unknown option, experiment or stage).
    public static let usage: Int32 = 64
    /// Stopped by Ctrl-C (or the scheduler's SIGTERM) after saving.
    public static let interrupted: Int32 = 130

    /// The statuses after which running the same command again cannot succeed until someone
    /// changes the spec, the command line or the workspace: a cluster fails the job (Kubernetes'
    /// podFailurePolicy) instead of retrying it.
    public static let permanent: [Int32] = [badSpec, refused, usage]
}
