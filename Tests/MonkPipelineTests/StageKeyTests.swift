// Stage keys are stable (a pinned golden value), order-independent, and name what changed.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct StageKeyTests {
    struct Opt: Codable { var lr: Double; var momentum: Double }

    func sample() -> StageInputs {
        var s = StageInputs()
        s.add("optimizer", Opt(lr: 0.01, momentum: 0.9))
        s.add("epochs", 5)
        s.add("upstream load", digest: String(repeating: "a", count: 64))
        return s
    }

    /// Pinned: any change to the canonical form (or to SHA-256) changes every key in every
    /// user's cache, so it must be deliberate — bump MonkpipeVersion.format with it.
    /// Value produced by this implementation on 2026-11-27 and cross-checked with
    /// `printf 'monkpipe-stage v1\nkind=train\nepochs=%s\noptimizer=%s\nupstream load=%s\n' \
    ///   $(printf 5 | sha256sum | cut -c1-64) \
    ///   $(printf '{"lr":0.01,"momentum":0.9}' | sha256sum | cut -c1-64) \
    ///   $(printf 'a%.0s' {1..64}) | sha256sum`.
    @Test func goldenKey() {
        let key = StageKey(kind: .train, inputs: sample(), format: 1)
        #expect(key.hex == "a6ee4add29b53df09e5940883930fd2d206477e92064fe470a87bb201ffacb7d")
    }

    @Test func insertionOrderDoesNotMatter() {
        var a = StageInputs()
        a.add("upstream load", digest: String(repeating: "a", count: 64))
        a.add("epochs", 5)
        a.add("optimizer", Opt(lr: 0.01, momentum: 0.9))
        #expect(StageKey(kind: .train, inputs: a) == StageKey(kind: .train, inputs: sample()))
    }

    @Test func jsonKeyOrderOfAValueDoesNotMatter() {
        // Two types with the same fields declared in a different order encode identically.
        struct OptReordered: Codable { var momentum: Double; var lr: Double }
        #expect(StageInputs.digest(of: Opt(lr: 0.01, momentum: 0.9))
                == StageInputs.digest(of: OptReordered(momentum: 0.9, lr: 0.01)))
    }

    @Test func changesNameExactlyTheDifferingInputs() {
        var b = sample()
        b.add("epochs", 6)
        b.add("loss", "balanced")
        #expect(b.changes(since: sample()) == ["epochs", "loss"])
        #expect(sample().changes(since: sample()).isEmpty)
        #expect(StageKey(kind: .train, inputs: b) != StageKey(kind: .train, inputs: sample()))
        #expect(StageKey(kind: .test, inputs: sample()) != StageKey(kind: .train, inputs: sample()))
    }
}

/// The keys of a whole plan, pinned: a change to how plan values reach keys changes every
/// user's cache, so it must be deliberate and noted.
@Suite struct PlanKeyGoldenTests {
    static let spec = """
        project: golden
        seed: 3
        data:
          train: data/train
          test: data/test
          val: {fraction: 0.25, group_by: '^(p\\\\d+)'}
          input_size: 32
          batch_size: 8
          color: grayscale
          train_transforms: [{random_resized_crop: {scale: [0.5, 1.0]}}, horizontal_flip, {normalize: {mean: [0.5], std: [0.25]}}]
          eval_transforms: [resize, {normalize: {mean: [0.5], std: [0.25]}}]
        defaults:
          model: tiny_cnn
          pretrained: false
          epochs: 2
          optimizer: {type: adamw, lr: 0.002}
          lr_schedule: {type: cosine, warmup_epochs: 1}
          loss: {type: cross_entropy, class_weights: balanced, label_smoothing: 0.1}
          early_stopping: {patience: 1}
          evaluation: {threshold: youden, bootstrap: {samples: 50}}
        experiments:
          a: {}
          b: {model: resnet18_v1, pretrained: w.pth, freeze_layers: 2, optimizer: {type: sgd, nesterov: true}}
        comparison: {name: cmp}

        """

    static func keys(at folder: String = "/project") throws -> [String: String] {
        let plan = try PlanLoader.plan(text: spec, specDirectory: folder)
        let external = ExternalDigests(dataFiles: String(repeating: "d", count: 64),
                                       weights: ["\(folder)/w.pth": String(repeating: "e", count: 64)])
        return Dictionary(uniqueKeysWithValues: StageGraph.build(plan, external: external).map { ($0.identity, $0.key.hex) })
    }

