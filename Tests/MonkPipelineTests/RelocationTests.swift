// A project moved (spec, data and workspace together), or restored into a checkout at another
// path, keeps its cache: stage keys and the results later stages read hold no absolute path.
// A workspace of an older monkpipe (key format 1, absolute paths) is carried over, not retrained.
import Foundation
import Testing
@testable import MonkPipeline
import MonkReport

@Suite struct RelocationTests {
    static let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")

    /// The fixture's whole folder moved to a new temporary path.
    static func move(_ f: PipelineFixture) throws -> PipelineFixture {
        let to = f.root.deletingLastPathComponent().appendingPathComponent("monkpipe-moved-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.moveItem(at: f.root, to: to)
        return PipelineFixture(root: to)
    }

    /// The bytes of every result a user or a later stage reads, by path in the workspace.
    static func results(_ f: PipelineFixture) throws -> [String: Data] {
        let files = ["tiny/sgd/output/models/best.safetensors", "tiny/sgd/output/models/final.safetensors",
                     "tiny/sgd/output/logs/history.json", "tiny/sgd/output/test/metrics.json",
                     "tiny/sgd/output/test/predictions.json", "comparison/cmp/comparison.csv"]
        return try Dictionary(uniqueKeysWithValues: files.map { ($0, try Data(contentsOf: f.workspace.appendingPathComponent($0))) })
    }

    /// Files under the workspace's cache and experiment outputs that name `path`.
    static func filesNaming(_ path: String, in f: PipelineFixture) -> [String] {
        var found: [String] = []
        let e = FileManager.default.enumerator(at: f.workspace, includingPropertiesForKeys: nil)
        while let url = e?.nextObject() as? URL {
            let rel = String(url.path.dropFirst(f.workspace.path.count + 1))
            // The hash memo is keyed by path (a speed-up only).
            guard !rel.hasPrefix(".cache/pixels"), rel != ".cache/file-hashes.json",
                  let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if text.contains(path) { found.append(rel) }
        }
        return found
    }

    @Test func aMovedProjectIsCachedWithTheSameKeysAndResults() throws {
        let before = try PipelineFixture()
        try before.runner(Self.spec).run()
        let keys = try before.runner(Self.spec).stages().stages.map(\.key)
        let results = try Self.results(before)
        let f = try Self.move(before)
        defer { f.remove() }

        #expect(try f.runner(Self.spec).stages().stages.map(\.key) == keys)
        #expect(try f.decisions(Self.spec) == ["load": "cached", "train/sgd": "cached", "test/sgd": "cached", "compare/cmp": "cached"])
        let report = try f.runner(Self.spec).run()
        #expect(report.stages.map(\.outcome) == [.cached, .cached, .cached, .cached])
        #expect(try Self.results(f) == results)
        // Nothing a stage reads names the old place (load result, records, stored predictions),
        // and the run, all cached, left the experiment's state naming the data where it is now
        // (before, it named the folders of the first run).
        #expect(Self.filesNaming(before.root.path, in: f) == [])
        #expect(try ExperimentState.read(f.paths("sgd").state).data == (try f.plan(Self.spec).data))

        // `evaluate --experiment` knows its test folder where it now is, and agrees with the test stage.
        let model = try TrainedModel(.experiment(directory: f.paths("sgd").root, checkpoint: nil), threads: 1, console: .silent)
        let testFolder = f.dataDirectory.appendingPathComponent("test").path
        #expect(ExperimentInference.names(model, folder: testFolder).heading.hasPrefix("Test metrics (the experiment's test set"))
        let evaluation = try ExperimentInference.evaluate(model, data: URL(fileURLWithPath: testFolder), console: .silent)
        #expect(evaluation.metrics.accuracy.value == (try ExperimentState.read(f.paths("sgd").state).test?.accuracy))
    }

    /// Renamed and moved at once: the renamed experiment takes over the old one's outputs, and
    /// its state names the data where it is now, not where the first run found it.
    @Test func aRenamedExperimentInAMovedProjectNamesTheDataWhereItIs() throws {
        let before = try PipelineFixture()
        try before.runner(Self.spec).run()
        let f = try Self.move(before)
        defer { f.remove() }
        let renamed = Self.spec.replacingOccurrences(of: "  sgd: {}\n", with: "  sgd_renamed: {}\n")
        #expect(try f.decisions(renamed)["train/sgd_renamed"]?.hasPrefix("cached (outputs copied from") == true)
        #expect(!(try f.runner(renamed).run()).failed)
        let state = try ExperimentState.read(f.paths("sgd_renamed").state)
        #expect(state.experiment == "sgd_renamed")
        #expect(state.data == (try f.plan(renamed).data))
        #expect(Self.filesNaming(before.root.path, in: f).filter { $0.contains("sgd_renamed") } == [])
    }

    @Test func anInterruptedTrainingMovedResumesFromItsCheckpoint() throws {
        let reference = try ResumeTests.reference.get()
        let before = try PipelineFixture()
        // 4 batches: epoch 2, batch 2 of 3 batches per epoch.
        #expect(throws: StoppedByUser.self) { try before.runner(ResumeTests.spec, stop: StopSignal(afterBatches: 4)).run() }
        let f = try Self.move(before)
        defer { f.remove() }
        #expect(try f.decisions(ResumeTests.spec)["train/sgd"] == "runs because it resumes from epoch 2, batch 2")
        #expect(throws: StoppedByUser.self) { try f.runner(ResumeTests.spec, stop: StopSignal(afterBatches: 1)).run() }
        #expect(try ResumeTests.savedPosition(f) == [1, 2])
        #expect(!(try f.runner(ResumeTests.spec).run()).failed)
        #expect(try ResumeTests.outcome(f) == reference)
    }

    /// A finished run moved elsewhere, with its first NORMAL training image there.
    static func movedAfterARun() throws -> (f: PipelineFixture, folder: URL, image: String) {
        let before = try PipelineFixture()
        try before.runner(spec).run()
        let f = try move(before)
        let folder = f.dataDirectory.appendingPathComponent("train/NORMAL")
        return (f, folder, try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0])
    }

    @Test func changedBytesAfterAMoveStillRerunLoad() throws {
        let (f, folder, image) = try Self.movedAfterARun()
        defer { f.remove() }
        // Another example image's bytes under the same name (one the fixture does not use).
        let other = PipelineFixture.examples.appendingPathComponent("train/NORMAL")
        let unused = try FileManager.default.contentsOfDirectory(atPath: other.path).filter { $0.hasSuffix(".jpeg") }.sorted()[10]
        try Data(contentsOf: other.appendingPathComponent(unused)).write(to: folder.appendingPathComponent(image))
        let d = try f.decisions(Self.spec)
        #expect(d["load"] == "runs because data.files: train NORMAL/\(image) changed")
        #expect(d["train/sgd"] == "runs because its input from load changed")
    }

    /// A file name is data: it orders the images, names the split's groups (`group_by`) and
    /// the reports' rows. Renaming one (same bytes) reruns load and what reads it.
    @Test func aRenamedImageRerunsLoadAndWhatReadsIt() throws {
        let (f, folder, image) = try Self.movedAfterARun()
        defer { f.remove() }
        try FileManager.default.moveItem(at: folder.appendingPathComponent(image), to: folder.appendingPathComponent("r.jpeg"))
        let d = try f.decisions(Self.spec)
        #expect(d["load"] == "runs because data.files: train NORMAL/r.jpeg added, train NORMAL/\(image) removed")
        #expect(d["train/sgd"] == "runs because its input from load changed")
    }
}
