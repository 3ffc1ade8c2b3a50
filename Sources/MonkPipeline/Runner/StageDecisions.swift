// Each stage's fate in a run — cached, cached under another name, runs (and why), or cannot
// run — decided from the stage cache and `--force`, without running anything.
import Foundation

/// A stage's fate in this run, as `plan` prints it.
public struct StageDecision: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case cached
        /// Cached under another experiment's name (renamed): its outputs are copied.
        case cachedElsewhere(String)
        case runs(because: String)
        case cannotRun(String)
    }
    public var stage: PlannedStage
    public var verdict: Verdict

    public var line: String {
        let what: String
        switch verdict {
        case .cached: what = "cached"
        case .cachedElsewhere(let dir): what = "cached (outputs copied from \(dir))"
        case .runs(let why): what = "runs because \(why)"
        case .cannotRun(let why): what = "CANNOT RUN: \(why)"
        }
        return "\(stage.identity.padding(toLength: max(28, stage.identity.count + 2), withPad: " ", startingAt: 0))\(what)"
    }
}

struct StageDecider {
    let layout: WorkspaceLayout
    let force: [ForceTarget]

    var cache: StageCache { layout.cache }

    /// The `--force` target that reruns `s`, if any.
    func forcedBy(_ s: PlannedStage) -> ForceTarget? {
        force.first { $0.matches(s) }
    }

    /// Whether `s` has a completed record under its key, with its outputs where this plan
    /// puts them (a stage of a renamed experiment still has to be copied).
    func isComplete(_ s: PlannedStage) -> Bool {
        guard let record = cache.completed(s.key) else { return false }
        return s.kind == .load || record.outputDirectory == layout.outputDirectory(s).path
    }

    /// "cached" or "runs because …" for one stage.
    func decide(_ s: PlannedStage) -> StageDecision {
        if let why = s.blockedBy { return StageDecision(stage: s, verdict: .cannotRun(why)) }
        if let target = forcedBy(s) { return StageDecision(stage: s, verdict: .runs(because: "--force \(target) was given")) }
        switch cache.lookup(s.key) {
        case .complete(let record):
            if record.outputDirectory == layout.outputDirectory(s).path || s.kind == .load {
                return StageDecision(stage: s, verdict: .cached)
            }
            return StageDecision(stage: s, verdict: .cachedElsewhere(record.outputDirectory))
        case .damaged(let why) where s.kind == .train:
            // Training again may take hours: the user chooses, nothing is dropped in silence.
            return StageDecision(stage: s, verdict: .cannotRun("\(why); run with --force \(s.identity) to train it again"))
        case .damaged(let why):
            return StageDecision(stage: s, verdict: .runs(because: "its cached result is damaged: \(why)"))
        case .absent:
            break
        }
        // A run stopped with these very settings continues where it stopped, whatever
        // changed since the last completed run.
        if let point = resumePoint(s) {
            return StageDecision(stage: s, verdict: .runs(because: "it resumes from epoch \(point.epoch + 1), batch \(point.batch + 1)"))
        }
        // Only this project's own last run of the stage says what changed.
        guard let last = cache.lastInputs(s.identity, project: layout.project) else {
            return StageDecision(stage: s, verdict: .runs(because: "it has not run before"))
        }
        let changed = s.inputs.changes(since: last)
        if changed.isEmpty {
            return StageDecision(stage: s, verdict: .runs(because: "its last run did not complete (or its outputs were deleted)"))
        }
        return StageDecision(stage: s, verdict: .runs(because: InputChanges(old: last, new: s.inputs, names: changed).description))
    }

    /// The point an interrupted train stage with this key continues from (as `Trainer` does).
    func resumePoint(_ s: PlannedStage) -> ResumePoint? {
        guard s.kind == .train, let e = s.experiment,
              let point = ResumePoint.read(layout.experiment(e).resume),
              point.stageKey == s.key.hex, point.stopped == nil, point.epoch > 0 || point.batch > 0 else { return nil }
        return point
    }
}
