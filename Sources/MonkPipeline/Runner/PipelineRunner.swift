// Runs a plan: its inputs fingerprinted (PipelineInputs), its stages planned (StageGraph)
// and selected (StageSelection), each decided (StageDecider) and executed (StageExecutor).
// This type only puts those together for `plan` and `run`.
import Foundation
import MonkData
import MonkPlan

public struct RunOptions: Sendable {
    /// Stages to rerun even if cached (`--force`).
    public var force: [ForceTarget]
    /// The stages this run covers (`--experiment`, `--stage`); everything by default.
    public var selection: StageSelection
    public var environment: [String: String]
    /// Whether `pretrained: true` may download a file missing from the caches (`--offline`).
    public var downloads: WeightsDownloads
    public init(force: [ForceTarget] = [], selection: StageSelection = .everything,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                downloads: WeightsDownloads = .allowed) {
        self.force = force
        self.selection = selection
        self.environment = environment
        self.downloads = downloads
    }
}

public final class PipelineRunner {
    public let plan: Plan
    public let options: RunOptions
    let console: Console
    let stop: StopSignal
    let layout: WorkspaceLayout
    let pixels: PixelCache
    let hashes: FileFingerprints
    /// What `threads: auto` means here (a scheduler's allotment, or the machine's cores).
    public let cores: CoreAllowance
    /// Records of older monkpipes, matched against the stages last planned by `stages()`.
    private var legacy: LegacyRecords?

    public init(plan: Plan, options: RunOptions = RunOptions(), console: Console, stop: StopSignal = StopSignal()) {
        self.plan = plan
        self.options = options
        self.console = console
        self.stop = stop
        layout = WorkspaceLayout(plan: plan)
        // A damaged entry is decoded again, and said: nothing in the cache is replaced unseen.
        pixels = PixelCache(root: layout.pixelCache, reportDamaged: { [console] in console.warning($0) })
        hashes = FileFingerprints(url: layout.fileHashes)
        cores = CoreAllowance(environment: options.environment)
    }

    public var workspace: URL { layout.root }
    public var comparisonDirectory: URL { layout.comparison.root }
    var decider: StageDecider { StageDecider(layout: layout, force: options.force, legacy: legacy) }

    /// Lists and fingerprints the data and weight files (I/O), then plans the stages (pure);
    /// returns the stages the options select. Throws `UsageError` for a selection or a
    /// `--force` target naming what the spec does not have, and before reading anything when
    /// the comparison's folder holds another project's report (`claimComparison`): every
    /// part of the pipeline is refused, so no experiment trains for a comparison that cannot
    /// be written.
    public func stages() throws -> (sources: DataSources, weights: [String: URL], stages: [PlannedStage]) {
        try checkOptionsAndComparison()
        return try plannedStages()
    }

    /// What `stages()` checks before it reads anything: the selection and the `--force`
    /// targets name what the spec has, and the comparison's folder is not another project's.
    private func checkOptionsAndComparison() throws {
        try options.selection.validate(against: plan)
        for target in options.force { try target.validate(against: plan) }
        try layout.claimComparison()
    }

    /// `stages()` without the comparison's claim, for `status`, which writes nothing and
    /// shows the experiments either way.
    func plannedStages() throws -> (sources: DataSources, weights: [String: URL], stages: [PlannedStage]) {
        let inputs = try PipelineInputs.fingerprint(plan, hashes: hashes,
            fetch: PretrainedFetch(environment: options.environment, downloads: options.downloads), console: console)
        try inputs.checkClassNames(plan)
        var stages = StageGraph.build(plan, external: inputs.digests)
        inputs.markBlocked(&stages, comparison: plan.comparison)
        legacy = LegacyRecords(cache: layout.cache, stages: stages, outputDirectory: layout.outputDirectory)
        let decider = decider
        return (inputs.sources, inputs.weightFiles, options.selection.apply(to: stages, isComplete: decider.isComplete))
    }

    /// "cached" or "runs because …" for every stage.
    public func decisions(_ stages: [PlannedStage]) -> [StageDecision] {
        let decider = decider
        return stages.map(decider.decide)
    }

    /// Runs every selected stage that is not cached. Throws `StoppedByUser` when interrupted
    /// (after saving), an error for problems that stop everything (data, weights); an
    /// experiment that fails is recorded as failed and the others still run.
    @discardableResult
    public func run() throws -> RunReport {
        // A scheduler's attempt (a Kubernetes experiment pod) is recorded before anything can
        // fail or the pod be killed, the data's listing and the load included; not for a
        // selection or a comparison that refuses the run (no retry follows those).
        // (A --force naming nothing exits 64, which the Job does not retry: checked first too.)
        try checkOptionsAndComparison()
        let selection = options.selection
        let runsExperiments = selection.kinds.isEmpty || selection.kinds.contains(.train) || selection.kinds.contains(.test)
        let covered = !runsExperiments ? [] : selection.experiments.isEmpty ? plan.experiments.map(\.name) : selection.experiments
        let attempts = try SchedulerAttempt.begin(covered.map { ($0, layout.experiment($0)) }, environment: options.environment)
        defer { attempts.forEach { $0.lock.release() } }
        let (sources, weights, stages) = try plannedStages()
        attempts.forEach { $0.planned(stages) }
        let executor = StageExecutor(plan: plan, layout: layout, decider: decider, pixels: pixels, weights: weights,
                                     cores: cores, console: console, stop: stop, sources: sources, hashes: hashes)
        return try executor.run(decisions(stages))
    }

    /// The folder a stage writes into.
    func outputDirectory(_ s: PlannedStage) -> URL { layout.outputDirectory(s) }
}
