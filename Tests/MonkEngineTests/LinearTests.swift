// Linear: forward against a naive matrix product, PyTorch-style init bounds, finite differences.
import Testing
@testable import MonkEngine

@Suite struct LinearTests {
    @Test(arguments: [(3, 4, 5, true), (1, 7, 1, true), (4, 3, 2, false), (5, 1, 3, true)])
    func forwardAndGradients(n: Int, inF: Int, outF: Int, bias: Bool) {
        var rng = RNG(seed: 1)
        let fc = Linear(inFeatures: inF, outFeatures: outF, bias: bias, rng: &rng)
        let x = randomTensor([n, inF], seed: 3)
        let y = fc.forward(x, Context(training: true))
        #expect(y.shape == [n, outF])
        for r in 0..<n { for o in 0..<outF {
            var s = bias ? Double(fc.bias!.value[o]) : 0
            for i in 0..<inF { s += Double(x[r * inF + i]) * Double(fc.weight.value[o * inF + i]) }
            #expect(abs(Double(y[r * outF + o]) - s) < 1e-5)
        } }
        checkGradients(fc, input: x, tolerance: 1e-3)
    }

    /// U(±1/√in) for weight and bias, as torch.nn.Linear's reset_parameters; same seed, same weights.
    @Test func initialisationBoundsAndDeterminism() {
        var r1 = RNG(seed: 7), r2 = RNG(seed: 7)
        let a = Linear(inFeatures: 64, outFeatures: 10, rng: &r1)
        let b = Linear(inFeatures: 64, outFeatures: 10, rng: &r2)
        #expect(a.weight.value.array == b.weight.value.array && a.bias!.value.array == b.bias!.value.array)
        let bound: Float = 1 / 8
        #expect(a.weight.value.array.allSatisfy { abs($0) <= bound } && a.bias!.value.array.allSatisfy { abs($0) <= bound })
        // 640 uniform draws on ±1/8 have a spread near the bound: max |w| above 0.9·bound.
        #expect(a.weight.value.array.map(abs).max()! > 0.9 * bound)
        #expect(a.namedParameters().map(\.0) == ["weight", "bias"])
    }

    @Test func frozenWeightAndNoInputGradient() {
        var rng = RNG(seed: 2)
        let fc = Linear(inFeatures: 3, outFeatures: 2, rng: &rng)
        fc.weight.trainable = false
        fc.needsInputGradient = false
        let ctx = Context(training: true)
        _ = fc.forward(Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), ctx)
        let dx = fc.backward(Tensor(shape: [2, 2], values: [1, -1, 0.5, 2]), ctx)
        #expect(dx == nil)
        #expect(fc.weight.grad.array == [0, 0, 0, 0, 0, 0])
        #expect(fc.bias!.grad.array == [1.5, 1])  // column sums of dy
    }
}
