// The load stage: scan every image once (hash, decode, fill the pixel cache), apply the
// bad-image policy, draw or reuse the seeded split, check the data, and record the result.
import Foundation
import MonkEngine
import MonkData
import MonkPlan
import MonkVocabulary

/// One image as the later stages see it.
public struct LoadedImage: Codable, Equatable, Sendable {
    /// Absolute path.
    public var path: String
    public var hash: String
    public var label: Int
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
        try JSONDecoder().decode(LoadedData.self, from: Data(contentsOf: url))
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
        func images(_ samples: [LoaderSample]) -> [LoadedImage] {
            samples.map { LoadedImage(path: $0.url.path, hash: $0.contentHash, label: $0.label) }
        }
        let result = LoadedData(classes: prepared.classes, train: images(prepared.train),
                                validation: images(prepared.validation), test: images(prepared.test),
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
