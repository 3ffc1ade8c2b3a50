// One experiment folder holds the outputs of the experiment's last run. A quick run with
// other settings (`--set data.limit=200 --set defaults.epochs=1`, or the spec changed and
// changed back) writes it over; the stage records of the earlier settings then no longer
// match the files. That is not damage: going back to the earlier settings said "CANNOT RUN:
// … best.safetensors is damaged …; run with --force train/sgd" and "its cached result is
// damaged" for test and compare, although nothing was damaged and nothing but a run helps.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct ReplacedOutputsTests {
    static let spec = PipelineFixture.spec(epochs: 2, experiments: "  sgd: {}\n")
    /// The same pipeline with another learning rate: another key for every train, test and
    /// compare stage, the same experiment folder.
    static let other = spec.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.02")

    /// After a completed run of other settings, the earlier settings run again, saying what
    /// changed, and give the same bytes as before; a flipped byte is still damage.
    @Test func aCompletedRunOfOtherSettingsIsNotDamage() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        #expect(!(try f.runner(Self.spec).run().failed))
        let best = f.paths("sgd").bestWeights
        let first = try Data(contentsOf: best)
        #expect(!(try f.runner(Self.other).run().failed))
        #expect(try Data(contentsOf: best) != first, "the other settings wrote the same folder")

        let back = try f.decisions(Self.spec)
        #expect(back["load"] == "cached")
        #expect(back["train/sgd"] == "runs because optimizer.sgd.lr 0.02 → 0.05", "\(back)")
        #expect(back["test/sgd"] == "runs because its input from train changed", "\(back)")
        #expect(back["compare/cmp"] == "runs because its input from test/sgd changed", "\(back)")
        #expect(!(try f.runner(Self.spec).run().failed))
        #expect(try Data(contentsOf: best) == first, "same key and seed: the same weights")
        #expect(try f.decisions(Self.spec).values.allSatisfy { $0 == "cached" })

        // One flipped byte matches no run's record: still the user's choice.
        try DamagedWorkspaceTests.flipByte(best)
        #expect(try f.decisions(Self.spec)["train/sgd"] == "CANNOT RUN: \(best.path) is damaged (its checksum is not the one recorded when train/sgd completed); run with --force train/sgd to train it again")
    }

    /// A run of other settings stopped after an epoch (Ctrl-C) left its checkpoint and
    /// history in the folder and completed nothing: its resume checkpoint names its key.
    @Test func aStoppedRunOfOtherSettingsIsNotDamage() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        #expect(!(try f.runner(Self.spec).run().failed))
        let best = f.paths("sgd").bestWeights
        let first = try Data(contentsOf: best)
        // 12 training images in batches of 4: the stop comes in the second epoch.
        #expect(throws: StoppedByUser.self) { try f.runner(Self.other, stop: StopSignal(afterBatches: 4)).run() }

        let back = try f.decisions(Self.spec)
        #expect(back["train/sgd"] == "runs because a run with other settings has written its folder since it completed", "\(back)")
        #expect(!(try f.runner(Self.spec).run().failed))
        #expect(try Data(contentsOf: best) == first)
        #expect(try f.decisions(Self.spec).values.allSatisfy { $0 == "cached" })
    }
}
