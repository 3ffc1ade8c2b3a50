// Workspaces written by monkpipe 0.1.0 (stage-key format 1, whose keys and records held
// absolute paths) are carried over: nothing they trained trains again. The fixtures in
// Fixtures/format1-*/ are real: each `saved-workspace` is what the build of main at ac94a2c
// wrote for the `tiny.yaml` beside it, with this suite's fixture data (`PipelineFixture`),
// less its pixel cache, file-hash memo and plots:
//   format1-finished     `monkpipe run tiny.yaml` (one epoch) in /tmp/rl/legacy, a folder
//                        that is gone: as a project moved before upgrading;
//   format1-interrupted  the same with three epochs of batch 1, stopped with Ctrl-C at epoch 2,
//                        batch 2, in /tmp/monkpipe-format1-interrupted.
import Foundation
import Testing
@testable import MonkPipeline
import MonkEngine
import MonkReport

@Suite struct FormatOneWorkspaceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The fixture's spec, with its saved workspace copied into `f`.
    static func install(_ name: String, into f: PipelineFixture) throws -> String {
        let from = fixtures.appendingPathComponent(name)
        try FileManager.default.copyItem(at: from.appendingPathComponent("saved-workspace"), to: f.workspace)
        return try String(contentsOf: from.appendingPathComponent("tiny.yaml"), encoding: .utf8)
    }

    @Test func aFinishedWorkspaceIsCarriedOverNotRetrained() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = try Self.install("format1-finished", into: f)
        let trained = try RelocationTests.results(f)
        let formerVersion = try ExperimentState.read(f.paths("sgd").state).monkpipeVersion
        let csv = f.paths("sgd").test.appendingPathComponent("predictions.csv")
        let csvBefore = try String(contentsOf: csv, encoding: .utf8)

        let before = try f.decisions(spec)
        #expect(before.count == 4)
        for (stage, line) in before {
            #expect(line.hasPrefix("cached (recorded by an older monkpipe under key "), "\(stage): \(line)")
        }
        // Collecting the cache first keeps the older records: they are the trained work.
        let collected = try CacheCollector.collect([try f.runner(spec)], dryRun: true)
        #expect(collected.stageRecords == 0 && collected.loadResults == 0, "\(collected.summary)")

        let report = try f.runner(spec).run()
        #expect(report.stages.map(\.outcome) == [.cached, .cached, .cached, .cached])
        #expect(try f.decisions(spec) == ["load": "cached", "train/sgd": "cached", "test/sgd": "cached", "compare/cmp": "cached"])
        var now = try RelocationTests.results(f)
        // The stored predictions now name the test images inside the test folder; the rest is
        // the same bytes.
        let predictions = now.removeValue(forKey: "tiny/sgd/output/test/predictions.json")
        let stored = try JSONDecoder().decode(StoredPredictions.self, from: #require(predictions))
        #expect(stored.samples.map(\.file).allSatisfy { $0.hasPrefix("NORMAL/") || $0.hasPrefix("PNEUMONIA/") }, "\(stored.samples.map(\.file))")
        // predictions.csv too (it named "/tmp/rl/legacy/data/test/NORMAL/…"); its other columns
        // are the same text.
        #expect(try String(contentsOf: csv, encoding: .utf8) == csvBefore.replacingOccurrences(of: "/tmp/rl/legacy/data/test/", with: ""))
        var kept = trained
        kept.removeValue(forKey: "tiny/sgd/output/test/predictions.json")
        #expect(now == kept)
        let stages = try f.runner(spec).stages().stages
        let state = try ExperimentState.read(f.paths("sgd").state)
        #expect(state.stageKeys == Dictionary(uniqueKeysWithValues: stages.filter { $0.kind != .compare }.map { ($0.kind.rawValue, $0.key.hex) }))
        // The state says which monkpipe last wrote it: this one, whose keys are of another format.
        #expect(state.monkpipeVersion == MonkpipeVersion.string && state.monkpipeVersion != formerVersion, "\(state.monkpipeVersion)")
        // The new records and load result name no folder (the older ones stay until `gc`).
        let loadKey = try #require(stages.first { $0.kind == .load }?.key.hex)
        for file in stages.map({ ".cache/stages/\($0.key.hex).json" }) + [".cache/load/\(loadKey)/loaded.json"] {
            #expect(!(try String(contentsOf: f.workspace.appendingPathComponent(file), encoding: .utf8)).contains("/tmp/rl/legacy"), "\(file)")
        }
        let after = try CacheCollector.collect([try f.runner(spec)], dryRun: true)
        #expect(after.stageRecords == 4 && after.loadResults == 1, "\(after.summary)")
    }

    /// Data changed since the older run: load runs, and the reason names the file, not the
    /// data folder's path that the older key held.
    @Test func aChangedImageIsTheReasonNotTheFormerPaths() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = try Self.install("format1-finished", into: f)
        let folder = f.dataDirectory.appendingPathComponent("test/PNEUMONIA")
        let image = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
        let other = PipelineFixture.examples.appendingPathComponent("test/PNEUMONIA")
        let unused = try FileManager.default.contentsOfDirectory(atPath: other.path).filter { $0.hasSuffix(".jpeg") }.sorted()[5]
        try Data(contentsOf: other.appendingPathComponent(unused)).write(to: folder.appendingPathComponent(image))
        let d = try f.decisions(spec)
        #expect(d["load"] == "runs because data.files: test PNEUMONIA/\(image) changed")
        #expect(d["train/sgd"] == "runs because its input from load changed")
    }

    /// In the folder where it was stopped, or moved elsewhere first, the training resumes from
    /// its saved state under the new key, to the weights of an uninterrupted run of this
    /// monkpipe. (Its format-1 key held no path: the experiment reads no pretrained file.)
    @Test(arguments: [false, true])
    func anInterruptedTrainingResumesAfterTheUpgrade(moved: Bool) throws {
        let reference = try PipelineFixture()
        defer { reference.remove() }
        let spec = try String(contentsOf: Self.fixtures.appendingPathComponent("format1-interrupted/tiny.yaml"), encoding: .utf8)
        try reference.runner(spec).run()

        var f = try PipelineFixture()
        if !moved {
            let place = URL(fileURLWithPath: "/tmp/monkpipe-format1-interrupted", isDirectory: true)
            try? FileManager.default.removeItem(at: place)
            try FileManager.default.moveItem(at: f.root, to: place)
            f = PipelineFixture(root: place)
        }
        defer { f.remove() }
        _ = try Self.install("format1-interrupted", into: f)
        let saved = try SnapshotArchive.decode(TrainingState.self, from: Data(contentsOf: f.paths("sgd").resume))

        let d = try f.decisions(spec)
        #expect(d["load"]?.hasPrefix("cached (recorded by an older monkpipe under key 4b3383669b28") == true, "\(d)")
        #expect(d["train/sgd"] == "runs because it resumes from epoch 2, batch 3", "\(d)")
        #expect(!(try f.runner(spec).run()).failed)
        // The fixture's first epochs ran on the machine that wrote it (an AMD EPYC: OpenBLAS's
        // Haswell kernel and the engine's AVX2 clones). Where this machine rounds as that one did,
        // a fresh run's first epoch has the saved one's losses to the bit, and the resumed
        // training must end bit for bit where the fresh run ends. Elsewhere no run here can
        // reproduce those epochs: on an Intel Xeon with AVX-512 (2026-12-06) the fresh run's
        // weights ended up to 0.25 away from the resumed run's (largest weight 2.4), a rounding
        // difference that batch-1 SGD at lr 0.05 grows over two epochs. There the resumed run
        // must be what resuming that checkpoint gives, wherever it lies: a second copy of the
        // saved workspace, resumed in another folder, ends with the same bits.
        let fresh = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: reference.paths("sgd").historyJSON))
        let sameArithmetic = fresh.first?.trainLoss == saved.history.first?.trainLoss
            && fresh.first?.valLoss == saved.history.first?.valLoss
        var other: PipelineFixture?
        defer { other?.remove() }
        if !sameArithmetic {
            let again = try PipelineFixture()
            other = again
            _ = try Self.install("format1-interrupted", into: again)
            #expect(!(try again.runner(spec).run()).failed)
        }
        let expected = sameArithmetic ? reference : other!
        for file in ["best.safetensors", "final.safetensors"] {
            #expect(try Data(contentsOf: f.paths("sgd").models.appendingPathComponent(file))
                    == Data(contentsOf: expected.paths("sgd").models.appendingPathComponent(file)), "\(file)")
        }
        if !sameArithmetic {
            // A training that ignored the checkpoint and started again would end as the fresh run.
            #expect(try Data(contentsOf: f.paths("sgd").models.appendingPathComponent("final.safetensors"))
                    != Data(contentsOf: reference.paths("sgd").models.appendingPathComponent("final.safetensors")))
        }
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: f.paths("sgd").historyJSON))
        #expect(history.map(\.epoch) == [1, 2, 3])
        // Epoch 1 is the one the older monkpipe trained (its timing, not a new run's).
        #expect(history.first == saved.history.first)
    }
}
