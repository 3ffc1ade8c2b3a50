// SigmoidBinaryCrossEntropy against PyTorch numbers (extreme logits included) and finite differences.
import Testing
@testable import MonkEngine

@Suite struct SigmoidBinaryCrossEntropyTests {
    // PyTorch 2.x reference (python3):
    //   x = tensor([-100.,-3.2,-0.5,0.,1.7,100.]).requires_grad_(); t = tensor([0,1,0.3,1,0,1.])
    //   for kw in ({}, {"pos_weight":tensor(2.5)}):
    //       l = BCEWithLogitsLoss(**kw)(x,t); l.backward(); print(l.item(), x.grad)
    @Test(arguments: [(nil as Float?, Float(1.0708272), [0.0, -0.160139, 0.0129234, -0.0833333, 0.1409225, 0.0] as [Float]),
                      (2.5, 2.1271582, [0.0, -0.4003476, -0.033761, -0.2083333, 0.1409225, 0.0])])
    func sigmoidBinaryCrossEntropyMatchesPyTorch(positiveWeight: Float?, loss: Float, grad: [Float]) {
        let x = Tensor(shape: [6], values: [-100, -3.2, -0.5, 0, 1.7, 100])
        let t = Tensor(shape: [6], values: [0, 1, 0.3, 1, 0, 1])
        let (value, g) = SigmoidBinaryCrossEntropy(positiveWeight: positiveWeight)(x, t)
        #expect(abs(value - loss) < 2e-6)
        for i in 0..<6 { #expect(abs(g[i] - grad[i]) < 2e-7) }
    }

    @Test(arguments: [nil, Float(3)])
    func sigmoidBinaryCrossEntropyGradientByFiniteDifferences(positiveWeight: Float?) {
        let x = randomTensor([4, 3], seed: 8, -4, 4)
        let t = randomTensor([4, 3], seed: 9, 0, 1)
        let loss = SigmoidBinaryCrossEntropy(positiveWeight: positiveWeight)
        expectScalarGradient(loss(x, t).gradient, of: { loss($0, t).loss }, at: x)
    }
}
