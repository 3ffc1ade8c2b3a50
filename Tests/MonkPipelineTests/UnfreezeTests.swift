// `unfreeze_after_epochs`: the head trains alone first (the network frozen as
// `freeze_base_network` or `freeze_layers` says), then every layer; a resumed run unfreezes
// exactly where an uninterrupted one did.
import Foundation
import MonkEngine
import MonkModels
import Testing
@testable import MonkPipeline
import MonkReport

@Suite struct UnfreezeTests {
    /// Both experiments have the same seed, so they start from the same weights and see the
    /// same batches; only `then_all` trains every layer in its second epoch.
    static let experiments = """
          frozen: {freeze_base_network: true}
          then_all: {freeze_base_network: true, unfreeze_after_epochs: 1}

        """
    static let spec = PipelineFixture.spec(epochs: 2, experiments: experiments)
    /// `then_all` alone, for the stops (12 train images, batch 4: 3 batches per epoch).
    static let alone = PipelineFixture.spec(epochs: 2, experiments: "  then_all: {freeze_base_network: true, unfreeze_after_epochs: 1}\n")

    static func history(_ f: PipelineFixture, _ name: String) throws -> [[Double]] {
        let url = f.paths(name).logs.appendingPathComponent("history.json")
        return try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: url))
            .map { [$0.learningRate, $0.trainLoss, $0.trainAccuracy, $0.valLoss, $0.valAccuracy] }
    }

    /// The final weights of `name`, tensor by tensor.
    static func weights(_ f: PipelineFixture, _ name: String) throws -> [String: [Float]] {
        let dict = try ModelCheckpoint.load(f.paths(name).finalWeights).weights
        return Dictionary(uniqueKeysWithValues: dict.entries.map { ($0.name, $0.tensor.array) })
    }

    @Test func theFirstEpochTrainsTheHeadAloneThenEveryLayerTrains() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let report = try f.runner(Self.spec).run()
        #expect(!report.failed)
        let frozen = try Self.history(f, "frozen"), thenAll = try Self.history(f, "then_all")
        // Epoch 1 is the same training in both: every number of its record is equal.
        #expect(frozen.count == 2 && thenAll.count == 2)
        #expect(frozen.first == thenAll.first)
        // Epoch 2 trains the whole network in one of them only.
        #expect(frozen.last?[1] != thenAll.last?[1])

        // `frozen` keeps the initial base weights (its head alone moved); `then_all` changed
        // every tensor of the base in its second epoch.
        var rng = RNG(seed: 1)
        let head = Set(Architecture.tiny_cnn.build(numClasses: 2, rng: &rng).headParameterNames)
        let a = try Self.weights(f, "frozen"), b = try Self.weights(f, "then_all")
        let base = a.keys.filter { !head.contains($0) && !$0.contains("running") && !$0.contains("num_batches") }
        #expect(!base.isEmpty)
        for name in base { #expect(a[name] != b[name], "\(name) did not train after unfreezing") }
    }

    /// Stops in the frozen epoch, at the boundary, and in the unfrozen epoch, each resumed to
    /// the end: the final weights are byte for byte those of the uninterrupted run.
    @Test(arguments: [2, 3, 4])
    func aResumedRunUnfreezesWhereTheUninterruptedOneDid(after batches: Int) throws {
        let reference = try PipelineFixture()
        defer { reference.remove() }
        try reference.runner(Self.alone).run()
        let f = try PipelineFixture()
        defer { f.remove() }
        #expect(throws: StoppedByUser.self) { try f.runner(Self.alone, stop: StopSignal(afterBatches: batches)).run() }
        #expect(!(try f.runner(Self.alone).run()).failed)
        #expect(try Data(contentsOf: f.paths("then_all").finalWeights) == Data(contentsOf: reference.paths("then_all").finalWeights))
        #expect(try Self.history(f, "then_all") == Self.history(reference, "then_all"))
    }
}