    /// Produced by this implementation on 2026-12-06 (keys from the typed plan values, issue
    /// 15). They changed once then: the keys of the same plan computed from StageGraph's former
    /// hand-written field list (main at 7aa3429) were
    ///     load        21721243e1dd60167bba209270af14ea02cabc89da54278048a16908117630fb
    ///     train/a     0ade2e9f04a94cd4920462bf73dd74c48ac2c4ebd836d084f3c48ccb354f7554
    ///     train/b     f7d3130b470c438bca01f8c7d4d4204d07fedf7b223d0275a2551c0d0a182747
    ///     test/a      10b9db600a58346177ab6c68c10c1343d3bb7bc1070082c4c20a47357f002ab5
    ///     test/b      8c137303ddb4a4529f54f18bcf6d1b45cb7c489547dc3ea3b1d48c6c946f681c
    ///     compare/cmp eefd707a271fd4fcbfe8c74770c04e56a891a002b0c89ee044487d431a34273c
    /// (load now has data.preprocessing, the pixel cache's decoding, in place of input_size and
    /// color alone; the names of its inputs follow the plan's properties). The same day, before
    /// any release, the train keys (and so test and compare) took in `best_metric` (issue 11
    /// item 7: the best checkpoint's metric, val_loss by default where it was val_accuracy).
    /// Format 2 (same day, after the first release's workspaces existed) left the paths out
    /// (data folders and the pretrained file enter by content only, so a moved project keeps
    /// its keys); the format-1 keys of this plan, which `LegacyRecords` still recognises, were
    ///     load        07c7dc9154ec1f387030467079612906b9aae498b4363d5f988f75cac7e76e76
    ///     train/a     e97e77197cb9511a1161fb2a92e740fdc6aaa94d81e8dce9d85d4476d8a2c0ba
    ///     train/b     5ee2aee1ddf3c8e7a7b428437e4feb389ea3c8c02d6ff0f63d438428077405bb
    ///     test/a      4e87cacba52acc9b491da62ef3c73332b7a89517e47369b3782ca538ddf5919b
    ///     test/b      a9c538e0f9c49ad56cd64ba34104a3ac01575c1e8ed5cb3ee078e6c63f0809a0
    ///     compare/cmp e5e3609eb4894eb6be8da567fc0381e10180ac9555605d49a3624dff34e12ca7
    @Test func goldenPlanKeys() throws {
        let actual = try Self.keys()
        #expect(actual == [
            "load": "adfb73663b61cb52d9a3d99c2b72aca9fa1c588b3cf1212f061b4a5b690afd34",
            "train/a": "b1fe1e1cf08f45429b69a40e9c43541c91aeeafd06764d077948b8f2960694d6",
            "train/b": "85f1dd053fa526713b0d9339e3d200cacbf9e4d7957f44bff55e4a21ae8b326d",
            "test/a": "4646e49275e43abb14946ec70a90b7995665f1c1456103a1d082ac97f24cd4db",
            "test/b": "e60a2090cafe0041df1fc91a14528733040f6e5d3e22f2734bc321077414d943",
            "compare/cmp": "f3b4a50bf9d4ef912d802b24c9fd1f7a99bf72a1cc78c1d26779c53cb6ecaab8",
        ], "\(actual.sorted { $0.key < $1.key })")
    }

    /// The same spec, data and weights in another folder: every key is the same.
    @Test func keysDoNotDependOnWhereTheProjectIs() throws {
        #expect(try Self.keys(at: "/home/someone/checkout/deeper") == Self.keys())
    }

    /// The format-1 keys are still computed exactly (`formerLocations` holds the digests the
    /// paths had): with them in place of the path-free inputs, the keys pinned above return.
    @Test func formerKeysAreReproducedFromTheFormerLocations() throws {
        let plan = try PlanLoader.plan(text: Self.spec, specDirectory: "/project")
        let external = ExternalDigests(dataFiles: String(repeating: "d", count: 64),
                                       weights: ["/project/w.pth": String(repeating: "e", count: 64)])
        let stages = StageGraph.build(plan, external: external)
        var former: [String: StageKey] = [:]
        for s in stages {
            var inputs = s.inputs
            for (name, digest) in s.formerLocations { inputs.add(name, digest: digest) }
            for name in inputs.digests.keys where name.hasPrefix("upstream ") {
                let id = String(name.dropFirst(9))
                inputs.add(name, digest: (former[id] ?? former["\(id)/\(s.experiment ?? "")"])!.hex)
            }
            former[s.identity] = StageKey(kind: s.kind, inputs: inputs, format: 1)
        }
        #expect(Set(stages.first { $0.kind == .load }!.formerLocations.keys) == ["data.train", "data.test"])
        #expect(Set(stages.first { $0.identity == "train/b" }!.formerLocations.keys) == ["pretrained"])
        #expect(former["load"]?.hex == "07c7dc9154ec1f387030467079612906b9aae498b4363d5f988f75cac7e76e76")
        #expect(former["train/b"]?.hex == "5ee2aee1ddf3c8e7a7b428437e4feb389ea3c8c02d6ff0f63d438428077405bb")
        #expect(former["compare/cmp"]?.hex == "e5e3609eb4894eb6be8da567fc0381e10180ac9555605d49a3624dff34e12ca7")
    }
}
