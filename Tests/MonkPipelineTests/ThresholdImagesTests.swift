// `evaluate`, `infer` and `export` on an experiment whose test stage has not run choose a
// Youden threshold on its validation images now. Which images, and which files they are, is
// taken from what the cache and the data vouch for, as `run` does: not from a load result that
// names files outside the data, nor from a state whose load key is out of step with the cache.
import Foundation
import MonkData
import MonkReport
import Testing
@testable import MonkPipeline

@Suite struct ThresholdImagesTests {
    static let spec = PipelineFixture.spec(epochs: 1, experiments: "  youden:\n    evaluation: {threshold: youden, bootstrap: {samples: 20, seed: 1}}\n")

    /// `youden` trained (with the load stage), its test stage not run; `force` as `--force`.
    static func train(_ f: PipelineFixture, force: [String] = []) throws {
        let runner = PipelineRunner(plan: try f.plan(spec),
                                    options: RunOptions(force: try force.map(ForceTarget.init(parsing:)),
                                                        selection: StageSelection(kinds: [.train]), environment: [:]),
                                    console: .silent)
        #expect(!(try runner.run()).failed)
    }

    static func model(_ f: PipelineFixture) throws -> TrainedModel {
        try TrainedModel(.experiment(directory: f.paths("youden").root, checkpoint: nil), threads: 1, console: .silent)
    }

    /// The threshold `evaluate` applies, with the number of validation images it was chosen on.
    static func threshold(_ f: PipelineFixture) throws -> DecisionThreshold? {
        if case .threshold(_, let t) = try model(f).decision.rule { return t }
        return nil
    }

    static func stage(_ f: PipelineFixture, _ identity: String) throws -> PlannedStage {
        try #require(try f.runner(spec).stages().stages.first { $0.identity == identity })
    }

    static func loadedURL(_ f: PipelineFixture, key: String) -> URL {
        f.workspace.appendingPathComponent(".cache/load/\(key)/loaded.json")
    }

