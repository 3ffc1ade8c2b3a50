// Binary cross-entropy on logits in the numerically stable form of PyTorch's BCEWithLogitsLoss.

import Foundation

/// `torch.nn.BCEWithLogitsLoss(pos_weight:)` with mean reduction over every element:
/// `ℓ = −[pw·t·log σ(x) + (1−t)·log(1−σ(x))] = pw·t·softplus(−x) + (1−t)·softplus(x)`,
/// with `softplus(z) = max(z, 0) + log1p(e^{−|z|})`, which never overflows.
public struct SigmoidBinaryCrossEntropy: Sendable {
    public let positiveWeight: Float?

    public init(positiveWeight: Float? = nil) {
        if let positiveWeight { precondition(positiveWeight >= 0, "positive weight must not be negative") }
        self.positiveWeight = positiveWeight
    }

    /// The mean loss and its gradient with respect to the logits; `targets` has the logits'
    /// shape and holds probabilities in [0, 1].
    public func callAsFunction(_ logits: Tensor, _ targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape == targets.shape, "BCE: logits \(logits.shape) vs targets \(targets.shape)")
        precondition(logits.count > 0, "BCE on an empty tensor")
        let pw = Double(positiveWeight ?? 1)
        let grad = Tensor(shape: logits.shape)
        let scale = 1 / Double(logits.count)
        var total = 0.0
        for i in 0..<logits.count {
            let x = Double(logits[i]), t = Double(targets[i])
            let tail = log1p(exp(-abs(x)))
            let softplusPos = max(x, 0) + tail      // −log(1 − σ(x))
            let softplusNeg = max(-x, 0) + tail     // −log σ(x)
            total += pw * t * softplusNeg + (1 - t) * softplusPos
            let s = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
            // d/dx: pw·t·(σ − 1) + (1 − t)·σ
            grad[i] = Float((pw * t * (s - 1) + (1 - t) * s) * scale)
        }
        return (Float(total * scale), grad)
    }
}
