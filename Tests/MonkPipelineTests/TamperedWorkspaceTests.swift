// A workspace edited by hand or by another tool (a CI cache restored from elsewhere) must not
// make a run read or copy files outside the workspace and the data: since stage records and
// load results name paths relative to them (key format 2), a `..` in one could lead anywhere.
// Such a record is damaged; such a load result stops the run with a sentence naming it.
import Foundation
import MonkData
import MonkEngine
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

    /// Before: `run --force test/sgd` decoded `<root>/outside.jpeg` (outside the data) into the
    /// pixel cache and listed it among the test predictions.
    @Test func aLoadResultNamingAFileOutsideTheDataStopsTheRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let predictions = try Data(contentsOf: f.paths("sgd").storedPredictions)
        // An example image the fixture does not copy, so no pixel entry has its content.
        let examples = PipelineFixture.examples.appendingPathComponent("test/NORMAL")
        let unused = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".jpeg") }.sorted()[5]
        let outside = f.root.appendingPathComponent("outside.jpeg")
        try FileManager.default.copyItem(at: examples.appendingPathComponent(unused), to: outside)

        let stages = try f.runner(Self.spec).stages().stages
        let load = try #require(stages.first { $0.kind == .load })
        let url = f.workspace.appendingPathComponent(".cache/load/\(load.key.hex)/loaded.json")
        var loaded = try LoadedData.read(url)
        // data/test/../../outside.jpeg, with its content hash and the record's checksum made to match.
        loaded.test[0].path = "../../outside.jpeg"
        loaded.test[0].hash = try FileBytes.sha256(outside)
        let bytes = try JSONEncoder().encode(loaded)
        try bytes.write(to: url)
        _ = try Self.editRecord(f, "load") { $0["outputChecksums"] = ["loaded.json": Checksum64.hex(Checksum64.of(bytes))] }
        #expect(try f.decisions(Self.spec)["load"] == "cached")

        do {
            try f.runner(Self.spec, force: ["test/sgd"]).run()
            Issue.record("the run read the tampered load result")
        } catch {
            #expect("\(error)" == "the load result \(url.path) does not match the data: its test image '../../outside.jpeg' of the test source with class number 0 is not one the data lists; run with --force load to load the data again")
        }
        #expect(try Data(contentsOf: f.paths("sgd").storedPredictions) == predictions)
        // As the message says: loading again writes the result the data gives.
        #expect(!(try f.runner(Self.spec, force: ["load"]).run().failed))
        #expect(try LoadedData.read(url).test.map(\.path).allSatisfy { !$0.hasPrefix("..") })
    }

    /// A result monkpipe wrote passes, also where its paths are not the ones the CSV lists:
    /// under `root: /`, the image "/…/data/train/NORMAL/a.jpeg" is recorded as "…/NORMAL/a.jpeg"
    /// (the first version of the check stopped every run after the first here).
    @Test func aLoadResultOfAbsoluteCSVPathsIsReadAgain() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        var rows = "ID,Label\n"
        for c in PipelineFixture.classes {
            let folder = f.dataDirectory.appendingPathComponent("train/\(c)")
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
                rows += "\(folder.appendingPathComponent(name).path),\(c)\n"
            }
        }
        try rows.write(to: f.root.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
        let spec = Self.spec.replacingOccurrences(of: "train: data/train", with: "train: {csv: labels.csv, root: /}")
        #expect(!(try f.runner(spec).run().failed))
        let again = try f.runner(spec, force: ["test/sgd"]).run()
        #expect(again.stages.map(\.outcome.isRun) == [false, false, true, false], "\(again.stages)")
    }
}

extension RunReport.Outcome {
    var isRun: Bool { if case .ran = self { return true } else { return false } }
}