    /// An example image the fixture does not copy (no pixel entry has its content), at `to`.
    static func outsideImage(at to: URL) throws -> URL {
        let examples = PipelineFixture.examples.appendingPathComponent("train/NORMAL")
        let unused = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".jpeg") }.sorted()[20]
        try FileManager.default.copyItem(at: examples.appendingPathComponent(unused), to: to)
        return to
    }

    static func pixelEntries(_ f: PipelineFixture) -> Int {
        let e = FileManager.default.enumerator(atPath: f.workspace.appendingPathComponent(".cache/pixels").path)
        return (e?.allObjects as? [String])?.filter { $0.hasSuffix(".px") }.count ?? 0
    }

    /// Rewrites the first validation image of the load result at `url` as `path`, with the
    /// content hash of `file`; the image as it was.
    static func tamper(_ url: URL, path: String, hashOf file: URL) throws -> LoadedImage {
        var loaded = try LoadedData.read(url)
        let was = loaded.validation[0]
        loaded.validation[0].path = path
        loaded.validation[0].hash = try FileBytes.sha256(file)
        try JSONEncoder().encode(loaded).write(to: url)
        return was
    }

    /// What `evaluate --experiment` refuses with (nil if it reads the experiment), checking that
    /// nothing was decoded into the pixel cache on the way.
    static func refusal(_ f: PipelineFixture) -> String? {
        let pixels = pixelEntries(f)
        defer { #expect(pixelEntries(f) == pixels) }
        do { _ = try model(f); return nil } catch { return "\(error)" }
    }

    /// Before: `evaluate --experiment` decoded `<root>/outside.jpeg` into the pixel cache and
    /// chose the threshold with it among the validation images.
    @Test func aLoadResultNamingAFileOutsideTheDataIsNotRead() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try Self.train(f)
        let reference = try #require(try Self.threshold(f))
        #expect(reference.method == .youdenJOnValidation && reference.validationImages == 4)

        let outside = try Self.outsideImage(at: f.root.appendingPathComponent("outside.jpeg"))
        let url = Self.loadedURL(f, key: try Self.stage(f, "load").key.hex)
        let was = try Self.tamper(url, path: "../../outside.jpeg", hashOf: outside)
        #expect(Self.refusal(f) == """
            the load result \(url.path) does not match the data: its validation image '../../outside.jpeg' of the \
            validation source with class number \(was.label) is not one the data lists; load the data again \
            (`monkpipe run FILE --force load`) or pass --threshold
            """)
        // As the message says: loading again writes the result the data gives, and the threshold is the same.
        try Self.train(f, force: ["load"])
        #expect(try Self.threshold(f) == reference)
    }

    /// Where the data is not all where the state saw it (here its test folder is gone), which
    /// images it lists is not known; a validation image must then still name a file inside its
    /// folder. Before: `<root>/outside.jpeg` was read as above.
    @Test func withoutTheWholeDataTheImagesStayInsideTheirFolders() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try Self.train(f)
        let reference = try #require(try Self.threshold(f))
        let url = Self.loadedURL(f, key: try Self.stage(f, "load").key.hex)
        try FileManager.default.removeItem(at: f.dataDirectory.appendingPathComponent("test"))
        #expect(try Self.threshold(f) == reference)

        let outside = try Self.outsideImage(at: f.root.appendingPathComponent("outside.jpeg"))
        let was = try Self.tamper(url, path: "../../outside.jpeg", hashOf: outside)
        #expect(Self.refusal(f) == """
            the load result \(url.path) does not match the data: its validation image '../../outside.jpeg' with class \
            number \(was.label) is not inside a data folder; load the data again (`monkpipe run FILE --force load`) or \
            pass --threshold
            """)
    }

    /// A project moved and not run since: its state names the data where it was, gone, and the
    /// validation images come from the pixel cache by content, to the same threshold.
    @Test func aMovedProjectNotRunSinceChoosesTheSameThreshold() throws {
        let before = try PipelineFixture()
        try Self.train(before)
        let reference = try #require(try Self.threshold(before))
        let f = try RelocationTests.move(before)
        defer { f.remove() }
        #expect(!FileManager.default.fileExists(atPath: before.dataDirectory.path))
        #expect(try ExperimentState.read(f.paths("youden").state).data == (try before.plan(Self.spec).data))
        #expect(try Self.threshold(f) == reference)
    }

    /// The state's load key is a copy for people. Before: a state naming another load result
    /// (here of the same data, two of the four validation images) had the threshold chosen on
    /// that one's images, and without a completed training in the cache the state was believed.
    @Test func aStateOutOfStepWithTheCacheChoosesNoImages() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try Self.train(f)
        let reference = try Self.model(f).decision
        let threshold = try #require(try Self.threshold(f))
        #expect(threshold.validationImages == 4)

        var other = try LoadedData.read(Self.loadedURL(f, key: try Self.stage(f, "load").key.hex))
        other.validation = [0, 1].compactMap { label in other.validation.first { $0.label == label } }
        let otherKey = String(repeating: "e", count: 64)
        let otherURL = Self.loadedURL(f, key: otherKey)
        try FileManager.default.createDirectory(at: otherURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(other).write(to: otherURL)
        let stateURL = f.paths("youden").state
        var state = try ExperimentState.read(stateURL)
        state.stageKeys[StageKind.load.rawValue] = otherKey
        try state.write(to: stateURL)
        #expect(try Self.model(f).decision == reference)

        // Without the record of the training that wrote the weights (as when it was stopped),
        // nothing says which images chose them: no threshold is chosen, --threshold still works.
        let train = try Self.stage(f, "train/youden")
        try FileManager.default.removeItem(at: f.workspace.appendingPathComponent(".cache/stages/\(train.key.hex).json"))
        do {
            _ = try Self.model(f)
            Issue.record("evaluate chose a threshold on the images the state names")
        } catch {
            #expect("\(error)".hasSuffix("finish its training (`monkpipe run FILE --stage train`) or pass --threshold"), "\(error)")
        }
        let fixed = try TrainedModel(.experiment(directory: f.paths("youden").root, checkpoint: nil), threshold: 0.3, threads: 1, console: .silent)
        #expect(fixed.decision.threshold == 0.3)
    }
}
