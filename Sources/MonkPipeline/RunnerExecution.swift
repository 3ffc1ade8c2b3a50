// Executing the planned stages: skip the cached, run the rest in order, record each.
import Foundation
import MonkData
import MonkModels
import MonkPlan
import MonkReport

extension PipelineRunner {
    /// Runs every stage that is not cached. Throws `StoppedByUser` when interrupted (after
    /// saving), a spec-independent error for problems that stop everything (data, weights);
    /// an experiment that fails is recorded as failed and the others still run.
    @discardableResult
    public func run() throws -> RunReport {
        let (_, weights, stages) = try stages()
        let decisions = decisions(stages)
        var report = RunReport()
        var loaded: LoadedData?
        var failedExperiments: [String: String] = [:]

        for d in decisions {
            let s = d.stage
            if let e = s.experiment, let why = failedExperiments[e] {
                report.stages.append((s.identity, .notRun("\(e) failed: \(why)")))
                continue
            }
            if s.kind == .compare && !failedExperiments.isEmpty {
                let names = failedExperiments.keys.sorted().joined(separator: ", ")
                report.stages.append((s.identity, .notRun("experiments failed: \(names)")))
                continue
            }
            if case .cannotRun(let why) = d.verdict {
                console.warning("\(s.identity) cannot run: \(why)")
                if let e = s.experiment { failedExperiments[e] = why }
                report.stages.append((s.identity, .failed(why)))
                continue
            }
            console.info("\(s.identity): " + d.line.dropFirst(s.identity.count).trimmingCharacters(in: .whitespaces))
            let start = Date()
            do {
                switch (s.kind, d.verdict) {
                case (.load, .runs):
                    let dir = outputDirectory(s)
                    loaded = try LoadStage.run(plan: plan, directory: dir, pixelCache: pixels,
                                               threads: plan.data.workers.resolved, console: console)
                    try complete(s, seconds: Date().timeIntervalSince(start))
                    summarise(loaded!)
                case (.load, _):
                    loaded = try LoadedData.read(outputDirectory(s).appendingPathComponent(LoadStage.outputName))
                case (.train, .runs), (.test, .runs):
                    try runExperimentStage(s, loaded: loaded!, weights: weights, start: start)
                case (.train, .cachedElsewhere(let from)), (.test, .cachedElsewhere(let from)):
                    try adopt(s, from: URL(fileURLWithPath: from), loaded: loaded!)
                case (.compare, .runs):
                    let lock = try RunLock(comparisonDirectory.appendingPathComponent(".lock"))
                    defer { lock.release() }
                    _ = try CompareStage.run(plan: plan, workspace: workspace, directory: comparisonDirectory)
                    try complete(s, seconds: Date().timeIntervalSince(start))
                    console.info("  report: \(comparisonDirectory.appendingPathComponent("index.html").path)")
                default:
                    break
                }
                if case .runs = d.verdict { report.stages.append((s.identity, .ran(seconds: Date().timeIntervalSince(start)))) }
                else { report.stages.append((s.identity, .cached)) }
            } catch let stopped as StoppedByUser {
                if let e = s.experiment { try? markState(e, status: .stopped, error: nil) }
                throw stopped
            } catch {
                guard let e = s.experiment else { throw error }
                let why = "\(error)"
                console.warning("\(s.identity) failed: \(why)")
                failedExperiments[e] = why
                try? markState(e, status: .failed, error: why)
                report.stages.append((s.identity, .failed(why)))
            }
        }
        return report
    }

