// Softmax cross-entropy on logits, with PyTorch CrossEntropyLoss's class weights and label smoothing.

import Foundation

/// `torch.nn.CrossEntropyLoss(weight:, label_smoothing:)` with mean reduction, on logits
/// `[N, K]` and class indices.
///
/// With class weights w and smoothing ε the loss is
/// `Σᵢ [(1−ε)·w_{yᵢ}·(−log pᵢ,yᵢ) + (ε/K)·Σ_c w_c·(−log pᵢ,c)] / Σᵢ w_{yᵢ}` —
/// both terms are divided by the weight of the true classes, as PyTorch (≥ 1.10) does.
/// Without weights, w ≡ 1 and the divisor is N.
public struct SoftmaxCrossEntropy: Sendable {
    public let classWeights: [Float]?
    public let labelSmoothing: Float

    public init(classWeights: [Float]? = nil, labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing \(labelSmoothing) is outside [0, 1]")
        if let classWeights { precondition(classWeights.allSatisfy { $0 >= 0 }, "class weights must not be negative") }
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
    }

    /// The mean loss and its gradient with respect to the logits.
    public func callAsFunction(_ logits: Tensor, _ labels: [Int]) -> (loss: Float, gradient: Tensor) {
        precondition(logits.rank == 2, "SoftmaxCrossEntropy needs logits [N, K], got \(logits.shape)")
        let n = logits.shape[0], k = logits.shape[1]
        precondition(labels.count == n, "\(labels.count) labels for \(n) rows of logits")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < k }, "a label is outside 0..<\(k): \(labels)")
        let w: [Double] = classWeights.map { ws in
            precondition(ws.count == k, "\(ws.count) class weights for \(k) classes")
            return ws.map(Double.init)
        } ?? [Double](repeating: 1, count: k)
        let eps = Double(labelSmoothing)
        let sumW = w.reduce(0, +)
        let divisor = labels.reduce(0.0) { $0 + w[$1] }
        precondition(divisor > 0, "the labelled classes all have weight 0")

        let grad = Tensor(shape: logits.shape)
        var total = 0.0
        var logp = [Double](repeating: 0, count: k)
        for i in 0..<n {
            let z = logits.data + i * k, g = grad.data + i * k
            // log-softmax around the row maximum, in Double.
            var zmax = Double(z[0])
            for c in 1..<max(1, k) { zmax = max(zmax, Double(z[c])) }
            var sumExp = 0.0
            for c in 0..<k { sumExp += exp(Double(z[c]) - zmax) }
            let logSum = log(sumExp) + zmax
            for c in 0..<k { logp[c] = Double(z[c]) - logSum }
            let y = labels[i], wy = w[y]
            var smooth = 0.0
            for c in 0..<k { smooth -= w[c] * logp[c] }
            total += (1 - eps) * wy * (-logp[y]) + eps / Double(k) * smooth
            // d/dz_j: (1−ε)·w_y·(p_j − δ_jy) + (ε/K)·(Σw·p_j − w_j), over the divisor.
            for c in 0..<k {
                let p = exp(logp[c])
                var d = (1 - eps) * wy * p + eps / Double(k) * (sumW * p - w[c])
                if c == y { d -= (1 - eps) * wy }
                g[c] = Float(d / divisor)
            }
        }
        return (Float(total / divisor), grad)
    }
}
