// Carrying a stage done by a monkpipe of key format 1 over to its own key: the record is filed
// anew, and what older results held as absolute paths (the load result's images, the stored
// test predictions) is re-expressed inside the plan's folders, found by content hash and path.
import Foundation
import MonkData
import MonkEngine
import MonkModels
import MonkReport

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

/// Absolute image paths of format-1 results matched to today's relative ones.
enum LegacyPaths {
    /// The shortest trailing part of `absolute` ("NORMAL/a.jpeg" of "/old/data/test/NORMAL/a.jpeg")
    /// that `accept` takes.
    static func suffix(of absolute: String, where accept: (String) -> Bool) -> String? {
        let parts = absolute.split(separator: "/")
        for k in stride(from: 1, through: parts.count, by: 1) {
            let candidate = parts.suffix(k).joined(separator: "/")
            if accept(candidate) { return candidate }
        }
        return nil
    }

    /// `old` with each absolute image path replaced by the image's path inside its source
    /// folder, where today's listing has a file of that path with the same content; nil if any
    /// image has none.
    static func relocate(_ old: LoadedData, sources: DataSources, hashes: FileFingerprints) -> LoadedData? {
        func images(_ list: [LoadedImage], _ role: DataRole, _ ds: Dataset?) -> [LoadedImage]? {
            let items = DataSources.byLoadedPath(ds)
            var out: [LoadedImage] = []
            for image in list {
                guard image.source == nil else { out.append(image); continue }
                guard let ds, let path = suffix(of: image.path, where: { rel in
                    items[rel].map { (try? hashes.hash(ds.url(of: $0))) == image.hash } ?? false
                }) else { return nil }
                out.append(LoadedImage(path: path, source: role, hash: image.hash, label: image.label))
            }
            return out
        }
        let validationRole: DataRole = sources.validation == nil ? .train : .validation
        guard let train = images(old.train, .train, sources.train),
              let validation = images(old.validation, validationRole, sources.validation ?? sources.train),
              let test = images(old.test, .test, sources.test) else { return nil }
        var out = old
        out.train = train
        out.validation = validation
        out.test = test
        return out
    }

    /// Rewrites the stored predictions of `paths` so that absolute file paths become the paths
    /// of `test` (the load result's test images) they end with; left as they are if one has none.
    /// `predictions.csv` is written again from them, so that it names the files as a test
    /// stage of this monkpipe does (its other columns are the same).
    static func relocatePredictions(of paths: ExperimentPaths, test: [LoadedImage]) throws {
        let url = paths.storedPredictions
        guard var stored = try? JSONDecoder().decode(StoredPredictions.self, from: Data(contentsOf: url)) else { return }
        let known = Set(test.map(\.path))
        var samples = stored.samples
        for i in samples.indices where samples[i].file.hasPrefix("/") {
            guard let path = suffix(of: samples[i].file, where: known.contains) else { return }
            samples[i].file = path
        }
        stored.samples = samples
        try AtomicFile.writeJSON(stored, to: url)
        let csv = paths.test.appendingPathComponent(Evaluation.predictionsFileName)
        try AtomicFile.write(Data(try stored.evaluation().predictionsCSV().render().utf8), to: csv)
    }
}
