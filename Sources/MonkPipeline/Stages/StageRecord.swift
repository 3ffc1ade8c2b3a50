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
    /// Output directory whose files the stage produced, relative to the workspace (absolute
    /// in records of format 1; `StageCache.directory(of:)` reads both).
    public var outputDirectory: String
    /// Files (relative to `outputDirectory`) that must exist for the record to count.
    public var outputs: [String]
    public var seconds: Double
    /// `Checksum64` (hex) of each output when the stage completed, by its name in `outputs`:
    /// a truncated `loaded.json` or a flipped byte in `best.safetensors` used to count as
    /// cached. Absent in records written before checksums (those count on presence alone).
    public var outputChecksums: [String: String]?
    /// `MonkpipeVersion.format` of the key; absent (1) in records of older monkpipes, whose
    /// keys held absolute paths.
    public var format: Int?

    /// Why this record's outputs would lie outside its workspace, or nil. Records are written
    /// only by monkpipe, with the folder inside the workspace and bare file names; one that
    /// leaves it (`../..`, an absolute file) was edited, and must not make a run read or copy
    /// files from elsewhere (`StageExecutor.adopt` copies a folder a record names).
    var outsideWorkspace: String? {
        func leaves(_ path: String) -> Bool { path.split(separator: "/").contains("..") }
        // A format-1 folder is absolute: only its last components are read (`directory(of:)`).
        if !outputDirectory.hasPrefix("/") && leaves(outputDirectory) {
            return "names the output folder '\(outputDirectory)', which is outside the workspace"
        }
        if let file = outputs.first(where: { $0.hasPrefix("/") || leaves($0) }) {
            return "names the output '\(file)', which is outside its folder"
        }
        return nil
    }

    /// The checksums of `outputs` as they are now in `outputDirectory`, nil for a file that
    /// cannot be read.
    static func checksums(of outputs: [String], in directory: URL) -> [String: String?] {
        var sums: [String: String?] = [:]
        for file in outputs {
            let data = try? Data(contentsOf: directory.appendingPathComponent(file), options: .alwaysMapped)
            sums[file] = data.map { Checksum64.hex(Checksum64.of($0)) }
        }
        return sums
    }
}

/// What the cache holds for one stage key.
public enum CacheLookup: Equatable, Sendable {
    /// Nothing usable: never completed, or an output was deleted since.
    case absent
    case complete(StageRecord)
    /// The record or an output exists but is damaged; the sentence names the file.
    case damaged(String)
    /// The outputs in the record's folder are now those of another completed run of other
    /// settings (a run with `--set data.limit=200`, or with the spec changed and changed back,
    /// wrote the experiment folder since): nothing is damaged, but the stage has to run again.
    case replaced
}

/// The stage cache on disk: completed records by key, and the latest inputs per project and
/// stage identity (so `plan` can say which input changed since this stage's last run). The
/// workspace may be shared by several projects, whose `load` or `train/sgd` are not this one's.
public struct StageCache: Sendable {
    public let root: URL

    public init(workspace: URL) { root = workspace.appendingPathComponent(".cache", isDirectory: true) }

    /// The workspace the cache belongs to (`<workspace>/.cache`).
    var workspace: URL { root.deletingLastPathComponent() }

    /// Where the outputs of `record` are now. A record of format 1 named an absolute folder,
    /// which is wherever the workspace was then: the same place in this workspace is the folder
    /// its last components name (`.cache/load/<key>`, `<project>/<experiment>`,
    /// `comparison/<name>`), as outputs always lie in the workspace of their record.
    public func directory(of record: StageRecord) -> URL {
        guard record.outputDirectory.hasPrefix("/") else {
            return workspace.appendingPathComponent(record.outputDirectory, isDirectory: true)
        }
        let parts = URL(fileURLWithPath: record.outputDirectory).standardizedFileURL.pathComponents
        let kept = record.kind == .load ? 3 : 2
        return workspace.appendingPathComponent(parts.suffix(kept).joined(separator: "/"), isDirectory: true)
    }

    /// `directory` relative to the workspace, as records store it.
    func relativeDirectory(_ directory: URL) -> String {
        let path = directory.standardizedFileURL
        return DataRoots.relativePath(of: path, inside: workspace.standardizedFileURL) ?? path.path
    }

    func recordURL(_ key: StageKey) -> URL {
        root.appendingPathComponent("stages/\(key.hex).json")
    }

    /// `last/<project>/<identity>.json` (project names are safe path components).
    func lastURL(_ identity: String, project: String) -> URL {
        let safe = identity.replacingOccurrences(of: "/", with: "__")
        return root.appendingPathComponent("last/\(project)/\(safe).json")
    }

    /// The completed record for `key`, if it decodes and its outputs are all still there and
    /// unchanged.
    public func completed(_ key: StageKey) -> StageRecord? {
        if case .complete(let record) = lookup(key) { return record }
        return nil
    }

    /// The record for `key` checked against its outputs: a record that does not decode, or an
    /// output whose checksum differs from the recorded one, is damaged (never a cache hit).
    public func lookup(_ key: StageKey) -> CacheLookup {
        let url = recordURL(key)
        guard let data = try? Data(contentsOf: url) else { return .absent }
        guard let rec = try? JSONDecoder().decode(StageRecord.self, from: data) else {
            return .damaged("the stage record \(url.path) does not decode")
        }
        if let why = rec.outsideWorkspace { return .damaged("the stage record \(url.path) \(why)") }
        let dir = directory(of: rec)
        for file in rec.outputs where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) {
            return .absent
        }
        guard let recorded = rec.outputChecksums else { return .complete(rec) }
        let differing = StageRecord.checksums(of: rec.outputs, in: dir).filter { recorded[$0.key] != $0.value }
        guard let file = differing.keys.sorted().first else { return .complete(rec) }
        if isReplaced(rec, differing: differing, in: dir) { return .replaced }
        return .damaged("\(dir.appendingPathComponent(file).path) is damaged (its checksum is not the one recorded when \(rec.identity) completed)")
    }

    /// Whether every output of `rec` that differs from its record is, byte for byte, the
    /// output of one other completed record in the same folder: a later run with other
    /// settings wrote the folder (one experiment folder holds the last run's outputs). A
    /// flipped byte or a truncated file matches no record and stays damaged.
    func isReplaced(_ rec: StageRecord, differing: [String: String?], in dir: URL) -> Bool {
        let folder = dir.standardizedFileURL.path
        let files = (try? FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("stages"),
                                                                   includingPropertiesForKeys: nil)) ?? []
        for url in files where url.pathExtension == "json" && url.deletingPathExtension().lastPathComponent != rec.key.hex {
            guard let data = try? Data(contentsOf: url),
                  let other = try? JSONDecoder().decode(StageRecord.self, from: data),
                  other.kind == rec.kind, other.outsideWorkspace == nil, let sums = other.outputChecksums,
                  directory(of: other).standardizedFileURL.path == folder else { continue }
            if differing.allSatisfy({ file, now in now != nil && sums[file] == now }) { return true }
        }
        return false
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
