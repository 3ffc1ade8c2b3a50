// Two projects of one workspace whose comparisons have one name, through the binary: the
// second project's run, plan, submit and status --wait stop at once with an error naming the
// first (status 4, refused), whose report is left as it was.
import Foundation
import Testing

@Suite("monkpipe with another project's comparison")
struct SharedComparisonCommandTests {
    @Test func secondProjectIsRefusedAndTheFirstReportKept() throws {
        let project = try TinyProject("shared-comparison", perClass: 6, testPerClass: 2, epochs: 1, size: 16, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let spec = try String(contentsOf: project.dir.path(project.spec), encoding: .utf8)
        try project.dir.write(spec.replacingOccurrences(of: "project: tiny", with: "project: other"), to: "other.yaml")

        let first = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(first.status == 0, "\(first)")
        let csv = project.dir.path("workspace/comparison/cmp/comparison.csv")
        let report = try Data(contentsOf: csv)

        let because = "would write over the report of project 'tiny' in \(project.dir.path("workspace/comparison/cmp").path)"
        // Status 4 (refused), not 1 (failed): a cluster fails such a job instead of retrying it.
        for command in [["run", "other.yaml"], ["run", "other.yaml", "--experiment", "sgd"], ["run", "other.yaml", "--stage", "compare"],
                        ["plan", "other.yaml"],
                        ["submit", "other.yaml", "--kubernetes", "--image", "monkpipe:test", "--workspace-claim", "ws", "--dry-run"]] {
            let refused = try monkpipe(command, in: project.url)
            #expect(refused.status == 4 && refused.stderr.contains(because) && refused.stderr.contains("--set comparison.name=other_cmp"),
                    "\(command): \(refused)")
        }
        #expect(!project.exists("workspace/other") && !project.exists("workspace/.cluster/other"))
        #expect(try Data(contentsOf: csv) == report)

        // The Kubernetes comparison Job's init container stops waiting: its run would be refused.
        let waited = try monkpipe(["status", "other.yaml", "--wait", "--interval", "0.1", "--quiet"], in: project.url, timeout: 30)
        #expect(waited.status == 4, "\(waited)")
        let status = try monkpipe(["status", "other.yaml"], in: project.url)
        #expect(status.stdout.contains("comparison  other project holds the report of project 'tiny'; rename this comparison"), "\(status)")
    }
}
