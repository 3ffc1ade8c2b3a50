// SoftmaxCrossEntropy against PyTorch numbers, a hand computation and finite differences.
import Foundation
import Testing
@testable import MonkEngine

@Suite struct SoftmaxCrossEntropyTests {
    // PyTorch 2.x reference (python3):
    //   z = tensor([2*sin(1.3*i+0.5) for i in range(12)]).reshape(4,3).requires_grad_()
    //   t = tensor([0,2,1,2]); w = tensor([0.2,1.0,3.0])
    //   for kw in ({}, {"weight":w}, {"label_smoothing":0.1}, {"weight":w,"label_smoothing":0.1}):
    //       l = CrossEntropyLoss(**kw)(z,t); l.backward(); print(l.item(), z.grad.reshape(-1))
    static let logits = Tensor(shape: [4, 3], values: (0..<12).map { Float(2 * sin(1.3 * Double($0) + 0.5)) })
    static let labels = [0, 2, 1, 2]
    static let weights: [Float] = [0.2, 1.0, 3.0]
    static let cases: [(weights: Bool, smoothing: Float, loss: Float, grad: [Float])] = [
        (false, 0, 1.143484, [-0.1890942, 0.1637224, 0.0253718, 0.0088693, 0.0197752, -0.0286444,
                              0.2195652, -0.2245007, 0.0049354, 0.0118366, 0.1209312, -0.1327678]),
        (true, 0, 0.7225304, [-0.0210105, 0.0181914, 0.0028191, 0.0147821, 0.0329586, -0.0477407,
                              0.1219807, -0.1247226, 0.0027419, 0.0197276, 0.201552, -0.2212796]),
        (false, 0.1, 1.2040714, [-0.1724275, 0.1553891, 0.0170385, 0.0005359, 0.0114418, -0.0119777,
                                 0.2112319, -0.207834, -0.0033979, 0.0035032, 0.1125979, -0.1161011]),
        (true, 0.1, 0.7837547, [-0.0150982, 0.0244766, -0.0093783, 0.0130678, 0.0265712, -0.039639,
                                0.125934, -0.1148967, -0.0110373, 0.0177496, 0.1861729, -0.2039225]),
    ]

    @Test(arguments: 0..<cases.count)
    func softmaxCrossEntropyMatchesPyTorch(index: Int) {
        let c = Self.cases[index]
        let loss = SoftmaxCrossEntropy(classWeights: c.weights ? Self.weights : nil, labelSmoothing: c.smoothing)
        let (value, grad) = loss(Self.logits, Self.labels)
        #expect(abs(value - c.loss) < 2e-6, "loss \(value) vs PyTorch \(c.loss)")
        for i in 0..<12 { #expect(abs(grad[i] - c.grad[i]) < 2e-7, "grad[\(i)] \(grad[i]) vs PyTorch \(c.grad[i])") }
    }

    /// Hand computation: equal logits over K classes give log K; large logits do not overflow.
    @Test func softmaxCrossEntropyByHand() {
        let (l, g) = SoftmaxCrossEntropy()(Tensor(shape: [1, 4], repeating: 0), [1])
        #expect(abs(l - logf(4)) < 1e-6)
        #expect(g.array == [0.25, -0.75, 0.25, 0.25])
        let (big, _) = SoftmaxCrossEntropy()(Tensor(shape: [1, 2], values: [1000, 0]), [1])
        #expect(big == 1000)
    }

    @Test(arguments: [(5, 4, Float(0.2), true), (3, 2, Float(0), false), (1, 7, Float(0.5), true)])
    func softmaxCrossEntropyGradientByFiniteDifferences(n: Int, k: Int, smoothing: Float, weighted: Bool) {
        let z = randomTensor([n, k], seed: 3, -3, 3)
        let labels = (0..<n).map { ($0 * 5 + 1) % k }
        let loss = SoftmaxCrossEntropy(classWeights: weighted ? (0..<k).map { 0.5 + Float($0) * 0.3 } : nil,
                                       labelSmoothing: smoothing)
        let grad = loss(z, labels).gradient
        expectScalarGradient(grad, of: { loss($0, labels).loss }, at: z)
    }
}
