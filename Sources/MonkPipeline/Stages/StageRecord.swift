// What the cache remembers of a completed stage, and of the last inputs each stage ran with.
import Foundation
import MonkEngine

/// Written when a stage completes; its presence (with its outputs) is what makes the stage
/// "cached". Stored as `workspace/.cache/stages/<key>.json`.
public struct StageRecord: Codable, Equatable, Sendable {
    public var key: StageKey
    public var kind: StageKind
    /// The stage's identity when it ran (e.g. "train/Experiment_1").
    public var identity: String
    public var inputs: StageInputs
    public var completed: String
    /// Output directory (absolute) whose files the stage produced.
    public var outputDirectory: String
    /// Files (relative to `outputDirectory`) that must exist for the record to count.
    public var outputs: [String]
    public var seconds: Double
}

/// The stage cache on disk: completed records by key, and the latest inputs per project and
/// stage identity (so `plan` can say which input changed since this stage's last run). The
/// workspace may be shared by several projects, whose `load` or `train/sgd` are not this one's.
public struct StageCache: Sendable {
    public let root: URL

    public init(workspace: URL) { root = workspace.appendingPathComponent(".cache", isDirectory: true) }

    func recordURL(_ key: StageKey) -> URL {
        root.appendingPathComponent("stages/\(key.hex).json")
    }

    /// `last/<project>/<identity>.json` (project names are safe path components).
    func lastURL(_ identity: String, project: String) -> URL {
        let safe = identity.replacingOccurrences(of: "/", with: "__")
        return root.appendingPathComponent("last/\(project)/\(safe).json")
    }

    /// The completed record for `key`, if its outputs are all still there.
    public func completed(_ key: StageKey) -> StageRecord? {
        guard let data = try? Data(contentsOf: recordURL(key)),
              let rec = try? JSONDecoder().decode(StageRecord.self, from: data) else { return nil }
        let dir = URL(fileURLWithPath: rec.outputDirectory)
        for file in rec.outputs where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) {
            return nil
        }
        return rec
    }

    /// The inputs of the last completed run of `identity` in `project`.
    public func lastInputs(_ identity: String, project: String) -> StageInputs? {
        guard let data = try? Data(contentsOf: lastURL(identity, project: project)) else { return nil }
        return try? JSONDecoder().decode(StageInputs.self, from: data)
    }

    public func remember(_ identity: String, project: String, inputs: StageInputs) throws {
        try AtomicFile.writeJSON(inputs, to: lastURL(identity, project: project))
    }

    public func store(_ record: StageRecord, project: String) throws {
        try AtomicFile.writeJSON(record, to: recordURL(record.key))
        try remember(record.identity, project: project, inputs: record.inputs)
    }

    public func forget(_ key: StageKey) {
        try? FileManager.default.removeItem(at: recordURL(key))
    }
}
