// From the plan's data settings to the loader's: the cached preprocessing and the per-sample
// train and eval pipelines (the transforms themselves are the plan's, unchanged).
import MonkData
import MonkPlan
import MonkVocabulary

/// How a plan's transform lists are split between the pixel cache and the per-epoch work.
///
/// The pixel cache holds every image decoded and resized once, to a size shared by train
/// and eval: the size of the first `resize` found in the train list (else the eval list),
/// else the input size enlarged by 8/7 on the shorter side (256 for 224, as torchvision's
/// evaluation recipe), so random crops still have pixels to choose from. A leading `resize`
/// of exactly that size is then done by the cache and dropped from the per-epoch list.
public struct DataPipelines: Sendable, Equatable {
    public var preprocessing: Preprocessing
    public var train: SamplePipeline
    public var eval: SamplePipeline

    public init(_ d: DataPlan) {
        let firstResize = (d.trainTransforms + d.evalTransforms).lazy.compactMap { t -> Int? in
            if case .resize(let s) = t { return s }
            return nil
        }.first
        let resize: Preprocessing.Resize = firstResize.map { .exact(size: ImageSize($0)) }
            ?? .shorterSide(side: (d.inputSize * 8 + 6) / 7)
        preprocessing = Preprocessing(resize: resize)
        train = DataPipelines.pipeline(d.trainTransforms, cachedResize: firstResize)
        eval = DataPipelines.pipeline(d.evalTransforms, cachedResize: firstResize)
        if d.color == .grayscale {
            // Networks take 3 channels: luma goes into all three, before any other step.
            train.transforms.insert(.grayscale, at: 0)
            eval.transforms.insert(.grayscale, at: 0)
        }
        // Without any size-fixing step, end with a centre crop to the input size so every
        // image of a batch has the same size.
        for keyPath in [\DataPipelines.train, \DataPipelines.eval] {
            if self[keyPath: keyPath].outputSize(after: preprocessing) == nil {
                self[keyPath: keyPath].transforms.append(.centerCrop(size: d.inputSize))
            }
        }
    }

    /// The steps after the cached resize; the last `normalize` becomes the pipeline's
    /// normalisation, which the loader applies as it fills the batch.
    static func pipeline(_ list: [Transform], cachedResize: Int?) -> SamplePipeline {
        var rest = list[...]
        if case .resize(let s)? = rest.first, s == cachedResize { rest = rest.dropFirst() }
        var normalization = Normalization.identity
        for case let .normalize(mean, std) in rest { normalization = .expanding(mean: mean, std: std) }
        return SamplePipeline(transforms: rest.filter { if case .normalize = $0 { false } else { true } },
                              normalization: normalization)
    }
}
