// What a checkpoint's sidecar says beyond the network: how its images are prepared for
// evaluation and how its outputs become a decision, so that the two files alone reproduce
// exactly what the experiment that trained them reported (`evaluate --checkpoint FILE`).
import MonkData
import MonkVocabulary
import MonkReport

/// The evaluation input path of the experiment that trained the checkpoint.
public struct CheckpointInput: Codable, Sendable, Equatable {
    /// Decode and resize (the part the pixel cache stores).
    public var preprocessing: Preprocessing
    /// Eval transforms, then normalisation.
    public var pipeline: SamplePipeline
    /// Images per forward pass in the experiment's evaluations. Kept because a different batch
    /// size may change the order of floating-point sums and so the last bits of a probability.
    public var batchSize: Int

    public init(preprocessing: Preprocessing, pipeline: SamplePipeline, batchSize: Int) {
        self.preprocessing = preprocessing
        self.pipeline = pipeline
        self.batchSize = batchSize
    }

    /// The sidecar is outside input: sizes are bounded and only deterministic steps are
    /// accepted (an evaluation pipeline has no random ones), before any of it reaches the loader.
    func validate() throws(CheckpointError) {
        func size(_ s: ImageSize) -> Bool { (1...8192).contains(s.width) && (1...8192).contains(s.height) }
        switch preprocessing.resize {
        case .none: break
        case .exact(let s): guard size(s) else { throw .invalid("input resize \(s)") }
        case .shorterSide(let n): guard (1...8192).contains(n) else { throw .invalid("input resize to shorter side \(n)") }
        }
        for t in pipeline.transforms {
            switch t {
            case .resize(let s), .centerCrop(let s): guard (1...8192).contains(s) else { throw .invalid("input transform \(t)") }
            case .grayscale, .equalize: break
            case .normalize: if let problem = t.problem { throw .invalid("input transform \(t): \(problem)") }
            default: throw .invalid("input transform \(t) is random; an evaluation pipeline has none")
            }
        }
        let n = pipeline.normalization
        guard n.mean.count == 3, n.std.count == 3, n.mean.allSatisfy(\.isFinite), n.std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalid("input normalisation needs 3 finite means and 3 positive stds, got \(n.mean) and \(n.std)")
        }
        guard (1...4096).contains(batchSize) else { throw .invalid("input batch size \(batchSize)") }
    }
}

/// The decision the experiment's test stage applied with this checkpoint (two classes only):
/// positive when P(positive class) ≥ the threshold, and how its intervals were drawn.
public struct CheckpointDecision: Codable, Sendable, Equatable {
    public var positiveClass: String
    public var threshold: DecisionThreshold
    public var bootstrap: BootstrapSettings

    public init(positiveClass: String, threshold: DecisionThreshold, bootstrap: BootstrapSettings) {
        self.positiveClass = positiveClass
        self.threshold = threshold
        self.bootstrap = bootstrap
    }

    func validate(classes: [String]) throws(CheckpointError) {
        guard classes.count == 2, classes.contains(positiveClass) else {
            throw .invalid("decision for positive class \"\(positiveClass)\" among classes \(classes)")
        }
        guard threshold.value.isFinite, (0...1).contains(threshold.value) else { throw .invalid("decision threshold \(threshold.value)") }
        guard (1...1_000_000).contains(bootstrap.samples), bootstrap.confidence > 0, bootstrap.confidence < 1 else {
            throw .invalid("bootstrap settings \(bootstrap)")
        }
    }
}
