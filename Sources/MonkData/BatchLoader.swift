// Batches of network input: images decoded (or read from the pixel cache) and transformed in
// parallel, a bounded number of batches ahead of training, as NHWC float tensors.
import Foundation
import MonkEngine
import MonkVocabulary

/// One image to load: where it is, its content hash (from the scan), its class, and its index
/// in the dataset (which, with the epoch and the seed, picks its augmentation).
public struct LoaderSample: Sendable, Hashable {
    public var url: URL
    public var contentHash: String
    public var label: Int
    public var index: Int
    public init(url: URL, contentHash: String, label: Int, index: Int) {
        self.url = url; self.contentHash = contentHash; self.label = label; self.index = index
    }
}

/// How batches are cut and how much work runs ahead.
public struct LoaderSettings: Codable, Hashable, Sendable {
    public var batchSize: Int
    /// Visit images in a seeded random order that changes every epoch (training).
    public var shuffle: Bool
    /// Drop a last batch smaller than `batchSize`.
    public var dropLast: Bool
    /// Threads that decode and transform the images of a batch.
    public var threads: Int
    /// Batches prepared ahead of the consumer (the bound of the queue).
    public var prefetch: Int

    public init(batchSize: Int, shuffle: Bool, dropLast: Bool = false, threads: Int = 2, prefetch: Int = 2) {
        precondition(batchSize > 0 && threads > 0 && prefetch > 0)
        self.batchSize = batchSize; self.shuffle = shuffle; self.dropLast = dropLast; self.threads = threads; self.prefetch = prefetch
    }
}

/// A batch: `images` is [N, H, W, 3] float32, normalised; `labels[i]` and `indices[i]` (dataset
/// index) describe image i.
public struct Batch: @unchecked Sendable {
    public let images: Tensor
    public let labels: [Int]
    public let indices: [Int]
}

public enum LoaderError: Error, Equatable, Sendable, CustomStringConvertible {
    case undeterminedSize
    case invalidSettings(String)
    case sizeMismatch(path: String, got: ImageSize, expected: ImageSize)
    case image(path: String, ImageDecodeError)

    public var description: String {
        switch self {
        case .undeterminedSize:
            return "the transforms do not fix the image size; end the pipeline with a crop or an exact resize, or resize to an exact size in preprocessing"
        case .invalidSettings(let why): return "invalid data loading settings: \(why)"
        case let .sizeMismatch(path, got, expected): return "\(path): transformed to \(got), the batch needs \(expected)"
        case let .image(path, e): return "\(path): \(e)"
        }
    }
}

/// Makes the batches of every epoch. Deterministic: batch b of epoch e is the same tensor for
/// the same seed whatever the thread count or timing.
public final class BatchLoader: Sendable {
    public let samples: [LoaderSample]
    public let preprocessing: Preprocessing
    public let pipeline: SamplePipeline
    public let seed: AugmentationSeed
    public let settings: LoaderSettings
    /// The size of every image in a batch.
    public let imageSize: ImageSize
    let cache: PixelCache?

    /// `cache` nil decodes every image every time (use the cache for training).
    public init(samples: [LoaderSample], preprocessing: Preprocessing, pipeline: SamplePipeline, seed: AugmentationSeed,
                settings: LoaderSettings, cache: PixelCache?) throws(LoaderError) {
        // Decoded configurations bypass the initialisers' preconditions, so check here.
        if let why = settings.problem ?? pipeline.problem ?? preprocessing.problem { throw .invalidSettings(why) }
        guard let size = pipeline.outputSize(after: preprocessing) else { throw .undeterminedSize }
        self.samples = samples; self.preprocessing = preprocessing; self.pipeline = pipeline
        self.seed = seed; self.settings = settings; self.cache = cache; self.imageSize = size
    }

    public var batchesPerEpoch: Int {
        settings.dropLast ? samples.count / settings.batchSize : (samples.count + settings.batchSize - 1) / settings.batchSize
    }

    /// Positions into `samples`, in the order epoch `epoch` visits them.
    public func order(epoch: Int) -> [Int] {
        settings.shuffle ? seed.order(epoch: UInt64(epoch), count: samples.count) : Array(samples.indices)
    }

    /// Batch `number` of `epoch`, built now on the calling thread plus `settings.threads` workers.
    public func batch(epoch: Int, number: Int, order: [Int]? = nil) throws(LoaderError) -> Batch {
        let order = order ?? self.order(epoch: epoch)
        let lo = number * settings.batchSize, hi = min(order.count, lo + settings.batchSize)
        let picked = order[lo..<hi].map { samples[$0] }
        let (h, w) = (imageSize.height, imageSize.width)
        let images = Tensor(shape: [picked.count, h, w, 3])
        let errors = ResultSlots<LoaderError>(count: picked.count)
        let workers = min(settings.threads, picked.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: picked.count, by: workers) {
                do throws(LoaderError) {
                    try self.write(picked[i], epoch: epoch, to: images.data + i * h * w * 3)
                } catch { errors[i] = error }
            }
        }
        for i in picked.indices { if let e = errors[i] { throw e } }
        return Batch(images: images, labels: picked.map(\.label), indices: picked.map(\.index))
    }

    func write(_ s: LoaderSample, epoch: Int, to out: UnsafeMutablePointer<Float>) throws(LoaderError) {
        let prepared: PreparedImage
        do throws(ImageDecodeError) {
            if let cache {
                prepared = try cache.prepared(contentsOf: s.url, contentHash: s.contentHash, preprocessing: preprocessing)
            } else {
                let (im, stored) = try preprocessing.prepare(try ImageDecoder.read(s.url, limits: preprocessing.limits))
                prepared = PreparedImage(image: im, storedSize: stored)
            }
        } catch { throw .image(path: s.url.path, error) }
        var rng = seed.rng(epoch: UInt64(epoch), index: s.index)
        let im = pipeline.transform(prepared.image, rng: &rng)
        guard im.size == imageSize else { throw .sizeMismatch(path: s.url.path, got: im.size, expected: imageSize) }
        pipeline.normalization.write(im, to: out)
    }

    /// Starts producing the batches of `epoch` in the background, from batch number `first`
    /// on (a resumed epoch skips the batches it trained on without decoding them); read them
    /// with `next()`. Batch b is the same whatever `first` is: order and augmentation depend
    /// only on the seed, the epoch and the image.
    public func epoch(_ epoch: Int, from first: Int = 0) -> EpochBatches {
        EpochBatches(loader: self, epoch: epoch, first: first)
    }
}

extension SamplePipeline {
    /// The size every image has after preprocessing and these transforms, when it is fixed.
    public func outputSize(after preprocessing: Preprocessing) -> ImageSize? {
        var size: ImageSize?
        if case .exact(let s) = preprocessing.resize { size = s }
        for t in transforms {
            switch t {
            case .resize(let s), .centerCrop(let s), .randomResizedCrop(let s, _, _), .randomCrop(let s, _): size = ImageSize(s)
            case .horizontalFlip, .verticalFlip, .randomRotation, .colorJitter, .grayscale, .gaussianBlur, .randomGamma,
                 .jpegQuality, .equalize, .normalize: break
            }
        }
        return size
    }
}
