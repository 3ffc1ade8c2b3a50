// What a cluster submission must still run, read off the runner's cache decisions: the load
// stage, the experiments with a train or test stage left, and the comparison.
import Foundation

public struct ClusterWork: Equatable, Sendable {
    /// Whether the load stage must run before any experiment.
    public var load: Bool
    /// Experiments with at least one stage to run, in the plan's order (array index order).
    public var experiments: [String]
    /// Whether the comparison must be (re)built.
    public var compare: Bool
    /// Experiments whose stages cannot run at all (e.g. a missing weights file), with why.
    public var blocked: [Blocked]

    public struct Blocked: Equatable, Sendable {
        public var experiment: String
        public var reason: String
    }

    public var isEmpty: Bool { !load && experiments.isEmpty && !compare }

    /// Pure: the decisions of every stage of a plan, in order.
    public init(decisions: [StageDecision]) {
        load = false
        experiments = []
        compare = false
        blocked = []
        for d in decisions {
            let cached: Bool
            switch d.verdict {
            case .cached, .carriedOver: cached = true
            case .cachedElsewhere, .runs: cached = false
            case .cannotRun(let why):
                if let e = d.stage.experiment, !blocked.contains(where: { $0.experiment == e }) {
                    blocked.append(Blocked(experiment: e, reason: why))
                }
                continue
            }
            guard !cached else { continue }
            switch d.stage.kind {
            case .load: load = true
            case .train, .test:
                if let e = d.stage.experiment, !experiments.contains(e) { experiments.append(e) }
            case .compare: compare = true
            }
        }
    }
}

extension PipelineRunner {
    /// Fingerprints the inputs and decides, as `plan` does, what a cluster must still run.
    public func clusterWork() throws -> ClusterWork {
        ClusterWork(decisions: decisions(try stages().stages))
    }
}
