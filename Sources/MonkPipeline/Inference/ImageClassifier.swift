// `monkpipe classify`: any network + any weights file → top-k classes per image, with the
// preprocessing spelt out so results can be compared with another framework.
import Foundation
import MonkData
import MonkEngine
import MonkModels
import MonkVocabulary

/// One image's result.
public struct ClassifyResult: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var index: Int
        public var label: String
        public var probability: Double
    }
    public var image: String
    public var top: [Entry]
    public var logits: [Float]?
}

/// How `classify` prepares an image.
public enum ClassifyPreprocessing: Sendable, Equatable {
    /// The whole image resized (antialiased bilinear) to size × size, aspect ratio not kept.
    case resize(Int)
    /// torchvision's evaluation recipe: shorter side to `resize`, centre crop `crop` × `crop`.
    case resizeShorterThenCrop(resize: Int, crop: Int)
}

public enum ImageClassifier {
    /// The smallest square input every network accepts: 32 px halves down to 1 × 1 through
    /// all five stride-2 stages (DenseNet's 2 × 2 average pools need at least 2 × 2 before each
    /// halving; every family's forward pass is tested at 32 px in NetworkZooTests).
    public static let minimumInputSize = 32
    /// The largest input accepted: 2048 px is 84 times the pixels of the 224 px the networks
    /// were trained at, and a ResNet-50 forward pass at that size already takes several GB.
    public static let maximumInputSize = 2048

    /// Why these sizes cannot be used, or nil: every side must lie between `minimumInputSize`
    /// and `maximumInputSize`, and the crop must fit in the resized image.
    public static func sizeProblem(_ preprocessing: ClassifyPreprocessing) -> String? {
        let lo = minimumInputSize, hi = maximumInputSize
        func outside(_ n: Int, _ what: String) -> String? {
            (lo...hi).contains(n) ? nil : "\(what) \(n) is outside \(lo)…\(hi) pixels"
        }
        switch preprocessing {
        case .resize(let s): return outside(s, "the input size")
        case let .resizeShorterThenCrop(r, c):
            if let why = outside(r, "--resize-shorter") ?? outside(c, "--crop") { return why }
            return c <= r ? nil : "--crop \(c) is larger than the resized image (--resize-shorter \(r))"
        }
    }

    /// Builds `model`, loads `weights` (a PyTorch .pth, safetensors, monkpipe checkpoint or MXNet
    /// Gluon .params; the class count is read from the file's classifier head), and classifies
    /// the images, `batchSize` at a time in one forward pass each.
    /// A monkpipe checkpoint (a .json sidecar beside the weights) brings its own network, class
    /// names and evaluation preprocessing, so `model` may be nil and `labels` default to its classes.
    public static func classify(model: Architecture?, weights: URL, labels: [String]?, top k: Int, raw: Bool,
                                images: [URL], preprocessing: ClassifyPreprocessing?,
                                threads: Int = 2, batchSize: Int = 16,
                                limits: ImageLimits = ImageLimits()) throws -> [ClassifyResult] {
        if let preprocessing, let why = sizeProblem(preprocessing) { throw PipelineError.invalid(why) }
        let (net, pre, pipeline, names) = try network(model: model, weights: weights, preprocessing: preprocessing,
                                                      threads: threads, limits: limits)
        let labels = labels ?? names
        let ctx = Context(training: false, parallel: ComputeThreads.configure(threads), keepsForBackward: false)
        var results: [ClassifyResult] = []
        var start = 0
        while start < images.count {
            let chunk = images[start..<min(start + max(1, batchSize), images.count)]
            start = chunk.endIndex
            // Every image of a chunk has the same size after preprocessing: one batch tensor.
            var prepared: [FloatImage] = []
            for url in chunk {
                let image: Image
                do throws(ImageDecodeError) {
                    image = try pre.prepare(try ImageDecoder.read(url, limits: limits)).image
                } catch {
                    throw PipelineError.unreadableFile(path: url.path, reason: error.description)
                }
                var r = RNG(seed: 0)
                prepared.append(pipeline.transform(image.rgb(), rng: &r))
            }
            let (h, w) = (prepared[0].height, prepared[0].width)
            if let odd = zip(chunk, prepared).first(where: { $0.1.height != h || $0.1.width != w }) {
                throw PipelineError.invalid("\(odd.0.path) became \(odd.1.width)×\(odd.1.height) after preprocessing, the others \(w)×\(h)")
            }
            let x = Tensor(shape: [prepared.count, h, w, 3])
            for (i, im) in prepared.enumerated() {
                pipeline.normalization.write(im, to: x.data + i * h * w * 3)
            }
            let logits = net.forward(x, ctx)
            let classes = logits.shape[1]
            for (i, url) in chunk.enumerated() {
                let row = Tensor(shape: [1, classes], values: Array(logits.buffer[(i * classes)..<((i + 1) * classes)]))
                let probs = Predictor.softmax(row)[0]
                let order = probs.indices.sorted { probs[$0] > probs[$1] }.prefix(max(1, k))
                results.append(ClassifyResult(
                    image: url.path,
                    top: order.map { .init(index: $0, label: label($0, labels), probability: probs[$0]) },
                    logits: raw ? row.array : nil))
            }
        }
        return results
    }

