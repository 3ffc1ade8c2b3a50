// The typed plan a spec resolves into: enums and structs only, defaults filled in, sweeps
// expanded, every path absolute. The pipeline hashes it (sorted-keys JSON) for cache keys.

/// A fully resolved pipeline: what to load, which experiments to train and test, and how to
/// compare them. Nothing in it is a string that could be misspelt, except names and paths.
public struct Plan: Codable, Equatable, Sendable {
    /// Project name; a safe single path component (`workspace/<project>/...`).
    public var project: String
    /// Absolute path of the workspace directory (default: `workspace` next to the spec file).
    public var workspace: String
    /// Project-wide seed; experiments, splits and bootstraps derive theirs from it unless set.
    public var seed: UInt64
    /// Compute threads for training and evaluation.
    public var threads: ThreadCount
    /// Where the images come from and how they are prepared.
    public var data: DataPlan
    /// Experiments in a canonical order: named ones sorted by name; with a sweep, each named
    /// experiment (or the defaults) expanded into its grid points in grid order.
    public var experiments: [ExperimentPlan]
    /// The comparison across experiments.
    public var comparison: ComparisonPlan
    /// The `--set KEY=VALUE` options laid over the file, as given (their values are in the
    /// settings above; this list is what the experiment state records).
    public var overrides: [String]
    /// Settings written in the file that an override replaced whole (`DiscardWarnings`), one
    /// sentence each; `warnings` prints them.
    public var discardedSettings: [String]

    public init(project: String, workspace: String, seed: UInt64, threads: ThreadCount,
                data: DataPlan, experiments: [ExperimentPlan], comparison: ComparisonPlan,
                overrides: [String] = [], discardedSettings: [String] = []) {
        self.project = project
        self.workspace = workspace
        self.seed = seed
        self.threads = threads
        self.data = data
        self.experiments = experiments
        self.comparison = comparison
        self.overrides = overrides
        self.discardedSettings = discardedSettings
    }

    /// The experiment with this name, if any.
    public func experiment(named name: String) -> ExperimentPlan? {
        experiments.first { $0.name == name }
    }
}

/// A thread count: all available cores, or a fixed number.
public enum ThreadCount: Codable, Equatable, Hashable, Sendable {
    case auto
    case fixed(Int)
}

/// Which experiments to compare and under what name (`workspace/comparison/<name>/`).
public struct ComparisonPlan: Codable, Equatable, Sendable {
    /// The workspace folder that holds every comparison (`workspace/comparison/<name>/`); a
    /// project may not take its name, or its experiments and the comparisons would share it.
    public static let workspaceFolder = "comparison"

    /// A safe single path component.
    public var name: String
    /// Experiment names in report order (default: every experiment, in plan order).
    public var experiments: [String]

    public init(name: String, experiments: [String]) {
        self.name = name
        self.experiments = experiments
    }
}
