// A project folder moved as a whole (spec, data, workspace), as a user or a CI job restoring
// its workspace into a checkout at another path would: `plan` and `run` say every stage is
// cached, nothing trains, and the results are the same bytes.
import Foundation
import Testing

@Suite("monkpipe binary: a moved project keeps its cache")
struct RelocatedProjectTests {
    @Test func planAndRunSayCachedAfterAMove() throws {
        let project = try TinyProject("moved", perClass: 6, testPerClass: 2, epochs: 1, size: 16, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let first = try monkpipe(["run", project.spec], in: project.url)
        try #require(first.status == 0, "\(first)")
        #expect(first.stdout.contains("epoch 1/1"), "\(first)")
        let outputs = ["workspace/tiny/sgd/output/models/best.safetensors", "workspace/tiny/sgd/output/test/metrics.json",
                       "workspace/comparison/cmp/comparison.csv"]
        let before = try outputs.map { try Data(contentsOf: project.dir.path($0)) }

        let moved = try TempDir("moved-to")
        defer { moved.cleanUp() }
        let there = moved.path("somewhere/else")
        try FileManager.default.createDirectory(at: there.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: project.url, to: there)

        let plan = try monkpipe(["plan", project.spec], in: there)
        #expect(plan.status == 0, "\(plan)")
        let lines = plan.stdout.split(separator: "\n").filter { !$0.hasPrefix("data:") }
        #expect(lines.map { $0.split(separator: " ", maxSplits: 1).first.map(String.init) ?? "" }
                == ["load", "train/sgd", "test/sgd", "compare/cmp"], "\(plan)")
        #expect(lines.allSatisfy { $0.hasSuffix(" cached") }, "\(plan)")
        let run = try monkpipe(["run", project.spec], in: there)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("done: load cached, train/sgd cached, test/sgd cached, compare/cmp cached"), "\(run)")
        #expect(!run.stdout.contains("epoch 1/1"), "\(run)")
        let after = try outputs.map { try Data(contentsOf: there.appendingPathComponent(String($0))) }
        #expect(after == before)
    }
}
