// Each stage's fate in a run — cached, cached under another name, runs (and why), or cannot
// run — decided from the stage cache and `--force`, without running anything.
import Foundation

/// A stage's fate in this run, as `plan` prints it.
public struct StageDecision: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case cached
        /// Cached under another experiment's name (renamed): its outputs are copied.
        case cachedElsewhere(String)
        /// Done by a monkpipe of key format 1 (whose keys held absolute paths), recorded under
        /// that record's key: `run` files it under the stage's own key.
        case carriedOver(StageRecord)
        case runs(because: String)
        case cannotRun(String)

        /// Whether the cache holds the stage's work where it belongs (under its key, or an
        /// older monkpipe's): nothing runs or is copied for it.
        public var isCached: Bool {
            switch self {
            case .cached, .carriedOver: return true
            case .cachedElsewhere, .runs, .cannotRun: return false
            }
        }
    }
    public var stage: PlannedStage
    public var verdict: Verdict

    public var line: String {
        let what: String
        switch verdict {
        case .cached: what = "cached"
        case .cachedElsewhere(let dir): what = "cached (outputs copied from \(dir))"
        case .carriedOver(let old): what = "cached (recorded by an older monkpipe under key \(old.key.short); carried over to the new key)"
        case .runs(let why): what = "runs because \(why)"
        case .cannotRun(let why): what = "CANNOT RUN: \(why)"
        }
        return "\(stage.identity.padding(toLength: max(28, stage.identity.count + 2), withPad: " ", startingAt: 0))\(what)"
    }
}

struct StageDecider {
    let layout: WorkspaceLayout
    let force: [ForceTarget]
    /// Records of older monkpipes that may have done a stage's work (nil: none looked at).
    var legacy: LegacyRecords? = nil

    var cache: StageCache { layout.cache }

    /// The `--force` target that reruns `s`, if any.
    func forcedBy(_ s: PlannedStage) -> ForceTarget? {
        force.first { $0.matches(s) }
    }

    /// Whether `s` has a completed record under its key, with its outputs where this plan
    /// puts them (a stage of a renamed experiment still has to be copied).
    func isComplete(_ s: PlannedStage) -> Bool {
        guard let record = cache.completed(s.key) else { return legacy?.usable(s) != nil }
        return s.kind == .load || isHere(record, s)
    }

    /// Whether `record`'s outputs are where this plan puts the outputs of `s`.
    func isHere(_ record: StageRecord, _ s: PlannedStage) -> Bool {
        cache.directory(of: record).standardizedFileURL.path == layout.outputDirectory(s).standardizedFileURL.path
    }

    /// "cached" or "runs because …" for one stage.
    func decide(_ s: PlannedStage) -> StageDecision {
        if let why = s.blockedBy { return StageDecision(stage: s, verdict: .cannotRun(why)) }
        if let target = forcedBy(s) { return StageDecision(stage: s, verdict: .runs(because: "--force \(target) was given")) }
        var replaced = false
        switch cache.lookup(s.key) {
        case .complete(let record):
            if s.kind == .load || isHere(record, s) {
                return StageDecision(stage: s, verdict: .cached)
            }
            return StageDecision(stage: s, verdict: .cachedElsewhere(cache.directory(of: record).path))
        case .damaged where trainedSinceWithOtherSettings(s):
            replaced = true
        case .damaged(let why) where s.kind == .train:
            // Training again may take hours: the user chooses, nothing is dropped in silence.
            return StageDecision(stage: s, verdict: .cannotRun("\(why); run with --force \(s.identity) to train it again"))
        case .damaged(let why):
            return StageDecision(stage: s, verdict: .runs(because: "its cached result is damaged: \(why)"))
        case .replaced:
            replaced = true
        case .absent:
            if let old = legacy?.usable(s) { return StageDecision(stage: s, verdict: .carriedOver(old)) }
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
        // A path that a format-1 monkpipe keyed is no input now: its old digest is no reason.
        let changed = s.inputs.changes(since: last).filter { name in
            s.formerLocations[name] == nil || last.values?[name]?.contains(KeyLocations.byContent) == true
        }
        if changed.isEmpty {
            if replaced {
                return StageDecision(stage: s, verdict: .runs(because: "a run with other settings has written its folder since it completed"))
            }
            return StageDecision(stage: s, verdict: .runs(because: "its last run did not complete (or its outputs were deleted)"))
        }
        return StageDecision(stage: s, verdict: .runs(because: InputChanges(old: last, new: s.inputs, names: changed).description))
    }

    /// Whether the experiment folder of train stage `s` holds a training of other settings,
    /// begun after `s` completed (stopped or finished): its resume checkpoint, which carries
    /// its own checksum, names another stage key. Its outputs then differ from `s`'s record
    /// without being damaged.
    func trainedSinceWithOtherSettings(_ s: PlannedStage) -> Bool {
        guard s.kind == .train, let e = s.experiment,
              let point = ResumePoint.read(layout.experiment(e).resume) else { return false }
        return point.stageKey != s.key.hex && point.stageKey != legacy?.formerKey(s)?.hex
    }

    /// The point an interrupted train stage with this key (or the key a format-1 monkpipe gave
    /// it, `StageExecutor.carryOverResume`) continues from (as `Trainer` does).
    func resumePoint(_ s: PlannedStage) -> ResumePoint? {
        guard s.kind == .train, let e = s.experiment,
              let point = ResumePoint.read(layout.experiment(e).resume),
              point.stageKey == s.key.hex || point.stageKey == legacy?.formerKey(s)?.hex,
              point.stopped == nil, point.epoch > 0 || point.batch > 0 else { return nil }
        return point
    }
}
