// Two projects of one workspace that name their comparisons alike: `comparison/<name>/` is
// the workspace's (DESIGN.md's layout), so the second project is refused, naming the first,
// before it trains anything; the first project's report stays as it was.
import Foundation
import Testing
import MonkReport
@testable import MonkPipeline

@Suite struct SharedComparisonTests {
    static let tiny = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
    /// The same pipeline as another project, with another learning rate (its report differs).
    static let other = tiny.replacingOccurrences(of: "project: tiny", with: "project: other")
        .replacingOccurrences(of: "lr: 0.05", with: "lr: 0.01")

    /// Every file of the comparison folder, by name.
    static func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    @Test func anotherProjectsComparisonIsRefusedBeforeAnythingRuns() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.tiny).run()
        let folder = f.workspace.appendingPathComponent("comparison/cmp", isDirectory: true)
        let report = try Self.files(folder)
        #expect(report.count > 2 && report["comparison.csv"] != nil && report["index.html"] != nil)

        let refusal = PipelineError.comparisonOfAnotherProject(name: "cmp", folder: folder.path, project: "other", others: ["tiny"])
        #expect(throws: refusal) { try f.runner(Self.other).run() }
        #expect(throws: refusal) { try f.runner(Self.other).stages() }
        #expect("\(refusal)".contains("report of project 'tiny'") && "\(refusal)".contains("--set comparison.name=other_cmp"))
        // Nothing was trained or written: no experiment folder, no record of other's, tiny's report as it was.
        #expect(!FileManager.default.fileExists(atPath: f.workspace.appendingPathComponent("other").path))
        #expect(!FileManager.default.fileExists(atPath: f.workspace.appendingPathComponent(".cache/last/other").path))
        #expect(try Self.files(folder) == report)
        #expect(try f.decisions(Self.tiny)["compare/cmp"] == "cached")

        // `status` of each project says whose report the folder holds; waiting for other's ends at once.
        let status = try f.runner(Self.other).sweepStatus()
        #expect(status.comparison.state == .otherProject && status.comparison.otherProjects == ["tiny"])
        #expect(status.experiments.map(\.state) == [.notStarted] && status.cannotComplete)
        #expect(try f.runner(Self.tiny).sweepStatus().comparison.state == .written)
        let stop = StopSignal()
        stop.request()  // a wait that would go on throws instead of hanging the test
        #expect(try f.runner(Self.other, stop: stop).waitForExperiments(interval: 0.01).cannotComplete)

        // Under another name, other's comparison is its own and tiny's is untouched.
        let renamed = Self.other.replacingOccurrences(of: "name: cmp", with: "name: other_cmp")
        try f.runner(renamed).run()
        let csv = try String(contentsOf: f.workspace.appendingPathComponent("comparison/other_cmp/comparison.csv"), encoding: .utf8)
        #expect(ComparisonCSV.projects(in: csv) == ["other"])
        #expect(try Self.files(folder) == report)
    }

    /// `compare` writes without planning the stages: the compare stage itself refuses, also
    /// for a report written after the run started.
    @Test func compareAloneRefusesAnotherProjectsFolder() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.tiny).run()
        let folder = f.workspace.appendingPathComponent("comparison/cmp", isDirectory: true)
        let report = try Self.files(folder)
        // other's experiments finish under another comparison name; then it names the comparison cmp.
        try f.runner(Self.other.replacingOccurrences(of: "name: cmp", with: "name: later")).run()
        #expect(throws: PipelineError.comparisonOfAnotherProject(name: "cmp", folder: folder.path, project: "other", others: ["tiny"])) {
            try f.runner(Self.other).compareOnly()
        }
        #expect(try Self.files(folder) == report)
    }
}
