// From the plan's data settings to MonkData's: the cached preprocessing and the per-sample
// train and eval pipelines.
import MonkData
import MonkPlan

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
                self[keyPath: keyPath].transforms.append(.centerCrop(size: ImageSize(d.inputSize)))
            }
        }
    }

    static func pipeline(_ list: [MonkPlan.Transform], cachedResize: Int?) -> SamplePipeline {
        var steps: [MonkData.Transform] = []
        var normalization = Normalization.identity
        var rest = list[...]
        if case .resize(let s)? = rest.first, s == cachedResize { rest = rest.dropFirst() }
        for t in rest {
            switch t {
            case .resize(let s): steps.append(.resize(size: ImageSize(s)))
            case .centerCrop(let s): steps.append(.centerCrop(size: ImageSize(s)))
            case let .randomResizedCrop(s, scale, ratio):
                steps.append(.randomResizedCrop(size: ImageSize(s), scale: .init(scale.lower, scale.upper),
                                                ratio: .init(ratio.lower, ratio.upper)))
            case let .randomCrop(s, padding): steps.append(.randomCrop(size: ImageSize(s), padding: padding))
            case .horizontalFlip(let p): steps.append(.horizontalFlip(p: p))
            case .verticalFlip(let p): steps.append(.verticalFlip(p: p))
            case .randomRotation(let deg): steps.append(.rotation(degrees: deg))
            case let .colorJitter(b, c): steps.append(.colorJitter(brightness: b, contrast: c))
            case let .gaussianBlur(sigma, p): steps.append(.gaussianBlur(sigma: .init(sigma.lower, sigma.upper), p: p))
            case let .randomGamma(gamma, p): steps.append(.gamma(.init(gamma.lower, gamma.upper), p: p))
            case let .jpegQuality(quality, p): steps.append(.jpegQuality(quality: .init(quality.lower, quality.upper), p: p))
            case let .normalize(mean, std):
                // A grayscale spec gives one mean and std: the same for the 3 equal channels.
                func three(_ v: [Double]) -> [Float] { v.count == 1 ? Array(repeating: Float(v[0]), count: 3) : v.map(Float.init) }
                normalization = Normalization(mean: three(mean), std: three(std))
            }
        }
        return SamplePipeline(transforms: steps, normalization: normalization)
    }
}
