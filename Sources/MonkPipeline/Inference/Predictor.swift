// A trained model ready to predict: its checkpoint (safetensors + sidecar) loaded into a fresh
// network, with the evaluation preprocessing it was trained with.
import Foundation
import MonkData
import MonkEngine
import MonkModels

/// Class probabilities for images, in eval mode. Used by the test stage, `infer` and
/// `evaluate`, so all three see exactly the same numbers.
public final class Predictor {
    public let info: CheckpointInfo
    public let network: ClassifierNetwork
    public let preprocessing: Preprocessing
    public let pipeline: SamplePipeline
    let threads: Int

    /// Images per forward pass unless a call says otherwise.
    public let batchSize: Int

    /// Loads `weights` (a monkpipe checkpoint). `pipelines` gives the evaluation transforms of
    /// the experiment; without it, the sidecar's recorded evaluation input is used, or for a
    /// checkpoint that records none, images resized to its input size and normalised with its mean/std.
    public init(weights: URL, pipelines: DataPipelines?, threads: Int, batchSize: Int? = nil) throws {
        let (info, dict) = try ModelCheckpoint.load(weights)
        guard let arch = Architecture(word: info.model) else { throw PipelineError.unknownModel(info.model) }
        var rng = RNG(seed: 0)
        let (net, _) = try arch.build(loading: .torch(dict), numClasses: nil, rng: &rng)
        guard net.numClasses == info.classes.count else {
            throw PipelineError.invalid("\(weights.path): the network predicts \(net.numClasses) classes, the sidecar names \(info.classes.count)")
        }
        self.info = info
        self.network = net
        self.threads = threads
        if let pipelines {
            preprocessing = pipelines.preprocessing
            pipeline = pipelines.eval
        } else if let input = info.input {
            preprocessing = input.preprocessing
            pipeline = input.pipeline
        } else {
            preprocessing = Preprocessing(resize: .exact(size: ImageSize(info.inputSize)))
            pipeline = SamplePipeline(transforms: [], normalization: Predictor.normalization(info))
        }
        self.batchSize = batchSize ?? info.input?.batchSize ?? 16
    }

    /// The sidecar's mean/std as a 3-channel normalisation (one value stands for all three).
    static func normalization(_ info: CheckpointInfo) -> Normalization {
        func three(_ v: [Float]) -> [Float] { v.count == 1 ? [v[0], v[0], v[0]] : v }
        return Normalization(mean: three(info.mean), std: three(info.std))
    }

    /// Softmax probabilities per image, in input order, `batchSize` images at a time. A
    /// requested `stop` ends the work after the current batch with `StoppedByUser`: nothing
    /// is returned, so nothing half-done can be written.
    public func probabilities(_ files: [URL], hashes: [String]? = nil, cache: PixelCache? = nil, batchSize: Int? = nil,
                              progress: ProgressBar? = nil, stop: StopSignal? = nil) throws -> [[Double]] {
        let samples = files.enumerated().map { i, url in
            LoaderSample(url: url, contentHash: hashes?[i] ?? "", label: 0, index: i)
        }
        let loader = try BatchLoader(samples: samples, preprocessing: preprocessing, pipeline: pipeline,
                                     seed: AugmentationSeed(seed: 0),
                                     settings: LoaderSettings(batchSize: batchSize ?? self.batchSize, shuffle: false, threads: threads),
                                     cache: hashes == nil ? nil : cache)
        let ctx = Context(training: false, parallel: ComputeThreads.configure(threads), keepsForBackward: false)
        var out: [[Double]] = []
        let batches = loader.epoch(0)
        while let batch = try batches.next() {
            let logits = network.forward(batch.images, ctx)
            out += Predictor.softmax(logits)
            progress?.update(done: out.count)
            stop?.batchFinished()
            if let stop, stop.isRequested, out.count < files.count {
                progress?.finish(done: out.count, suffix: "stopped")
                throw StoppedByUser(detail: "predictions stopped after \(out.count) of \(files.count) images; nothing of this stage was saved")
            }
        }
        return out
    }

    static func softmax(_ logits: Tensor) -> [[Double]] {
        let n = logits.shape[0], k = logits.shape[1]
        return (0..<n).map { i in
            let row = (0..<k).map { Double(logits[i * k + $0]) }
            let m = row.max()!
            let e = row.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }
}
