// A plan's workspace: where each stage writes, which files prove it finished, and the cache.
// The experiments' own files are named in ExperimentPaths.
import Foundation
import MonkPlan
import MonkReport

/// The comparison's folder, `workspace/comparison/<name>/`.
public struct ComparisonPaths: Sendable {
    public let root: URL
    public var lock: URL { root.appendingPathComponent(".lock") }
    public var csv: URL { root.appendingPathComponent(ComparisonReport.csvFileName) }
    public var report: URL { root.appendingPathComponent(ComparisonReport.indexFileName) }

    /// The projects whose report the folder holds (comparison.csv's `project` column); none
    /// before a report is written, or when comparison.csv does not read as one.
    public var projects: [String] {
        guard let data = try? Data(contentsOf: csv) else { return [] }
        return ComparisonCSV.projects(in: String(decoding: data, as: UTF8.self)) ?? []
    }
}

/// The load stage's folder in the cache, `.cache/load/<key>/`.
struct LoadPaths {
    let root: URL
    /// What later stages read (`LoadedData`).
    var loaded: URL { root.appendingPathComponent(Self.loadedName) }
    var splitManifest: URL { root.appendingPathComponent("split-manifest.json") }
    var dataCheck: URL { root.appendingPathComponent("data-check.txt") }
    /// Beside the folder, not in it: held while the stage runs, so that runs started together
    /// load once.
    var lock: URL { root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + ".lock") }
    static let loadedName = "loaded.json"
}

struct WorkspaceLayout: Sendable {
    let root: URL
    let project: String
    let comparisonName: String
    let cache: StageCache

    init(plan: Plan) {
        root = URL(fileURLWithPath: plan.workspace, isDirectory: true)
        project = plan.project
        comparisonName = plan.comparison.name
        cache = StageCache(workspace: root)
    }

    func experiment(_ name: String) -> ExperimentPaths {
        ExperimentPaths(workspace: root, project: project, experiment: name)
    }

    var comparison: ComparisonPaths {
        ComparisonPaths(root: root.appendingPathComponent("\(ComparisonPlan.workspaceFolder)/\(comparisonName)", isDirectory: true))
    }

    /// Other projects whose report is in this project's comparison folder. The folder is the
    /// workspace's, `comparison/<name>/`, not the project's: two projects of one workspace
    /// that give their comparisons one name would write over each other's report.
    var comparisonOfOtherProjects: [String] { comparison.projects.filter { $0 != project } }

    /// Throws when the comparison folder holds another project's report: `stages()` asks
    /// before anything runs, the compare stage again before it writes.
    func claimComparison() throws {
        let others = comparisonOfOtherProjects
        guard !others.isEmpty else { return }
        throw PipelineError.comparisonOfAnotherProject(name: comparisonName, folder: comparison.root.path,
                                                       project: project, others: others)
    }

    func load(_ key: StageKey) -> LoadPaths {
        LoadPaths(root: cache.root.appendingPathComponent("load/\(key.hex)", isDirectory: true))
    }

    /// Decoded and resized pixels, shared by every pipeline of the workspace.
    var pixelCache: URL { cache.root.appendingPathComponent("pixels", isDirectory: true) }
    /// Content hashes of the files read, by (size, mtime, inode).
    var fileHashes: URL { cache.root.appendingPathComponent("file-hashes.json") }

    /// The folder a stage writes into (and its record names).
    func outputDirectory(_ s: PlannedStage) -> URL {
        switch s.kind {
        case .load: return load(s.key).root
        // Train and test stages always carry their experiment's name (StageGraph).
        case .train, .test: return experiment(s.experiment!).root
        case .compare: return comparison.root
        }
    }

    /// Files, relative to the output directory, that must exist for a stage to count as done.
    static func completionFiles(_ kind: StageKind) -> [String] {
        switch kind {
        case .load: return [LoadPaths.loadedName]
        case .train, .test: return ExperimentPaths.completionFiles(kind)
        case .compare: return [ComparisonReport.csvFileName, ComparisonReport.indexFileName]
        }
    }
}
