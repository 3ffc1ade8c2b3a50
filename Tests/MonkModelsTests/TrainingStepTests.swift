// Two whole training steps of a real network against PyTorch: forward in training mode,
// softmax cross-entropy, backward, SGD with momentum and weight decay, BatchNorm statistics.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels
import MonkVocabulary

/// `Fixtures/reference/training_step.json`, written by `python3 training_step.py >
/// training_step.json` in that folder (torch 2.15, torchvision 0.29): torchvision's resnet18
/// with a 10-class head, filled like `fillLikeReference`, on `referenceImage(batch: 4, size: 64)`.
struct TrainingStepReference: Decodable {
    struct Sample: Decodable {
        var norm: Double
        var indices: [Int]
        var values: [Double]
    }
    var labels: [Int]
    var losses: [Double]
    var logits: [[Double]]
    /// After the first backward.
    var gradients: [String: Sample]
    /// θ₂ − θ₀: how far the two updates moved each tensor.
    var updates: [String: Sample]
    var running_stats: [String: Sample]
    /// Per quantity, how far float32 alone moves it in PyTorch, relative to its largest value.
    var float32_gap: [String: Double]
}

@Suite struct TrainingStepTests {
    /// Our sums run in other orders than PyTorch's, so a quantity may differ from the float64
    /// reference by a few times float32's own gap for it, as recorded in the fixture: 5e-6 for
    /// the first step's logits, ≤ 1e-3 for the gradients, up to 1.2e-2 for the second step's
    /// results (training-mode BatchNorm over 4 images amplifies rounding). A missing term, a
    /// wrong index or a wrong update rule moves values by far more.
    static func tolerance(_ gap: Double?) -> Double { max(1e-4, 5 * (gap ?? 1)) }

    @Test func resnet18TwoSGDStepsMatchPyTorch() throws {
        let ref = try referenceFixture("training_step", as: TrainingStepReference.self)
        var rng = RNG(seed: 3)
        let net = ResNet(.resnet18, numClasses: 10, rng: &rng)
        fillLikeReference(net)
        net.prepareBackward()
        net.zeroGrad()
        let ctx = Context(training: true, rng: RNG(seed: 1))
        let x = referenceImage(batch: 4, size: 64)
        var optimizer = try Optimizer(.sgd(SGDConfig(lr: 0.01, momentum: 0.9, weightDecay: 1e-4)))
        let parameters = Dictionary(uniqueKeysWithValues: net.namedParameters())
        let initial = parameters.mapValues { $0.value.copy() }

        /// A tensor in PyTorch's layout (convolution weights are OHWI here, OIHW there).
        func torchLayout(_ t: Tensor) -> Tensor { t.rank == 4 ? Conv2D.toTorchLayout(t) : t }
        func check(_ t: Tensor, against s: TrainingStepReference.Sample, _ what: String) {
            let flat = torchLayout(t).array
            guard flat.count > s.indices.max() ?? 0 else {
                Issue.record("\(what): \(flat.count) values, PyTorch's has more"); return
            }
            let norm = flat.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let got = [Float(norm)] + s.indices.map { flat[$0] }
            let gap = relativeGap(got, [s.norm] + s.values)
            #expect(gap < Self.tolerance(ref.float32_gap[what]), "\(what): relative gap \(gap); got \(got), PyTorch \([s.norm] + s.values)")
        }

        for step in 0..<2 {
            let logits = net.forward(x, ctx)
            let (loss, dlogits) = SoftmaxCrossEntropy()(logits, ref.labels)
            #expect(relativeGap(logits.array, ref.logits[step]) < Self.tolerance(ref.float32_gap["logits.\(step)"]),
                    "step \(step + 1) logits: \(logits.array) vs \(ref.logits[step])")
            #expect(abs(Double(loss) - ref.losses[step]) < Self.tolerance(ref.float32_gap["losses.\(step)"]) * ref.losses[step],
                    "step \(step + 1) loss \(loss) vs \(ref.losses[step])")
            _ = net.backward(dlogits, ctx)
            if step == 0 {
                for (name, sample) in ref.gradients {
                    let p = try #require(parameters[name], "no parameter \(name)")
                    check(p.grad, against: sample, "gradients.\(name)")
                }
            }
            try optimizer.step(net, zeroingGradients: true)
        }
        for (name, sample) in ref.updates {
            let p = try #require(parameters[name], "no parameter \(name)")
            let start = try #require(initial[name])
            check(Tensor(shape: p.shape, values: zip(p.value.array, start.array).map { $0 - $1 }), against: sample, "updates.\(name)")
        }
        let buffers = Dictionary(uniqueKeysWithValues: net.namedBuffers())
        for (name, sample) in ref.running_stats {
            let b = try #require(buffers[name], "no buffer \(name)")
            check(b.value, against: sample, "running_stats.\(name)")
        }
    }
}
