// Every change a run makes to an experiment's experiment-state.json: a stage starting or
// finishing, outputs adopted after a rename, a stop or a failure. Each writes atomically.
import Foundation
import MonkEngine
import MonkPlan
import MonkReport

struct ExperimentStates {
    let plan: Plan
    let layout: WorkspaceLayout

    /// The experiment's state as stored, or a new one; either way describing the current
    /// settings and data, with no error.
    func current(_ e: ExperimentPlan, classes: [String]) -> ExperimentState {
        let paths = layout.experiment(e.name)
        var state = (try? ExperimentState.read(paths.state)) ?? ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .planned)
        state.config = e
        state.data = plan.data
        state.overrides = plan.overrides.isEmpty ? nil : plan.overrides
        state.classes = classes
        state.error = nil
        state.failedStage = nil
        return state
    }

    /// Written before training starts, so an interrupted or failed run shows as training.
    func trainingStarts(_ e: ExperimentPlan, classes: [String], key: StageKey, loadKey: StageKey?) throws -> ExperimentState {
        var state = current(e, classes: classes)
        state.status = .training
        // Names the validation images the weights were chosen on, so `evaluate` and `infer`
        // can choose a threshold on them when no test stage has.
        if let loadKey { state.stageKeys[StageKind.load.rawValue] = loadKey.hex }
        // The same key again (forced, or outputs deleted) trains the same weights, so the
        // cached test results still describe them; a new key makes them stale.
        if state.stageKeys[StageKind.train.rawValue] != key.hex { state.test = nil }
        try state.write(to: layout.experiment(e.name).state)
        return state
    }

    func trainingFinished(_ state: ExperimentState, _ e: ExperimentPlan, summary: TrainingSummary, key: StageKey) throws {
        var state = state
        state.training = summary
        state.status = state.test == nil ? .trained : .tested
        state.stageKeys[StageKind.train.rawValue] = key.hex
        try state.write(to: layout.experiment(e.name).state)
    }

    func testFinished(_ e: ExperimentPlan, classes: [String], metrics m: TestMetrics, key: StageKey) throws {
        var state = current(e, classes: classes)
        state.test = ExperimentState.TestSummary(m)
        state.status = .tested
        state.stageKeys[StageKind.test.rawValue] = key.hex
        try state.write(to: layout.experiment(e.name).state)
    }

    /// Whether the stored state records `key` for `kind` but does not describe it: it names the
    /// settings and data as they were (the same by key, as paths enter keys by content, but a
    /// moved project's state would go on naming the folders it was run in), or its status is
    /// still the failure, stop or kill of an earlier run; or no state is there at all (deleted)
    /// and the stage's outputs say what it holds (`restored`). `cachedStage` brings it up to date.
    func isBehind(_ e: ExperimentPlan, kind: StageKind, key: StageKey, loaded: LoadedData?, loadKey: StageKey?) -> Bool {
        behind(e, kind: kind, key: key, loaded: loaded, loadKey: loadKey) != nil
    }

    /// A stage of this run was cached: a state that records it (`isBehind`) describes the
    /// current settings and data from now on, and the work done; its keys and results stay.
    func cachedStage(_ e: ExperimentPlan, kind: StageKind, key: StageKey, loaded: LoadedData?, loadKey: StageKey?) throws {
        guard var state = behind(e, kind: kind, key: key, loaded: loaded, loadKey: loadKey) else { return }
        try state.write(to: layout.experiment(e.name).state)
    }

    /// The stored state brought up to date, when it records `key` for `kind` and was not. A
    /// cached test that the state does not record (a state written anew by `--force
    /// train/NAME` after it was damaged or deleted, which drops the test, or by `restored`) is
    /// recorded with the summary of the metrics its outputs hold: the cache found them under
    /// this key, checksums and all, so they are this test's results, and running it again
    /// would give the same. A state that is there but does not read (damaged, a folder,
    /// refused) is left as it is: `status` and `run` say so.
    private func behind(_ e: ExperimentPlan, kind: StageKind, key: StageKey, loaded: LoadedData?, loadKey: StageKey?) -> ExperimentState? {
        let stored: ExperimentState?
        do { stored = try ExperimentState.readIfPresent(layout.experiment(e.name).state) } catch { return nil }
        guard var state = stored ?? restored(e, kind: kind, key: key, loaded: loaded, loadKey: loadKey) else { return nil }
        var recorded = stored == nil
        if kind == .test, state.stageKeys[kind.rawValue] != key.hex, testSummary(e) != nil {
            state.stageKeys[kind.rawValue] = key.hex
            // A summary the state keeps is of another key's test: settle reads this one's.
            state.test = nil
            recorded = true
        }
        guard state.stageKeys[kind.rawValue] == key.hex else { return nil }
        return settle(&state, e, kind: kind) || recorded ? state : nil
    }

    /// A state in place of one that is not there (deleted) while the experiment's `kind` stage
    /// is cached under `key`: what `trainingStarts` writes (settings, data, classes, the load
    /// it read), with, for a train stage, its key and the summary of the training its saved
    /// state (`resume.monksnap`) holds when that state is of this key, ended, and of the very
    /// epochs of the cached history.json (checksummed with the stage); without it the summary
    /// is left out (`status` then gives no epochs, `show` no kept checkpoint or time). A test
    /// stage's key and results are recorded by `behind`, from its metrics. Nil where the
    /// stage's outputs give nothing to record.
    private func restored(_ e: ExperimentPlan, kind: StageKind, key: StageKey, loaded: LoadedData?, loadKey: StageKey?) -> ExperimentState? {
        var state = ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .planned)
        state.overrides = plan.overrides.isEmpty ? nil : plan.overrides
        state.classes = loaded?.classes
        if let loadKey { state.stageKeys[StageKind.load.rawValue] = loadKey.hex }
        switch kind {
        case .train:
            state.stageKeys[kind.rawValue] = key.hex
            state.training = trainingSummary(e, key: key, loaded: loaded)
            return state
        case .test:
            return testSummary(e) == nil ? nil : state
        case .load, .compare:
            return nil
        }
    }

    /// What `restored` writes for a finished experiment whose state is not there (deleted),
    /// for `show` to give the numbers a run will write again (nothing is written here): the
    /// settings, the train key and the summary of the training its saved state holds (none
    /// where that state is not of this training, as `restored` then writes none). The data's
    /// image counts, which `show` does not give, are left at 0.
    func standIn(_ e: ExperimentPlan, trainKey: StageKey) -> ExperimentState {
        var state = ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .tested)
        state.overrides = plan.overrides.isEmpty ? nil : plan.overrides
        state.stageKeys[StageKind.train.rawValue] = trainKey.hex
        state.training = trainingSummary(e, key: trainKey, trainImages: 0, validationImages: 0)
        state.test = testSummary(e)
        return state
    }

    /// The summary of the training of `key`, from its saved training state, if that state
    /// ended and holds the epochs of the cached history.json.
    private func trainingSummary(_ e: ExperimentPlan, key: StageKey, loaded: LoadedData?) -> TrainingSummary? {
        guard let loaded else { return nil }
        return trainingSummary(e, key: key, trainImages: loaded.train.count, validationImages: loaded.validation.count)
    }

    private func trainingSummary(_ e: ExperimentPlan, key: StageKey, trainImages: Int, validationImages: Int) -> TrainingSummary? {
        struct Ended: Decodable {
            var stageKey: String
            var history: [EpochRecord]
            var best: BestEpoch?
            var stopped: StopReason?
            var peakMemoryMB: Double
        }
        let paths = layout.experiment(e.name)
        guard let saved = try? SnapshotArchive.decodeHeader(Ended.self, at: paths.resume),
              saved.stageKey == key.hex, saved.stopped != nil,
              let history = try? JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: paths.historyJSON)),
              history == saved.history else { return nil }
        return TrainingSummary(history: saved.history, best: saved.best, stopped: saved.stopped, peakMemoryMB: saved.peakMemoryMB,
                               trainImages: trainImages, validationImages: validationImages)
    }

    /// Makes `state`, which records its `kind` stage under the current key, say so: the current
    /// settings and data, and the work done. An earlier run may have left it failed, stopped or
    /// training (killed) while it tried other settings or a forced rerun that never touched the
    /// outputs of this key. A finished train means trained (if not tested already); a finished
    /// test means tested, its summary read back from the metrics it wrote when a training of
    /// other settings dropped it. A failure of a later stage stays (a test that failed on this
    /// training has not succeeded since). A stage of the experiment that fails or stops later
    /// in the run marks it again. Returns whether anything changed.
    private func settle(_ state: inout ExperimentState, _ e: ExperimentPlan, kind: StageKind) -> Bool {
        let overrides = plan.overrides.isEmpty ? nil : plan.overrides
        var changed = state.config != e || state.data != plan.data || state.overrides != overrides
        state.config = e
        state.data = plan.data
        state.overrides = overrides
        if kind == .test, state.status != .tested || state.test == nil, let summary = state.test ?? testSummary(e) {
            state.test = summary
            state.status = .tested
            state.error = nil
            state.failedStage = nil
            changed = true
        }
        let laterFailure = state.status == .failed && state.failedStage.map { $0.kind > kind } == true
        if state.status != .trained && state.status != .tested && !laterFailure {
            state.status = .trained
            state.error = nil
            state.failedStage = nil
            changed = true
        }
        return changed
    }

    /// The summary of the metrics the experiment's test stage wrote, if they read back.
    func testSummary(_ e: ExperimentPlan) -> ExperimentState.TestSummary? {
        guard let data = try? Data(contentsOf: layout.experiment(e.name).metrics),
              let metrics = try? TestMetrics.decode(data) else { return nil }
        return ExperimentState.TestSummary(metrics)
    }

    /// A renamed experiment took over a stage's outputs from `from`: its state is the old
    /// one under the new name, with this stage's key, the data where it is now (a project
    /// renamed and moved at once would otherwise go on naming the folders of the first run)
    /// and, as for a cached stage, the work done.
    func adopted(_ e: ExperimentPlan, from: ExperimentPaths, kind: StageKind, key: StageKey) throws {
        var state = (try? ExperimentState.read(from.state))
            ?? ExperimentState(project: plan.project, experiment: e, data: plan.data, status: .trained)
        state.experiment = e.name
        state.stageKeys[kind.rawValue] = key.hex
        _ = settle(&state, e, kind: kind)
        try state.write(to: layout.experiment(e.name).state)
    }

    /// A stage done by an older monkpipe was filed under its new `key`: the state names it
    /// (and the load it read, whose key changed with it) and the data where it is now.
    func carriedOver(_ e: ExperimentPlan, kind: StageKind, key: StageKey, loadKey: StageKey?) throws {
        let url = layout.experiment(e.name).state
        guard var state = try? ExperimentState.read(url) else { return }
        state.stageKeys[kind.rawValue] = key.hex
        if let loadKey, state.stageKeys[StageKind.load.rawValue] != nil { state.stageKeys[StageKind.load.rawValue] = loadKey.hex }
        state.data = plan.data
        try state.write(to: url)
    }

    /// Records a stop or a failure (of `stage`) in a state that exists (nothing to record otherwise).
    func mark(_ experiment: String, status: ExperimentState.Status, error: String?, stage: PlannedStage? = nil) throws {
        let url = layout.experiment(experiment).state
        guard var state = try? ExperimentState.read(url) else { return }
        state.status = status
        state.error = error
        state.failedStage = stage.map { .init(kind: $0.kind, key: $0.key.hex) }
        try state.write(to: url)
    }
}

extension ExperimentState.TestSummary {
    /// What experiment-state.json keeps of a test stage's metrics.
    init(_ m: TestMetrics) {
        self.init(checkpoint: m.checkpoint, images: m.images, accuracy: m.accuracy.value,
                  sensitivity: m.binary?.sensitivity.value, specificity: m.binary?.specificity.value,
                  auc: m.binary?.auc.value, threshold: m.binary?.threshold.value)
    }
}
