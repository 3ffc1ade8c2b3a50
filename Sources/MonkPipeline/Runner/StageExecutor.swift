// Executing decided stages in order: skip the cached, run the rest under their locks,
// record each completed stage in the cache. An experiment that fails stops only its own
// stages (and the comparison); Ctrl-C stops everything after saving.
import Foundation
import MonkData
import MonkModels
import MonkPlan

/// What happened to each stage in a run.
public struct RunReport: Sendable {
    public enum Outcome: Sendable, Equatable {
        case cached, ran(seconds: Double), failed(String), notRun(String)
        /// Another run holds the experiment's lock: nothing was written, and the experiment is
        /// not failed (that run may well succeed).
        case locked(String)
    }
    public var stages: [(identity: String, outcome: Outcome)] = []
    public var failed: Bool { stages.contains { if case .failed = $0.outcome { return true } else { return false } } }
    /// The messages of the stages another run's lock kept from running.
    public var locked: [(identity: String, message: String)] {
        stages.compactMap { if case .locked(let why) = $0.outcome { return ($0.identity, why) } else { return nil } }
    }
}

struct StageExecutor {
    let plan: Plan
    let layout: WorkspaceLayout
    let decider: StageDecider
    let pixels: PixelCache
    /// Pretrained weights file per `ExperimentPlan.pretrainedKey`.
    let weights: [String: URL]
    let cores: CoreAllowance
    let console: Console
    let stop: StopSignal
    /// The plan's data as listed for this run, and the content hashes (read by `carryOver`).
    let sources: DataSources
    let hashes: FileFingerprints

    var states: ExperimentStates { ExperimentStates(plan: plan, layout: layout) }

    func run(_ decisions: [StageDecision]) throws -> RunReport {
        var report = RunReport()
        var loaded: LoadedData?
        var loadKey: StageKey?
        /// Experiments whose remaining stages do not run, with the reason shown for them.
        var stoppedExperiments: [String: String] = [:]

        for d in decisions {
            let s = d.stage
            // A Ctrl-C during a stage that does not stop mid-way (load, compare) stops the run
            // before the next stage: exit 130, not the rest of the pipeline and 0. Training
            // and test predictions stop after their current batch.
            if stop.isRequested {
                let finished = report.stages.last.map { "\($0.identity) finished first; " } ?? ""
                throw StoppedByUser(detail: finished + "\(s.identity) and the stages after it have not run")
            }
            if let e = s.experiment, let why = stoppedExperiments[e] {
                report.stages.append((s.identity, .notRun(why)))
                continue
            }
            if s.kind == .compare && !stoppedExperiments.isEmpty {
                let names = stoppedExperiments.keys.sorted().joined(separator: ", ")
                report.stages.append((s.identity, .notRun("experiments did not finish: \(names)")))
                continue
            }
            if case .cannotRun(let why) = d.verdict {
                console.warning("\(s.identity) cannot run: \(why)")
                if let e = s.experiment { stoppedExperiments[e] = "\(e) failed: \(why)" }
                report.stages.append((s.identity, .failed(why)))
                continue
            }
            console.info("\(s.identity): " + d.line.dropFirst(s.identity.count).trimmingCharacters(in: .whitespaces))
            let start = Date()
            // Whether the stage ran: it was to, or it was a carried-over load whose images were
            // not found (then it loads again).
            var ran = false
            if s.kind == .load { loadKey = s.key }
            do {
                switch (s.kind, d.verdict) {
                case (.load, .runs):
                    loaded = try runLoad(s, start: start)
                case (.load, .carriedOver(let old)):
                    loaded = try carryOverLoad(s, from: old)
                    if loaded == nil {
                        console.info("  an image of the older record is not in the data with the same content: loading again")
                        loaded = try runLoad(s, start: start)
                        ran = true
                    }
                case (_, .carriedOver(let old)):
                    try carryOver(s, from: old, loaded: loaded, loadKey: loadKey)
                case (.load, _):
                    loaded = try cachedLoad(layout.load(s.key))
                // The load stage comes first whenever train or test stages are selected.
                case (.train, .runs):
                    try runTrain(s, loaded: loaded!, loadKey: loadKey, start: start)
                case (.test, .runs):
                    try runTest(s, loaded: loaded!, start: start)
                case (.train, .cachedElsewhere(let from)), (.test, .cachedElsewhere(let from)):
                    try adopt(s, from: ExperimentPaths(root: URL(fileURLWithPath: from)))
                case (.compare, .runs):
                    try runCompare(s, start: start)
                case (.train, .cached), (.test, .cached):
                    refreshState(s, loaded: loaded, loadKey: loadKey)
                default:
                    break
                }
                if case .runs = d.verdict { ran = true }
                report.stages.append((s.identity, ran ? .ran(seconds: Date().timeIntervalSince(start)) : .cached))
            } catch let stopped as StoppedByUser {
                if let e = s.experiment { try? states.mark(e, status: .stopped, error: nil) }
                throw stopped
            } catch let held as RunLock.LockError {
                // The holder owns the experiment's files, its state included: write nothing.
                let why = "\(held)"
                console.warning("\(s.identity) not run: \(why)")
                if let e = s.experiment { stoppedExperiments[e] = "another run holds \(e)'s lock" }
                report.stages.append((s.identity, .locked(why)))
            } catch {
                guard let e = s.experiment else { throw error }
                let why = FileSystemError.text(error)
                console.warning("\(s.identity) failed: \(why)")
                stoppedExperiments[e] = "\(e) failed: \(why)"
                try? states.mark(e, status: .failed, error: why, stage: s)
                report.stages.append((s.identity, .failed(why)))
            }
        }
        return report
    }

