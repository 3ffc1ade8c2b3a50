// ReLU and ReLU6: forward against the definition, gradients by finite differences away from kinks.
import Testing
@testable import MonkEngine

@Suite struct ActivationTests {
    /// Random values moved at least 0.05 away from the kinks at 0 and 6, so that a central
    /// difference with h = 0.01 never straddles one.
    static func awayFromKinks(_ shape: [Int], seed: UInt64) -> Tensor {
        let x = randomTensor(shape, seed: seed, -2, 8)
        for i in 0..<x.count {
            for kink: Float in [0, 6] where abs(x[i] - kink) < 0.05 { x[i] = kink + (x[i] < kink ? -0.05 : 0.05) }
        }
        return x
    }

    @Test func reluForwardAndGradientAtZero() {
        let x = Tensor(shape: [1, 5], values: [-1.5, 0, 0.25, 7, -0])
        let relu = ReLU()
        let ctx = Context(training: true)
        #expect(relu.forward(x, ctx).array == [0, 0, 0.25, 7, 0])
        // PyTorch passes no gradient at exactly 0 (threshold_backward uses x > 0).
        let dx = relu.backward(Tensor(shape: [1, 5], values: [1, 2, 3, 4, 5]), ctx)!
        #expect(dx.array == [0, 0, 3, 4, 0])
    }

    @Test func relu6ForwardAndGradientAtEdges() {
        let x = Tensor(shape: [6], values: [-1, 0, 3, 6, 6.5, 5.99])
        let relu6 = ReLU6()
        let ctx = Context(training: true)
        #expect(relu6.forward(x, ctx).array == [0, 0, 3, 6, 6, 5.99])
        // hardtanh_backward passes the gradient only strictly inside (0, 6).
        let dx = relu6.backward(Tensor(shape: [6], repeating: 1), ctx)!
        #expect(dx.array == [0, 0, 1, 0, 0, 1])
    }

    @Test(arguments: [[2, 3, 5, 7], [1, 1, 1, 3], [9, 4]])
    func gradients(shape: [Int]) {
        checkGradients(ReLU(), input: Self.awayFromKinks(shape, seed: 3), tolerance: 1e-3)
        checkGradients(ReLU6(), input: Self.awayFromKinks(shape, seed: 4), tolerance: 1e-3)
    }

    /// Large tensors take the parallel path; it must equal the definition element by element.
    @Test func parallelForwardMatchesDefinition() {
        let x = randomTensor([2, 64, 64, 16], seed: 7, -3, 9)
        let ctx = Context(training: true, parallel: Parallel(threads: 2))
        let y = ReLU().forward(x, ctx), y6 = ReLU6().forward(x, ctx)
        for i in 0..<x.count {
            #expect(y[i] == (x[i] > 0 ? x[i] : 0))
            #expect(y6[i] == (x[i] > 6 ? 6 : (x[i] > 0 ? x[i] : 0)))
        }
    }

    @Test func noInputGradientReturnsNil() {
        let relu = ReLU()
        relu.needsInputGradient = false
        let ctx = Context(training: true)
        _ = relu.forward(randomTensor([2, 3]), ctx)
        #expect(relu.backward(randomTensor([2, 3]), ctx) == nil)
    }

    /// Backward reads the kept output, so the input may be reused (e.g. freed) after forward.
    @Test func backwardDoesNotReadTheInput() {
        for layer in [ReLU(), ReLU6()] as [Module] {
            let x = Tensor(shape: [4], values: [-1, 2, 7, 0.5])
            let ctx = Context(training: true)
            _ = layer.forward(x, ctx)
            x.fill(3)
            let dx = layer.backward(Tensor(shape: [4], repeating: 1), ctx)!
            #expect(dx.array == (layer is ReLU ? [0, 1, 1, 1] : [0, 1, 0, 1]))
        }
    }
}
