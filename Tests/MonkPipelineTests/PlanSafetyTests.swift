// The runner's side of path safety (every directory it derives from a planned name stays in
// the workspace; MonkPlan's PathTests pin the planner's errors) and plan determinism.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct PlanSafetyTests {
    static let directory = "/specs/project"

    static func spec(project: String = "p", experiment: String = "e", comparison: String = "c", extra: String = "") -> String {
        """
        project: '\(project)'
        data: {train: data/train, test: data/test}
        experiments:
          '\(experiment)': {epochs: 1}
        comparison: {name: '\(comparison)'}
        \(extra)
        """
    }

    /// `path` resolved lexically, as the kernel would walk it (no symlinks in the test).
    static func normalised(_ url: URL) -> String { url.standardizedFileURL.path }

    static func inside(_ url: URL, _ workspace: URL) -> Bool {
        let p = normalised(url), w = normalised(workspace)
        return p.hasPrefix(w + "/")
    }

    /// Every directory and file the runner derives from a name the planner accepted.
    static func derived(_ plan: Plan) -> [URL] {
        let workspace = URL(fileURLWithPath: plan.workspace, isDirectory: true)
        let runner = PipelineRunner(plan: plan, options: RunOptions(environment: [:]), console: .silent)
        var urls = [runner.comparisonDirectory]
        for e in plan.experiments {
            let p = ExperimentPaths(workspace: workspace, project: plan.project, experiment: e.name)
            urls += [p.root, p.state, p.lock, p.models, p.logs, p.test, p.bestWeights]
        }
        let stages = StageGraph.build(plan, external: ExternalDigests(dataFiles: "", weights: [:]))
        urls += stages.map { runner.outputDirectory($0) }
        let cache = StageCache(workspace: workspace)
        urls += stages.map { cache.lastURL($0.identity, project: plan.project) }
        return urls
    }

    /// Names that try to leave (or alias) a directory: each is either refused by the planner
    /// as an unsafe name, or accepted and then every derived path is inside the workspace.
    @Test(arguments: ["../../etc", "..", ".", "a/../..", "/etc", "a\\..\\b", "..a", "a..", "a b", "-x",
                      "name\u{0}x", "~root", "ünïcode", "a:b", String(repeating: "x", count: 300)])
    func hostileNamesAreRefusedOrContained(name: String) throws {
        for (slot, text) in [("project", Self.spec(project: name)), ("experiment", Self.spec(experiment: name)),
                             ("comparison", Self.spec(comparison: name))] {
            let plan: Plan
            do {
                plan = try PlanLoader.plan(text: text, specDirectory: Self.directory)
            } catch {
                #expect(!error.errors.isEmpty, "\(slot) \(name)")
                continue
            }
            let workspace = URL(fileURLWithPath: plan.workspace, isDirectory: true)
            #expect(Self.inside(workspace, URL(fileURLWithPath: Self.directory)), "\(slot) \(name)")
            for url in Self.derived(plan) {
                #expect(Self.inside(url, workspace), "\(slot) '\(name)' leads to \(url.path)")
            }
        }
    }

    /// Names made by a sweep from values with path characters are contained too.
    @Test func sweepNamesAreContained() throws {
        let plan = try PlanLoader.plan(text: Self.spec(extra: "sweep: {pretrained: [../../w.bin, /abs/x.bin], optimizer.lr: [0.1, 0.01]}\n"),
                                       specDirectory: Self.directory)
        #expect(plan.experiments.count >= 4)
        let workspace = URL(fileURLWithPath: plan.workspace, isDirectory: true)
        for url in Self.derived(plan) { #expect(Self.inside(url, workspace), "\(url.path)") }
        for e in plan.experiments { #expect(!e.name.contains("/") && e.name != ".." && e.name != ".", "\(e.name)") }
    }

    /// The same text planned twice (and with its keys reordered) gives identical stage keys.
    @Test func planningIsDeterministic() throws {
        let text = PipelineFixture.spec()
        let digests = ExternalDigests(dataFiles: String(repeating: "d", count: 64), weights: [:])
        let a = StageGraph.build(try PlanLoader.plan(text: text, specDirectory: Self.directory), external: digests)
        let b = StageGraph.build(try PlanLoader.plan(text: text, specDirectory: Self.directory), external: digests)
        #expect(a.count == 6)
        #expect(a == b)
        #expect(a.map(\.key.hex) == b.map(\.key.hex))
        // A different data digest changes every key (all stages depend on load).
        let other = StageGraph.build(try PlanLoader.plan(text: text, specDirectory: Self.directory),
                                     external: ExternalDigests(dataFiles: String(repeating: "e", count: 64), weights: [:]))
        for (x, y) in zip(a, other) { #expect(x.key != y.key, "\(x.identity)") }
    }

    /// The same folder fingerprinted by two runners (the second reading the hash cache the
    /// first wrote) plans the same keys.
    @Test func fingerprintedStagesAreDeterministic() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let a = try f.runner(PipelineFixture.spec()).stages().stages
        let b = try f.runner(PipelineFixture.spec()).stages().stages
        #expect(a.map(\.key) == b.map(\.key))
    }
}