    /// The network with its weights, how images reach it, and its class names when the file says.
    static func network(model: Architecture?, weights: URL, preprocessing: ClassifyPreprocessing?,
                        threads: Int, limits: ImageLimits) throws -> (any ClassifierNetwork, Preprocessing, SamplePipeline, [String]?) {
        let sidecar = ModelCheckpoint.sidecarURL(for: weights)
        if weights.pathExtension == "safetensors", FileManager.default.fileExists(atPath: sidecar.path) {
            let predictor = try Predictor(weights: weights, pipelines: nil, threads: threads)
            let info = predictor.info
            if let model {
                guard model == Architecture(word: info.model) else {
                    throw PipelineError.invalid("\(weights.path) is a \(info.model) checkpoint (its sidecar says so), not \(model.word)")
                }
            }
            var pre = predictor.preprocessing, pipeline = predictor.pipeline
            if let preprocessing {
                (pre, pipeline.transforms) = steps(preprocessing, limits: limits)
            }
            return (predictor.network, pre, pipeline, info.classes)
        }
        guard let arch = model else {
            throw PipelineError.invalid("--model is needed: \(weights.lastPathComponent) has no monkpipe sidecar (\(sidecar.lastPathComponent)) naming its network")
        }
        var rng = RNG(seed: 0)
        let (net, _) = try arch.build(loading: try WeightsFile.read(weights), numClasses: nil, rng: &rng)
        let (pre, transforms) = steps(preprocessing ?? .resize(arch.defaultInputSize), limits: limits)
        let norm = arch.normalization
        let pipeline = SamplePipeline(transforms: transforms, normalization: Normalization(mean: norm.mean.map(Float.init), std: norm.std.map(Float.init)))
        return (net, pre, pipeline, nil)
    }

    static func steps(_ prep: ClassifyPreprocessing, limits: ImageLimits) -> (Preprocessing, [Transform]) {
        switch prep {
        case .resize(let s): return (Preprocessing(resize: .exact(size: ImageSize(s)), scaledDecode: false, limits: limits), [])
        case let .resizeShorterThenCrop(r, c):
            return (Preprocessing(resize: .shorterSide(side: r), scaledDecode: false, limits: limits), [.centerCrop(size: c)])
        }
    }

    static func label(_ i: Int, _ labels: [String]?) -> String {
        guard let labels, labels.indices.contains(i) else { return "class \(i)" }
        return labels[i]
    }

    /// Labels from a text file: one per line, line i = class i.
    public static func readLabels(_ url: URL) throws -> [String] {
        let data: Data
        do { data = try FileBytes.read(url, maxBytes: 16 << 20) } catch {
            throw PipelineError.unreadableFile(path: url.path, reason: error.description)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.unreadableFile(path: url.path, reason: "not UTF-8 text (one class name per line expected)")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .reversed().drop(while: \.isEmpty).reversed()
    }
}
