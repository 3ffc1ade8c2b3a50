// `monkpipe gc`: deletes what in a workspace's `.cache` no current stage refers to — stage
// records and load results of old keys, pixel entries no current load stage reads — and
// says how much it freed. Experiment folders (trained models, reports) are never touched.
import Foundation
import MonkData
import MonkEngine

/// What a collection removed (or, in a dry run, would remove).
public struct CacheCollection: Codable, Equatable, Sendable {
    public var workspace: String
    public var stageRecords = 0
    public var loadResults = 0
    public var pixelEntries = 0
    /// Disk space the removed files took (allocated blocks, not their lengths).
    public var bytes = 0
    /// Why pixel entries were kept, when the images a spec needs are not known.
    public var pixelsKept: String?
    public var dryRun = false

    public var summary: String {
        let verb = dryRun ? "would remove" : "removed"
        var out = "\(workspace)/.cache: \(verb) \(ByteCount.grouped(pixelEntries)) pixel entr\(pixelEntries == 1 ? "y" : "ies"), "
            + "\(stageRecords) stage record\(stageRecords == 1 ? "" : "s"), \(loadResults) load result\(loadResults == 1 ? "" : "s"); "
            + "\(dryRun ? "would free" : "freed") \(ByteCount.text(bytes))"
        if let pixelsKept { out += "\npixel cache kept whole: \(pixelsKept)" }
        return out
    }
}

public enum CacheCollector {
    /// Collects the workspace the runners share: kept is what any of their current stages
    /// (every stage of every spec given) refers to. Pixel entries are collected only when
    /// every spec's load stage has completed (its images and their hashes are known then).
    public static func collect(_ runners: [PipelineRunner], dryRun: Bool) throws -> CacheCollection {
        guard let first = runners.first else { throw PipelineError.invalid("give at least one pipeline file") }
        let layout = first.layout
        for r in runners where r.layout.root.standardizedFileURL != layout.root.standardizedFileURL {
            throw PipelineError.invalid("\(r.plan.project) uses the workspace \(r.layout.root.path), not \(layout.root.path): collect one workspace at a time")
        }
        var keys = Set<String>()
        var pixelKeys = Set<String>()
        var pixelsKept: String?
        for r in runners {
            let stages = try r.stages().stages
            keys.formUnion(stages.map(\.key.hex))
            // An older monkpipe's record that did a stage's work is kept until `run` carries
            // it over: collecting it first would lose the work.
            var carried: [String: StageRecord] = [:]
            for d in r.decisions(stages) {
                if case .carriedOver(let old) = d.verdict { carried[d.stage.identity] = old }
            }
            keys.formUnion(carried.values.map(\.key.hex))
            guard let load = stages.first(where: { $0.kind == .load }) else { continue }
            guard let record = layout.cache.completed(load.key) ?? carried[load.identity],
                  let loaded = try? LoadedData.read(layout.cache.directory(of: record).appendingPathComponent(LoadPaths.loadedName)) else {
                pixelsKept = pixelsKept ?? "the load stage of \(r.plan.project) has not run (or its result is damaged), so the images it needs are not known; run it, then collect"
                continue
            }
            let preprocessing = DataPipelines(r.plan.data).preprocessing
            for image in loaded.train + loaded.validation + loaded.test {
                pixelKeys.insert(PixelCache.key(contentHash: image.hash, preprocessing: preprocessing))
            }
        }
        var result = CacheCollection(workspace: layout.root.path, pixelsKept: pixelsKept, dryRun: dryRun)
        let fm = FileManager.default
        func remove(_ url: URL) {
            result.bytes += allocatedBytes(url)
            if !dryRun { try? fm.removeItem(at: url) }
        }
        let records = layout.cache.root.appendingPathComponent("stages", isDirectory: true)
        for name in (try? fm.contentsOfDirectory(atPath: records.path)) ?? [] where name.hasSuffix(".json") {
            guard !keys.contains(String(name.dropLast(5))) else { continue }
            remove(records.appendingPathComponent(name))
            result.stageRecords += 1
        }
        let loads = layout.cache.root.appendingPathComponent("load", isDirectory: true)
        for name in (try? fm.contentsOfDirectory(atPath: loads.path)) ?? [] where !keys.contains(name) {
            remove(loads.appendingPathComponent(name))
            result.loadResults += 1
        }
        if pixelsKept == nil {
            let pixels = layout.pixelCache
            for shard in (try? fm.contentsOfDirectory(atPath: pixels.path)) ?? [] {
                let folder = pixels.appendingPathComponent(shard, isDirectory: true)
                // Only finished entries: a temporary file may belong to a run writing right now.
                for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
                where name.hasSuffix(".px") && !name.hasPrefix(".") && !pixelKeys.contains(String(name.dropLast(3))) {
                    remove(folder.appendingPathComponent(name))
                    result.pixelEntries += 1
                }
            }
        }
        return result
    }

    /// The disk blocks under `url` (a file, or a folder and everything in it), without
    /// following links.
    static func allocatedBytes(_ url: URL) -> Int {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return 0 }
        var total = Int(st.st_blocks) * 512
        if (st.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
                total += allocatedBytes(url.appendingPathComponent(name))
            }
        }
        return total
    }
}