    // MARK: one stage of each kind

    /// Under the load's lock: jobs of one sweep that start together (Kubernetes pods, `run
    /// --experiment` in parallel) load the data once; the others wait, then read it.
    func runLoad(_ s: PlannedStage, start: Date) throws -> LoadedData {
        let paths = layout.load(s.key)
        let lock = try RunLock(paths.lock) { holder in
            console.info("  waiting for another run to load the data" + (holder.map { " (pid \($0.pid) on \($0.host))" } ?? ""))
        }
        defer { lock.release() }
        if decider.forcedBy(s) == nil && decider.cache.completed(s.key) != nil {
            return try cachedLoad(paths)
        }
        let loaded = try LoadStage.run(plan: plan, paths: paths, pixelCache: pixels,
                                       threads: cores.threads(plan.data.workers), console: console)
        try complete(s, seconds: Date().timeIntervalSince(start))
        var line = "  \(loaded.train.count) train, \(loaded.validation.count) validation, \(loaded.test.count) test images"
        if !loaded.skipped.isEmpty { line += "; \(loaded.skipped.count) skipped (on_bad_image: skip)" }
        console.info(line)
        return loaded
    }

    /// The load result in the cache, read only if every image it names is one the data lists.
    func cachedLoad(_ paths: LoadPaths) throws -> LoadedData {
        let loaded = try LoadedData.read(paths.loaded)
        if let why = sources.unlisted(in: loaded) {
            throw PipelineError.invalid("the load result \(paths.loaded.path) does not match the data: \(why); run with --force load to load the data again")
        }
        return loaded
    }

    func runTrain(_ s: PlannedStage, loaded: LoadedData, loadKey: StageKey?, start: Date) throws {
        let e = experiment(s)
        let paths = layout.experiment(e.name)
        try RunLock.holding(paths.lock, console: console) {
            // A forced run trains from the first epoch, not from a saved state of this key.
            if decider.forcedBy(s) != nil { try? FileManager.default.removeItem(at: paths.resume) }
            else { try carryOverResume(s, paths: paths) }
            let state = try states.trainingStarts(e, classes: loaded.classes, key: s.key, loadKey: loadKey)
            let weightFile = e.pretrainedKey.flatMap { weights[$0] }
            let summary = try TrainStage.run(plan: plan, experiment: e, key: s.key, loaded: loaded, paths: paths,
                                             cache: pixels, weights: weightFile, cores: cores, console: console, stop: stop)
            try states.trainingFinished(state, e, summary: summary, key: s.key)
            try complete(s, seconds: Date().timeIntervalSince(start))
        }
    }

