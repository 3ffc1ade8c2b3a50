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
    /// The data settings of a plan as MonkData's load-stage input.
    static func dataSpec(_ plan: Plan, policy: BadImagePolicy? = nil) throws -> MonkData.DataSpec {
        func source(_ s: MonkPlan.DatasetSource) throws -> MonkData.DatasetSource {
            switch s {
            case .folder(let path): return MonkData.DatasetSource(root: path)
            case .csv(let csv):
                guard let delimiter = csv.delimiter.first, csv.delimiter.count == 1 else {
                    throw PipelineError.invalid("CSV delimiter must be one character, got \"\(csv.delimiter)\"")
                }
                return MonkData.DatasetSource(root: csv.root, layout: .csv(file: DataSources.relativePath(of: csv.file, from: csv.root),
                                                                           delimiter: delimiter, header: true))
            }
        }
        let validation: MonkData.ValidationSource
        switch plan.data.validation {
        case .folder(let path): validation = .dataset(source: MonkData.DatasetSource(root: path))
        case .split(let s):
            validation = .split(settings: SplitSettings(validationFraction: s.fraction, seed: s.seed, groupPattern: s.groupBy,
                                                       stratified: s.stratified))
        }
        return MonkData.DataSpec(train: try source(plan.data.train), validation: validation, test: try plan.data.test.map(source),
                        preprocessing: DataPipelines(plan.data).preprocessing, onBadImage: policy ?? plan.data.onBadImage,
                        limit: plan.data.limit.map(LoadStage.limit))
    }

    /// The plan's `data.limit` as MonkData's.
    static func limit(_ l: DataLimit) -> DatasetLimit {
        switch l.amount {
        case .images(let n): return DatasetLimit(amount: .images(n), seed: l.seed)
        case .fraction(let f): return DatasetLimit(amount: .fraction(f), seed: l.seed)
        }
    }

    /// Runs the stage into its folder (split manifest, data check, loaded data) and returns
    /// what later stages read.
    static func run(plan: Plan, paths: LoadPaths, pixelCache: PixelCache, threads: Int, console: Console,
                    policy: BadImagePolicy? = nil) throws -> LoadedData {
        console.info("  scanning images (hash, decode, resize into the pixel cache)…")
        let prepared = try DataPreparation.prepare(try dataSpec(plan, policy: policy), cache: pixelCache,
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