    func runExperimentStage(_ s: PlannedStage, loaded: LoadedData, weights: [String: URL], start: Date) throws {
        let e = plan.experiment(named: s.experiment!)!
        let paths = ExperimentPaths(workspace: workspace, project: plan.project, experiment: e.name)
        let lock = try RunLock(paths.lock)
        defer { lock.release() }
        if let previous = lock.tookOverFrom {
            console.info("  (took over the lock of pid \(previous.pid), which is no longer running)")
        }
        var state = (try? ExperimentState.read(paths.state)) ?? ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .planned)
        state.config = e
        state.data = plan.data
        state.classes = loaded.classes
        state.error = nil
        if s.kind == .train {
            if forced(s) { try? FileManager.default.removeItem(at: paths.models.appendingPathComponent("resume.monksnap")) }
            state.status = .training
            // The same key again (forced, or outputs deleted) trains the same weights, so the
            // cached test results still describe them; a new key makes them stale.
            if state.stageKeys[StageKind.train.rawValue] != s.key.hex { state.test = nil }
            try state.write(to: paths.state)
            let weightFile = e.pretrainedKey.flatMap { weights[$0] }
            let summary = try TrainStage.run(plan: plan, experiment: e, key: s.key, loaded: loaded, paths: paths,
                                             cache: pixels, weights: weightFile, console: console, stop: stop)
            state.training = summary
            state.status = state.test == nil ? .trained : .tested
        } else {
            let evaluation = try TestStage.run(plan: plan, experiment: e, loaded: loaded, paths: paths, cache: pixels, console: console)
            let m = evaluation.metrics
            state.test = ExperimentState.TestSummary(
                checkpoint: m.checkpoint, images: m.images, accuracy: m.accuracy.value,
                sensitivity: m.binary?.sensitivity.value, specificity: m.binary?.specificity.value,
                auc: m.binary?.auc.value, threshold: m.binary?.threshold.value)
            state.status = .tested
            console.info("  " + m.textSummary().split(separator: "\n").prefix(6).joined(separator: "\n  "))
        }
        state.stageKeys[s.kind.rawValue] = s.key.hex
        try state.write(to: paths.state)
        try complete(s, seconds: Date().timeIntervalSince(start))
    }

    /// A renamed experiment: the stage's outputs exist under another experiment directory;
    /// copy them here and record the stage under its new identity.
    func adopt(_ s: PlannedStage, from: URL, loaded: LoadedData) throws {
        let here = outputDirectory(s)
        let fm = FileManager.default
        for sub in s.kind == .train ? ["output/models", "output/logs"] : ["output/test"] {
            let target = here.appendingPathComponent(sub)
            try? fm.removeItem(at: target)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: from.appendingPathComponent(sub), to: target)
        }
        let e = plan.experiment(named: s.experiment!)!
        let paths = ExperimentPaths(workspace: workspace, project: plan.project, experiment: e.name)
        if s.kind == .train {
            // The copied checkpoints' sidecars still name the old experiment and stage key.
            let models = here.appendingPathComponent("output/models")
            for file in (try? fm.contentsOfDirectory(atPath: models.path)) ?? [] where file.hasSuffix(".json") {
                try ModelCheckpoint.updateMetadata(sidecar: models.appendingPathComponent(file),
                                                   ["experiment": e.name, "stage_key": s.key.hex])
            }
        }
        var state = (try? ExperimentState.read(from.appendingPathComponent("experiment-state.json")))
            ?? ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .trained)
        state.experiment = e.name
        state.config = e
        state.stageKeys[s.kind.rawValue] = s.key.hex
        try state.write(to: paths.state)
        try complete(s, seconds: 0)
    }

    func complete(_ s: PlannedStage, seconds: Double) throws {
        let dir = outputDirectory(s)
        let record = StageRecord(key: s.key, kind: s.kind, identity: s.identity, inputs: s.inputs,
                                 completed: ISO8601DateFormatter().string(from: Date()),
                                 outputDirectory: dir.path, outputs: outputFiles(s.kind), seconds: seconds)
        for file in record.outputs where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) {
            throw PipelineError.missingOutput(stage: s.identity, path: dir.appendingPathComponent(file).path)
        }
        try cache.store(record)
    }

    func markState(_ experiment: String, status: ExperimentState.Status, error: String?) throws {
        let paths = ExperimentPaths(workspace: workspace, project: plan.project, experiment: experiment)
        guard var state = try? ExperimentState.read(paths.state) else { return }
        state.status = status
        state.error = error
        try state.write(to: paths.state)
    }

    func summarise(_ l: LoadedData) {
        var line = "  \(l.train.count) train, \(l.validation.count) validation, \(l.test.count) test images"
        if !l.skipped.isEmpty { line += "; \(l.skipped.count) skipped (on_bad_image: skip)" }
        console.info(line)
    }
}
