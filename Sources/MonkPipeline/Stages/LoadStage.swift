// The load stage: scan every image once (hash, decode, fill the pixel cache), apply the
// bad-image policy, draw or reuse the seeded split, check the data, and record the result.
import Foundation
import MonkEngine
import MonkData
import MonkPlan
import MonkVocabulary

/// One image as the later stages see it: where it is inside its source's folder (see
/// `DataRoots.url(of:)`), its content hash and its class.
public struct LoadedImage: Codable, Equatable, Sendable {
    /// Relative to the folder of `source`; absolute in results of older monkpipes (no `source`).
    public var path: String
    /// The plan source that lists the image; nil in results written before format 2.
    public var source: DataRole?
    public var hash: String
    public var label: Int

    public init(path: String, source: DataRole?, hash: String, label: Int) {
        self.path = path; self.source = source; self.hash = hash; self.label = label
    }
}

/// The load stage's output (`LoadPaths.loaded`).
public struct LoadedData: Codable, Equatable, Sendable {
    public var classes: [String]
    public var train: [LoadedImage]
    public var validation: [LoadedImage]
    public var test: [LoadedImage]
    /// Images left out under `on_bad_image: skip`.
    public var skipped: [BadImage]
    public var check: DataCheckReport

    public static func read(_ url: URL) throws -> LoadedData {
        try DamagedFile.decodeJSON(LoadedData.self, from: url, remedy: "run the pipeline with --force load to load the data again")
    }
}

enum LoadStage {
    /// What the load stage reads: the plan's sources and limit as they are, and the pixel
    /// cache's preprocessing.
    static func input(_ plan: Plan, policy: BadImagePolicy? = nil) -> DataPreparation.Input {
        DataPreparation.Input(train: plan.data.train, validation: plan.data.validation, test: plan.data.test,
                              preprocessing: DataPipelines(plan.data).preprocessing, onBadImage: policy ?? plan.data.onBadImage,
                              limit: plan.data.limit)
    }

    /// Runs the stage into its folder (split manifest, data check, loaded data) and returns
    /// what later stages read.
    static func run(plan: Plan, paths: LoadPaths, pixelCache: PixelCache, threads: Int, console: Console,
                    policy: BadImagePolicy? = nil) throws -> LoadedData {
        console.info("  scanning images (hash, decode, resize into the pixel cache)…")
        let prepared = try DataPreparation.prepare(input(plan, policy: policy), cache: pixelCache,
                                                   manifestURL: paths.splitManifest,
                                                   threads: threads)
        let roots = DataRoots(plan.data)
        // Validation images come from their own folder, or from the training folder's split.
        let validationRole: DataRole = roots.validation == nil ? .train : .validation
        func images(_ samples: [LoaderSample], _ role: DataRole) throws -> [LoadedImage] {
            try samples.map {
                guard let path = roots.relativePath(of: $0.url, in: role) else {
                    throw PipelineError.invalid("\($0.url.path) is not inside the \(role.rawValue) folder \(roots.root(role)?.path ?? "?")")
                }
                return LoadedImage(path: path, source: role, hash: $0.contentHash, label: $0.label)
            }
        }
        let result = LoadedData(classes: prepared.classes, train: try images(prepared.train, .train),
                                validation: try images(prepared.validation, validationRole), test: try images(prepared.test, .test),
                                skipped: prepared.skipped, check: prepared.report)
        if plan.data.limit != nil {
            console.info("  data.limit: \(result.train.count) train, \(result.validation.count) validation and \(result.test.count) test images")
        }
        guard !result.train.isEmpty else { throw PipelineError.emptySplit("training") }
        guard !result.validation.isEmpty else { throw PipelineError.emptySplit("validation") }
        try AtomicFile.write(prepared.report.render(), to: paths.dataCheck)
        try AtomicFile.writeJSON(result, to: paths.loaded)
        return result
    }
}