    func runTest(_ s: PlannedStage, loaded: LoadedData, start: Date) throws {
        let e = experiment(s)
        let paths = layout.experiment(e.name)
        try RunLock.holding(paths.lock, console: console) {
            let evaluation = try TestStage.run(plan: plan, experiment: e, loaded: loaded, paths: paths, cache: pixels, cores: cores,
                                           console: console, stop: stop)
            try states.testFinished(e, classes: loaded.classes, metrics: evaluation.metrics, key: s.key)
            // All of it: a cut after six lines hid specificity, the AUC and whole classes.
            console.info(evaluation.metrics.textSummary().split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
            try complete(s, seconds: Date().timeIntervalSince(start))
        }
    }

    func runCompare(_ s: PlannedStage, start: Date) throws {
        let comparison = layout.comparison
        try RunLock.holding(comparison.lock, console: console) {
            _ = try CompareStage.run(plan: plan, layout: layout)
            try complete(s, seconds: Date().timeIntervalSince(start))
        }
        console.info("  report: \(comparison.report.path)")
    }

    /// A renamed experiment: the stage's outputs exist under another experiment directory;
    /// copy them here and record the stage under its new identity.
    func adopt(_ s: PlannedStage, from: ExperimentPaths) throws {
        let e = experiment(s)
        let here = layout.experiment(e.name)
        let fm = FileManager.default
        for folder in ExperimentPaths.outputFolders(s.kind) {
            let target = here.root.appendingPathComponent(folder)
            try? fm.removeItem(at: target)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: from.root.appendingPathComponent(folder), to: target)
        }
        // The copied checkpoints' sidecars still name the old experiment and stage key.
        if s.kind == .train { try restamp(here, experiment: e.name, key: s.key) }
        try states.adopted(e, from: from, kind: s.kind, key: s.key)
        try complete(s, seconds: 0)
    }

    /// A cached train or test stage writes nothing, but a state that records it and names the
    /// settings and data as they were (a moved project's folders), or still says failed or
    /// stopped from an earlier run, is brought up to date under the experiment's lock: a later
    /// stage of the experiment that fails or stops in this run marks it again. The state is
    /// for people (`status`, `show`) and for `evaluate`: left as it is while
    /// another run holds the lock (that run writes it itself) or where it cannot be written,
    /// rather than failing a stage that is done. A state that is not there (deleted) is
    /// written again from the stage's outputs and the `loaded` data.
    func refreshState(_ s: PlannedStage, loaded: LoadedData?, loadKey: StageKey?) {
        let e = experiment(s)
        guard states.isBehind(e, kind: s.kind, key: s.key, loaded: loaded, loadKey: loadKey) else { return }
        try? RunLock.holding(layout.experiment(e.name).lock, console: console) {
            try states.cachedStage(e, kind: s.kind, key: s.key, loaded: loaded, loadKey: loadKey)
        }
    }

    // MARK: records

    /// Stores the stage's record once its outputs are all there.
    func complete(_ s: PlannedStage, seconds: Double) throws {
        let dir = layout.outputDirectory(s)
        var record = StageRecord(key: s.key, kind: s.kind, identity: s.identity, inputs: s.inputs,
                                 completed: ISO8601DateFormatter().string(from: Date()),
                                 outputDirectory: layout.cache.relativeDirectory(dir), outputs: WorkspaceLayout.completionFiles(s.kind),
                                 seconds: seconds, format: MonkpipeVersion.format)
        var sums: [String: String] = [:]
        for (file, sum) in StageRecord.checksums(of: record.outputs, in: dir) {
            guard let sum else { throw PipelineError.missingOutput(stage: s.identity, path: dir.appendingPathComponent(file).path) }
            sums[file] = sum
        }
        record.outputChecksums = sums
        try layout.cache.store(record, project: layout.project)
    }

    /// The experiment of a train or test stage (StageGraph names only planned experiments).
    func experiment(_ s: PlannedStage) -> ExperimentPlan {
        plan.experiment(named: s.experiment!)!
    }
}
