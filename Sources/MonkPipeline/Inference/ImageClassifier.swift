// `monkpipe classify`: any network + any weights file → top-k classes per image, with the
// preprocessing spelt out so results can be compared with another framework.
import Foundation
import MonkData
import MonkEngine
import MonkModels

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
    /// Builds `model`, loads `weights` (a PyTorch .pth, safetensors, monkpipe checkpoint or MXNet
    /// Gluon .params; the class count is read from the file's classifier head), and classifies
    /// the images, `batchSize` at a time in one forward pass each.
    public static func classify(model: String, weights: URL, labels: [String]?, top k: Int, raw: Bool,
                                images: [URL], preprocessing: ClassifyPreprocessing?,
                                threads: Int = 2, batchSize: Int = 16) throws -> [ClassifyResult] {
        guard let arch = Architecture(word: model) else { throw PipelineError.unknownModel(model) }
        var rng = RNG(seed: 0)
        let (net, _) = try arch.build(loading: try WeightsFile.read(weights), numClasses: nil, rng: &rng)
        let size = arch.defaultInputSize
        let prep = preprocessing ?? .resize(size)
        let (pre, steps): (Preprocessing, [MonkData.Transform])
        switch prep {
        case .resize(let s): (pre, steps) = (Preprocessing(resize: .exact(size: ImageSize(s)), scaledDecode: false), [])
        case let .resizeShorterThenCrop(r, c):
            (pre, steps) = (Preprocessing(resize: .shorterSide(side: r), scaledDecode: false), [.centerCrop(size: ImageSize(c))])
        }
        let norm = arch.normalization
        let pipeline = SamplePipeline(transforms: steps, normalization: Normalization(mean: norm.mean.map(Float.init), std: norm.std.map(Float.init)))
        let ctx = Context(training: false, parallel: ComputeThreads.configure(threads))
        var results: [ClassifyResult] = []
        var start = 0
        while start < images.count {
            let chunk = images[start..<min(start + max(1, batchSize), images.count)]
            start = chunk.endIndex
            // Every image of a chunk has the same size after preprocessing: one batch tensor.
            var prepared: [FloatImage] = []
            for url in chunk {
                let (image, _) = try pre.prepare(try Data(contentsOf: url))
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

    static func label(_ i: Int, _ labels: [String]?) -> String {
        guard let labels, labels.indices.contains(i) else { return "class \(i)" }
        return labels[i]
    }

    /// Labels from a text file: one per line, line i = class i.
    public static func readLabels(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .reversed().drop(while: \.isEmpty).reversed()
    }
}
