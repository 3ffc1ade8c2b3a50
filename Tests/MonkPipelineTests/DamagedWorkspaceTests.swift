// What the workspace reuses is checked before it is reused (issue 13, items 9-11): a stage
// record that does not decode or an output whose checksum changed is never "cached", and a
// training run whose loss stops being a number stops, saying where, and keeps no such weights.
import Foundation
import MonkEngine
import Testing
@testable import MonkPipeline

@Suite struct DamagedWorkspaceTests {
    static let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")

    /// Flips one bit in the middle of `url`.
    static func flipByte(_ url: URL) throws {
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: url)
    }

    /// The record file of the stage `identity` in the last run.
    static func recordURL(_ f: PipelineFixture, _ identity: String) throws -> URL {
        let r = try f.runner(spec)
        let stage = try #require(try r.stages().stages.first { $0.identity == identity })
        return StageCache(workspace: f.workspace).recordURL(stage.key)
    }

    /// A truncated `loaded.json` (what a full disk or a killed copy leaves) made every later
    /// stage fail with "DecodingError.dataCorrupted … not valid JSON" naming no file.
    @Test func aDamagedLoadOutputIsNamedAndRecomputed() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let loadDir = try #require(try FileManager.default.contentsOfDirectory(
            at: f.workspace.appendingPathComponent(".cache/load"), includingPropertiesForKeys: nil).first)
        let loaded = loadDir.appendingPathComponent("loaded.json")
        let bytes = try Data(contentsOf: loaded)
        try bytes.prefix(bytes.count / 2).write(to: loaded)
        // The load stage's identity is plain "load".
        let load = try #require(try f.decisions(Self.spec)["load"])
        #expect(load == "runs because its cached result is damaged: \(loaded.path) is damaged (its checksum is not the one recorded when load completed)")
        // Later stages stay cached (their keys did not change); load is redone and decodes.
        #expect(try f.decisions(Self.spec)["train/sgd"] == "cached")
        let report = try f.runner(Self.spec).run()
        #expect(!report.failed)
        #expect(try Data(contentsOf: loaded) == bytes, "the load stage wrote the same result again")
        #expect(try f.decisions(Self.spec).values.allSatisfy { $0 == "cached" })
    }

    /// A stage record that is not a record (`[]`, or cut short) is not a cache hit.
    @Test func aRecordThatDoesNotDecodeIsNotCached() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let record = try Self.recordURL(f, "test/sgd")
        try Data("[]".utf8).write(to: record)
        #expect(try f.decisions(Self.spec)["test/sgd"] == "runs because its cached result is damaged: the stage record \(record.path) does not decode")
        #expect(!(try f.runner(Self.spec).run().failed))
        #expect(try f.decisions(Self.spec)["test/sgd"] == "cached")
    }

    /// One flipped byte in `best.safetensors` was tested and reported as cached. Training
    /// again may take hours, so the stage cannot run until the user chooses `--force`.
    @Test func aDamagedCheckpointNeedsTheUsersChoice() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.spec).run()
        let best = f.paths("sgd").bestWeights
        let good = try Data(contentsOf: best)
        try Self.flipByte(best)
        let decisions = try f.decisions(Self.spec)
        #expect(decisions["train/sgd"] == "CANNOT RUN: \(best.path) is damaged (its checksum is not the one recorded when train/sgd completed); run with --force train/sgd to train it again")
        let refused = try f.runner(Self.spec).run()
        #expect(refused.stages.contains { $0.identity == "train/sgd" && $0.outcome != .cached })
        #expect(try Data(contentsOf: best) != good, "nothing was rewritten behind the user's back")
        #expect(!(try f.runner(Self.spec, force: ["train/sgd"]).run().failed))
        // Same key and seed: training again gives the same bytes back.
        #expect(try Data(contentsOf: best) == good)
    }

    /// `lr: 1e38` used to end in "EncodingError.invalidValue: -nan (Double). Path:
    /// history[0].trainLoss" with a NaN best.safetensors left behind. Here `lr: 1e300`, which
    /// is infinite as the engine's Float: the first batch's loss is finite (the initial
    /// weights), its step makes weights infinite or NaN, so the second batch's loss is not a
    /// number, whatever the gradients were.
    @Test func divergingTrainingStopsAndKeepsNoWeights() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = Self.spec.replacingOccurrences(of: "lr: 0.05", with: "lr: 1e300")
        let report = try f.runner(spec).run()
        let outcome = report.stages.first { $0.identity == "train/sgd" }?.outcome
        guard case .failed(let why)? = outcome else { Issue.record("train/sgd: \(String(describing: outcome))"); return }
        #expect(why.hasPrefix("training diverged: the training loss became "), "\(why)")
        #expect(why.contains(" at epoch 1, batch 2 (the last finite loss was "), "\(why)")
        #expect(why.hasSuffix("lower the learning rate or check the data; no checkpoint of the diverged weights was kept"), "\(why)")
        #expect(!FileManager.default.fileExists(atPath: f.paths("sgd").bestWeights.path))
        #expect(!FileManager.default.fileExists(atPath: f.paths("sgd").finalWeights.path))
        #expect(try ExperimentState.read(f.paths("sgd").state).status == .failed)
    }

    /// `class_weights` of the wrong length validated and planned, and failed when training
    /// started; `plan` now names it from the class folders (issue 13, item 12).
    @Test func classWeightsOfTheWrongLengthCannotRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = Self.spec.replacingOccurrences(of: "  sgd: {}\n", with: "  sgd: {loss: {type: cross_entropy, class_weights: [1, 2, 3]}}\n")
        let decisions = try f.decisions(spec)
        #expect(decisions["train/sgd"] == "CANNOT RUN: loss.class_weights has 3 values but the training data has 2 classes (NORMAL, PNEUMONIA); give one weight per class, in that order")
        #expect(try f.decisions(spec.replacingOccurrences(of: "[1, 2, 3]", with: "[1, 2]"))["train/sgd"] == "runs because it has not run before")
    }
}
