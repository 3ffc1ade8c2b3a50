// Runs a plan: fingerprints the inputs, decides per stage "cached" or "runs because …",
// and executes what must run, in order, with locks, records and experiment states.
import Foundation
import MonkData
import MonkModels
import MonkPlan
import MonkReport

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

/// What happened to each stage in a run.
public struct RunReport: Sendable {
    public enum Outcome: Sendable, Equatable { case cached, ran(seconds: Double), failed(String), notRun(String) }
    public var stages: [(identity: String, outcome: Outcome)] = []
    public var failed: Bool { stages.contains { if case .failed = $0.outcome { return true } else { return false } } }
}

public struct RunOptions: Sendable {
    /// Stages to rerun even if cached (`--force`).
    public var force: [ForceTarget]
    /// The stages this run covers (`--experiment`, `--stage`); everything by default.
    public var selection: StageSelection
    public var environment: [String: String]
    public init(force: [ForceTarget] = [], selection: StageSelection = .everything,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.force = force
        self.selection = selection
        self.environment = environment
    }
}

public final class PipelineRunner {
    public let plan: Plan
    public let options: RunOptions
    let console: Console
    let stop: StopSignal
    public let workspace: URL
    let cache: StageCache
    let pixels: PixelCache
    let hashes: FileFingerprints

    public init(plan: Plan, options: RunOptions = RunOptions(), console: Console, stop: StopSignal = StopSignal()) {
        self.plan = plan
        self.options = options
        self.console = console
        self.stop = stop
        workspace = URL(fileURLWithPath: plan.workspace, isDirectory: true)
        cache = StageCache(workspace: workspace)
        pixels = PixelCache(root: cache.root.appendingPathComponent("pixels", isDirectory: true))
        hashes = FileFingerprints(url: cache.root.appendingPathComponent("file-hashes.json"))
    }

    // MARK: planning

    /// Lists and fingerprints the data and weight files (I/O), then plans the stages (pure);
    /// returns the stages the options select. Throws `UsageError` for a selection or a
    /// `--force` target naming what the spec does not have.
    public func stages() throws -> (sources: DataSources, weights: [String: URL], stages: [PlannedStage]) {
        try options.selection.validate(against: plan)
        for target in options.force { try target.validate(against: plan) }
        let sources = try DataSources.list(plan.data)
        let total = sources.train.items.count + (sources.validation?.items.count ?? 0) + (sources.test?.items.count ?? 0)
        console.info("data: \(total) files, classes \(sources.classes.joined(separator: ", "))")
        let dataDigest = try sources.fingerprint(hashes)
        var weightFiles: [String: URL] = [:]
        var weightDigests: [String: String] = [:]
        // A missing weights file blocks only its experiment: the others still plan and run.
        var blocked: [String: String] = [:]
        for e in plan.experiments {
            do {
                guard let url = try ModelFactory.pretrainedFile(e, environment: options.environment),
                      let key = e.pretrainedKey else { continue }
                weightFiles[key] = url
                weightDigests[key] = try hashes.hash(url)
            } catch {
                blocked[e.name] = "\(error)"
            }
        }
        hashes.save()
        var stages = StageGraph.build(plan, external: ExternalDigests(dataFiles: dataDigest, weights: weightDigests))
        for i in stages.indices {
            if let e = stages[i].experiment, let why = blocked[e] {
                stages[i].blockedBy = why
            } else if stages[i].kind == .compare, let name = plan.comparison.experiments.first(where: { blocked[$0] != nil }) {
                stages[i].blockedBy = "experiment \(name) cannot run"
            }
        }
        return (sources, weightFiles, selected(from: stages))
    }

    /// The selected stages; one whose input comes from a stage left out of the selection
    /// cannot run unless that stage has completed with the current key.
    func selected(from all: [PlannedStage]) -> [PlannedStage] {
        var picked = options.selection.apply(to: all)
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

    /// Whether `s` has a completed record under its key, with its outputs where this plan
    /// puts them (a stage of a renamed experiment still has to be copied).
    func isComplete(_ s: PlannedStage) -> Bool {
        guard let record = cache.completed(s.key) else { return false }
        return s.kind == .load || record.outputDirectory == outputDirectory(s).path
    }

    /// The `--force` target that reruns `s`, if any.
    func forcedBy(_ s: PlannedStage) -> ForceTarget? {
        options.force.first { $0.matches(s) }
    }

    func forced(_ s: PlannedStage) -> Bool { forcedBy(s) != nil }

    /// "cached" or "runs because …" for every stage.
    public func decisions(_ stages: [PlannedStage]) -> [StageDecision] {
        stages.map { s in
            if let why = s.blockedBy { return StageDecision(stage: s, verdict: .cannotRun(why)) }
            if let target = forcedBy(s) { return StageDecision(stage: s, verdict: .runs(because: "--force \(target) was given")) }
            if let record = cache.completed(s.key) {
                let here = outputDirectory(s)
                if record.outputDirectory == here.path || s.kind == .load {
                    return StageDecision(stage: s, verdict: .cached)
                }
                return StageDecision(stage: s, verdict: .cachedElsewhere(record.outputDirectory))
            }
            guard let last = cache.lastInputs(s.identity) else {
                return StageDecision(stage: s, verdict: .runs(because: "it has not run before"))
            }
            let changed = s.inputs.changes(since: last)
            if changed.isEmpty {
                return StageDecision(stage: s, verdict: .runs(because: "its last run did not complete (or its outputs were deleted)"))
            }
            return StageDecision(stage: s, verdict: .runs(because: Self.describe(changed)))
        }
    }

    static func describe(_ changed: [String]) -> String {
        let plain = changed.filter { !$0.hasPrefix("upstream ") }
        let upstream = changed.filter { $0.hasPrefix("upstream ") }.map { String($0.dropFirst(9)) }
        var parts: [String] = []
        if !plain.isEmpty { parts.append(plain.joined(separator: ", ") + (plain.count == 1 ? " changed" : " changed")) }
        if !upstream.isEmpty { parts.append("its input from " + upstream.joined(separator: ", ") + " changed") }
        return parts.joined(separator: "; ")
    }

    func outputDirectory(_ s: PlannedStage) -> URL {
        switch s.kind {
        case .load: return cache.root.appendingPathComponent("load/\(s.key.hex)", isDirectory: true)
        case .train, .test: return ExperimentPaths(workspace: workspace, project: plan.project, experiment: s.experiment!).root
        case .compare: return comparisonDirectory
        }
    }

    public var comparisonDirectory: URL {
        workspace.appendingPathComponent("comparison/\(plan.comparison.name)", isDirectory: true)
    }

    func outputFiles(_ kind: StageKind) -> [String] {
        switch kind {
        case .load: return [LoadStage.outputName]
        case .train: return ["output/models/best.safetensors", "output/models/final.safetensors", "output/logs/history.json"]
        case .test: return ["output/test/metrics.json", "output/test/predictions.json"]
        case .compare: return ["comparison.csv", "index.html"]
        }
    }
}
