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
    /// Builds `model`, loads `weights` (a PyTorch .pth, safetensors or monkpipe checkpoint; the
    /// class count is read from the file's classifier head), and classifies each image.
    public static func classify(model arch: Architecture, weights: URL, labels: [String]?, top k: Int, raw: Bool,
                                images: [URL], preprocessing: ClassifyPreprocessing?,
                                threads: Int = 2) throws -> [ClassifyResult] {
        let dict = try PretrainedWeights.loadStateDict(weights)
        var rng = RNG(seed: 0)
        let probe = arch.build(numClasses: 1000, rng: &rng)
        // The head's output count, from the file: the first dimension of its weight tensor.
        let headWeight = probe.headParameterNames.first { $0.hasSuffix("weight") } ?? probe.headParameterNames[0]
        let classes = dict[headWeight]?.shape.first ?? 1000
        let net = classes == 1000 ? probe : arch.build(numClasses: classes, rng: &rng)
        try loadTorchStateDict(dict, into: net)
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
        for url in images {
            let data = try Data(contentsOf: url)
            let (image, _) = try pre.prepare(data)
            var r = RNG(seed: 0)
            let im = pipeline.transform(image.rgb(), rng: &r)
            let x = Tensor(shape: [1, im.height, im.width, 3])
            pipeline.normalization.write(im, to: x.data)
            let logits = net.forward(x, ctx)
            let probs = Predictor.softmax(logits)[0]
            let order = probs.indices.sorted { probs[$0] > probs[$1] }.prefix(max(1, k))
            results.append(ClassifyResult(
                image: url.path,
                top: order.map { .init(index: $0, label: label($0, labels), probability: probs[$0]) },
                logits: raw ? logits.array : nil))
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
