// Records written by monkpipes of stage-key format 1, whose keys digested absolute paths (the
// data folders, a pretrained file). A stage of this plan with no record under its own key is
// matched to one of them on every input but those paths — the data by content, every setting,
// the upstream stages through their own matches — so upgrading monkpipe, before or after
// moving the project, loses no trained work: `plan` says "cached (carried over …)" and `run`
// files the record under the new key (`StageExecutor.carryOver`).
import Foundation

final class LegacyRecords: @unchecked Sendable {
    let cache: StageCache
    /// Every stage of the plan by identity (upstream stages are matched first).
    private let stages: [String: PlannedStage]
    /// Where each stage of the plan writes (a record of another folder is not this stage's).
    private let outputDirectory: (PlannedStage) -> URL
    private var all: [StageRecord]?
    private var matches: [String: StageRecord?] = [:]
    private let lock = NSLock()

    init(cache: StageCache, stages: [PlannedStage], outputDirectory: @escaping (PlannedStage) -> URL) {
        self.cache = cache
        self.stages = Dictionary(stages.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
        self.outputDirectory = outputDirectory
    }

    /// The format-1 record that did the work of `s`, with its outputs all there and unchanged.
    func usable(_ s: PlannedStage) -> StageRecord? {
        lock.withLock {
            guard let record = match(s), case .complete = cache.lookup(record.key) else { return nil }
            return record
        }
    }

    /// The format-1 record of `s`, if any: same kind and output folder, every input equal
    /// except the paths (upstream keys compared with the upstream stages' own matches); of
    /// several, one whose paths are also the same, else the latest.
    private func match(_ s: PlannedStage) -> StageRecord? {
        if let known = matches[s.identity] { return known }
        var expected = s.inputs.digests
        for name in expected.keys where name.hasPrefix("upstream ") {
            guard let up = upstream(name, of: s), let old = match(up) else {
                matches[s.identity] = .some(nil)
                return nil
            }
            expected[name] = old.key.hex
        }
        let here = outputDirectory(s).standardizedFileURL.path
        let candidates = records().filter { r in
            r.kind == s.kind && Set(r.inputs.digests.keys) == Set(expected.keys)
                && (s.kind == .load || cache.directory(of: r).standardizedFileURL.path == here)
                && expected.allSatisfy { name, digest in s.formerLocations[name] != nil || r.inputs.digests[name] == digest }
        }
        func samePaths(_ r: StageRecord) -> Bool { s.formerLocations.allSatisfy { r.inputs.digests[$0.key] == $0.value } }
        let found = candidates.first(where: samePaths) ?? candidates.max { $0.completed < $1.completed }
        matches[s.identity] = .some(found)
        return found
    }

    /// The key a monkpipe of format 1 gave `s` here (its paths as they are now, its upstream
    /// stages' format-1 records): what an interrupted training it left behind names.
    func formerKey(_ s: PlannedStage) -> StageKey? {
        lock.withLock {
            var inputs = s.inputs
            for (name, digest) in s.formerLocations { inputs.add(name, digest: digest) }
            for name in inputs.digests.keys where name.hasPrefix("upstream ") {
                guard let up = upstream(name, of: s), let old = match(up) else { return nil }
                inputs.add(name, digest: old.key.hex)
            }
            return StageKey(kind: s.kind, inputs: inputs, format: 1)
        }
    }

    /// The stage an "upstream …" input of `s` names: "upstream load", "upstream test/a", or,
    /// in a test stage, "upstream train" (its own experiment's).
    private func upstream(_ name: String, of s: PlannedStage) -> PlannedStage? {
        let id = String(name.dropFirst("upstream ".count))
        return stages[id] ?? s.experiment.flatMap { stages["\(id)/\($0)"] }
    }

    /// Every record of format 1 in the cache, read once.
    private func records() -> [StageRecord] {
        if let all { return all }
        let folder = cache.root.appendingPathComponent("stages", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let found = names.sorted().filter { $0.hasSuffix(".json") }.compactMap { name -> StageRecord? in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let r = try? JSONDecoder().decode(StageRecord.self, from: data), r.format == nil else { return nil }
            return r
        }
        all = found
        return found
    }
}
