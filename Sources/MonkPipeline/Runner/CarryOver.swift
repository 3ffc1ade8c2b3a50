// Carrying a stage done by a monkpipe of key format 1 over to its own key: the record is filed
// anew, and what older results held as absolute paths (the load result's images, the stored
// test predictions) is re-expressed inside the plan's folders (`LegacyPaths`).
import Foundation
import MonkData
import MonkEngine
import MonkModels

extension StageExecutor {
    /// The load stage of a format-1 record under the new key; nil when one of its images is
    /// not found in today's listing with the same content (then the stage runs instead).
    func carryOverLoad(_ s: PlannedStage, from old: StageRecord) throws -> LoadedData? {
        let paths = layout.load(s.key)
        let lock = try RunLock(paths.lock) { _ in console.info("  waiting for another run to load the data") }
        defer { lock.release() }
        let before = layout.cache.directory(of: old)
        guard let previous = try? LoadedData.read(before.appendingPathComponent(LoadPaths.loadedName)),
              let loaded = LegacyPaths.relocate(previous, sources: sources, hashes: hashes) else { return nil }
        let fm = FileManager.default
        try fm.createDirectory(at: paths.root, withIntermediateDirectories: true)
        for file in [paths.splitManifest, paths.dataCheck] {
            let from = before.appendingPathComponent(file.lastPathComponent)
            guard fm.fileExists(atPath: from.path) else { continue }
            try AtomicFile.write(try Data(contentsOf: from), to: file)
        }
        try AtomicFile.writeJSON(loaded, to: paths.loaded)
        try complete(s, seconds: old.seconds)
        return loaded
    }

    /// A train, test or compare stage of a format-1 record under the new key: its outputs
    /// stay where they are; the checkpoints and the state name the new keys, and the stored
    /// test predictions name their files inside the test folder.
    func carryOver(_ s: PlannedStage, from old: StageRecord, loaded: LoadedData?, loadKey: StageKey?) throws {
        guard s.kind != .compare else {
            return try RunLock.holding(layout.comparison.lock, console: console) { try complete(s, seconds: old.seconds) }
        }
        let e = experiment(s)
        let paths = layout.experiment(e.name)
        try RunLock.holding(paths.lock, console: console) {
            if s.kind == .train { try restamp(paths, experiment: e.name, key: s.key) }
            if s.kind == .test, let loaded { try LegacyPaths.relocatePredictions(of: paths, test: loaded.test) }
            try states.carriedOver(e, kind: s.kind, key: s.key, loadKey: loadKey)
            try complete(s, seconds: old.seconds)
        }
    }

    /// A training that a format-1 monkpipe left interrupted, under the key it gave this stage
    /// here: its saved state is filed under the new key, so `Trainer` resumes it.
    func carryOverResume(_ s: PlannedStage, paths: ExperimentPaths) throws {
        guard let former = decider.legacy?.formerKey(s), ResumePoint.read(paths.resume)?.stageKey == former.hex else { return }
        var state = try SnapshotArchive.decode(TrainingState.self, from: Data(contentsOf: paths.resume))
        state.stageKey = s.key.hex
        try AtomicFile.write(SnapshotArchive.encode(state), to: paths.resume)
    }

    /// Names `experiment` and the train stage `key` in the sidecars of the checkpoints in
    /// `paths` (copied from a renamed experiment, or trained under an older key).
    func restamp(_ paths: ExperimentPaths, experiment: String, key: StageKey) throws {
        let fm = FileManager.default
        for file in (try? fm.contentsOfDirectory(atPath: paths.models.path)) ?? [] where file.hasSuffix(".json") {
            try ModelCheckpoint.updateMetadata(sidecar: paths.models.appendingPathComponent(file),
                                               ["experiment": experiment, "stage_key": key.hex])
        }
    }
}
