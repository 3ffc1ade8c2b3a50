// Which stages a run or plan covers: all of them, some experiments' (`--experiment`), or
// some kinds (`--stage`). A cluster runs the load stage, each experiment and the comparison
// as separate jobs on one workspace; this is how each job names its share.
import Foundation
import MonkPlan

public struct StageSelection: Sendable, Equatable {
    /// Experiments whose train and test stages run; empty means every experiment.
    public var experiments: [String]
    /// Stage kinds that run; empty means every kind.
    public var kinds: [StageKind]

    public init(experiments: [String] = [], kinds: [StageKind] = []) {
        self.experiments = experiments
        self.kinds = kinds
    }

    /// The whole pipeline.
    public static let everything = StageSelection()

    public var isEverything: Bool { experiments.isEmpty && kinds.isEmpty }

    /// Rejects names the spec does not have, and a comparison limited to some experiments
    /// (it always covers every experiment the spec compares).
    public func validate(against plan: Plan) throws {
        let known = plan.experiments.map(\.name)
        for name in experiments where !known.contains(name) {
            throw UsageError.unknownName(name, what: "experiment", given: "--experiment \(name)", known: known)
        }
        if !experiments.isEmpty && kinds.contains(.compare) {
            throw UsageError(message: "--stage compare cannot be limited to some experiments (the comparison covers every compared experiment): drop --experiment")
        }
    }

    /// The selected stages of `all` (in their order). The load stage comes along whenever
    /// a selected stage reads it, so `--experiment NAME` loads the data if it is not cached.
    /// A stage whose input comes from a stage left out cannot run unless `isComplete` says
    /// that stage has completed with the current key.
    func apply(to all: [PlannedStage], isComplete: (PlannedStage) -> Bool) -> [PlannedStage] {
        if isEverything { return all }
        var picked = pick(all)
        let chosen = Set(picked.map(\.identity))
        for i in picked.indices where picked[i].blockedBy == nil {
            let missing = all.filter { picked[i].dependsOn.contains($0.identity) && !chosen.contains($0.identity) && !isComplete($0) }
            if !missing.isEmpty {
                let names = missing.map { $0.identity }.joined(separator: ", ")
                let verb = missing.count == 1 ? "has" : "have"
                picked[i].blockedBy = "needs \(names), which \(verb) not completed with the current settings (not selected in this run)"
            }
        }
        return picked
    }

    private func pick(_ all: [PlannedStage]) -> [PlannedStage] {
        func chosen(_ s: PlannedStage) -> Bool {
            switch s.kind {
            case .load: return kinds.contains(.load)
            case .train, .test:
                return (kinds.isEmpty || kinds.contains(s.kind)) && (experiments.isEmpty || experiments.contains(s.experiment ?? ""))
            case .compare: return kinds.contains(.compare)
            }
        }
        var picked = Set(all.filter(chosen).map(\.identity))
        if all.contains(where: { picked.contains($0.identity) && $0.dependsOn.contains("load") }) { picked.insert("load") }
        return all.filter { picked.contains($0.identity) }
    }
}
