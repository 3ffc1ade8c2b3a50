// A workspace edited by hand or by another tool (a CI cache restored from elsewhere) must not
// make a run read or copy files outside the workspace and the data: since stage records and
// load results name paths relative to them (key format 2), a `..` in one could lead anywhere.
// Such a record is damaged.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct TamperedWorkspaceTests {
    static let spec = DamagedWorkspaceTests.spec

    /// Rewrites the JSON object of the stage record of `identity` with `change`.
    static func editRecord(_ f: PipelineFixture, _ identity: String, _ change: (inout [String: Any]) -> Void) throws -> URL {
        let url = try DamagedWorkspaceTests.recordURL(f, identity)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url
    }

    /// Before: train/sgd was "cached (outputs copied from <root>/outside/sgd)" and `run` copied
    /// that folder into the workspace; the test record's outputs were read from /etc.
    @Test func aRecordNamingPlacesOutsideTheWorkspaceIsDamaged() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        // The experiment's outputs, with their recorded checksums, outside the workspace.
        let outside = f.root.appendingPathComponent("outside/sgd", isDirectory: true)
        try FileManager.default.createDirectory(at: outside.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: f.paths("sgd").root, to: outside)
        let train = try Self.editRecord(f, "train/sgd") { $0["outputDirectory"] = "../outside/sgd" }
        let escape = "../../../../../../../../../../etc/hostname"
        let test = try Self.editRecord(f, "test/sgd") { $0["outputs"] = [escape]; $0["outputChecksums"] = nil }

        let d = try f.decisions(Self.spec)
        #expect(d["train/sgd"] == "CANNOT RUN: the stage record \(train.path) names the output folder '../outside/sgd', which is outside the workspace; run with --force train/sgd to train it again")
        #expect(d["test/sgd"] == "runs because its cached result is damaged: the stage record \(test.path) names the output '\(escape)', which is outside its folder")
    }
}
