// A tiny pipeline in a temporary folder (a dozen chest X-ray JPEGs copied from examples/,
// tiny_cnn at 16×16) shared by the cache, resume and lock tests, and a check of the fixture.
import Foundation
import Testing
@testable import MonkPipeline

/// A temporary project: `data/{train,val,test}/{NORMAL,PNEUMONIA}` and a spec writer.
struct PipelineFixture {
    let root: URL
    var dataDirectory: URL { root.appendingPathComponent("data", isDirectory: true) }
    var workspace: URL { root.appendingPathComponent("workspace", isDirectory: true) }

    /// The repository's example images (found from this file's location).
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/chest_xray_small", isDirectory: true)

    static let classes = ["NORMAL", "PNEUMONIA"]
    /// Images per class copied into each split: 12 train, 4 validation, 4 test in all.
    static let perClass = ["train": 6, "val": 2, "test": 2]

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("monkpipe-pipetests-\(UUID().uuidString)", isDirectory: true)
        let fm = FileManager.default
        for (split, count) in Self.perClass {
            for c in Self.classes {
                let from = Self.examples.appendingPathComponent("\(split == "val" ? "train" : split)/\(c)")
                // Validation images come from the end of the train list, so they never
                // duplicate the training images.
                var names = try fm.contentsOfDirectory(atPath: from.path).filter { $0.hasSuffix(".jpeg") }.sorted()
                if split == "val" { names.reverse() }
                let to = dataDirectory.appendingPathComponent("\(split)/\(c)", isDirectory: true)
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
                for n in names.prefix(count) {
                    try fm.copyItem(at: from.appendingPathComponent(n), to: to.appendingPathComponent(n))
                }
            }
        }
    }

    /// A fixture already on disk at `root` (a project moved there).
    init(root: URL) { self.root = root }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The spec text; `experiments` is the YAML block under `experiments:`.
    static func spec(epochs: Int = 2, experiments: String = "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.002}\n") -> String {
        """
        # tiny pipeline for the MonkPipeline tests
        project: tiny
        seed: 7
        data:
          train: data/train
          val: data/val
          test: data/test
          input_size: 16
          batch_size: 4
          train_transforms:
            - resize
            - horizontal_flip
            - normalize: {mean: [0.5], std: [0.25]}
          eval_transforms:
            - resize
            - normalize: {mean: [0.5], std: [0.25]}
        defaults:
          model: tiny_cnn
          pretrained: false
          epochs: \(epochs)
          optimizer: {type: sgd, lr: 0.05, momentum: 0.9}
        experiments:
        \(experiments)comparison:
          name: cmp

        """
    }

    func plan(_ text: String) throws -> Plan {
        try PlanLoader.plan(text: text, specDirectory: root.path)
    }

    /// `selection` as `--stage`/`--experiment` give it (everything by default).
    func runner(_ text: String, force: [String] = [], selection: StageSelection = .everything,
                stop: StopSignal = StopSignal()) throws -> PipelineRunner {
        PipelineRunner(plan: try plan(text), options: RunOptions(force: try force.map(ForceTarget.init(parsing:)), selection: selection,
                                                                 environment: [:]),
                       console: .silent, stop: stop)
    }

    /// The decision lines of every stage, by identity ("train/sgd" → "cached").
    func decisions(_ text: String, force: [String] = []) throws -> [String: String] {
        let r = try runner(text, force: force)
        var out: [String: String] = [:]
        for d in r.decisions(try r.stages().stages) {
            out[d.stage.identity] = d.line.dropFirst(d.stage.identity.count).trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    func paths(_ experiment: String, project: String = "tiny") -> ExperimentPaths {
        ExperimentPaths(workspace: workspace, project: project, experiment: experiment)
    }
}

@Suite struct PipelineFixtureTests {
    /// The fixture holds what its comments promise, and the spec plans into five stages per
    /// two experiments (load, 2 × train + test, compare) whose keys are all distinct.
    @Test func fixtureHasTheImagesAndStagesItPromises() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        for (split, count) in PipelineFixture.perClass {
            for c in PipelineFixture.classes {
                let dir = f.dataDirectory.appendingPathComponent("\(split)/\(c)").path
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == count)
            }
        }
        let train = Set(try FileManager.default.contentsOfDirectory(atPath: f.dataDirectory.appendingPathComponent("train/NORMAL").path))
        let val = Set(try FileManager.default.contentsOfDirectory(atPath: f.dataDirectory.appendingPathComponent("val/NORMAL").path))
        #expect(train.isDisjoint(with: val))
        let stages = try f.runner(PipelineFixture.spec()).stages().stages
        #expect(stages.map(\.identity) == ["load", "train/adam", "test/adam", "train/sgd", "test/sgd", "compare/cmp"])
        #expect(Set(stages.map(\.key)).count == 6)
    }
}
